"""Building the gold edit of one document: what to add to (and remove from) gold.

Used by :func:`annotator.core.adjudicate.premerge` and
:func:`annotator.core.adjudicate.accept_version`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from annotator.core.adjudicate_units import Layers, SpanKey, Unit, UnitKind, layer_units, span_key
from annotator.core.model import Argument, Bundle, Event, Relation, Span
from annotator.core.positions import CodePoint


@dataclass
class GoldBuilder:
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
    _sources: dict[int, tuple[dict[SpanKey, Span], dict[SpanKey, Event]]] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        by_id = {s.id: s for s in self.gold.spans}
        self._spans = {span_key(s): s.id for s in self.gold.spans}
        for event in self.gold.events:
            trigger = by_id.get(event.trigger_id)
            if trigger is not None:
                self._events[(trigger.start, trigger.end, event.type)] = event
        self.present = set(layer_units(self.gold))

    def _source(self, source: Bundle) -> tuple[dict[SpanKey, Span], dict[SpanKey, Event]]:
        """A source layer's spans by key and events by trigger key (built once per layer)."""
        if id(source) not in self._sources:
            by_id = {s.id: s for s in source.spans}
            events: dict[SpanKey, Event] = {}
            for event in source.events:
                trigger = by_id.get(event.trigger_id)
                if trigger is not None:
                    events[(trigger.start, trigger.end, event.type)] = event
            spans = {span_key(s): s for s in reversed(source.spans)}
            self._sources[id(source)] = (spans, events)
        return self._sources[id(source)]

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
        found = self._source(source)[0].get(key)
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
        found = self._source(source)[1].get(head)
        if found is not None and found.attributes:
            event = replace(event, attributes=dict(found.attributes))
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
