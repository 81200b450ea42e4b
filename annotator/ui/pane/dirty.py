"""Which part of the text pane's viewport a change to one range of the text repaints.

An edit, or a change of the selected span, changes what is drawn over the lines its
spans are on and in the band above the first of them (where a span's tag sits), and
nowhere else while the lines stay where they are. Repainting only that strip, not the
whole viewport, keeps the repaint after a hotkey cheap: Qt draws the text of the strip
only, and the pane draws only the highlights, tags and arcs that meet it. An edit that
opens or closes a band moves the lines below it: the pane places them before the paint
and adds what lies :func:`below` the band's top, down to the viewport's bottom, to the
same paint (the lines above stay where they are).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRect
from PySide6.QtGui import QTextBlock
from PySide6.QtWidgets import QPlainTextEdit

from annotator.core.positions import CodePoint
from annotator.ui.offsets import OffsetMap, QtPos

MARGIN = 3
"""Pixels added above and below the strip (outlines and anti-aliasing spill over a little)."""


def _line_top_bottom(pane: QPlainTextEdit, block: QTextBlock, pos: QtPos) -> tuple[float, float]:
    """The top of the band above the line holding ``pos`` (its block's top for a block's first
    line, else the line above's bottom) and the line's bottom, in viewport coordinates."""
    geo = pane.blockBoundingGeometry(block).translated(pane.contentOffset())
    layout = block.layout()
    line = layout.lineForTextPosition(pos - block.position())
    if not line.isValid():
        return geo.top(), geo.bottom()
    n = line.lineNumber()
    above = layout.lineAt(n - 1) if n > 0 else None
    top = geo.top() + (above.y() + above.height() if above is not None else 0.0)
    return top, geo.top() + line.y() + line.height()


def strip(pane: QPlainTextEdit, offsets: OffsetMap, start: CodePoint, end: CodePoint) -> QRect:
    """The viewport strip, full width, drawn for a span over ``[start, end)``: from the top
    of the band above its first line to the bottom of its last line (empty off screen)."""
    view = pane.viewport().rect()
    first = offsets.to_qt(start)
    last = offsets.to_qt(end) if end > start else first
    doc = pane.document()
    block_a, block_b = doc.findBlock(first), doc.findBlock(max(first, last - 1))
    if not block_a.isValid() or not block_b.isValid():
        return QRect()
    top, bottom_a = _line_top_bottom(pane, block_a, first)
    _top_b, bottom = _line_top_bottom(pane, block_b, QtPos(max(first, last - 1)))
    bottom = max(bottom, bottom_a)
    if bottom < view.top() or top > view.bottom():
        return QRect()
    y0 = math.floor(top) - MARGIN
    y1 = math.ceil(bottom) + MARGIN
    return QRect(view.left(), y0, view.width(), y1 - y0).intersected(view)


def below(pane: QPlainTextEdit, top: float) -> QRect:
    """The viewport, full width, from ``top`` (less :data:`MARGIN`) down to its bottom: what a
    band that opened or closed at ``top`` moves (the lines above it stay where they are)."""
    view = pane.viewport().rect()
    y0 = max(view.top(), math.floor(top) - MARGIN)
    return QRect(view.left(), y0, view.width(), view.bottom() + 1 - y0)
