"""The one implementation of cascades: what else changes when spans go or change label.

- A deleted span takes with it the events it triggers and the relations it ends,
  and leaves the events that use it as an argument without that argument.
- A relabelled trigger takes its event along: the event gets the new type and
  drops the roles that type lacks, or goes if the new label is not an event type.

The write service applies this to every fresh change; planners (schema delete,
the delete confirmation) call it to preview what a change would remove.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from annotator.core.model import Bundle, Event, Relation
from annotator.core.schema import Schema


def follow_trigger(event: Event, label: str, schema: Schema) -> Event | None:
    """``event`` after its trigger is relabelled ``label`` (None: the event goes)."""
    etype = schema.event_type(label)
    if etype is None:
        return None
    args = tuple(a for a in event.arguments if etype.role(a.role) is not None)
    return replace(event, type=label, arguments=args)


def expand(
    remove: Bundle,
    add: Bundle,
    events: Iterable[Event],
    relations: Iterable[Relation],
    schema: Schema,
) -> tuple[Bundle, Bundle]:
    """``(remove, add)`` with the cascade added.

    Args:
        remove: what the change removes.
        add: what the change adds (a span in both, by id, is relabelled or moved).
        events: every stored event that uses a span of ``remove``.
        relations: every stored relation that uses a span of ``remove``.
        schema: the schema the change leaves in force.

    Events and relations the change already removes are left to the change.
    """
    new_label = {s.id: s.label for s in add.spans}
    gone = {s.id for s in remove.spans if s.id not in new_label}
    relabelled = {
        s.id: new_label[s.id]
        for s in remove.spans
        if s.id in new_label and s.label != new_label[s.id]
    }
    handled = {e.id for e in remove.events}
    more_remove: list[Event] = []
    more_add: list[Event] = []
    for event in events:
        if event.id in handled:
            continue
        after = _event_after(event, gone, relabelled, schema)
        if after != event:
            handled.add(event.id)
            more_remove.append(event)
            if after is not None:
                more_add.append(after)
    done_rel = {r.id for r in remove.relations}
    more_rel = [
        r for r in relations if r.id not in done_rel and (r.arg1_id in gone or r.arg2_id in gone)
    ]
    more_rel = list({r.id: r for r in more_rel}.values())
    full_remove = Bundle(
        remove.spans, remove.events + tuple(more_remove), remove.relations + tuple(more_rel)
    )
    return full_remove, Bundle(add.spans, add.events + tuple(more_add), add.relations)


def _event_after(
    event: Event, gone: set[int], relabelled: dict[int, str], schema: Schema
) -> Event | None:
    if event.trigger_id in gone:
        return None
    after: Event | None = event
    if event.trigger_id in relabelled:
        after = follow_trigger(event, relabelled[event.trigger_id], schema)
    if after is not None and any(a.span_id in gone for a in after.arguments):
        after = replace(after, arguments=tuple(a for a in after.arguments if a.span_id not in gone))
    return after
