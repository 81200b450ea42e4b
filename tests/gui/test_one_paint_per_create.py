"""A label hotkey in the window paints the pane once: one paint of the changed strip.

The edit, the text selection going and the new span being selected each ask for a
repaint of the same lines; Qt must get them as one paint, and nothing that follows
(the Annotations list catching up, the status bar, the arcs) may ask for another
(issue 18: hotkey-to-repaint).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QImage, QPaintEvent, QRegion
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.app import build_window
from annotator.core.positions import CodePoint
from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR

SENTENCE = (
    "أكدت وزارة الدفاع الروسية 😀 أنها شنت هجوماً على «داعش» في محافظة حماة السورية "
    "𝐀 ok 12\u00a0مارس الـــحرب می\u200cخواهم وَزَارَةُ. "
)
TEXT = "\n".join(SENTENCE * 2 for _ in range(12))


class PaintLog(QObject):
    """Counts the viewport's paint events and collects their regions."""

    def __init__(self) -> None:
        super().__init__()
        self.region = QRegion()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and isinstance(event, QPaintEvent):
            self.region += event.region()
            self.paints += 1
        return False


def _settle() -> None:
    for _ in range(5):
        QApplication.processEvents()
        QTest.qWait(20)


def _on_screen(window: MainWindow) -> np.ndarray:
    """The pane's viewport as it is on screen now (the backing store, not a fresh paint)."""
    view = window.pane.viewport()
    shot = window.screen().grabWindow(window.winId()).toImage()
    rect = QRect(view.mapTo(window, QPoint(0, 0)), view.size())
    image = shot.copy(rect).convertToFormat(QImage.Format.Format_RGB888)
    raw = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return raw[:, : image.width() * 3].copy()


def _stale(window: MainWindow) -> bool:
    """True if the screen differs from a repaint of the whole viewport from scratch."""
    before = _on_screen(window)
    window.pane.painter.forget_frames()
    window.pane.viewport().repaint()
    _settle()
    return not np.array_equal(before, _on_screen(window))


def _window(qtbot: Any, proj: Project) -> MainWindow:
    doc_id, _created = proj.documents.add_text("mixed.txt", TEXT)
    window = build_window(proj, ANNOTATOR)  # as the app builds it: event and relation tools
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.resize(1300, 800)
    window.open_document(doc_id)
    qtbot.waitUntil(lambda: not window.pane.loading)
    window.pane.setFocus()
    _settle()
    return window


def _create(window: MainWindow, word: str, occurrence: int) -> PaintLog:
    """Select ``word`` (its ``occurrence``-th time in the text) and press the PER hotkey."""
    pane = window.pane
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(word, start + 1)
    pane.select_text(CodePoint(start), CodePoint(start + len(word)))
    _settle()
    log = PaintLog()
    pane.viewport().installEventFilter(log)
    before = pane.span_count()
    QTest.keyClick(pane, Qt.Key.Key_P)
    _settle()
    pane.viewport().removeEventFilter(log)
    assert pane.span_count() == before + 1
    return log


def test_a_hotkey_create_paints_the_pane_once(qtbot: Any, proj: Project) -> None:
    window = _window(qtbot, proj)
    view = window.pane.viewport().rect()
    top = QRect(view.left(), view.top(), view.width(), 10)
    for occurrence in (2, 3, 4):  # the first opens a band, the next land on tagged lines
        log = _create(window, "حماة", occurrence)
        assert log.paints == 1, occurrence
        assert not log.region.intersects(top), occurrence  # a strip, not the whole view
        assert not _stale(window), occurrence  # the screen is what a full repaint draws
    assert [s.text_in(TEXT) for s in proj.annotations.spans(1, ANNOTATOR)] == ["حماة"] * 3
