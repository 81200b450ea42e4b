"""Issue 18, point 11: editing a document marked Done asks first (Reopen, Edit anyway, Cancel).

The window is built as :mod:`annotator.app` builds it, on a real seeded project file; the
question is the real message box, answered by clicking its buttons.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.app import build_window
from annotator.core.model import Status
from annotator.core.positions import CodePoint
from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR, find_word, when_modal

CTRL = Qt.KeyboardModifier.ControlModifier


def _window(qtbot: Any, project: Project) -> MainWindow:
    window = build_window(project, ANNOTATOR, None)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def _answer(qtbot: Any, button_text: str, seen: list[str]) -> None:
    def click(box: QMessageBox) -> None:
        seen.append(box.text())
        [button] = [b for b in box.buttons() if b.text().replace("&", "") == button_text]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    when_modal(QMessageBox, click)


def _tag_per(qtbot: Any, window: MainWindow) -> tuple[int, int]:
    """Select the first «روسيا» and apply PER, as its hotkey does."""
    text = window.pane.text
    at = find_word(text, "روسيا")
    window.pane.select_text(CodePoint(at), CodePoint(at + 5))
    window.apply_name("PER")
    return at, at + 5


def _spans(project: Project, doc_id: int) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in project.annotations.spans(doc_id, ANNOTATOR)]


def test_cancel_on_a_done_document_changes_nothing(qtbot: Any, project: Project) -> None:
    window = _window(qtbot, project)
    doc_id = window.current_doc_id()
    assert doc_id is not None
    qtbot.keyClick(window.pane, Qt.Key.Key_D, CTRL)
    assert project.documents.status(doc_id, ANNOTATOR) is Status.DONE
    before = _spans(project, doc_id)
    seen: list[str] = []
    _answer(qtbot, "Cancel", seen)
    _tag_per(qtbot, window)
    assert seen and "done" in seen[0]
    assert _spans(project, doc_id) == before
    assert project.documents.status(doc_id, ANNOTATOR) is Status.DONE


def test_reopen_sets_in_progress_and_then_tags(qtbot: Any, project: Project) -> None:
    window = _window(qtbot, project)
    doc_id = window.current_doc_id()
    assert doc_id is not None
    qtbot.keyClick(window.pane, Qt.Key.Key_D, CTRL)
    seen: list[str] = []
    _answer(qtbot, "Reopen", seen)
    start, end = _tag_per(qtbot, window)
    assert len(seen) == 1
    assert (start, end, "PER") in _spans(project, doc_id)
    assert project.documents.status(doc_id, ANNOTATOR) is Status.IN_PROGRESS


def test_edit_anyway_keeps_done_and_asks_once(qtbot: Any, project: Project) -> None:
    window = _window(qtbot, project)
    doc_id = window.current_doc_id()
    assert doc_id is not None
    qtbot.keyClick(window.pane, Qt.Key.Key_D, CTRL)
    seen: list[str] = []
    _answer(qtbot, "Edit anyway", seen)
    start, end = _tag_per(qtbot, window)
    assert (start, end, "PER") in _spans(project, doc_id)
    assert project.documents.status(doc_id, ANNOTATOR) is Status.DONE
    window.apply_name("ORG")  # relabel the selected span: not asked again
    assert (start, end, "ORG") in _spans(project, doc_id) and len(seen) == 1
