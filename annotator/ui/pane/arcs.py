"""Arcs in the band: relations (Arg1 to Arg2) and event arguments (trigger to argument).

An arc leaves its first end's tag upwards, runs across the arc zone and comes
down onto the second end's tag with an arrowhead, so the direction reads the
same in right-to-left text as in left-to-right text. When the two ends are on
different lines (or one is off screen), each visible end gets a stub that runs
to the edge of its line on the side where the other end lies: towards the
line's left end if the other end comes later in the text (right-to-left
reading order), towards the right end if it comes earlier.

Arcs are laid out for the whole frame before any is drawn: every arc end on a
tag gets its own point along the tag (ends ordered by where their other end
lies, so arcs do not cross above a tag), and each caption is slid along its
arc until it meets no other caption, no arc coming down and no arrowhead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF

from annotator.core.positions import CodePoint
from annotator.ui.pane.label_band import advance, fit_name
from annotator.ui.pane.line_band import BandMetrics

ARROW = 5.0
PEN_WIDTH = 2.0
CAPTION_PAD = 6.0
SLIDE = 4.0
"""Step, in pixels, by which a caption is slid along its arc to find a free place."""


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
    """Where arcs meet a span: its tag, and its line's extent.

    Attributes:
        x: the tag's middle.
        y: the tag's top.
        line_top: the top of the span's line (identifies the line's band).
        left: the line's left end on screen.
        right: the line's right end on screen.
        start: the span's first code point.
        band_top: the top of the band above the span's line (its arc zone is the top row).
        tag_left: the tag's left edge (arc ends are spread between it and ``tag_right``).
        tag_right: the tag's right edge.
        levels: the rows of arcs in the band above the span's line.
    """

    x: float
    y: float
    line_top: float
    left: float
    right: float
    start: CodePoint
    band_top: float
    tag_left: float = 0.0
    tag_right: float = 0.0
    levels: int = 1


@dataclass
class ArcShape:
    """One arc (or one stub of it) as laid out for a frame.

    Attributes:
        arc: the arc.
        points: the polyline, from the first end (or the stub's end) on.
        tip: the arrowhead's tip on the second end's tag, or None (a stub at the first end).
        lo: left end of the stretch the caption belongs over.
        hi: right end of it.
        band_top: top of the band the arc runs in.
        y: height of the horizontal run.
        box: the caption's box (set by :func:`layout_arcs`).
        shown: the caption drawn (the arc's caption, or a shorter form of it).
        levels: the rows of arcs in its band.
        top: the top of the arc's row.
    """

    arc: Arc
    points: list[QPointF]
    tip: QPointF | None
    lo: float
    hi: float
    band_top: float
    y: float
    box: QRectF | None = None
    shown: str = ""
    levels: int = 1
    top: float = 0.0


@dataclass
class ArcStyle:
    """What all arcs of one paint share: the band's sizes and the captions placed so far."""

    band: BandMetrics
    taken: list[QRectF]
    shapes: list[ArcShape] = field(default_factory=list)


ArcEnds = tuple[Arc, Anchor | None, Anchor | None, CodePoint | None, CodePoint | None]
"""An arc, the anchors of its two ends (None: off screen), and each end's partner's start."""


def _slots(items: list[ArcEnds]) -> dict[tuple[int, int], float]:
    """The x at which each arc end meets its tag: (item index, 0 or 1) -> x.

    The ends on one tag are spread evenly across it, ordered by where their
    other end lies (left first), so that no two share a point.
    """
    by_tag: dict[int, list[tuple[float, int, int]]] = {}
    anchors: dict[int, Anchor] = {}
    for n, (arc, a, b, start_b, start_a) in enumerate(items):
        pairs = ((a, b, 0, arc.arg1, start_b), (b, a, 1, arc.arg2, start_a))
        for end, other, which, span_id, partner in pairs:
            if end is None:
                continue
            if other is not None and abs(other.line_top - end.line_top) < 0.5:
                toward = other.x
            else:
                toward = end.left if partner is not None and partner > end.start else end.right
            by_tag.setdefault(span_id, []).append((toward, n, which))
            anchors[span_id] = end
    out: dict[tuple[int, int], float] = {}
    for span_id, ends in by_tag.items():
        anchor = anchors[span_id]
        left, right = anchor.tag_left, anchor.tag_right
        ends.sort()
        step = (right - left) / (len(ends) + 1)
        for k, (_toward, n, which) in enumerate(ends):
            out[(n, which)] = round(left + step * (k + 1)) + 0.5
    return out


def _shapes(items: list[ArcEnds], band: BandMetrics) -> list[ArcShape]:
    slots = _slots(items)
    shapes: list[ArcShape] = []
    for n, (arc, a, b, start_b, start_a) in enumerate(items):
        if a is not None and b is not None and abs(a.line_top - b.line_top) < 0.5:
            ax, bx = slots[(n, 0)], slots[(n, 1)]
            points = [QPointF(ax, a.y), QPointF(ax, 0), QPointF(bx, 0), QPointF(bx, b.y - ARROW)]
            head = QPointF(bx, b.y)
            shapes.append(ArcShape(arc, points, head, min(ax, bx), max(ax, bx), a.band_top, 0.0))
            shapes[-1].levels = a.levels
            continue
        for end, partner, which in ((a, start_b, 0), (b, start_a, 1)):
            if end is None or partner is None:
                continue
            x = slots[(n, which)]
            edge = end.left + 1 if partner > end.start else end.right - 1
            tip = QPointF(x, end.y) if which == 1 else None
            foot = end.y - ARROW if which == 1 else end.y
            points = [QPointF(x, foot), QPointF(x, 0), QPointF(edge, 0)]
            shapes.append(ArcShape(arc, points, tip, min(x, edge), max(x, edge), end.band_top, 0.0))
            shapes[-1].levels = end.levels
    _set_levels(shapes, band)
    return shapes


def _set_levels(shapes: list[ArcShape], band: BandMetrics) -> None:
    """Put arcs whose stretches overlap in one band on different rows (short ones lowest)."""
    taken: dict[float, list[list[tuple[float, float]]]] = {}
    for shape in sorted(shapes, key=lambda s: s.hi - s.lo):
        rows = taken.setdefault(shape.band_top, [])
        lo, hi = shape.lo + 1, shape.hi - 1  # arcs meeting at one tag do not overlap
        level = next(
            (k for k, row in enumerate(rows) if all(hi <= a or b <= lo for a, b in row)),
            len(rows),
        )
        level = min(level, max(shape.levels, 1) - 1)
        if level == len(rows):
            rows.append([])
        rows[level].append((lo, hi))
        shape.top = band.arc_top(shape.band_top, max(shape.levels, 1), level)
        shape.y = band.arc_y(shape.band_top, max(shape.levels, 1), level)
        shape.points[1] = QPointF(shape.points[1].x(), shape.y)
        shape.points[2] = QPointF(shape.points[2].x(), shape.y)


def _obstacles(shape: ArcShape) -> list[QRectF]:
    """What a caption must not cover: the arc's vertical runs and its arrowhead."""
    out: list[QRectF] = []
    for p, q in zip(shape.points, shape.points[1:], strict=False):
        if abs(p.x() - q.x()) < 0.5:  # vertical
            top, bottom = min(p.y(), q.y()), max(p.y(), q.y())
            out.append(QRectF(p.x() - PEN_WIDTH, top, 2 * PEN_WIDTH, bottom - top))
    if shape.tip is not None:
        x, tip = shape.tip.x(), shape.tip.y()
        out.append(QRectF(x - ARROW - 1, tip - ARROW - 2, 2 * ARROW + 2, ARROW + 2))
    return out


def _place(shape: ArcShape, blocked: list[QRectF], band: BandMetrics) -> tuple[QRectF, str]:
    """A caption box for ``shape`` over its own stretch, slid until it meets nothing in
    ``blocked``; a shorter form of the caption if the full one fits nowhere."""
    metrics = band.metrics
    # above the arc's own run, clear of the line above the band (anti-aliasing included)
    top, height = shape.top + 2, shape.y - shape.top - 4
    mid, span = (shape.lo + shape.hi) / 2, shape.hi - shape.lo
    caption = shape.arc.caption
    for text in dict.fromkeys((caption, fit_name(caption, span, metrics, band.font_key))):
        width = advance(text, metrics, band.font_key) + CAPTION_PAD
        near = [
            r for r in blocked if r.right() >= mid - span - width and r.left() <= mid + span + width
        ]
        for k in range(int(max(span, width) / SLIDE) + 1):
            for sign in (1, -1) if k else (1,):
                box = QRectF(mid - width / 2 + sign * k * SLIDE, top, width, height)
                if not any(box.intersects(other) for other in near):
                    return box, text
    width = advance(caption, metrics, band.font_key) + CAPTION_PAD
    return QRectF(mid - width / 2, top, width, height), caption  # nowhere free: centred


def layout_arcs(items: list[ArcEnds], style: ArcStyle) -> list[ArcShape]:
    """Lay out every arc of a frame: its points, arrowhead and caption box (in ``style``)."""
    shapes = _shapes(items, style.band)
    blocked: dict[float, list[QRectF]] = {}  # by band: a caption meets only its band's arcs
    for shape in shapes:
        blocked.setdefault(shape.band_top, []).extend(_obstacles(shape))
    for shape in sorted(shapes, key=lambda s: s.hi - s.lo):  # short arcs choose first
        here = blocked.setdefault(shape.band_top, [])
        shape.box, shape.shown = _place(shape, here, style.band)
        here.append(shape.box)
        style.taken.append(shape.box)
    style.shapes = shapes
    return shapes


def arc_bounds(shape: ArcShape) -> QRectF:
    """Everything a laid-out arc draws lies in this rectangle: line, arrowhead, caption."""
    xs = [p.x() for p in shape.points]
    ys = [p.y() for p in shape.points]
    if shape.tip is not None:
        xs += [shape.tip.x() - ARROW, shape.tip.x() + ARROW]
        ys += [shape.tip.y() - ARROW - 1, shape.tip.y()]
    pad = PEN_WIDTH + 1
    bounds = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
    bounds = bounds.adjusted(-pad, -pad, pad, pad)
    return bounds.united(shape.box) if shape.box is not None else bounds


def _pen(color: QColor) -> QPen:
    pen = QPen(color, PEN_WIDTH)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    return pen


def paint_arcs(painter: QPainter, shapes: list[ArcShape], band: BandMetrics) -> None:
    """Draw laid-out arcs: lines, then arrowheads, then captions on a white ground."""
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for shape in shapes:
        painter.setPen(_pen(QColor(shape.arc.color)))
        path = QPainterPath(shape.points[0])
        for p in shape.points[1:]:
            path.lineTo(p)
        painter.drawPath(path)
    painter.setPen(Qt.PenStyle.NoPen)
    for shape in shapes:
        if shape.tip is not None:
            x, tip = shape.tip.x(), shape.tip.y()
            painter.setBrush(QColor(shape.arc.color))
            painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(x, tip),
                        QPointF(x - ARROW, tip - ARROW - 1),
                        QPointF(x + ARROW, tip - ARROW - 1),
                    ]
                )
            )
    painter.setFont(band.font)
    painter.setBrush(QColor("white"))
    for shape in shapes:
        if shape.box is None:
            continue
        color = QColor(shape.arc.color)
        painter.setPen(QPen(color, 1.0))
        painter.drawRoundedRect(shape.box.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        painter.drawText(shape.box, Qt.AlignmentFlag.AlignCenter, shape.shown)
