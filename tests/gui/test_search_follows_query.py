"""Issue 18, point 1: a second search runs the new query, and a cleared field clears the hits.

The window is built as :mod:`annotator.app` builds it, on a real seeded project file.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.app import build_window
from annotator.core.search import Query
from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.search_wiring import SearchTools

CTRL = Qt.KeyboardModifier.ControlModifier


def _window(qtbot: Any, project: Project) -> tuple[MainWindow, SearchTools]:
    window = build_window(project, "tester", None)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window, window.search_tools  # type: ignore[attr-defined]


def _hits(project: Project, window: MainWindow, word: str) -> list[tuple[int, int]]:
    doc_id = window.current_doc_id()
    assert doc_id is not None
    return [(h.start, h.end) for h in project.search.in_document(doc_id, Query(word))]


def test_enter_after_typing_a_new_query_steps_through_the_new_hits(
    qtbot: Any, project: Project
) -> None:
    window, tools = _window(qtbot, project)
    query = tools.panel.query
    qtbot.keyClick(window.pane, Qt.Key.Key_F, CTRL)
    query.insert("اسلحه")  # keyClicks cannot type Arabic
    qtbot.keyClick(query, Qt.Key.Key_Return)
    weapons = _hits(project, window, "اسلحه")
    assert len(weapons) >= 2 and window.pane.selection_range() == weapons[0]
    query.selectAll()
    query.insert("روسيا")  # replaces the selected text, as typing does; Enter at once
    qtbot.keyClick(query, Qt.Key.Key_Return)
    russia = _hits(project, window, "روسيا")
    assert len(russia) >= 3 and russia != weapons
    assert window.pane.selection_range() == russia[0]
    assert window.pane.text[russia[0][0] : russia[0][1]] == "روسيا"
    assert tools.panel.status.text() == f"1 of {len(russia)}"
    qtbot.keyClick(query, Qt.Key.Key_Return)
    assert window.pane.selection_range() == russia[1]
    assert tools.panel.status.text() == f"2 of {len(russia)}"


def test_typing_searches_after_a_pause_and_clearing_drops_the_hits(
    qtbot: Any, project: Project
) -> None:
    window, tools = _window(qtbot, project)
    panel = tools.panel
    qtbot.keyClick(window.pane, Qt.Key.Key_F, CTRL)
    panel.query.insert("اسلحه")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    panel.query.selectAll()
    panel.query.insert("روسيا")
    russia = _hits(project, window, "روسيا")
    qtbot.waitUntil(lambda: panel.status.text() == f"{len(russia)} matches in 1 document(s)")
    top = panel.results.topLevelItem(0)
    assert top is not None and top.childCount() == len(russia)
    qtbot.keyClick(panel.query, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(panel.query, Qt.Key.Key_Backspace)
    assert panel.query.text() == ""
    assert panel.results.topLevelItemCount() == 0 and panel.status.text() == ""
    window.clear_selection()
    qtbot.keyClick(window.pane, Qt.Key.Key_F3)
    assert window.pane.selection_range() is None  # nothing left to step through


MIXED = (
    "😀 قالت شركة\u00a0Acme إن الـــروسية وَزَارَةُ روسيا 2024.\n"
    "می\u200cخواهم 𝐀 روسيا و«روسيا» ثم Acme مرة أخرى 😀 في روسيا.\n"
)


def test_a_new_query_in_a_text_with_emoji_nbsp_zwnj_and_tatweel(
    qtbot: Any, project: Project
) -> None:
    """Astral characters before the hits: the selection is at the stored code points."""
    window, tools = _window(qtbot, project)
    doc_id, _new = project.documents.add_text("mixed 😀.txt", MIXED)
    window.open_document(doc_id)
    query = tools.panel.query
    qtbot.keyClick(window.pane, Qt.Key.Key_F, CTRL)
    query.insert("روسيا")
    qtbot.keyClick(query, Qt.Key.Key_Return)
    russia = _hits(project, window, "روسيا")
    assert len(russia) == 4 and window.pane.selection_range() == russia[0]
    qtbot.keyClick(query, Qt.Key.Key_Return)
    assert window.pane.selection_range() == russia[1]
    query.selectAll()
    query.insert("Acme")
    qtbot.keyClick(query, Qt.Key.Key_Return)
    first = MIXED.index("Acme")
    assert window.pane.selection_range() == (first, first + 4)
    assert tools.panel.status.text() == "1 of 2"
    qtbot.keyClick(query, Qt.Key.Key_Return)
    second = MIXED.index("Acme", first + 1)
    assert window.pane.selection_range() == (second, second + 4)
