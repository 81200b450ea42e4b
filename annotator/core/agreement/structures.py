"""Events at the four ACE levels, and relations, as items matched between annotators.

Spans are compared by their offsets in the stored text (ids differ between
layers). Each level reduces a layer to a multiset of items; two annotators
agree on an item when both have it (multiset matching, see :mod:`.fscore`).
The levels follow the ACE event evaluation of Ji & Grishman (2008) and
Li, Ji & Huang (2013):

- ``trigger identification``: the trigger's (start, end);
- ``trigger classification``: + the event type (also per event type);
- ``argument identification``: the argument's (start, end) + the event type;
- ``argument classification``: + the role (also per role).

Relations: ``relation (typed ends)`` matches the type and both ends' offsets
and labels; ``relation (offsets only)`` drops the ends' labels. Per relation type.
"""

from __future__ import annotations

from collections.abc import Hashable

from annotator.core.agreement.units import Layer

LEVELS = (
    "trigger identification",
    "trigger classification",
    "argument identification",
    "argument classification",
    "relation (typed ends)",
    "relation (offsets only)",
)

Items = dict[str, list[tuple[Hashable, ...]]]


def layer_items(layer: Layer) -> Items:
    """The items of every level for one layer."""
    spans = {s.id: s for s in layer.spans}
    out: Items = {level: [] for level in LEVELS}
    for event in layer.events:
        trigger = spans.get(event.trigger_id)
        if trigger is None:
            continue
        out[LEVELS[0]].append((trigger.start, trigger.end))
        out[LEVELS[1]].append((trigger.start, trigger.end, event.type))
        for argument in event.arguments:
            span = spans.get(argument.span_id)
            if span is not None:
                out[LEVELS[2]].append((span.start, span.end, event.type))
                out[LEVELS[3]].append((span.start, span.end, event.type, argument.role))
    for rel in layer.relations:
        one, two = spans.get(rel.arg1_id), spans.get(rel.arg2_id)
        if one is None or two is None:
            continue
        out[LEVELS[4]].append(
            (one.start, one.end, one.label, two.start, two.end, two.label, rel.type)
        )
        out[LEVELS[5]].append((one.start, one.end, two.start, two.end, rel.type))
    return out
