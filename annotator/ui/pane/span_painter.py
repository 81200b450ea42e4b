"""Geometry and drawing of span highlights for :class:`~annotator.ui.pane.text_pane.TextPane`.

Highlights are painted by hand instead of with character formats: a format
change splits Qt's shaping runs and can break the joining of Arabic letters,
and rebuilding formats for every span is slow. Backgrounds go under the text,
nesting bars, outlines and captions over it.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
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
_LTR_CLASSES = {"L", "EN", "AN"}
_NEUTRAL_CLASSES = {"WS", "ON", "CS", "ES", "ET", "B", "S", "NSM", "BN"}


VisibleBlock = tuple[QTextBlock, QPointF, BlockOffsets]
"""A block on screen, its top-left corner in viewport coordinates, and its converter."""


@dataclass(frozen=True)
class Overlay:
    """An outlined box with a caption, e.g. an event argument with its role name.

    Attributes:
        start: first code point (inclusive).
        end: last code point (exclusive).
        color: outline colour, any name QColor accepts.
        caption: short text drawn next to the box.
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


def _is_ltr(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in _LTR_CLASSES


Run = tuple[CodePoint, CodePoint]


def _direction_runs(text: str, start: CodePoint, end: CodePoint) -> list[Run]:
    """Split ``text[start:end]`` where the direction changes (neutrals join the run)."""
    runs: list[Run] = []
    run_start = start
    current: bool | None = None
    for i in range(start, end):
        ch = text[i]
        if unicodedata.bidirectional(ch) in _NEUTRAL_CLASSES:
            continue
        ltr = _is_ltr(ch)
        if current is not None and ltr != current:
            runs.append((run_start, CodePoint(i)))
            run_start = CodePoint(i)
        current = ltr
    runs.append((run_start, end))
    return runs


def _x(line: QTextLine, pos: QtBlockPos, edge: QTextLine.Edge) -> float:
    value: Any = line.cursorToX(pos, edge)  # PySide returns (x, pos)
    return float(value[0] if isinstance(value, tuple) else value)


def _run_rect(
    line: QTextLine, origin: QPointF, block: BlockOffsets, a: CodePoint, b: CodePoint
) -> QRectF:
    """The rectangle over code points ``[a, b)``, which lie on ``line`` in one direction."""
    lead, trail = QTextLine.Edge.Leading, QTextLine.Edge.Trailing
    xs: list[float] = []
    for cp in (a, CodePoint(b - 1)):  # the run's first and last characters, both edges
        first_unit, last_unit = block.char_units(cp)
        xs += [_x(line, first_unit, lead), _x(line, last_unit, trail)]
    left, right = min(xs), max(xs)
    if right - left < 0.5:  # Qt gives no width to some astral characters: use their glyphs
        start, end = block.to_block(a), block.to_block(b)
        boxes = [run.boundingRect() for run in line.glyphRuns(start, end - start)]
        if boxes:
            left = min(r.left() for r in boxes)
            right = max(r.right() for r in boxes)
    return QRectF(origin.x() + left, origin.y() + line.y(), right - left, line.height())


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

    One rectangle per line and direction run. ``text`` is the stored text,
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
        if s >= e:
            continue
        for rs, re_ in _direction_runs(text, s, e):
            if rs < re_:
                rects.append(_run_rect(line, origin, block, rs, re_))
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


def paint_overlays(painter: QPainter, items: list[PaintItem], font: QFont) -> None:
    """Outlined boxes with a caption above their right (reading-start) corner."""
    small = QFont(font)
    small.setPointSizeF(max(6.0, font.pointSizeF() * 0.6))
    metrics = QFontMetricsF(small)
    painter.setFont(small)
    for item in items:
        pen = QPen(item.color, 2.0)
        for n, rect in enumerate(item.rects):
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 3, 3)
            if n == 0 and item.caption:
                width = metrics.horizontalAdvance(item.caption) + 6
                box = QRectF(rect.right() - width, rect.top(), width, metrics.height())
                painter.fillRect(box, item.color)
                painter.setPen(QColor("white"))
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, item.caption)


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
