"""The question asked before deleting spans that events or relations use.

It names each span (its stored text and label) and what uses it: the event's type
and trigger text, the role it fills, the relation's type and other end. Text is
taken from the stored document text, never from the widget, and isolated so
that Arabic names keep their order inside the English sentence.
"""

from __future__ import annotations

from collections.abc import Callable

from annotator.core.model import Event, Relation, Span
from annotator.ui.bidi import isolate

MAX_LISTED = 6  # uses named one by one; the rest are counted


def quoted(text: str, span: Span | None) -> str:
    """«text» of a span (its stored text), or «?» for a span that is gone."""
    return "«" + isolate(span.text_in(text) if span is not None else "?") + "»"


def _event_use(text: str, span: Span, event: Event, lookup: Callable[[int], Span | None]) -> str:
    trigger = lookup(event.trigger_id)
    if event.trigger_id == span.id:
        return f"the {event.type} event it triggers"
    roles = sorted({a.role for a in event.arguments if a.span_id == span.id})
    role = "/".join(roles) or "an argument"
    return f"{role} of the {event.type} event triggered by {quoted(text, trigger)}"


def _relation_use(
    text: str, span: Span, relation: Relation, lookup: Callable[[int], Span | None]
) -> str:
    other_id = relation.arg2_id if relation.arg1_id == span.id else relation.arg1_id
    return f"the {relation.type} relation with {quoted(text, lookup(other_id))}"


def cascade_question(
    text: str,
    uses: list[tuple[Span, list[Event], list[Relation]]],
    lookup: Callable[[int], Span | None],
) -> str:
    """The confirmation before deleting spans: which span, and which events and relations.

    Args:
        text: the stored text of the document.
        uses: each span to delete, with the events and relations that use it.
        lookup: a span by id (for triggers and other relation ends).
    """
    lines: list[str] = []
    hidden = 0
    for span, events, relations in uses:
        found = [_event_use(text, span, e, lookup) for e in events]
        found += [_relation_use(text, span, r, lookup) for r in relations]
        if not found:
            continue
        shown = found[: max(0, MAX_LISTED - len(lines))]
        hidden += len(found) - len(shown)
        head = f"{quoted(text, span)} ({span.label}) is used by:"
        lines.append(head + "".join(f"\n  • {use}" for use in shown))
    if hidden:
        lines.append(f"…and {hidden} more.")
    return (
        "\n".join(lines)
        + "\n\nDeleting removes the events it triggers and the relations, and drops it from "
        "event arguments (Undo brings them back). Delete anyway?"
    )
