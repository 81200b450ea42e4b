"""What one paint of the text pane draws (:class:`Frame`), and span rectangles cached per block.

A span's rectangles are measured in its block's coordinates and kept while the block's
lines stay where they are (:class:`RectCaches`): after an edit only the ranges not seen
before are measured again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF

from annotator.core.positions import CodePoint
from annotator.ui.pane.arcs import Anchor, ArcShape
from annotator.ui.pane.label_band import Tag
from annotator.ui.pane.line_band import BandMetrics
from annotator.ui.pane.line_plan import BlockPlan
from annotator.ui.pane.span_painter import (
    LineSpan,
    PaintItem,
    VisibleBlock,
    block_lines,
    range_rects,
)

RectCache = dict[tuple[CodePoint, CodePoint], list[QRectF]]
"""Rectangles of ranges in one block, relative to the block's top-left corner."""
SPILL = 3.0
"""Pixels a highlight's outline may be drawn outside its rectangles."""


def meeting(items: list[PaintItem], clip: QRectF | None) -> list[PaintItem]:
    """The items with a rectangle that meets ``clip`` (all of them if ``clip`` is None)."""
    if clip is None:
        return items
    near = clip.adjusted(-SPILL, -SPILL, SPILL, SPILL)
    return [i for i in items if any(r.intersects(near) for r in i.rects)]


@dataclass
class Frame:
    """What one paint draws: visible blocks, span items, tags, arc anchors and captions."""

    blocks: list[VisibleBlock] = field(default_factory=list)
    items: list[PaintItem] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    anchors: dict[int, Anchor] = field(default_factory=dict)
    band: BandMetrics | None = None
    text: str = ""
    lines: dict[int, list[LineSpan]] = field(default_factory=dict)
    captions: list[QRectF] = field(default_factory=list)
    plans: list[BlockPlan | None] = field(default_factory=list)
    arcs: list[ArcShape] | None = None
    arc_bounds: list[QRectF] = field(default_factory=list)
    outlines: list[PaintItem] | None = None
    key: tuple[object, ...] = ()
    rect_caches: dict[int, RectCache] = field(default_factory=dict)


def frame_rects(frame: Frame, start: CodePoint, end: CodePoint) -> list[QRectF]:
    """Rectangles over code points ``[start, end)`` in the frame's visible blocks."""
    out: list[QRectF] = []
    for n, (block, origin, conv) in enumerate(frame.blocks):
        if conv.end <= start:
            continue
        if conv.start >= end:
            break
        if n not in frame.lines:
            frame.lines[n] = block_lines(block.layout(), conv)
        layout = block.layout()
        out += range_rects(layout, conv, frame.text, origin, start, end, frame.lines[n])
    return out


class RectCaches:
    """Span rectangles per block, relative to the block's top-left corner."""

    def __init__(self) -> None:
        self._caches: dict[int, tuple[tuple[object, ...], RectCache]] = {}

    def clear(self) -> None:
        """Forget every block's rectangles (another document)."""
        self._caches.clear()

    def rects(self, frame: Frame, start: CodePoint, end: CodePoint) -> list[QRectF]:
        """:func:`frame_rects`, from a cache per block kept while the block's lines stay put.

        After an edit only the ranges not seen before are measured again: a span
        added on one line leaves every other range's rectangles as they were.
        """
        out: list[QRectF] = []
        for n, (_block, _origin, conv) in enumerate(frame.blocks):
            if conv.end <= start:
                continue
            if conv.start >= end:
                break
            out += self.rects_in(frame, n, start, end)
        return out

    def rects_in(self, frame: Frame, n: int, start: CodePoint, end: CodePoint) -> list[QRectF]:
        """The part of :meth:`rects` in visible block ``n`` (in viewport coordinates)."""
        block, origin, conv = frame.blocks[n]
        cache = self._cached(frame, n)
        local = cache.get((start, end))
        if local is None:
            local = cache[(start, end)] = range_rects(
                block.layout(), conv, frame.text, QPointF(), start, end, frame.lines[n]
            )
        return [r.translated(origin) for r in local]

    def _cached(self, frame: Frame, n: int) -> RectCache:
        """The rectangle cache of visible block ``n``, checked once per frame (not per span)."""
        found = frame.rect_caches.get(n)
        if found is None:
            found = frame.rect_caches[n] = self._checked(frame, n)
        return found

    def _checked(self, frame: Frame, n: int) -> RectCache:
        block, _origin, conv = frame.blocks[n]
        if n not in frame.lines:
            frame.lines[n] = block_lines(block.layout(), conv)
        lines = frame.lines[n]
        key = (
            frame.text,  # the object: compared by identity first, and kept alive by the key
            conv.start,
            conv.end,
            tuple((line.y(), line.width(), lo, hi) for line, lo, hi in lines),
        )
        cached = self._caches.get(block.blockNumber())
        if cached is None or cached[0] != key:
            if len(self._caches) > 200:
                self._caches.clear()
            cached = self._caches[block.blockNumber()] = (key, {})
        return cached[1]
