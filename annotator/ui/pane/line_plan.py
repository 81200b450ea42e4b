"""Which lines of a block need a band, how tall, and which tag row each span takes.

The compact band (:mod:`annotator.ui.pane.line_band`) gives a line only the rows
its tags need, and an arc zone only if an arc ends at one of its spans. A span's
tag sits on the line where the span starts, so a block's plan depends on its
spans, its line breaks and the arcs; it is kept per block and worked out again
only when one of them changes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6.QtGui import QTextBlock

from annotator.ui.offsets import BlockOffsets
from annotator.ui.pane.label_band import band_rows
from annotator.ui.pane.line_band import TAG_ROWS, BandMetrics, LineBand
from annotator.ui.pane.span_index import SpanIndex
from annotator.ui.pane.span_painter import block_lines


@dataclass
class BlockPlan:
    """The band of each line of one block.

    Attributes:
        key: what the plan was worked out from (spans, arcs, band size, line breaks).
        bands: pixels free above each line.
        tags: span id -> (tag row, line index) of every span that starts in the block.
        arc_rows: rows of arcs above each line.
    """

    key: tuple[object, ...]
    bands: list[float] = field(default_factory=list)
    tags: dict[int, tuple[int, int]] = field(default_factory=dict)
    arc_rows: list[int] = field(default_factory=list)


class LinePlanner:
    """Plans and caches the band of each block's lines.

    Args:
        index: the pane's span index (read only).
    """

    def __init__(self, index: SpanIndex) -> None:
        self._index = index
        self._plans: dict[int, BlockPlan] = {}

    def clear(self) -> None:
        """Forget every plan (another document)."""
        self._plans.clear()

    def plan(
        self,
        block: QTextBlock,
        conv: BlockOffsets,
        band: BandMetrics,
        arc_partners: Mapping[int, list[int]],
        arcs_revision: int,
    ) -> BlockPlan:
        """The plan of ``block`` (laid out already), from the cache if nothing changed."""
        layout = block.layout()
        starts = tuple(layout.lineAt(i).textStart() for i in range(layout.lineCount()))
        spans = self._index.overlapping(conv.start, conv.end)
        # the block's own spans, not the index's revision: an edit elsewhere keeps this plan
        own = tuple((s.id, s.start, s.end) for s in spans)
        key = (own, arcs_revision, band.row_height, conv.start, starts)
        cached = self._plans.get(block.blockNumber())
        if cached is not None and cached.key == key:
            return cached
        lines = block_lines(layout, conv)
        ends = [hi for _line, _lo, hi in lines]
        rows = band_rows([(s.start, s.end) for s in spans])
        tag_rows = [0] * len(lines)
        stretches: list[list[tuple[int, int]]] = [[] for _ in lines]
        plan = BlockPlan(key)
        for span, row in zip(spans, rows, strict=True):
            if not conv.start <= span.start < conv.text_end:
                continue  # its tag is in the block where it starts
            i = bisect_right(ends, span.start)
            if i >= len(lines):
                continue
            row = min(row, TAG_ROWS - 1)
            plan.tags[span.id] = (row, i)
            tag_rows[i] = max(tag_rows[i], row + 1)
            _line, lo, hi = lines[i]
            for partner in arc_partners.get(span.id, ()):
                other = self._index.get(partner)
                if other is None:
                    continue
                if lo <= other.start < hi:  # both ends on this line: once, from the lower id
                    if span.id < partner or span.id == partner:
                        stretches[i].append(
                            (min(span.start, other.start), max(span.start, other.start))
                        )
                elif other.start > span.start:  # a stub toward the line's end
                    stretches[i].append((span.start, hi))
                else:
                    stretches[i].append((lo, span.start))
        plan.arc_rows = [_depth(s) for s in stretches]
        plan.bands = [
            band.height_of(LineBand(r, a)) for r, a in zip(tag_rows, plan.arc_rows, strict=True)
        ]
        self._plans[block.blockNumber()] = plan
        return plan


def _depth(stretches: list[tuple[int, int]]) -> int:
    """How many of ``stretches`` overlap at most (touching ends do not overlap)."""
    events = sorted([(a, 1) for a, _b in stretches] + [(b, -1) for _a, b in stretches])
    depth = best = 0
    for _pos, step in events:  # at a tie the end (-1) comes first
        depth += step
        best = max(best, depth)
    return best
