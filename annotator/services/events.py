"""Event and relation use cases: triggers, role arguments, relations, role checks.

A trigger is a span whose label is the event type's name; the event row refers
to it. Every method returns the :class:`Edit` it applied (with real ids), so an
undo stack can replay ``edit.inverse()`` and ``edit``. Role and relation checks
follow the schema's ``role_check``: "lenient" applies the edit and returns a
warning, "strict" refuses it with :class:`EventError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from annotator.core.errors import EventError
from annotator.core.model import Argument, Bundle, Edit, Event, Relation, Span
from annotator.core.positions import CodePoint
from annotator.core.schema import EventType, Schema

if TYPE_CHECKING:
    from annotator.services.annotations import AnnotationService
    from annotator.services.write import Reads

# Placeholder id for a span created in the same edit as the event that uses it.
NEW_SPAN = -1


__all__ = ["NEW_SPAN", "EventError", "EventService", "Outcome"]


@dataclass(frozen=True)
class Outcome:
    """An applied edit and the role-check warning it raised ("" if none)."""

    edit: Edit
    warning: str = ""


def _event_on(span: Span, etype: str, reads: Reads, schema: Schema) -> Edit:
    """The edit that makes ``span`` trigger an ``etype`` event: its event is retyped if it
    has one (read inside the write transaction), else one is added and the span relabelled."""
    existing = reads.events_on(span.id)
    if existing:
        return _retype(existing[0], span, etype, schema)
    event = Event(0, span.doc_id, span.annotator, etype, span.id)
    return Edit(
        span.doc_id,
        span.annotator,
        remove=Bundle((span,)),
        add=Bundle((replace(span, label=etype),), (event,)),
        description=f"Event {etype}",
    )


def _retype(event: Event, trigger: Span, etype: str, schema: Schema) -> Edit:
    """The edit that gives ``event`` the type ``etype`` by relabelling its ``trigger``.

    The cascade (write service) retypes the event and drops the roles ``etype`` lacks.
    """
    new_type = schema.event_type(etype)
    kept = [a for a in event.arguments if new_type is not None and new_type.role(a.role)]
    dropped = len(event.arguments) - len(kept)
    note = f" (drops {dropped} argument{'s' if dropped != 1 else ''})" if dropped else ""
    return Edit(
        event.doc_id,
        event.annotator,
        remove=Bundle((trigger,)),
        add=Bundle((replace(trigger, label=etype),)),
        description=f"Event type {event.type} → {etype}{note}",
    )


def _fmt(names: tuple[str, ...]) -> str:
    return ", ".join(names) if names else "any type"


class EventService:
    """Creates and edits events and relations in one annotator's layer.

    The service has no signals of its own: every edit goes through
    :meth:`AnnotationService.apply`, whose ``changed`` signal announces it.
    """

    def __init__(self, annotations: AnnotationService, schema: Callable[[], Schema]) -> None:
        self._ann = annotations
        self._schema = schema

    # -- reading -------------------------------------------------------------
    def event(self, doc_id: int, annotator: str, event_id: int) -> Event | None:
        """The current state of one event, or None if it is gone."""
        return next((e for e in self._ann.events(doc_id, annotator) if e.id == event_id), None)

    def event_for_trigger(self, span: Span) -> Event | None:
        """The event that ``span`` triggers, if any."""
        events = self._ann.events(span.doc_id, span.annotator)
        return next((e for e in events if e.trigger_id == span.id), None)

    def relations_of(self, span: Span) -> list[Relation]:
        """Relations whose first or second end is ``span``."""
        rels = self._ann.relations(span.doc_id, span.annotator)
        return [r for r in rels if span.id in (r.arg1_id, r.arg2_id)]

    def cascade_summary(self, span_ids: list[int]) -> str:
        """What deleting these spans would also remove, in words ("" if nothing)."""
        doomed = set(span_ids)
        events: dict[int, Event] = {}
        relations: set[int] = set()
        for sid in span_ids:
            evs, rels = self._ann.dependents(sid)
            events.update((e.id, e) for e in evs)
            relations.update(r.id for r in rels)
        n_events = sum(1 for e in events.values() if e.trigger_id in doomed)
        n_args = sum(
            sum(1 for a in e.arguments if a.span_id in doomed)
            for e in events.values()
            if e.trigger_id not in doomed
        )
        parts = [
            f"{n} {word}{'' if n == 1 else 's'}"
            for n, word in (
                (n_events, "event"),
                (n_args, "event argument"),
                (len(relations), "relation"),
            )
            if n
        ]
        return ", ".join(parts)

    # -- checks --------------------------------------------------------------
    def check_role(self, event_type: str, role: str, label: str) -> str:
        """A warning if ``label`` is not allowed in ``role`` ("" if it is).

        Raises:
            EventError: the event type or the role is not in the schema.
        """
        etype = self._schema().event_type(event_type)
        if etype is None:
            raise EventError(f"{event_type} is not an event type of the project's schema.")
        slot = etype.role(role)
        if slot is None:
            raise EventError(f"{event_type} has no role {role!r}.")
        if slot.allowed and label not in slot.allowed:
            return f"{role} of {event_type} allows {_fmt(slot.allowed)}, not {label}."
        return ""

    def check_relation(self, rel_type: str, label1: str, label2: str) -> str:
        """A warning if the two labels are not allowed at the ends of ``rel_type``."""
        rtype = self._schema().relation_type(rel_type)
        if rtype is None:
            raise EventError(f"{rel_type} is not a relation type of the project's schema.")
        problems = []
        if rtype.arg1 and label1 not in rtype.arg1:
            problems.append(f"its first end allows {_fmt(rtype.arg1)}, not {label1}")
        if rtype.arg2 and label2 not in rtype.arg2:
            problems.append(f"its second end allows {_fmt(rtype.arg2)}, not {label2}")
        return f"{rel_type}: {'; '.join(problems)}." if problems else ""

    def _enforce(self, warning: str) -> str:
        if warning and self._schema().role_check == "strict":
            raise EventError(f"Refused (strict role checks): {warning}")
        return warning

    # -- events --------------------------------------------------------------
    def create_event(
        self, doc_id: int, annotator: str, start: CodePoint, end: CodePoint, etype: str
    ) -> Edit:
        """Create a trigger span ``[start, end)`` and its event, as one edit.

        If a trigger span already covers exactly these offsets, its event
        changes type instead. That is decided inside the write transaction, so a
        trigger another window made meanwhile is found, not duplicated.
        """
        self._require_type(etype)
        self._ann.check_span(doc_id, start, end, etype)

        def plan(reads: Reads, schema: Schema) -> Edit:
            same = [
                s
                for s in reads.spans_at(doc_id, annotator, start, end)
                if schema.event_type(s.label)
            ]
            if same:  # a trigger span is there: it gets (or keeps) the event
                with_event = [s for s in same if reads.events_on(s.id)]
                return _event_on((with_event or same)[0], etype, reads, schema)
            trigger = Span(NEW_SPAN, doc_id, annotator, start, end, etype)
            event = Event(0, doc_id, annotator, etype, NEW_SPAN)
            add = Bundle(spans=(trigger,), events=(event,))
            return Edit(doc_id, annotator, add=add, description=f"Event {etype}")

        return self._ann.apply_planned(plan)

    def create_event_on_span(self, span_id: int, etype: str) -> Edit:
        """Make an existing span the trigger of a new ``etype`` event (relabelling it).

        If the span triggers an event already (another window may have made it
        meanwhile: this is decided inside the write transaction), that event
        changes type instead.
        """
        self._require_type(etype)

        def plan(reads: Reads, schema: Schema) -> Edit:
            span = reads.spans([span_id]).get(span_id)
            if span is None:
                raise EventError(f"Span {span_id} no longer exists.")
            return _event_on(span, etype, reads, schema)

        return self._ann.apply_planned(plan)

    def change_type(self, event: Event, etype: str) -> Edit:
        """Give an event (and its trigger span) a new type.

        Arguments whose role the new type lacks are dropped; undo restores them.
        """
        self._require_type(etype)
        event = self._fresh(event)
        return self._ann.apply(_retype(event, self._span(event.trigger_id), etype, self._schema()))

    def delete_event(self, event: Event) -> Edit:
        """Delete an event with its trigger span (other spans stay)."""
        return self._ann.delete_spans([self._fresh(event).trigger_id])

    # -- arguments -----------------------------------------------------------
    def add_argument(self, event: Event, role: str, span_id: int) -> Outcome:
        """Fill ``role`` of ``event`` with an existing span."""
        event = self._fresh(event)
        span = self._span(span_id)
        if (span.doc_id, span.annotator) != (event.doc_id, event.annotator):
            raise EventError("An argument must be in the same document and layer as its event.")
        if span.id == event.trigger_id:
            raise EventError("An event's trigger cannot also be one of its arguments.")
        warning = self._enforce(self.check_role(event.type, role, span.label))
        new = replace(event, arguments=(*event.arguments, Argument(role, span.id)))
        edit = Edit(
            event.doc_id,
            event.annotator,
            remove=Bundle(events=(event,)),
            add=Bundle(events=(new,)),
            description=f"{event.type}: {role}",
        )
        return Outcome(self._ann.apply(edit), warning)

    def add_argument_new_span(
        self, event: Event, role: str, start: CodePoint, end: CodePoint, label: str
    ) -> Outcome:
        """Create a ``label`` span ``[start, end)`` and fill ``role`` with it, as one edit."""
        event = self._fresh(event)
        self._ann.check_span(event.doc_id, start, end, label)
        warning = self._enforce(self.check_role(event.type, role, label))
        span = Span(NEW_SPAN, event.doc_id, event.annotator, start, end, label)
        new = replace(event, arguments=(*event.arguments, Argument(role, NEW_SPAN)))
        edit = Edit(
            event.doc_id,
            event.annotator,
            remove=Bundle(events=(event,)),
            add=Bundle(spans=(span,), events=(new,)),
            description=f"{event.type}: {role} ({label})",
        )
        return Outcome(self._ann.apply(edit), warning)

    def remove_argument(self, event: Event, role: str, span_id: int) -> Edit:
        """Empty one filler of ``role`` (the span itself stays)."""
        event = self._fresh(event)
        args = tuple(a for a in event.arguments if a != Argument(role, span_id))
        if len(args) == len(event.arguments):
            raise EventError(f"That span does not fill {role}.")
        edit = Edit(
            event.doc_id,
            event.annotator,
            remove=Bundle(events=(event,)),
            add=Bundle(events=(replace(event, arguments=args),)),
            description=f"{event.type}: clear {role}",
        )
        return self._ann.apply(edit)

    # -- attributes ----------------------------------------------------------
    def set_attributes(self, event: Event, attributes: dict[str, str]) -> Edit:
        """Give an event new attributes (empty values are dropped, except brat flag attributes,
        stored with no value, which are kept as they are), keeping its id.

        The edit removes and re-adds the same event, which the write service
        updates in place.
        """
        event = self._fresh(event)
        attrs = {k: v for k, v in sorted(attributes.items()) if v or _flag(event.attributes, k, v)}
        if attrs == event.attributes:
            raise EventError("The event already has these attributes, so nothing was changed.")
        edit = Edit(
            event.doc_id,
            event.annotator,
            remove=Bundle(events=(event,)),
            add=Bundle(events=(replace(event, attributes=attrs),)),
            description=f"{event.type}: attributes",
        )
        return self._ann.apply(edit)

    def set_attribute(self, event: Event, name: str, value: str) -> Edit:
        """Set one attribute of an event ("" removes it); see :meth:`set_attributes`."""
        event = self._fresh(event)
        return self.set_attributes(event, {**event.attributes, name: value})

    # -- relations -----------------------------------------------------------
    def create_relation(self, rel_type: str, arg1_id: int, arg2_id: int) -> Outcome:
        """Create a ``rel_type`` relation from span ``arg1_id`` to span ``arg2_id``."""
        a, b = self._span(arg1_id), self._span(arg2_id)
        if a.id == b.id:
            raise EventError("A relation needs two different spans.")
        if (a.doc_id, a.annotator) != (b.doc_id, b.annotator):
            raise EventError("Both ends of a relation must be in the same document and layer.")
        warning = self._enforce(self.check_relation(rel_type, a.label, b.label))
        rel = Relation(0, a.doc_id, a.annotator, rel_type, a.id, b.id)
        edit = Edit(a.doc_id, a.annotator, add=Bundle(relations=(rel,)), description=rel_type)
        return Outcome(self._ann.apply(edit), warning)

    def delete_relation(self, relation: Relation) -> Edit:
        """Delete one relation (its spans stay)."""
        edit = Edit(
            relation.doc_id,
            relation.annotator,
            remove=Bundle(relations=(relation,)),
            description=f"Delete {relation.type}",
        )
        return self._ann.apply(edit)

    # -- helpers -------------------------------------------------------------
    def _require_type(self, etype: str) -> EventType:
        found = self._schema().event_type(etype)
        if found is None:
            raise EventError(f"{etype} is not an event type of the project's schema.")
        return found

    def _span(self, span_id: int) -> Span:
        span = self._ann.span(span_id)
        if span is None:
            raise EventError(f"Span {span_id} no longer exists.")
        return span

    def _fresh(self, event: Event) -> Event:
        current = self.event(event.doc_id, event.annotator, event.id)
        if current is None:
            raise EventError(f"Event {event.id} no longer exists.")
        return current


def _flag(old: dict[str, str], name: str, value: str) -> bool:
    """True for an attribute stored with no value (a brat flag), which "" does not remove."""
    return value == "" and old.get(name) == ""
