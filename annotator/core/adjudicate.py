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
(the "nothing here" version included): spans that overlap, unless one
annotator nested them (so a boundary disagreement is one place), events with
the same trigger offsets, arguments of the same trigger whose spans overlap
(the same rule), relations between the same offsets. :func:`premerge` builds what gold lacks of
the units that reach a :class:`Strategy`'s threshold; :func:`accept_version`
makes gold at one disagreement equal one annotator's version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from annotator.core.adjudicate_gold import GoldBuilder
from annotator.core.adjudicate_units import (
    KIND_ORDER,
    Layers,
    SpanKey,
    Unit,
    UnitKind,
    layer_units,
    sort_key,
    span_key,
    votes,
)
from annotator.core.errors import AnnotatorError
from annotator.core.model import Bundle

__all__ = [
    "AdjudicationError",
    "Disagreement",
    "Layers",
    "Premerge",
    "SpanKey",
    "Strategy",
    "Unit",
    "UnitKind",
    "Version",
    "accept_version",
    "disagreements",
    "layer_units",
    "premerge",
    "sort_key",
    "span_key",
    "votes",
]


class AdjudicationError(AnnotatorError):
    """An adjudication request cannot be carried out (nothing was changed)."""


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


def disagreements(layers: Layers) -> list[Disagreement]:
    """Every place where the layers are not unanimous, in document order."""
    return _group(votes(layers), tuple(layers))


def _group(
    voted: Mapping[Unit, tuple[str, ...]], names: Sequence[str], keep: frozenset[Unit] = frozenset()
) -> list[Disagreement]:
    """Units grouped by slot; a unanimous slot is left out unless a unit of it is in ``keep``."""
    slots: dict[tuple[object, ...], list[Unit]] = {}
    for unit in voted:
        slots.setdefault(unit.slot(), []).append(unit)
    places = [
        units
        for units in slots.values()
        if len(units) > 1 or len(voted[units[0]]) < len(names) or units[0] in keep
    ]
    found = [
        _disagreement(sorted(units, key=sort_key), voted, names)
        for units in _boundary_places_together(places, voted)
    ]
    return sorted(found, key=lambda d: (d.start, d.end, KIND_ORDER[d.kind], sort_key(d.units()[0])))


def _boundary_places_together(
    places: list[list[Unit]], voted: Mapping[Unit, tuple[str, ...]]
) -> list[list[Unit]]:
    """Overlapping places merged into one where they are a boundary disagreement.

    Annotators who put one entity's boundary in different places («بمحافظة»
    against «محافظة», a proclitic in or out) disagree about one place, not two:
    the curator sees both versions together, and accepting one replaces the
    other. The same holds for the arguments of one event: «وزارة الدفاع»
    against «وزارة الدفاع الروسية» as the Attacker of one trigger is one place
    (the argument spans overlap). Places stay apart when one annotator has
    overlapping units in both, because that annotator nested one span in
    another (two questions, not one). Only places that are not unanimous come
    here, so an agreed unit never pulls its neighbours in. Events and
    relations keep their exact places.
    """
    out = [u for u in places if u[0].kind not in (UnitKind.SPAN, UnitKind.ARGUMENT)]
    groups: dict[tuple[object, ...], list[list[Unit]]] = {}
    for units in places:
        if units[0].kind is UnitKind.SPAN:
            groups.setdefault((UnitKind.SPAN,), []).append(units)
        elif units[0].kind is UnitKind.ARGUMENT:  # the arguments of one trigger
            groups.setdefault((UnitKind.ARGUMENT, units[0].anchor), []).append(units)
    for group in groups.values():
        out += _merge_overlapping(group, voted)
    return out


def _extent(unit: Unit) -> tuple[int, int]:
    """What a unit covers for boundary merging: the span, or the argument's span."""
    key = unit.target if unit.kind is UnitKind.ARGUMENT and unit.target else unit.anchor
    return key[0], key[1]


def _merge_overlapping(
    places: list[list[Unit]], voted: Mapping[Unit, tuple[str, ...]]
) -> list[list[Unit]]:
    """Places of one kind (and one trigger) whose extents overlap, merged unless nested."""
    out: list[list[Unit]] = []
    end = -1
    held: dict[str, list[tuple[int, int]]] = {}  # each annotator's extents in the last place
    for units in sorted(places, key=lambda u: _extent(u[0])):
        lo, hi = _extent(units[0])
        who = {name for unit in units for name in voted[unit]}
        nested = any(a < hi and lo < b for name in who for a, b in held.get(name, ()))
        if lo < end and not nested:
            out[-1] += units
            end = max(end, hi)
        else:
            out.append(list(units))
            end, held = hi, {}
        for name in who:
            held.setdefault(name, []).append((lo, hi))
    return out


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
        key=lambda u: (KIND_ORDER[u.kind], sort_key(u)),
    )
    builder = GoldBuilder(gold or Bundle(), doc_id, gold_name, layers)
    for unit in chosen:
        builder.place(unit, _voters_first(voted[unit], layers))
    in_gold = builder.placed | builder.present
    unplaced = frozenset(chosen) - in_gold  # agreed, but their spans are not in gold
    left = [d for d in _group(voted, tuple(layers), unplaced) if not _settled(d, need, in_gold)]
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
    builder = GoldBuilder(gold, doc_id, gold_name, {annotator: layer})
    for unit in others:
        builder.drop(unit)
    for unit in sorted(mine, key=lambda u: (KIND_ORDER[u.kind], sort_key(u))):
        builder.place(unit, layer, force=True)
    return builder.edit()
