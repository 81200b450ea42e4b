"""The text column keeps its width, stays readable at narrow widths, and docks come back."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget

from annotator.app import build_window
from annotator.core.positions import CodePoint
from annotator.core.schema import EventType, Role
from annotator.services.project import Project
from annotator.ui.dock_layout import readable_text_width
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import find_word

LEFT_DOCKS = ["dock-Annotations", "dock-Event", "dock-Relations"]
LONG_ROLE = "Very-Long-Role-Name-That-Would-Widen-A-Panel-" * 2


def _shown(qtbot: Any, project: Project, settings: QSettings | None = None) -> MainWindow:
    window = build_window(project, "tester", settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()
        QTest.qWait(20)


def _docks(window: MainWindow) -> dict[str, tuple[int, int, bool]]:
    """Size and visibility of each dock (a hidden dock's size is not kept: 0 × 0)."""
    return {
        d.objectName(): (d.width(), d.height(), True) if d.isVisible() else (0, 0, False)
        for d in window.findChildren(QDockWidget)
    }


def _event_on(window: MainWindow, word: str, etype: str) -> None:
    text = window.pane.text
    at = find_word(text, word)
    tools = window.event_tools  # type: ignore[attr-defined]
    tools.create_event(etype, CodePoint(at), CodePoint(at + len(word)))


def test_arming_a_role_keeps_the_text_width(qtbot: Any, project: Project) -> None:
    window = _shown(qtbot, project)
    _event_on(window, "هجوماً", "Conflict.Attack")
    _settle()
    width = window.pane.viewport().width()
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    _settle()
    assert window.event_tools.event_panel.armed_role() == "Attacker"  # type: ignore[attr-defined]
    assert window.pane.viewport().width() == width


def test_long_role_names_keep_the_text_width(qtbot: Any, project: Project) -> None:
    schema = project.schemas.schema
    etype = EventType("Long.Event", "#123456", roles=(Role(LONG_ROLE), Role(LONG_ROLE + "2")))
    project.write.replace_schema(
        type(schema)(**{**schema.__dict__, "events": (*schema.events, etype)})
    )
    window = _shown(qtbot, project)
    _settle()
    width = window.pane.viewport().width()
    _event_on(window, "هجوماً", "Long.Event")
    _settle()
    QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    _settle()
    assert window.pane.viewport().width() == width


def _breaks_inside_words(window: MainWindow) -> list[str]:
    """Wrapped line ends that fall between two letters (or a letter and its mark)."""
    word = ("L", "M")
    bad = []
    block = window.pane.document().begin()
    while block.isValid():
        units = block.text().encode("utf-16-le")
        layout = block.layout()
        for n in range(layout.lineCount() - 1):
            line = layout.lineAt(n)
            end = 2 * (line.textStart() + line.textLength())
            before = units[:end].decode("utf-16-le", errors="ignore")[-1:]
            after = units[end:].decode("utf-16-le", errors="ignore")[:1]
            cats = (unicodedata.category(before)[:1], unicodedata.category(after)[:1])
            if before and after and cats[0] in word and cats[1] in word:
                bad.append(before + "|" + after)
        block = block.next()
    return bad


def test_narrow_windows_keep_the_text_readable(qtbot: Any, project: Project) -> None:
    window = _shown(qtbot, project)
    readable = readable_text_width(window.pane.font())
    for width in (800, 560):
        window.resize(width, 700)
        _settle()
        assert window.width() == width
        assert window.pane.viewport().width() >= readable, width
        pane = window.pane.geometry()
        assert window.rect().contains(pane)
        for dock in window.findChildren(QDockWidget):
            assert not (dock.isVisible() and dock.geometry().intersects(pane)), dock.objectName()
        assert _breaks_inside_words(window) == []
    window.resize(1300, 800)
    _settle()
    assert all(
        visible for name, (_w, _h, visible) in _docks(window).items() if name != "dock-Search"
    )


def test_dock_sizes_survive_restarts_exactly(qtbot: Any, project: Project, tmp_path: Path) -> None:
    ini = str(tmp_path / "settings.ini")
    window = _shown(qtbot, project, QSettings(ini, QSettings.Format.IniFormat))
    window.resize(780, 700)  # inside the offscreen screen (800 × 800), so it is restored as is
    _settle()
    annotations = window.annotations_dock
    initial = (annotations.width(), annotations.height())
    left = [d for d in window.findChildren(QDockWidget) if d.objectName() in LEFT_DOCKS]
    window.resizeDocks(
        sorted(left, key=lambda d: LEFT_DOCKS.index(d.objectName())),
        [120, 300, 300],
        Qt.Orientation.Vertical,
    )
    window.resizeDocks([annotations], [250], Qt.Orientation.Horizontal)
    _settle()
    before = _docks(window)
    assert before["dock-Annotations"][0] == 250
    assert before["dock-Annotations"][1] < initial[1]
    window.close()
    for _ in range(2):
        again = _shown(qtbot, project, QSettings(ini, QSettings.Format.IniFormat))
        _settle()
        assert _docks(again) == before
        again.close()
