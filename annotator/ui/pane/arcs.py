"""Relation arcs in the band: from Arg1's tag up, across, and down onto Arg2's tag.

The arrowhead points down onto Arg2, so the direction reads the same in
right-to-left text as in left-to-right text. When the two ends are on
different lines (or one is off screen), each visible end gets a stub that runs
to the edge of its line on the side where the other end lies: towards the
line's left end if the other end comes later in the text (right-to-left
reading order), towards the right end if it comes earlier.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF

from annotator.core.positions import CodePoint
from annotator.ui.pane.line_band import BandMetrics

ARROW = 5.0
PEN_WIDTH = 2.0
FROM_SHIFT = 4.0
"""An arc leaves Arg1's tag this far right of its middle..."""
TO_SHIFT = -3.0
"""... and lands on Arg2's tag this far from its middle, so that a span that is
Arg1 of one relation and Arg2 of another shows two distinct lines."""


@dataclass(frozen=True)
class Arc:
    """A relation to draw.

    Attributes:
        arg1: the first end's span id.
        arg2: the second end's span id (the arrow points at it).
        caption: the relation type.
        color: the relation type's colour, any name QColor accepts.
    """

    arg1: int
    arg2: int
    caption: str
    color: str


@dataclass(frozen=True)
class Anchor:
    """Where an arc meets a span: the top middle of its tag, and its line's extent.

    Attributes:
        x: the tag's middle.
        y: the tag's top.
        line_top: the top of the span's line (identifies the line's band).
        left: the line's left end on screen.
        right: the line's right end on screen.
        start: the span's first code point.
        band_top: the top of the band above the span's line (its arc zone is the top row).
    """

    x: float
    y: float
    line_top: float
    left: float
    right: float
    start: CodePoint
    band_top: float


def _pen(color: QColor) -> QPen:
    pen = QPen(color, PEN_WIDTH)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    return pen


def _arrowhead(painter: QPainter, x: float, tip: float, color: QColor) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawPolygon(
        QPolygonF(
            [
                QPointF(x, tip),
                QPointF(x - ARROW, tip - ARROW - 1),
                QPointF(x + ARROW, tip - ARROW - 1),
            ]
        )
    )


@dataclass
class ArcStyle:
    """What all arcs of one paint share: the band's sizes and the captions already placed."""

    band: BandMetrics
    taken: list[QRectF]


def _caption_box(text: str, x: float, band_top: float, style: ArcStyle) -> QRectF:
    """Where the caption goes: centred on ``x``, or moved sideways off captions already drawn."""
    band = style.band
    width = QFontMetricsF(band.font).horizontalAdvance(text) + 6
    top = band_top + 2  # clear of the line above, anti-aliasing included
    for step in (0, 1, -1, 2, -2):
        box = QRectF(x - width / 2 + step * (width + 4), top, width, band.row_height - 3)
        if not any(box.intersects(other) for other in style.taken):
            break
    else:
        box = QRectF(x - width / 2, top, width, band.row_height - 3)
    style.taken.append(box)
    return box


def _caption(
    painter: QPainter, text: str, x: float, band_top: float, style: ArcStyle, color: QColor
) -> None:
    """The relation type in the arc zone of the band whose top is ``band_top``, on white."""
    band = style.band
    box = _caption_box(text, x, band_top, style)
    painter.setPen(QPen(color, 1.0))
    painter.setBrush(QColor("white"))
    painter.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
    painter.setFont(band.font)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def _path(points: list[QPointF]) -> QPainterPath:
    path = QPainterPath(points[0])
    for p in points[1:]:
        path.lineTo(p)
    return path


def _draw(painter: QPainter, points: list[QPointF], color: QColor) -> None:
    painter.setPen(_pen(color))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(_path(points))


def paint_arc(
    painter: QPainter,
    arc: Arc,
    ends: tuple[Anchor | None, Anchor | None],
    other_start: tuple[CodePoint | None, CodePoint | None],
    style: ArcStyle,
) -> None:
    """Draw one relation.

    ``ends`` are the anchors of Arg1 and Arg2 (None: not on screen); ``other_start``
    gives, for each of them, the first code point of the *other* end (None: unknown).
    """
    color = QColor(arc.color)
    band = style.band
    a, b = ends
    if a is not None and b is not None and abs(a.line_top - b.line_top) < 0.5:
        y = band.arc_y(a.band_top)
        ax, bx = a.x + FROM_SHIFT, b.x + TO_SHIFT
        _draw(
            painter,
            [QPointF(ax, a.y), QPointF(ax, y), QPointF(bx, y), QPointF(bx, b.y - ARROW)],
            color,
        )
        _arrowhead(painter, bx, b.y, color)
        _caption(painter, arc.caption, (ax + bx) / 2, a.band_top, style, color)
        return
    for end, partner, is_target in ((a, other_start[0], False), (b, other_start[1], True)):
        if end is None or partner is None:
            continue
        y = band.arc_y(end.band_top)
        x = end.x + (TO_SHIFT if is_target else FROM_SHIFT)
        edge = end.left + 1 if partner > end.start else end.right - 1
        tip = end.y - ARROW if is_target else end.y
        _draw(painter, [QPointF(x, tip), QPointF(x, y), QPointF(edge, y)], color)
        if is_target:
            _arrowhead(painter, x, end.y, color)
        _caption(painter, arc.caption, (x + edge) / 2, end.band_top, style, color)
