"""After a span is created, only the strip of its line is repainted, and the screen is right.

The pane repaints the strip of the changed lines (with the band above them), not the
whole viewport (issue 18); what is on screen afterwards must be what a full repaint draws.
Tagging never scrolls the text, and a selection made by the program is on screen.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QRect, QRectF
from PySide6.QtGui import QImage, QPaintEvent, QRegion, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.core.model import Bundle, Edit, Span
from annotator.core.positions import CodePoint
from annotator.core.schema import default_schema
from annotator.ui.fonts import default_font
from annotator.ui.pane.arcs import ARROW, arc_bounds
from annotator.ui.pane.text_pane import Arc, TextPane
from tests.gui.pixels import Pixels

SENTENCE = (
    "أكدت وزارة الدفاع الروسية 😀 أنها شنت هجوماً على «داعش» في محافظة حماة السورية "
    "𝐀 ok 12\u00a0مارس الـــحرب می\u200cخواهم وَزَارَةُ. "
)
TEXT = "\n".join(SENTENCE * 2 for _ in range(12))
WORD = "حماة"


def _starts(word: str) -> list[int]:
    return [i for i in range(len(TEXT)) if TEXT.startswith(word, i)]


class PaintLog(QObject):
    """Collects the regions the viewport is asked to paint."""

    def __init__(self) -> None:
        super().__init__()
        self.region = QRegion()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and isinstance(event, QPaintEvent):
            self.region += event.region()
        return False


def _pane(qtbot: Any) -> TextPane:
    pane = TextPane()
    qtbot.addWidget(pane)
    pane.setFont(default_font(18))
    pane.resize(900, 700)
    spans = [
        Span(n + 1, 1, "t", CodePoint(s), CodePoint(s + len("داعش")), "ORG")
        for n, s in enumerate(_starts("داعش"))
    ]
    pane.set_document(TEXT, spans, default_schema())
    pane.set_band(True)
    pairs = zip(spans, spans[1:], strict=False)
    pane.set_arcs([Arc(a.id, b.id, "PART-WHOLE", "#43a047") for a, b in pairs])
    pane.show()
    qtbot.waitExposed(pane)
    _settle()
    return pane


def _settle() -> None:
    for _ in range(4):
        QApplication.processEvents()
        QTest.qWait(20)


def _on_screen(pane: TextPane) -> Pixels:
    """The viewport as it is on screen now (the backing store, not a fresh paint)."""
    shot = pane.screen().grabWindow(pane.winId()).toImage()
    view = pane.viewport().geometry()
    image = shot.copy(view).convertToFormat(QImage.Format.Format_RGB888)
    raw = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return raw[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def _middle_word(pane: TextPane, tagged: bool) -> int:
    """A :data:`WORD` below the middle of the viewport, on a line that already has a tag
    (``tagged``) or none."""
    middle = pane.viewport().height() / 2
    tops = [t.anchor.top() for t in pane.painter.last_frame.tags]
    for start in _starts(WORD):
        cursor = QTextCursor(pane.document())
        cursor.setPosition(pane.offsets.to_qt(CodePoint(start)))
        top = pane.cursorRect(cursor).top()
        if top > middle and any(abs(top - t) < 2 for t in tops) == tagged:
            return start
    raise AssertionError("no such word below the middle of the viewport")


def _tag(pane: TextPane, start: int) -> QRegion:
    """Tag :data:`WORD` at ``start`` (as an edit applied to the pane); the region painted."""
    log = PaintLog()
    pane.viewport().installEventFilter(log)
    span = Span(999, 1, "t", CodePoint(start), CodePoint(start + len(WORD)), "GPE")
    pane.apply_edit(Edit(1, "t", add=Bundle(spans=(span,))))
    _settle()
    pane.viewport().removeEventFilter(log)
    return log.region


def _stale(pane: TextPane) -> bool:
    """True if the screen differs from a repaint of the whole viewport from scratch."""
    before = _on_screen(pane)
    pane.viewport().repaint()
    _settle()
    return not np.array_equal(before, _on_screen(pane))


def test_a_new_span_repaints_its_line_strip_and_the_screen_is_right(qtbot: Any) -> None:
    pane = _pane(qtbot)
    painted = _tag(pane, _middle_word(pane, tagged=True))
    frame = pane.painter.last_frame
    tag = next(t for t in frame.tags if t.span_id == 999)
    item = next(i for i in frame.items if i.span_id == 999)
    assert tag.box is not None
    for rect in (tag.box, *item.rects):
        assert painted.contains(rect.toAlignedRect().adjusted(1, 1, -1, -1)), rect
    view = pane.viewport().rect()
    assert not painted.contains(QRect(view.left(), view.top(), view.width(), 10))  # a strip
    assert not _stale(pane)


def test_a_new_band_moves_the_lines_below_and_everything_is_repainted(qtbot: Any) -> None:
    pane = _pane(qtbot)
    start = _middle_word(pane, tagged=False)
    painted = _tag(pane, start)
    assert painted.contains(pane.viewport().rect())
    assert not _stale(pane)


def test_tagging_does_not_scroll_the_text(qtbot: Any) -> None:
    pane = _pane(qtbot)
    bar = pane.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    _settle()
    at = bar.value()
    cursor = pane.textCursor()  # the caret (the selection's end) far below the view
    cursor.setPosition(pane.offsets.to_qt(CodePoint(0)))
    cursor.setPosition(pane.offsets.to_qt(CodePoint(len(TEXT))), cursor.MoveMode.KeepAnchor)
    pane.blockSignals(True)
    pane.setTextCursor(cursor)
    bar.setValue(at)
    pane.blockSignals(False)
    _settle()
    pane.clear_text_selection()
    _settle()
    assert pane.selection_range() is None
    assert bar.value() == at


def test_a_selection_made_by_the_program_is_on_screen(qtbot: Any) -> None:
    pane = _pane(qtbot)
    for start in _starts(WORD)[::3]:
        pane.select_text(CodePoint(start), CodePoint(start + len(WORD)))
        _settle()
        caret = pane.cursorRect()
        assert caret.top() >= 0 and caret.bottom() <= pane.viewport().rect().bottom(), start


def test_an_arc_lies_within_its_bounds(qtbot: Any) -> None:
    """A partial repaint draws the arcs whose bounds meet it: the bounds hold all of an arc."""
    pane = _pane(qtbot)
    shapes = pane.painter.last_frame.arcs
    assert shapes
    for shape in shapes:
        bounds = arc_bounds(shape)
        for point in shape.points:
            assert bounds.contains(point)
        if shape.tip is not None:
            x, y = shape.tip.x(), shape.tip.y()
            assert bounds.contains(QRectF(x - ARROW, y - ARROW - 1, 2 * ARROW, ARROW + 1))
        if shape.box is not None:
            assert bounds.contains(shape.box)
