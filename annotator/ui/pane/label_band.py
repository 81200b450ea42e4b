"""Label tags in the band above each line: which row each span's tag takes, and drawing them.

A span's tag sits above the reading start (the right edge, in right-to-left
text) of the span's first rectangle, in the band of that line. A span is drawn
one row above every shorter span it overlaps, so outer spans stand above inner
ones. A tag is never wider than its span: the name is shortened (the last part
of a dotted name, then its initials, then its first letters) and the full name
is kept for the tooltip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from annotator.core.positions import CodePoint
from annotator.ui.pane.line_band import TAG_ROWS, BandMetrics

PAD = 4.0
"""Horizontal padding inside a tag, both sides together."""
_PARTS = re.compile(r"[.\-_: ]+")


@dataclass
class Tag:
    """A span's tag, ready to draw.

    Attributes:
        span_id: the span's id.
        anchor: the span's first rectangle on screen (its line's top is ``anchor.top()``).
        name: the full text of the tag (label, or role of an event argument).
        color: the tag's fill colour.
        row: the tag row, 0 next to the text.
        outline: a colour to outline the tag with (an event argument, a relation end), or None.
        box: where the tag is drawn (set by :func:`layout_tags`).
        shown: the (possibly shortened) name drawn (set by :func:`layout_tags`).
        title: the tooltip, when it differs from ``name``.
        band_height: the height of the band above the tag's line.
        arc_rows: the rows of arcs in that band.
    """

    span_id: int
    anchor: QRectF
    name: str
    color: QColor
    row: int
    outline: QColor | None = None
    box: QRectF | None = None
    shown: str = ""
    title: str = ""
    band_height: float = 0.0
    arc_rows: int = 0


def band_rows(ranges: list[tuple[CodePoint, CodePoint]]) -> list[int]:
    """The band row of each range: one above every shorter range it overlaps.

    Ranges of the same length are ordered by start, then by position in the list,
    so two spans over the same characters get two rows.
    """
    by_start = sorted(range(len(ranges)), key=lambda i: ranges[i])
    below: list[list[int]] = [[] for _ in ranges]
    for pos, i in enumerate(by_start):
        end = ranges[i][1]
        for j in by_start[pos + 1 :]:
            if ranges[j][0] >= end:
                break
            a, b = (i, j) if _outer_first(ranges, i, j) else (j, i)
            below[a].append(b)
    rows = [0] * len(ranges)
    for i in sorted(range(len(ranges)), key=lambda k: (_length(ranges, k), ranges[k][0], k)):
        rows[i] = max((rows[j] + 1 for j in below[i]), default=0)
    return rows


def _length(ranges: list[tuple[CodePoint, CodePoint]], i: int) -> int:
    return ranges[i][1] - ranges[i][0]


def _outer_first(ranges: list[tuple[CodePoint, CodePoint]], i: int, j: int) -> bool:
    """True if range ``i`` stands above range ``j`` (it is longer, or later in a tie)."""
    key_i = (_length(ranges, i), -ranges[i][0], i)
    key_j = (_length(ranges, j), -ranges[j][0], j)
    return key_i > key_j


@cache
def short_names(name: str) -> tuple[str, ...]:
    """``name`` and ever shorter forms of it, longest first."""
    parts = [p for p in _PARTS.split(name) if p]
    out = [name]
    if len(parts) > 1:
        out += [parts[-1], "".join(p[0] for p in parts)]
    out += [name[:3], name[:2], name[:1]]
    return tuple(dict.fromkeys(n for n in out if n))


_ADVANCES: dict[tuple[str, str], float] = {}
"""Widths of tag and caption texts by font: the same few names are measured on every paint."""


def advance(text: str, metrics: QFontMetricsF, font_key: str) -> float:
    """``metrics.horizontalAdvance(text)``, remembered for the font whose ``key()`` is given."""
    key = (font_key, text)
    width = _ADVANCES.get(key)
    if width is None:
        if len(_ADVANCES) > 10_000:
            _ADVANCES.clear()
        width = _ADVANCES[key] = metrics.horizontalAdvance(text)
    return width


def fit_name(name: str, width: float, metrics: QFontMetricsF, font_key: str = "") -> str:
    """The longest form of ``name`` that fits in ``width`` pixels (at least one letter)."""
    forms = short_names(name)
    for form in forms:
        size = advance(form, metrics, font_key) if font_key else metrics.horizontalAdvance(form)
        if size + PAD <= width:
            return form
    return forms[-1]


def layout_tags(tags: list[Tag], band: BandMetrics) -> None:
    """Give each tag its box and the name it shows, right-aligned on its span's reading start."""
    metrics = band.metrics
    font = band.font_key
    for tag in tags:
        shown = fit_name(tag.name, tag.anchor.width(), metrics, font)
        width = min(advance(shown, metrics, font) + PAD, max(tag.anchor.width(), 0.0))
        width = max(width, advance(shown[:1], metrics, font) + PAD)
        top = band.tag_top(tag.anchor.top(), min(tag.row, TAG_ROWS - 1))
        right = tag.anchor.right()
        tag.box = QRectF(right - width, top, width, band.row_height - 1)
        tag.shown = shown


def _ink(fill: QColor) -> QColor:
    """Black or white, whichever reads better on ``fill``."""
    return QColor("black") if fill.lightnessF() > 0.55 else QColor("white")


def paint_tags(painter: QPainter, tags: list[Tag], band: BandMetrics) -> None:
    """Draw the tags (after :func:`layout_tags`)."""
    painter.setFont(band.font)
    for tag in tags:
        if tag.box is None:
            continue
        fill = QColor(tag.color)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(tag.box, 2, 2)
        if tag.outline is not None:
            painter.setPen(QPen(tag.outline, 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(tag.box.adjusted(0.75, 0.75, -0.75, -0.75), 2, 2)
        painter.setPen(_ink(fill))
        painter.drawText(tag.box, Qt.AlignmentFlag.AlignCenter, tag.shown)
