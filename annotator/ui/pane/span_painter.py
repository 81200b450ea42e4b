"""Geometry and drawing of span highlights for :class:`~annotator.ui.pane.text_pane.TextPane`.

Highlights are painted by hand instead of with character formats: a format
change splits Qt's shaping runs and can break the joining of Arabic letters,
and rebuilding formats for every span is slow. Backgrounds go under the text,
nesting bars, outlines and captions over it.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPen,
    QTextBlock,
    QTextLayout,
    QTextLine,
)

from annotator.core.positions import CodePoint
from annotator.ui.offsets import BlockOffsets, QtBlockPos

BAR_HEIGHT = 2.0
BAR_STEP = 3.0
BACKGROUND_ALPHA = 80
TRIGGER_ALPHA = 45


VisibleBlock = tuple[QTextBlock, QPointF, BlockOffsets]
"""A block on screen, its top-left corner in viewport coordinates, and its converter."""


@dataclass(frozen=True)
class Overlay:
    """An outlined box, e.g. an event argument, with a caption (its role name).

    The caption is never drawn over the text: it is in the span's tooltip and in the
    tag's tooltip in the label band.

    Attributes:
        start: first code point (inclusive).
        end: last code point (exclusive).
        color: outline colour, any name QColor accepts.
        caption: short text for the tooltip.
    """

    start: CodePoint
    end: CodePoint
    color: str
    caption: str = ""


@dataclass
class PaintItem:
    """One range to draw, already turned into rectangles."""

    rects: list[QRectF]
    color: QColor
    level: int = 0
    trigger: bool = False
    selected: bool = False
    caption: str = ""
    span_id: int = -1


def _x(line: QTextLine, pos: QtBlockPos, edge: QTextLine.Edge) -> float:
    value: Any = line.cursorToX(pos, edge)  # PySide returns (x, pos)
    return float(value[0] if isinstance(value, tuple) else value)


def _extents(line: QTextLine, start: QtBlockPos, end: QtBlockPos) -> list[tuple[float, float]]:
    """Left and right of the glyphs Qt draws for units ``[start, end)`` of ``line``, joined
    where they touch, left to right.

    Qt's glyph runs follow its own bidi runs and script items, so a Latin word or a
    number inside a right-to-left line is covered whole; caret edges
    (``cursorToX``) are ambiguous where the direction changes.
    """
    spans = sorted(
        (r.left(), r.right())
        for r in (run.boundingRect() for run in line.glyphRuns(start, end - start))
        if r.width() > 0
    )
    joined: list[tuple[float, float]] = []
    for left, right in spans:
        if joined and left <= joined[-1][1] + 0.5:
            joined[-1] = (joined[-1][0], max(joined[-1][1], right))
        else:
            joined.append((left, right))
    return joined


def _line_rects(
    line: QTextLine, origin: QPointF, block: BlockOffsets, a: CodePoint, b: CodePoint
) -> list[QRectF]:
    """Rectangles over code points ``[a, b)`` of ``line``, the one where ``a`` is drawn first."""
    start, end = block.to_block(a), block.to_block(b)
    extents = _extents(line, start, end)
    if not extents:  # nothing inked or advanced (a lone ZWNJ, say): a caret-wide mark
        x = _x(line, start, QTextLine.Edge.Leading)
        extents = [(x, x)]
    elif len(extents) > 1:  # reading start first (the tag goes there)
        first = _extents(line, start, block.to_block(CodePoint(a + 1)))
        if first:
            mid = (first[0][0] + first[0][1]) / 2
            extents.sort(key=lambda e: not e[0] <= mid <= e[1])
    top = origin.y() + line.y()
    return [QRectF(origin.x() + left, top, right - left, line.height()) for left, right in extents]


def line_range(line: QTextLine, block: BlockOffsets) -> tuple[CodePoint, CodePoint]:
    """The code points ``[start, end)`` that ``line`` of ``block`` shows."""
    start = QtBlockPos(line.textStart())
    return block.from_block(start), block.from_block(QtBlockPos(start + line.textLength()))


def char_under(line: QTextLine, block: BlockOffsets, x: float, guess: CodePoint) -> CodePoint:
    """The character of ``line`` drawn under ``x``, searched near ``guess`` (Qt's hit test).

    Qt's ``xToCursor`` can be a character off (see :func:`hit_shift`); the edges
    from ``cursorToX`` are the ones the text and the highlights are drawn with.
    """
    lo, hi = line_range(line, block)
    for delta in (0, -1, 1, -2, 2):
        cp = CodePoint(guess + delta)
        if lo <= cp < hi:
            first_unit, last_unit = block.char_units(cp)
            edges = (
                _x(line, first_unit, QTextLine.Edge.Leading),
                _x(line, last_unit, QTextLine.Edge.Trailing),
            )
            if min(edges) <= x <= max(edges):
                return cp
    return guess


LineSpan = tuple[QTextLine, CodePoint, CodePoint]
"""A line of a block with the code points ``[start, end)`` it shows."""


def _line_end(line: LineSpan) -> CodePoint:
    return line[2]


def block_lines(layout: QTextLayout, block: BlockOffsets) -> list[LineSpan]:
    """Every line of a laid-out block with the code points it shows, in order."""
    out: list[LineSpan] = []
    for i in range(layout.lineCount()):
        line = layout.lineAt(i)
        lo, hi = line_range(line, block)
        out.append((line, lo, hi))
    return out


def range_rects(
    layout: QTextLayout,
    block: BlockOffsets,
    text: str,
    origin: QPointF,
    start: CodePoint,
    end: CodePoint,
    lines: list[LineSpan] | None = None,
) -> list[QRectF]:
    """Rectangles covering code points ``[start, end)`` of ``text`` inside one block.

    One rectangle per line and run of touching glyphs, from Qt's own glyph runs
    (its bidi runs), the one with the range's first character first. ``text`` is the stored text,
    ``block`` converts to the positions of the block's ``layout``; ``lines``
    (from :func:`block_lines`) saves working out the lines again for each range.
    """
    if lines is None:
        lines = block_lines(layout, block)
    rects: list[QRectF] = []
    first = bisect_right(lines, start, key=_line_end)  # the first line ending after start
    for line, lo, hi in lines[first:]:
        if lo >= end:
            break
        s, e = max(start, lo), min(end, hi)
        if s < e:
            rects += _line_rects(line, origin, block, s, e)
    return rects


def assign_levels(ranges: list[tuple[CodePoint, CodePoint]]) -> list[int]:
    """Give each range the lowest level free at its start (outer spans get lower levels).

    ``ranges`` must be sorted by start; ties are ordered longest first here.
    """
    order = sorted(range(len(ranges)), key=lambda i: (ranges[i][0], -ranges[i][1]))
    ends: list[CodePoint] = []
    levels = [0] * len(ranges)
    for i in order:
        start, end = ranges[i]
        level = next((lv for lv, e in enumerate(ends) if e <= start), len(ends))
        if level == len(ends):
            ends.append(end)
        else:
            ends[level] = end
        levels[i] = level
    return levels


def paint_under(painter: QPainter, items: list[PaintItem]) -> None:
    """Translucent backgrounds, drawn before the text."""
    painter.setPen(Qt.PenStyle.NoPen)
    for item in items:
        color = QColor(item.color)
        color.setAlpha(TRIGGER_ALPHA if item.trigger else BACKGROUND_ALPHA)
        for rect in item.rects:
            painter.fillRect(rect, color)


def paint_over(painter: QPainter, items: list[PaintItem], selection: QColor) -> None:
    """Nesting bars, trigger boxes and selection outlines, drawn after the text."""
    for item in items:
        bar = QColor(item.color).darker(130)
        height = BAR_HEIGHT * 2 if item.trigger else BAR_HEIGHT
        for rect in item.rects:
            y = rect.bottom() - height - item.level * BAR_STEP
            painter.fillRect(QRectF(rect.left(), y, rect.width(), height), bar)
            if item.trigger:
                painter.setPen(QPen(bar, 1.5))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect.adjusted(0.75, 0.75, -0.75, -0.75))
            if item.selected:
                painter.setPen(QPen(selection, 2.0, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect.adjusted(1, 1, -1, -1))


def paint_overlays(painter: QPainter, items: list[PaintItem]) -> None:
    """Outlined boxes, drawn over the text; their captions are never drawn on the text."""
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for item in items:
        painter.setPen(QPen(item.color, 2.0))
        for rect in item.rects:
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 3, 3)


def hit_shift(layout: QTextLayout, line_index: int, block: BlockOffsets, text: str) -> float:
    """How far to move x before asking Qt which cursor position lies under it.

    Qt's ``QTextLine.xToCursor`` disagrees with ``cursorToX`` (and with what is
    drawn) on wrapped right-to-left lines that end in white space: it is off by
    the width of that white space. The last line of a block is not affected.
    ``text`` is the stored text and ``block`` the converter for ``layout``'s block.
    """
    if line_index >= layout.lineCount() - 1:
        return 0.0
    line = layout.lineAt(line_index)
    start, end = line_range(line, block)
    kept = end
    while kept > start and text[kept - 1].isspace():
        kept = CodePoint(kept - 1)
    if kept == end:
        return 0.0
    lead = QTextLine.Edge.Leading
    return abs(_x(line, block.to_block(end), lead) - _x(line, block.to_block(kept), lead))
