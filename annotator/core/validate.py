"""Every invariant of an annotation layer, checked in one place before anything is written.

:func:`check_edit` checks the state an edit leaves behind (what it adds, plus what
is stored and neither removed nor changed by it), not only the rows it adds:

- every row the edit removes or updates, the cascade's included, belongs to the
  edit's document and layer (an edit for one annotator never touches another's);
- spans: inside the text (``0 <= start < end <= length``), label in the schema,
  no exact duplicate (same offsets and label) in the layer, after a move or a
  relabel as well as for a new span;
- events: type in the schema and equal to the trigger's label; one event per
  trigger span, counting the stored events the edit keeps; the trigger and
  every argument exist in the same document and layer; roles belong to the
  event type; no argument twice; the trigger is not its own argument; in
  strict mode, argument labels allowed by the role;
- relations: type in the schema, two different ends in the same layer, not
  already present; in strict mode, end labels allowed by the type;
- a relabelled span: in strict mode, every stored event that keeps it as an
  argument and every stored relation that keeps it as an end is checked again
  with the new label (:func:`check_kept`), with the same sentence as adding it.

What is stored is read through :class:`Stored`, inside the write transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from annotator.core.errors import EventError, SpanError
from annotator.core.model import Edit, Event, Relation, Span
from annotator.core.schema import Schema

SpanLookup = Callable[[int], Span | None]
EventsOn = Callable[[int], list[Event]]
Quote = Callable[[Span], str]


def _names(names: Iterable[str]) -> str:
    listed = ", ".join(names)
    return listed or "any type"


def check_span(span: Span, length: int, schema: Schema) -> None:
    """Raise :class:`SpanError` unless the span's offsets and label are acceptable."""
    if not 0 <= span.start < span.end <= length:
        raise SpanError(
            f"The span [{span.start}, {span.end}) is outside the document (0 to {length}) or empty."
        )
    if span.label not in schema.span_label_names():
        raise SpanError(f"The label {span.label!r} is not in the project's schema.")


@dataclass(frozen=True)
class Stored:
    """What the validator reads of the stored state (inside the write transaction).

    Attributes:
        span: a stored span by id (None if there is none).
        relations: stored relations with the same ends as the given one.
        twins: stored spans of the same layer with the same offsets as the given one.
        events_on: stored events whose trigger is the given span id.
        quote: the text a span covers, to name it in a message.
        users: the stored events and relations that use a span the edit removes or
            changes (the cascade's input), to check the ones the edit keeps.
    """

    span: SpanLookup
    relations: Callable[[Relation], list[Relation]]
    twins: Callable[[Span], list[Span]] = lambda _s: []
    events_on: EventsOn = lambda _i: []
    quote: Quote = lambda _s: ""
    users: tuple[list[Event], list[Relation]] = field(default=([], []))


def check_edit(edit: Edit, schema: Schema, length: int, stored: Stored) -> None:
    """Raise :class:`SpanError` or :class:`EventError` if ``edit`` would break an invariant.

    Args:
        edit: the edit, cascade included, before placeholder ids are assigned.
        schema: the schema in force after the edit.
        length: the document's length in code points.
        stored: what is stored now, read inside the write transaction.
    """
    check_removed(edit)
    added = {s.id: s for s in edit.add.spans}
    removed = {s.id for s in edit.remove.spans} - added.keys()

    def span_of(span_id: int) -> Span | None:
        if span_id in added:
            return added[span_id]
        if span_id in removed:
            return None
        return stored.span(span_id)

    spans_seen: set[tuple[int, int, str]] = set()
    for span in edit.add.spans:
        _check_layer(span, edit)
        check_span(span, length, schema)
        span_key = (span.start, span.end, span.label)
        twins = [t for t in stored.twins(span) if t.id not in removed and t.id not in added]
        if span_key in spans_seen or any(t.label == span.label for t in twins):
            raise SpanError(
                f"An identical {span.label} span [{span.start}, {span.end}) is already there; "
                "a second one was not added."
            )
        spans_seen.add(span_key)
    triggers: dict[int, Event] = {}
    kept = _kept_events(edit, stored.events_on)
    for event in edit.add.events:
        _check_layer(event, edit)
        other = triggers.get(event.trigger_id) or next(iter(kept(event.trigger_id)), None)
        if other is not None:
            raise EventError(_trigger_taken(span_of(event.trigger_id), other, stored.quote))
        triggers[event.trigger_id] = event
        _check_event(event, schema, span_of)
    seen: set[tuple[str, int, int]] = set()
    gone_relations = {r.id for r in edit.remove.relations}
    for rel in edit.add.relations:
        _check_layer(rel, edit)
        key = (rel.type, rel.arg1_id, rel.arg2_id)
        twin = [r for r in stored.relations(rel) if r.id not in gone_relations and r.id != rel.id]
        if key in seen or any((r.type, r.arg1_id, r.arg2_id) == key for r in twin):
            raise EventError(f"These spans are already related by {rel.type}.")
        seen.add(key)
        _check_relation(rel, schema, span_of)
    check_kept(edit, schema, span_of, *stored.users)


def check_removed(edit: Edit) -> None:
    """Refuse an edit that removes or updates a row of another document or layer.

    ``edit.remove`` holds every row the edit deletes or changes in place (the
    cascade's included); the write service has checked that each is stored exactly
    as it says, so its declared document and annotator are the stored ones.
    """
    for kind, rows in (
        ("a span", edit.remove.spans),
        ("an event", edit.remove.events),
        ("a relation", edit.remove.relations),
    ):
        for row in rows:
            if (row.doc_id, row.annotator) != (edit.doc_id, edit.annotator):
                raise SpanError(
                    f"This edit changes {edit.annotator!r}'s layer in document {edit.doc_id}, "
                    f"but it would also remove or change {kind} of {row.annotator!r}'s layer "
                    f"in document {row.doc_id}; nothing was changed."
                )


def check_kept(
    edit: Edit,
    schema: Schema,
    span_of: SpanLookup,
    events: Iterable[Event],
    relations: Iterable[Relation],
) -> None:
    """In strict mode, check again the stored events and relations that keep a relabelled span.

    Args:
        edit: the edit, cascade included.
        schema: the schema in force after the edit.
        span_of: a span as the edit leaves it (None if removed).
        events: stored events that use a span the edit removes or changes.
        relations: stored relations that use such a span.

    Events and relations the edit removes or rewrites are left out: the edit's own
    checks cover the ones it adds.
    """
    if schema.role_check != "strict":
        return
    before = {s.id: s.label for s in edit.remove.spans}
    relabelled = {s.id for s in edit.add.spans if before.get(s.id, s.label) != s.label}
    if not relabelled:
        return
    touched_events = {e.id for e in (*edit.remove.events, *edit.add.events)}
    for event in events:
        etype = schema.event_type(event.type)
        if event.id in touched_events or etype is None:
            continue
        for arg in event.arguments:
            slot = etype.role(arg.role)
            span = span_of(arg.span_id)
            if arg.span_id in relabelled and slot is not None and span is not None:
                _check_role_label(event.type, arg.role, slot.allowed, span.label)
    touched_relations = {r.id for r in (*edit.remove.relations, *edit.add.relations)}
    for rel in relations:
        if rel.id in touched_relations or not relabelled & {rel.arg1_id, rel.arg2_id}:
            continue
        a, b = span_of(rel.arg1_id), span_of(rel.arg2_id)
        if a is not None and b is not None:
            _check_end_labels(rel, schema, a, b)


def _kept_events(edit: Edit, stored_events_on: EventsOn) -> EventsOn:
    """Stored events on a trigger span that the edit neither removes nor rewrites."""
    gone = {e.id for e in edit.remove.events} | {e.id for e in edit.add.events if e.id > 0}
    return lambda span_id: [e for e in stored_events_on(span_id) if e.id not in gone]


def _trigger_taken(trigger: Span | None, other: Event, quote: Quote) -> str:
    """The sentence for a second event on a trigger span that has one."""
    words = quote(trigger) if trigger is not None else ""
    named = f"«{words}»" if words else "That span"
    article = "an" if other.type[:1].lower() in "aeiou" else "a"
    return (
        f"{named} is already the trigger of {article} {other.type} event; "
        "a span can trigger only one event, so the new one was not added."
    )


def _check_layer(obj: Span | Event | Relation, edit: Edit) -> None:
    if (obj.doc_id, obj.annotator) != (edit.doc_id, edit.annotator):
        raise SpanError(
            "An edit can only change one document and layer; "
            f"got document {obj.doc_id} of {obj.annotator!r} in an edit of document "
            f"{edit.doc_id} of {edit.annotator!r}."
        )


def _same_layer(span: Span | None, obj: Event | Relation, what: str) -> Span:
    if span is None or (span.doc_id, span.annotator) != (obj.doc_id, obj.annotator):
        raise EventError(f"The {what} must be a span of the same document and layer.")
    return span


def _check_event(event: Event, schema: Schema, span_of: SpanLookup) -> None:
    etype = schema.event_type(event.type)
    if etype is None:
        raise EventError(f"{event.type} is not an event type of the project's schema.")
    trigger = _same_layer(span_of(event.trigger_id), event, "trigger")
    if trigger.label != event.type:
        raise EventError(
            f"An event of type {event.type} needs a trigger labelled {event.type}, "
            f"not {trigger.label}."
        )
    seen: set[tuple[str, int]] = set()
    for arg in event.arguments:
        slot = etype.role(arg.role)
        if slot is None:
            raise EventError(f"{event.type} has no role {arg.role!r}.")
        if arg.span_id == event.trigger_id:
            raise EventError("An event's trigger cannot also be one of its arguments.")
        if (arg.role, arg.span_id) in seen:
            raise EventError(f"That span already fills {arg.role}.")
        seen.add((arg.role, arg.span_id))
        span = _same_layer(span_of(arg.span_id), event, f"argument {arg.role}")
        if schema.role_check == "strict":
            _check_role_label(event.type, arg.role, slot.allowed, span.label)


def _check_role_label(event_type: str, role: str, allowed: tuple[str, ...], label: str) -> None:
    """Refuse (strict mode) a ``label`` span in ``role`` of ``event_type`` if not allowed."""
    if allowed and label not in allowed:
        raise EventError(
            f"Refused (strict role checks): {role} of {event_type} allows "
            f"{_names(allowed)}, not {label}."
        )


def _check_relation(rel: Relation, schema: Schema, span_of: SpanLookup) -> None:
    rtype = schema.relation_type(rel.type)
    if rtype is None:
        raise EventError(f"{rel.type} is not a relation type of the project's schema.")
    if rel.arg1_id == rel.arg2_id:
        raise EventError("A relation needs two different spans.")
    a = _same_layer(span_of(rel.arg1_id), rel, "first end of a relation")
    b = _same_layer(span_of(rel.arg2_id), rel, "second end of a relation")
    if schema.role_check == "strict":
        _check_end_labels(rel, schema, a, b)


def _check_end_labels(rel: Relation, schema: Schema, a: Span, b: Span) -> None:
    """Refuse (strict mode) ends whose labels the relation type does not allow."""
    rtype = schema.relation_type(rel.type)
    if rtype is None:
        return
    problems = []
    if rtype.arg1 and a.label not in rtype.arg1:
        problems.append(f"its first end allows {_names(rtype.arg1)}, not {a.label}")
    if rtype.arg2 and b.label not in rtype.arg2:
        problems.append(f"its second end allows {_names(rtype.arg2)}, not {b.label}")
    if problems:
        raise EventError(f"Refused (strict role checks): {rel.type}: {'; '.join(problems)}.")
