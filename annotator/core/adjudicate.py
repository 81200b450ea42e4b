"""Adjudication in pure Python: units, votes, pre-merge into gold, and disagreements.

Annotators' layers of ONE document are compared unit by unit. A unit is what a
curator accepts or rejects as a whole; spans are compared by offsets and label
(ids differ between layers), as the agreement's exact match does:

- ``span``: an entity or value span ``(start, end, label)`` (a span that is the
  trigger of an event in its layer is part of that event's unit instead);
- ``event``: the trigger ``(start, end, event type)``;
- ``argument``: one argument of an event: the trigger, the role and the
  argument span ``(start, end, label)``, so events are merged argument by argument;
- ``relation``: the type and both ends ``(start, end, label)``.

An annotator votes for a unit if their layer has it. Units that compete for
the same place form one :class:`Disagreement` with several :class:`Version`\\ s
(the "nothing here" version included): spans with the same offsets, events with
the same trigger offsets, arguments of the same trigger on the same offsets,
relations between the same offsets. :func:`premerge` builds what gold lacks of
the units that reach a :class:`Strategy`'s threshold; :func:`accept_version`
makes gold at one disagreement equal one annotator's version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from annotator.core.errors import AnnotatorError
from annotator.core.model import Argument, Bundle, Event, Relation, Span
from annotator.core.positions import CodePoint

SpanKey = tuple[int, int, str]
"""A span reduced to what adjudication compares: ``(start, end, label)``."""

Layers = Mapping[str, Bundle]
"""Each annotator's layer of one document, by annotator name (order is kept)."""


class AdjudicationError(AnnotatorError):
    """An adjudication request cannot be carried out (nothing was changed)."""


class UnitKind(StrEnum):
    """What a unit of comparison is."""

    SPAN = "span"
    EVENT = "event"
    ARGUMENT = "argument"
    RELATION = "relation"


_KIND_ORDER = {UnitKind.SPAN: 0, UnitKind.EVENT: 1, UnitKind.ARGUMENT: 2, UnitKind.RELATION: 3}


@dataclass(frozen=True)
class Unit:
    """One unit of comparison.

    Attributes:
        kind: span, event, argument or relation.
        anchor: the span (span), the trigger with the event type as label (event,
            argument), or the first end (relation).
        role: the argument's role, or the relation's type ("" otherwise).
        target: the argument span (argument) or the second end (relation).
    """

    kind: UnitKind
    anchor: SpanKey
    role: str = ""
    target: SpanKey | None = None

    @property
    def start(self) -> int:
        """Where the unit begins: the first character of any of its spans."""
        return min(self.anchor[0], self.target[0]) if self.target else self.anchor[0]

    @property
    def end(self) -> int:
        """Where the unit ends (exclusive): the end of the last of its spans."""
        return max(self.anchor[1], self.target[1]) if self.target else self.anchor[1]

    def slot(self) -> tuple[object, ...]:
        """The place the unit competes for: units with the same slot are versions of it."""
        if self.kind in (UnitKind.SPAN, UnitKind.EVENT):
            return (self.kind, self.anchor[0], self.anchor[1])
        assert self.target is not None
        if self.kind is UnitKind.ARGUMENT:
            return (self.kind, self.anchor, self.target[0], self.target[1])
        return (self.kind, self.anchor[:2], self.target[:2])

    def describe(self, text: str = "") -> str:
        """Words for a report line, e.g. ``argument Attacker [3, 8) ORG of Attack [10, 15)``."""
        head = _key_words(self.anchor, text)
        if self.kind in (UnitKind.SPAN, UnitKind.EVENT):
            return f"{self.kind} {head}"
        assert self.target is not None
        tail = _key_words(self.target, text)
        if self.kind is UnitKind.ARGUMENT:
            return f"argument {self.role} {tail} of {head}"
        return f"relation {self.role} {head} → {tail}"


def _key_words(key: SpanKey, text: str) -> str:
    quoted = f" «{text[key[0] : key[1]]}»" if text else ""
    return f"{key[2]} [{key[0]}, {key[1]}){quoted}"


def sort_key(unit: Unit) -> tuple[object, ...]:
    """Document order: by position, then kind, then the unit's fields."""
    target = unit.target or (0, 0, "")
    return (unit.start, unit.end, _KIND_ORDER[unit.kind], unit.anchor, unit.role, target)


@dataclass(frozen=True)
class Strategy:
    """How many annotators must agree for a unit to go into gold.

    ``unanimous``: all of them; ``majority``: more than half; ``majority:N``:
    at least N.
    """

    name: str = "unanimous"
    votes: int | None = None

    @classmethod
    def parse(cls, text: str) -> Strategy:
        """``unanimous``, ``majority`` or ``majority:N``; raise :class:`AdjudicationError`."""
        name, _, count = text.strip().partition(":")
        if name == "unanimous" and not count:
            return cls("unanimous")
        if name == "majority" and not count:
            return cls("majority")
        if name == "majority" and count.isdigit() and int(count) >= 1:
            return cls("majority", int(count))
        raise AdjudicationError(
            f"Unknown strategy {text!r}; use unanimous, majority or majority:N (N at least 1)."
        )

    def threshold(self, annotators: int) -> int:
        """The number of votes a unit needs among ``annotators`` annotators."""
        if self.name == "unanimous":
            return annotators
        if self.votes is not None:
            return self.votes
        return annotators // 2 + 1

    def __str__(self) -> str:
        return f"majority:{self.votes}" if self.votes is not None else self.name


@dataclass(frozen=True)
class Version:
    """One way the annotators annotated a place: ``units`` (empty: nothing there) and who."""

    units: tuple[Unit, ...]
    annotators: tuple[str, ...]


@dataclass(frozen=True)
class Disagreement:
    """A place where the annotators' layers differ, with every version found there.

    Attributes:
        kind: the kind of the units compared.
        start: the first character of any version's spans.
        end: the end (exclusive) of the last of them.
        versions: who has which units there; the "nothing here" version (no
            units) comes last if some annotator has nothing there.
    """

    kind: UnitKind
    start: int
    end: int
    versions: tuple[Version, ...]

    def units_of(self, annotator: str) -> tuple[Unit, ...]:
        """The units ``annotator`` has here (empty: none)."""
        return tuple(u for v in self.versions if annotator in v.annotators for u in v.units)

    def units(self) -> tuple[Unit, ...]:
        """Every unit that some annotator has here."""
        return tuple(u for v in self.versions for u in v.units)

    def in_gold(self, gold: Iterable[Unit]) -> tuple[Unit, ...]:
        """The units of this place that ``gold`` (from :func:`layer_units`) already has."""
        have = set(gold)
        return tuple(u for u in self.units() if u in have)

    def describe(self, text: str = "") -> str:
        """One line: each version and its annotators."""
        parts = []
        for v in self.versions:
            what = "; ".join(u.describe(text) for u in v.units) or "nothing"
            parts.append(f"{', '.join(v.annotators)}: {what}")
        return " | ".join(parts)


@dataclass(frozen=True)
class Premerge:
    """What a pre-merge adds to gold on one document, and what is left to decide.

    ``remove`` and ``add`` form the gold edit: ``add`` uses placeholder span
    ids (negative) and new events/relations have id 0; a gold event that gains
    arguments is in ``remove`` and, with the same id, in ``add``.
    """

    remove: Bundle
    add: Bundle
    added: tuple[Unit, ...]
    left: tuple[Disagreement, ...]

    def counts(self) -> dict[UnitKind, int]:
        """How many units of each kind the pre-merge adds."""
        out = dict.fromkeys(UnitKind, 0)
        for unit in self.added:
            out[unit.kind] += 1
        return out

    def is_empty(self) -> bool:
        """True if gold lacks nothing the strategy chose."""
        return not self.added


# -- units of one layer ----------------------------------------------------------------
def span_key(span: Span) -> SpanKey:
    """``(start, end, label)`` of a span."""
    return (int(span.start), int(span.end), span.label)


def layer_units(bundle: Bundle) -> frozenset[Unit]:
    """Every unit of one layer (events, arguments and relations to spans it lacks are skipped)."""
    spans = {s.id: s for s in bundle.spans}
    triggers = {e.trigger_id for e in bundle.events}
    units = {Unit(UnitKind.SPAN, span_key(s)) for s in bundle.spans if s.id not in triggers}
    for event in bundle.events:
        trigger = spans.get(event.trigger_id)
        if trigger is None:
            continue
        head = (int(trigger.start), int(trigger.end), event.type)
        units.add(Unit(UnitKind.EVENT, head))
        for arg in event.arguments:
            if arg.span_id in spans:
                units.add(Unit(UnitKind.ARGUMENT, head, arg.role, span_key(spans[arg.span_id])))
    for rel in bundle.relations:
        one, two = spans.get(rel.arg1_id), spans.get(rel.arg2_id)
        if one is not None and two is not None:
            units.add(Unit(UnitKind.RELATION, span_key(one), rel.type, span_key(two)))
    return frozenset(units)


def votes(layers: Layers) -> dict[Unit, tuple[str, ...]]:
    """Each unit any annotator has, with the annotators who have it (in layer order)."""
    out: dict[Unit, list[str]] = {}
    for name, bundle in layers.items():
        for unit in layer_units(bundle):
            out.setdefault(unit, []).append(name)
    return {u: tuple(names) for u, names in out.items()}


def disagreements(layers: Layers) -> list[Disagreement]:
    """Every place where the layers are not unanimous, in document order."""
    return _group(votes(layers), tuple(layers))


def _group(voted: Mapping[Unit, tuple[str, ...]], names: Sequence[str]) -> list[Disagreement]:
    slots: dict[tuple[object, ...], list[Unit]] = {}
    for unit in voted:
        slots.setdefault(unit.slot(), []).append(unit)
    found = []
    for units in slots.values():
        if len(units) == 1 and len(voted[units[0]]) == len(names):
            continue
        found.append(_disagreement(sorted(units, key=sort_key), voted, names))
    return sorted(found, key=lambda d: (d.start, d.end, _KIND_ORDER[d.kind], d.describe()))


def _disagreement(
    units: list[Unit], voted: Mapping[Unit, tuple[str, ...]], names: Sequence[str]
) -> Disagreement:
    by_who: dict[str, list[Unit]] = {}
    for unit in units:
        for name in voted[unit]:
            by_who.setdefault(name, []).append(unit)
    grouped: dict[tuple[Unit, ...], list[str]] = {}
    for name in names:
        grouped.setdefault(tuple(by_who.get(name, ())), []).append(name)
    versions = sorted(
        (Version(k, tuple(v)) for k, v in grouped.items()),
        key=lambda v: (not v.units, names.index(v.annotators[0])),
    )
    return Disagreement(
        units[0].kind,
        min(u.start for u in units),
        max(u.end for u in units),
        tuple(versions),
    )


# -- pre-merge ---------------------------------------------------------------------------
def premerge(
    layers: Layers,
    strategy: Strategy,
    gold: Bundle | None = None,
    *,
    doc_id: int = 0,
    gold_name: str = "gold",
) -> Premerge:
    """The gold edit that adds every unit reaching ``strategy``'s threshold that gold lacks.

    Arguments go to the event of their (agreed) trigger, arguments and relations
    only if their spans are in gold. ``left`` lists the disagreements the
    strategy does not settle: no version (or more than one) reaches the
    threshold, or the winning units could not be placed.
    """
    if not layers:
        raise AdjudicationError("Pre-merge needs at least one annotator's layer.")
    voted = votes(layers)
    need = strategy.threshold(len(layers))
    chosen = sorted(
        (u for u, who in voted.items() if len(who) >= need),
        key=lambda u: (_KIND_ORDER[u.kind], sort_key(u)),
    )
    builder = _GoldBuilder(gold or Bundle(), doc_id, gold_name, layers)
    for unit in chosen:
        builder.place(unit, _voters_first(voted[unit], layers))
    left = [
        d
        for d in _group(voted, tuple(layers))
        if not _settled(d, need, builder.placed | builder.present)
    ]
    remove, add = builder.edit()
    return Premerge(remove, add, tuple(builder.added), tuple(left))


def _voters_first(voters: tuple[str, ...], layers: Layers) -> Bundle:
    return layers[voters[0]]


def _settled(d: Disagreement, need: int, in_gold: set[Unit]) -> bool:
    winners = [v for v in d.versions if len(v.annotators) >= need]
    return len(winners) == 1 and all(u in in_gold for u in winners[0].units)


def accept_version(
    disagreement: Disagreement,
    annotator: str,
    layer: Bundle,
    gold: Bundle,
    *,
    doc_id: int,
    gold_name: str = "gold",
) -> tuple[Bundle, Bundle]:
    """The gold edit ``(remove, add)`` that makes gold at ``disagreement`` equal ``annotator``'s.

    ``layer`` is the annotator's layer. Gold's units of this place that are
    other versions are removed (the write service adds the cascade); the
    annotator's units gold lacks are added, with the spans they need (an
    argument brings its span, and its event's trigger if gold has none).
    """
    mine = set(disagreement.units_of(annotator))
    others = [u for u in disagreement.units() if u not in mine]
    builder = _GoldBuilder(gold, doc_id, gold_name, {annotator: layer})
    for unit in others:
        builder.drop(unit)
    for unit in sorted(mine, key=lambda u: (_KIND_ORDER[u.kind], sort_key(u))):
        builder.place(unit, layer, force=True)
    return builder.edit()


@dataclass
class _GoldBuilder:
    """Collects additions to (and removals from) one document's gold layer."""

    gold: Bundle
    doc_id: int
    name: str
    layers: Layers
    added: list[Unit] = field(default_factory=list)
    placed: set[Unit] = field(default_factory=set)
    present: set[Unit] = field(default_factory=set)
    _spans: dict[SpanKey, int] = field(default_factory=dict)
    _new_spans: list[Span] = field(default_factory=list)
    _events: dict[SpanKey, Event] = field(default_factory=dict)
    _changed: set[SpanKey] = field(default_factory=set)
    _new_relations: list[Relation] = field(default_factory=list)
    _remove_spans: list[Span] = field(default_factory=list)
    _remove_relations: list[Relation] = field(default_factory=list)

    def __post_init__(self) -> None:
        by_id = {s.id: s for s in self.gold.spans}
        self._spans = {span_key(s): s.id for s in self.gold.spans}
        for event in self.gold.events:
            trigger = by_id.get(event.trigger_id)
            if trigger is not None:
                self._events[(int(trigger.start), int(trigger.end), event.type)] = event
        self.present = set(layer_units(self.gold))

    # -- adding ------------------------------------------------------------------------
    def place(self, unit: Unit, source: Bundle, force: bool = False) -> None:
        """Add ``unit`` (copied from ``source``) unless gold has it or cannot take it."""
        if unit in self.present or unit in self.placed:
            return
        if unit.kind is UnitKind.SPAN:
            self._span(unit.anchor, source)
        elif unit.kind is UnitKind.EVENT:
            self._event(unit.anchor, source)
        elif unit.kind is UnitKind.ARGUMENT:
            if not self._argument(unit, source, force):
                return
        elif not self._relation(unit, source, force):
            return
        self.placed.add(unit)
        self.added.append(unit)

    def _span(self, key: SpanKey, source: Bundle) -> int:
        if key in self._spans:
            return self._spans[key]
        found = next((s for s in source.spans if span_key(s) == key), None)
        attributes = dict(found.attributes) if found is not None else {}
        span_id = -(len(self._new_spans) + 1)
        start, end, label = key
        span = Span(span_id, self.doc_id, self.name, CodePoint(start), CodePoint(end), label)
        self._new_spans.append(replace(span, attributes=attributes))
        self._spans[key] = span_id
        return span_id

    def _event(self, head: SpanKey, source: Bundle) -> Event:
        if head in self._events:
            return self._events[head]
        trigger = self._span(head, source)
        event = Event(0, self.doc_id, self.name, head[2], trigger)
        self._events[head] = event
        self._changed.add(head)
        return event

    def _argument(self, unit: Unit, source: Bundle, force: bool) -> bool:
        assert unit.target is not None
        if not force and (unit.anchor not in self._events or unit.target not in self._spans):
            return False
        event = self._event(unit.anchor, source)
        span_id = self._span(unit.target, source)
        args = (*event.arguments, Argument(unit.role, span_id))
        self._events[unit.anchor] = replace(event, arguments=args)
        self._changed.add(unit.anchor)
        return True

    def _relation(self, unit: Unit, source: Bundle, force: bool) -> bool:
        assert unit.target is not None
        if not force and (unit.anchor not in self._spans or unit.target not in self._spans):
            return False
        one, two = self._span(unit.anchor, source), self._span(unit.target, source)
        self._new_relations.append(Relation(0, self.doc_id, self.name, unit.role, one, two))
        return True

    # -- removing ----------------------------------------------------------------------
    def drop(self, unit: Unit) -> None:
        """Remove gold's copy of ``unit``, if gold has it."""
        if unit not in self.present:
            return
        self.present.discard(unit)
        by_id = {s.id: s for s in self.gold.spans}
        if unit.kind in (UnitKind.SPAN, UnitKind.EVENT):
            span_id = self._spans.pop(unit.anchor)
            self._remove_spans.append(by_id[span_id])
            self._events.pop(unit.anchor, None)
        elif unit.kind is UnitKind.ARGUMENT:
            assert unit.target is not None
            event = self._events[unit.anchor]
            gone = self._spans[unit.target]
            args = tuple(
                a for a in event.arguments if not (a.role == unit.role and a.span_id == gone)
            )
            self._events[unit.anchor] = replace(event, arguments=args)
            self._changed.add(unit.anchor)
        else:
            self._remove_relations.extend(
                r
                for r in self.gold.relations
                if r.type == unit.role
                and span_key(by_id[r.arg1_id]) == unit.anchor
                and span_key(by_id[r.arg2_id]) == unit.target
            )

    # -- the edit ----------------------------------------------------------------------
    def edit(self) -> tuple[Bundle, Bundle]:
        """``(remove, add)`` for the gold layer of this document."""
        stored = {e.id: e for e in self.gold.events}
        changed = [self._events[h] for h in sorted(self._changed) if h in self._events]
        updated = [e for e in changed if e.id in stored and stored[e.id] != e]
        new = [e for e in changed if e.id not in stored]
        remove = Bundle(
            tuple(self._remove_spans),
            tuple(stored[e.id] for e in updated),
            tuple(self._remove_relations),
        )
        add = Bundle(tuple(self._new_spans), tuple(updated + new), tuple(self._new_relations))
        return remove, add
