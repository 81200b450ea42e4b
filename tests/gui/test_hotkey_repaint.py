"""After a span is created, only the strip of its line is repainted, and the screen is right.

The pane repaints the strip of the changed lines (with the band above them), not the
whole viewport (issue 18); a band that opens or closes repaints from its line down, in
the same paint. What is on screen afterwards must be what a full repaint draws.
Tagging never scrolls the text, and a selection made by the program is on screen.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QRect, QRectF
from PySide6.QtGui import QFont, QImage, QPaintEvent, QRegion, QTextCursor
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
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and isinstance(event, QPaintEvent):
            self.region += event.region()
            self.paints += 1
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


def _cursor_at(pane: TextPane, start: int) -> QTextCursor:
    cursor = QTextCursor(pane.document())
    cursor.setPosition(pane.offsets.to_qt(CodePoint(start)))
    return cursor


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


def _covers(region: QRegion, rect: QRect) -> bool:
    """True if ``region`` holds all of ``rect`` (``QRegion.contains`` is true on any overlap)."""
    return (QRegion(rect) - region).isEmpty()


def _edit(pane: TextPane, edit: Edit) -> PaintLog:
    """Apply ``edit`` to the pane and let it repaint; what was painted."""
    log = PaintLog()
    pane.viewport().installEventFilter(log)
    pane.apply_edit(edit)
    _settle()
    pane.viewport().removeEventFilter(log)
    return log


def _new_span(start: int) -> Span:
    return Span(999, 1, "t", CodePoint(start), CodePoint(start + len(WORD)), "GPE")


def _tag(pane: TextPane, start: int) -> QRegion:
    """Tag :data:`WORD` at ``start`` (as an edit applied to the pane); the region painted."""
    return _edit(pane, Edit(1, "t", add=Bundle(spans=(_new_span(start),)))).region


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
        assert _covers(painted, rect.toAlignedRect().adjusted(1, 1, -1, -1)), rect
    view = pane.viewport().rect()
    assert not painted.contains(QRect(view.left(), view.top(), view.width(), 10))  # a strip
    assert not _stale(pane)


def test_a_new_band_repaints_from_its_line_down_in_one_paint(qtbot: Any) -> None:
    """A tag that opens a band on its line moves the lines below it, not those above: one
    paint covers the band's line down to the viewport's bottom, and nothing above it."""
    pane = _pane(qtbot)
    start = _middle_word(pane, tagged=False)
    log = _edit(pane, Edit(1, "t", add=Bundle(spans=(_new_span(start),))))
    tag = next(t for t in pane.painter.last_frame.tags if t.span_id == 999)
    assert tag.box is not None
    view = pane.viewport().rect()
    band_top = math.ceil(tag.anchor.top() - tag.band_height)
    assert log.paints == 1
    assert _covers(log.region, QRect(view.left(), band_top, view.width(), view.bottom() - band_top))
    assert not log.region.intersects(QRect(view.left(), view.top(), view.width(), band_top - 10))
    assert not _stale(pane)


def test_a_band_that_closes_repaints_from_its_line_down_and_the_screen_is_right(
    qtbot: Any,
) -> None:
    pane = _pane(qtbot)
    start = _middle_word(pane, tagged=False)
    _tag(pane, start)
    top = pane.cursorRect(_cursor_at(pane, start)).top()
    log = _edit(pane, Edit(1, "t", remove=Bundle(spans=(_new_span(start),))))
    moved_up = pane.cursorRect(_cursor_at(pane, start)).top()
    assert moved_up < top  # the band closed: the line moved up
    view = pane.viewport().rect()
    assert log.paints == 1
    assert _covers(log.region, QRect(view.left(), moved_up, view.width(), view.bottom() - moved_up))
    assert not log.region.intersects(QRect(view.left(), view.top(), view.width(), 10))
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


def test_clearing_a_selection_off_screen_neither_scrolls_nor_repaints_the_view(
    qtbot: Any,
) -> None:
    """Qt scrolls to the caret when the selection is cleared; the pane scrolls back without
    repainting the whole viewport (a repaint of everything after a hotkey costs double).

    The font has whole-pixel lines (full hinting): with fractional ones Qt's scroll back
    lands a fraction of a pixel off, and the pane repaints everything (see the next test).
    """
    pane = _pane(qtbot)
    font = default_font(18)
    font.setHintingPreference(QFont.HintingPreference.PreferFullHinting)
    pane.setFont(font)
    _settle()
    start = _middle_word(pane, tagged=True)
    pane.select_text(CodePoint(start), CodePoint(start + len(WORD)))
    _settle()
    bar = pane.verticalScrollBar()
    bar.setValue(bar.value() + 20)  # the selection (laid out, painted) is now above the view
    _settle()
    at = bar.value()
    assert pane.cursorRect().bottom() < 0
    log = PaintLog()
    pane.viewport().installEventFilter(log)
    pane.clear_text_selection()
    _settle()
    pane.viewport().removeEventFilter(log)
    assert pane.selection_range() is None
    assert bar.value() == at
    assert log.paints == 0  # the selection was off screen: nothing on screen changed
    assert not _stale(pane)


def test_clearing_a_selection_that_scrolls_a_fraction_off_repaints_it_all(qtbot: Any) -> None:
    pane = _pane(qtbot)  # fractional line heights
    start = _middle_word(pane, tagged=True)
    pane.select_text(CodePoint(start), CodePoint(start + len(WORD)))
    _settle()
    bar = pane.verticalScrollBar()
    bar.setValue(bar.value() + 20)
    _settle()
    at = bar.value()
    pane.clear_text_selection()
    _settle()
    assert bar.value() == at
    assert not _stale(pane)


def test_clearing_a_selection_removes_its_highlight(qtbot: Any) -> None:
    pane = _pane(qtbot)
    start = _middle_word(pane, tagged=True)
    pane.select_text(CodePoint(start), CodePoint(start + len(WORD)))
    _settle()
    log = PaintLog()
    pane.viewport().installEventFilter(log)
    pane.clear_text_selection()
    _settle()
    pane.viewport().removeEventFilter(log)
    view = pane.viewport().rect()
    assert log.paints == 1
    assert not log.region.intersects(QRect(view.left(), view.top(), view.width(), 10))
    assert not _stale(pane)


def test_a_selection_made_by_the_program_is_on_screen(qtbot: Any) -> None:
    pane = _pane(qtbot)
    for start in _starts(WORD)[::3]:
        pane.select_text(CodePoint(start), CodePoint(start + len(WORD)))
        _settle()
        caret = pane.cursorRect()
        assert caret.top() >= 0 and caret.bottom() <= pane.viewport().rect().bottom(), start


def test_a_selection_made_by_the_program_stays_on_screen_after_the_paint(qtbot: Any) -> None:
    """Long paragraphs whose lines all carry tags, never shown before: the lines above the
    selection get their band before Qt scrolls to it, so the paint does not push it off."""
    long_text = "\n".join(SENTENCE * 6 for _ in range(40))
    words = [i for i in range(len(long_text)) if long_text.startswith(WORD, i)]
    tagged = [i for i in range(len(long_text)) if long_text.startswith("داعش", i)]
    pane = TextPane()
    qtbot.addWidget(pane)
    pane.setFont(default_font(18))
    pane.resize(900, 700)
    spans = [
        Span(n + 1, 1, "t", CodePoint(s), CodePoint(s + 4), "ORG") for n, s in enumerate(tagged)
    ]
    pane.set_document(long_text, spans, default_schema())
    pane.set_band(True)
    pane.show()
    qtbot.waitExposed(pane)
    _settle()
    bottom = pane.viewport().rect().bottom()
    for start in words[len(words) // 3 :: 25]:
        pane.select_text(CodePoint(start), CodePoint(start + len(WORD)))
        _settle()
        first = pane.cursorRect(_cursor_at(pane, start))
        last = pane.cursorRect()
        assert first.top() >= 0 and last.bottom() <= bottom, (start, first, last)


def test_arcs_follow_their_tags_when_a_band_opens_above_them(qtbot: Any) -> None:
    """The arc layout is kept while no arc end moves; a band opening above the arcs moves
    their tags down, and every arrowhead must still land on its tag."""
    pane = _pane(qtbot)
    middle = pane.viewport().height() / 2
    above = [
        s
        for s in _starts(WORD)
        if 0 < pane.cursorRect(_cursor_at(pane, s)).top() < middle
        and not any(
            abs(pane.cursorRect(_cursor_at(pane, s)).top() - t.anchor.top()) < 2
            for t in pane.painter.last_frame.tags
        )
    ]
    before = {t.span_id: t.box.top() for t in pane.painter.last_frame.tags if t.box is not None}
    _tag(pane, above[0])
    frame = pane.painter.last_frame
    boxes = {t.span_id: t.box for t in frame.tags if t.box is not None}
    moved = [i for i, top in before.items() if i in boxes and boxes[i].top() > top]
    assert moved  # the tags below the new band moved down
    tips = [shape for shape in frame.arcs or [] if shape.tip is not None]
    assert tips
    for shape in tips:
        box = boxes[shape.arc.arg2]
        assert shape.tip is not None
        assert abs(shape.tip.y() - box.top()) < 1 and box.left() <= shape.tip.x() <= box.right()


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
