"""Units of comparison for adjudication: what one annotator's layer is reduced to.

See :mod:`annotator.core.adjudicate` for the units and how they are merged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from annotator.core.model import Bundle, Span

SpanKey = tuple[int, int, str]
"""A span reduced to what adjudication compares: ``(start, end, label)``."""

Layers = Mapping[str, Bundle]
"""Each annotator's layer of one document, by annotator name (order is kept)."""


class UnitKind(StrEnum):
    """What a unit of comparison is."""

    SPAN = "span"
    EVENT = "event"
    ARGUMENT = "argument"
    RELATION = "relation"


KIND_ORDER = {UnitKind.SPAN: 0, UnitKind.EVENT: 1, UnitKind.ARGUMENT: 2, UnitKind.RELATION: 3}


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
    return (unit.start, unit.end, KIND_ORDER[unit.kind], unit.anchor, unit.role, target)


def span_key(span: Span) -> SpanKey:
    """``(start, end, label)`` of a span."""
    return (span.start, span.end, span.label)


def layer_units(bundle: Bundle) -> frozenset[Unit]:
    """Every unit of one layer (events, arguments and relations to spans it lacks are skipped)."""
    spans = {s.id: s for s in bundle.spans}
    triggers = {e.trigger_id for e in bundle.events}
    units = {Unit(UnitKind.SPAN, span_key(s)) for s in bundle.spans if s.id not in triggers}
    for event in bundle.events:
        trigger = spans.get(event.trigger_id)
        if trigger is None:
            continue
        head = (trigger.start, trigger.end, event.type)
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
