"""A read-only text pane of review mode: one or more annotators' spans, disputes outlined.

It is the workbench's :class:`~annotator.ui.pane.text_pane.TextPane` (same
painter, same right-to-left layout, no character formats, so Arabic letters
stay joined) with two things drawn over it after each paint:

- a coloured corner at the reading start of every span when the pane shows
  several layers (interleaved): one colour per annotator, named in the
  tooltip and in the pane's title;
- a red outline and top strip over every disputed range.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from annotator.core.positions import CodePoint
from annotator.ui.bidi import isolate, left_to_right
from annotator.ui.pane.pane_painter import PanePainter
from annotator.ui.pane.text_pane import TextPane

DISPUTE_COLOR = "#d62728"
ANNOTATOR_COLORS = ("#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
CORNER = 8.0
STRIP = 3.0

Range = tuple[CodePoint, CodePoint]


def annotator_color(position: int) -> str:
    """The colour of the ``position``-th chosen annotator (cycled)."""
    return ANNOTATOR_COLORS[position % len(ANNOTATOR_COLORS)]


class ReviewPane(TextPane):
    """A read-only pane that can mark each span's annotator and outline disputed ranges.

    Args:
        parent: the owning widget.

    Attributes:
        show_marks: draw the annotator corners (interleaved view).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._disputes: list[Range] = []
        self._current: set[Range] = set()
        self._colors: dict[str, QColor] = {}
        self.show_marks = False
        self.follow_cursor = False
        """Keep the caret (the current disagreement) centred when the pane is resized."""

    def set_annotator_colors(self, colors: dict[str, str]) -> None:
        """The corner colour of each annotator's spans."""
        self._colors = {name: QColor(c) for name, c in colors.items()}
        self.viewport().update()

    def set_disputes(self, ranges: list[Range], current: Iterable[Range] = ()) -> None:
        """Outline these code-point ranges in red; those in ``current`` more thickly."""
        self._disputes = sorted(set(ranges))
        self._current = set(current)
        self.viewport().update()

    def disputes(self) -> list[Range]:
        """The ranges outlined as disputed."""
        return list(self._disputes)

    def resizeEvent(self, e: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        """Lines rewrap on a resize: bring the current disagreement back into view."""
        super().resizeEvent(e)
        if self.follow_cursor:
            QTimer.singleShot(0, self, self.center_caret)

    def paintEvent(self, e: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        """The workbench paint, then annotator corners and dispute outlines on top."""
        super().paintEvent(e)
        frame = self.painter.last_frame
        if not frame.blocks:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.show_marks and self._colors:
            self._paint_marks(painter)
        self._paint_disputes(painter)
        painter.end()

    def _visible_range(self) -> Range:
        blocks = self.painter.last_frame.blocks
        return blocks[0][2].start, blocks[-1][2].end

    def _paint_marks(self, painter: QPainter) -> None:
        frame = self.painter.last_frame
        lo, hi = self._visible_range()
        order = list(self._colors)
        painter.setPen(Qt.PenStyle.NoPen)
        for span in self._index.overlapping(lo, hi):  # the visible spans only
            if span.annotator not in self._colors:
                continue
            rects = PanePainter.rects(frame, span.start, span.end)
            if not rects:
                continue
            top_right = rects[0].topRight() - QPointF(order.index(span.annotator) * CORNER, 0)
            painter.setBrush(self._colors[span.annotator])
            painter.drawPolygon(
                QPolygonF(
                    [top_right, top_right - QPointF(CORNER, 0), top_right + QPointF(0, CORNER)]
                )
            )

    def _paint_disputes(self, painter: QPainter) -> None:
        frame = self.painter.last_frame
        lo, hi = self._visible_range()
        color = QColor(DISPUTE_COLOR)
        for start, end in self._disputes:
            if end <= lo or start >= hi:
                continue
            width = 3.0 if (start, end) in self._current else 1.5
            for rect in PanePainter.rects(frame, start, end):
                painter.setPen(QPen(color, width))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect.adjusted(width / 2, width / 2, -width / 2, -width / 2))
                painter.fillRect(QRectF(rect.left(), rect.top(), rect.width(), STRIP), color)

    def viewportEvent(self, e: QEvent) -> bool:  # noqa: N802 (Qt override)
        """Tooltips name each span's annotator and whether the range is disputed."""
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            hits = self.spans_under(e.pos())
            cp = self.char_at(e.pos())
            lines = [
                left_to_right(
                    f"{isolate(s.annotator)}: {isolate(s.label)} «{isolate(s.text_in(self.text))}»"
                )
                for s in hits
            ]
            if cp is not None and any(a <= cp < b for a, b in self._disputes):
                lines.append("Disputed (F8: next disagreement)")
            if lines:
                QToolTip.showText(e.globalPos(), "\n".join(lines), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(e)
