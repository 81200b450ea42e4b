"""What agreement is measured on: one layer per annotator per document.

The inputs are plain core objects (:class:`~annotator.core.model.Span`,
:class:`~annotator.core.model.Event`, :class:`~annotator.core.model.Relation`)
and each document's stored text. Every document carries the layers of the same
annotators, in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from annotator.core.model import Event, Relation, Span


@dataclass(frozen=True)
class Layer:
    """One annotator's annotations of one document."""

    annotator: str
    spans: tuple[Span, ...]
    events: tuple[Event, ...] = ()
    relations: tuple[Relation, ...] = ()


@dataclass(frozen=True)
class DocumentLayers:
    """A document's stored text and the layers being compared on it."""

    doc_id: int
    name: str
    text: str
    sha256: str
    layers: tuple[Layer, ...]

    @property
    def annotators(self) -> tuple[str, ...]:
        """The annotators, in layer order."""
        return tuple(layer.annotator for layer in self.layers)


@dataclass(frozen=True)
class Options:
    """Choices that change the figures; every one is named in the report.

    ``labels`` keeps only entity/value spans with these labels (empty: all).
    ``event_types`` names labels that are event types, so spans carrying them
    count as triggers even without an event. ``levels`` is how many nesting
    levels the token measures tag (1: the outermost level only).
    """

    labels: frozenset[str] = frozenset()
    event_types: frozenset[str] = frozenset()
    levels: int = 1
    resamples: int = 1000
    seed: int = 2004


Key = tuple[int, int, str]
"""A span reduced to what matching looks at: ``(start, end, label)``."""


def entity_keys(layer: Layer, options: Options) -> list[Key]:
    """The layer's entity and value spans (not triggers) as sorted keys."""
    return sorted((s.start, s.end, s.label) for s in entity_spans(layer, options))


def entity_spans(layer: Layer, options: Options) -> list[Span]:
    """Spans that are neither an event's trigger nor labelled with an event type."""
    triggers = {e.trigger_id for e in layer.events}
    keep = options.labels
    return [
        s
        for s in layer.spans
        if s.id not in triggers
        and s.label not in options.event_types
        and (not keep or s.label in keep)
    ]


def pairs(count: int) -> list[tuple[int, int]]:
    """Every unordered pair of layer indexes ``(i, j)`` with ``i < j``."""
    return list(combinations(range(count), 2))


def check_layers(docs: Sequence[DocumentLayers]) -> tuple[str, ...]:
    """The common annotators; raise ``ValueError`` if documents disagree or fewer than two."""
    if not docs:
        raise ValueError("no documents to compare")
    names = docs[0].annotators
    if len(names) < 2:
        raise ValueError("agreement needs at least two annotators")
    for doc in docs:
        if doc.annotators != names:
            raise ValueError(f"document {doc.name!r} has layers {doc.annotators}, not {names}")
    return names
