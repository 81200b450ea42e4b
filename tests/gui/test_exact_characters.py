"""Issue 18, point 9: exact characters without Alt+drag (which window managers take).

A visible "Exact characters" toggle in the toolbar (Ctrl+K), and Ctrl+Shift+drag, which
Openbox, Xfce, GNOME and KDE leave to applications. The window is built as
:mod:`annotator.app` builds it, on a real seeded project file.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QToolBar, QToolButton

from annotator.app import build_window
from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR, find_word, point_at

EXACT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _window(qtbot: Any, project: Project) -> MainWindow:
    window = build_window(project, ANNOTATOR, None)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def _stored(project: Project, window: MainWindow) -> list[tuple[int, int, str]]:
    doc_id = window.current_doc_id()
    assert doc_id is not None
    return [(s.start, s.end, s.label) for s in project.annotations.spans(doc_id, ANNOTATOR)]


def _drag(qtbot: Any, window: MainWindow, start: int, end: int, mods: Any) -> None:
    pane = window.pane
    pane.scroll_to_offset(start)
    p1, p2 = point_at(pane, start), point_at(pane, end)
    viewport = pane.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, mods, p1)
    qtbot.mouseMove(viewport, p2)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, mods, p2)


def test_ctrl_shift_drag_tags_exact_characters(qtbot: Any, project: Project) -> None:
    window = _window(qtbot, project)
    pane = window.pane
    word = find_word(pane.text, "بمحافظة")
    start, end = word + 1, word + len("بمحافظة")  # «محافظة» without the attached ب
    pane.select_text(word + 3, word + 4)  # an older selection a Shift-click would extend
    _drag(qtbot, window, start, end, EXACT)
    assert pane.selection_range() == (start, end)
    qtbot.keyClick(pane, Qt.Key.Key_L)
    assert _stored(project, window) == [(start, end, "LOC")]
    assert pane.text[start:end] == "محافظة"


def test_the_toolbar_shows_a_character_mode_toggle(qtbot: Any, project: Project) -> None:
    window = _window(qtbot, project)
    bar = window.findChild(QToolBar, "mainToolbar")
    assert bar is not None and bar.isVisible()
    action = window.actions_["char_mode"]
    button = bar.widgetForAction(action)
    assert isinstance(button, QToolButton) and button.isVisible()
    assert button.text() == "Exact characters" and "Ctrl+Shift" in button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.pane.char_mode and button.isChecked()
    pane = window.pane
    word = find_word(pane.text, "بمحافظة")
    start, end = word + 1, word + len("بمحافظة")
    _drag(qtbot, window, start, end, Qt.KeyboardModifier.NoModifier)
    qtbot.keyClick(pane, Qt.Key.Key_G)
    assert _stored(project, window) == [(start, end, "GPE")]
    qtbot.keyClick(pane, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert not window.pane.char_mode and not button.isChecked()
