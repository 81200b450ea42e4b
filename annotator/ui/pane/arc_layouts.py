"""The arcs of a frame, laid out once and kept while no arc end moves.

An edit that moves no arc end (most: a tag on a line whose band is open) keeps the last
layout; each arc's bounds are kept with it, so that a strip repaint picks the arcs that
meet the strip without working their bounds out again on every paint (issue 18).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF

from annotator.ui.pane.arcs import ArcEnds, ArcShape, ArcStyle, arc_bounds, layout_arcs
from annotator.ui.pane.frame import Frame

ArcLayout = tuple[tuple[object, ...], list[ArcShape], list[QRectF], list[QRectF]]
"""What the arcs were laid out from, their shapes, their captions' boxes and their bounds."""


class ArcLayouts:
    """Keeps the last arc layout and what it was worked out from (its ends, the band)."""

    def __init__(self) -> None:
        self._last: ArcLayout | None = None

    def lay_out(self, frame: Frame, items: list[ArcEnds]) -> None:
        """Set ``frame``'s arcs, their bounds and captions for arcs with these ends."""
        assert frame.band is not None
        key = (frame.band, items)
        last = self._last
        if last is None or last[0] != key:  # an arc end moved: lay the arcs out again
            shapes = layout_arcs(items, ArcStyle(frame.band, frame.captions))
            last = self._last = (key, shapes, list(frame.captions), [])
            last[3].extend(arc_bounds(shape) for shape in shapes)
        frame.arcs, frame.arc_bounds = last[1], last[3]
        frame.captions[:] = last[2]

    @staticmethod
    def meeting(frame: Frame, clip: QRectF | None) -> list[ArcShape]:
        """The frame's arcs whose bounds meet ``clip`` (all of them if ``clip`` is None)."""
        arcs = frame.arcs or []
        if clip is None:
            return arcs
        return [a for a, box in zip(arcs, frame.arc_bounds, strict=True) if box.intersects(clip)]
