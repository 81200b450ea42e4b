"""An in-memory interval index of one layer's spans, for painting and hit-testing.

Spans are kept sorted by ``(start, end, id)``; a window query looks back by at
most the longest span's length, so painting the visible part of a document
with tens of thousands of spans touches only the spans near it.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable

from annotator.core.model import Span
from annotator.core.positions import CodePoint


def _key(span: Span) -> tuple[CodePoint, CodePoint, int]:
    return (span.start, span.end, span.id)


class SpanIndex:
    """Spans sorted by start, with overlap and point queries.

    Args:
        spans: the initial spans (any order).
    """

    def __init__(self, spans: Iterable[Span] = ()) -> None:
        self._by_id: dict[int, Span] = {}
        self._keys: list[tuple[CodePoint, CodePoint, int]] = []
        self._max_len = 0
        self.revision = 0
        """Counts changes (anything cached from the spans is stale once it moves)."""
        self.reset(spans)

    def reset(self, spans: Iterable[Span]) -> None:
        """Replace every span."""
        self.revision += 1
        self._by_id = {s.id: s for s in spans}
        self._keys = sorted(_key(s) for s in self._by_id.values())
        self._max_len = max((s.end - s.start for s in self._by_id.values()), default=0)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._by_id

    def get(self, span_id: int) -> Span | None:
        """The span with this id, or None."""
        return self._by_id.get(span_id)

    def add(self, span: Span) -> None:
        """Insert a span (replacing one with the same id)."""
        if span.id in self._by_id:
            self.remove(span.id)
        self.revision += 1
        self._by_id[span.id] = span
        insort(self._keys, _key(span))
        self._max_len = max(self._max_len, span.end - span.start)

    def remove(self, span_id: int) -> None:
        """Remove a span by id; unknown ids are ignored."""
        span = self._by_id.pop(span_id, None)
        if span is None:
            return
        self.revision += 1
        key = _key(span)
        i = bisect_left(self._keys, key)
        if i < len(self._keys) and self._keys[i] == key:
            del self._keys[i]

    def all(self) -> list[Span]:
        """Every span, sorted by ``(start, end, id)``."""
        return [self._by_id[k[2]] for k in self._keys]

    def overlapping(self, lo: CodePoint, hi: CodePoint) -> list[Span]:
        """Spans with ``start < hi`` and ``end > lo``, sorted by start."""
        first = bisect_left(self._keys, (CodePoint(lo - self._max_len), CodePoint(-1), -1))
        last = bisect_left(self._keys, (hi, CodePoint(-1), -1))
        return [self._by_id[k[2]] for k in self._keys[first:last] if k[1] > lo]

    def at(self, cp: CodePoint) -> list[Span]:
        """Spans covering the character at ``cp``, innermost (shortest) first."""
        hits = self.overlapping(cp, CodePoint(cp + 1))
        return sorted(hits, key=lambda s: (s.end - s.start, s.start, s.id))
