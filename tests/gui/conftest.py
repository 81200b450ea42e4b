"""GUI fixtures: a shown main window on a fresh seeded project, and pixel helpers."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QTextCursor, QTextLine
from PySide6.QtWidgets import (
    QApplication,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from annotator.services.project import Project
from annotator.ui.events_wiring import EventTools, install_event_tools
from annotator.ui.main_window import MainWindow
from annotator.ui.pane.text_pane import TextPane

ANNOTATOR = "tester"


def make_window(qtbot: Any, project: Project, annotator: str = ANNOTATOR) -> MainWindow:
    """A shown, active main window (no QSettings: geometry is not kept in tests)."""
    window = MainWindow(project, annotator, settings=None)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


# How long a test waits for a modal dialog to open. Generous: on a busy machine (two cores,
# several suites) a dialog took more than 2 s to appear, and a test that stopped looking
# then left the dialog open and the whole run waiting for ever.
MODAL_WAIT_S = 60.0


def when_modal(kind: type[QWidget], act: Callable[[Any], None]) -> None:
    """Run ``act(dialog)`` once a visible modal ``kind`` is open (polls the event loop)."""
    deadline = time.monotonic() + MODAL_WAIT_S

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind) or not dialog.isVisible():
            assert time.monotonic() < deadline, f"no {kind.__name__} appeared"
            QTimer.singleShot(10, poll)
            return
        act(dialog)

    QTimer.singleShot(0, poll)


def answer_next_box(qtbot: Any, button: QMessageBox.StandardButton, seen: list[str]) -> None:
    """Click ``button`` on the next message box, once it is open."""

    def click(box: QMessageBox) -> None:
        seen.append(box.text())
        qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)

    when_modal(QMessageBox, click)


def cell(table: QTableWidget, row: int, col: int) -> QTableWidgetItem:
    """The item at ``row``, ``col``; fails the test if the cell is empty."""
    item = table.item(row, col)
    assert item is not None, f"no cell at {row}, {col}"
    return item


@pytest.fixture
def tools(window: MainWindow, project: Project) -> EventTools:
    """The event tools installed on the workbench, which shows seed 000."""
    doc_id = window.current_doc_id()
    assert doc_id is not None
    assert project.documents.document(doc_id).name.startswith("000_")
    return install_event_tools(window, project)


@pytest.fixture
def window(qtbot: Any, project: Project) -> Iterator[MainWindow]:
    """The workbench on the seeded project, showing seed 000."""
    win = make_window(qtbot, project)
    yield win
    win.close()


def find_word(text: str, word: str, occurrence: int = 0) -> int:
    """Code-point offset of ``word`` standing alone (between spaces or punctuation)."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(word, start + 1)
        while (start > 0 and text[start - 1].isalpha()) or (
            start + len(word) < len(text) and text[start + len(word)].isalpha()
        ):
            start = text.index(word, start + 1)
    return start


def point_at(pane: TextPane, cp: int) -> QPoint:
    """Viewport pixel of the caret position before code point ``cp``."""
    cursor = QTextCursor(pane.document())
    cursor.setPosition(pane.offsets.to_qt(cp))
    return pane.cursorRect(cursor).center()


def char_center(pane: TextPane, cp: int) -> QPoint:
    """Viewport pixel in the middle of the character at ``cp``, from Qt's own edges of it.

    Qt's leading and trailing edges of the character hold at a change of direction too, where
    the caret before ``cp`` may stand at the other run's edge (a line that starts «ok 12.» in a
    right-to-left paragraph).
    """
    cursor = QTextCursor(pane.document())
    cursor.setPosition(pane.offsets.to_qt(cp))
    block, pos = cursor.block(), cursor.positionInBlock()
    line = block.layout().lineForTextPosition(pos)
    xs = []
    for edge in (QTextLine.Edge.Leading, QTextLine.Edge.Trailing):
        value: Any = line.cursorToX(pos, edge)  # PySide returns (x, pos)
        xs.append(float(value[0] if isinstance(value, tuple) else value))
    origin = pane.blockBoundingGeometry(block).translated(pane.contentOffset()).topLeft()
    return QPoint(int(origin.x() + sum(xs) / 2), int(origin.y() + line.y() + line.height() / 2))


def drag_select(qtbot: Any, pane: TextPane, start: int, end: int, alt: bool = False) -> None:
    """Drag the mouse from the caret position before ``start`` to the one before ``end``."""
    pane.scroll_to_offset(start)
    viewport = pane.viewport()
    mods = Qt.KeyboardModifier.AltModifier if alt else Qt.KeyboardModifier.NoModifier
    p1, p2 = point_at(pane, start), point_at(pane, end)
    assert viewport.rect().contains(p1) and viewport.rect().contains(p2)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, mods, p1)
    qtbot.mouseMove(viewport, p2)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, mods, p2)


def click_char(qtbot: Any, pane: TextPane, cp: int, ctrl: bool = False) -> None:
    """Click in the middle of the character at ``cp``."""
    mods = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(pane.viewport(), Qt.MouseButton.LeftButton, mods, char_center(pane, cp))
