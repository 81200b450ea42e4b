"""Search (Ctrl+F) and "Tag all occurrences" in the workbench, on seed 000."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.search_wiring import SearchTools, install_search_tools
from tests.gui.conftest import ANNOTATOR, find_word

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _tools(window: MainWindow, project: Project) -> SearchTools:
    return install_search_tools(window, project)


def _spans(project: Project, window: MainWindow) -> list[tuple[int, int, int, str]]:
    doc_id = window.current_doc_id() or 0
    return [(s.id, s.start, s.end, s.label) for s in project.annotations.spans(doc_id, ANNOTATOR)]


def test_ctrl_f_finds_a_word_and_selects_it_with_stored_offsets(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    tools = _tools(window, project)
    qtbot.keyClick(window.pane, Qt.Key.Key_F, CTRL)
    assert tools.dock.isVisible() and tools.panel.query.hasFocus()
    tools.panel.query.insert("حماه")  # typed with ha for ta marbuta (keyClicks aborts on Arabic)
    qtbot.keyClick(tools.panel.query, Qt.Key.Key_Return)
    text = window.pane.text
    first = find_word(text, "حماة")
    assert window.pane.selection_range() == (first, first + 4)
    qtbot.keyClick(tools.panel.query, Qt.Key.Key_Return)
    second = text.index("حماة", first + 1)
    assert window.pane.selection_range() == (second, second + 4)


def test_project_search_lists_hits_per_document(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    tools = _tools(window, project)
    qtbot.keyClick(window.pane, Qt.Key.Key_F, CTRL | SHIFT)
    tools.panel.query.insert("روسيا")
    found = tools.panel.run()
    whole = re.compile(r"(?<!\w)روسيا(?!\w)")  # the word alone, checked with plain re
    counts = [
        (s.id, len(whole.findall(project.documents.document(s.id).text)))
        for s in project.documents.summaries(ANNOTATOR)
    ]
    expected = [(doc_id, n) for doc_id, n in counts if n]
    assert [(g.doc_id, len(g.hits)) for g in found] == expected
    assert len(found) >= 2 and tools.panel.results.topLevelItemCount() == len(found)


def test_tag_all_occurrences_of_a_span_is_one_undoable_step(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    tools = _tools(window, project)
    text = window.pane.text
    first = find_word(text, "حماة")
    other = find_word(text, "روسيا")
    window.tagging.create_span("ORG", other, other + 5)
    edit = window.tagging.create_span("GPE", first, first + 4)
    assert edit is not None
    before = _spans(project, window)
    window.pane.select_span(edit.add.spans[0].id)
    qtbot.keyClick(window.pane, Qt.Key.Key_T, CTRL | SHIFT)
    dialog = tools.last_dialog
    assert dialog is not None and dialog.isVisible()
    occurrences = [(o.hit.start, o.hit.end, o.already) for o in dialog.plan.occurrences]
    second = text.index("حماة", first + 1)
    assert occurrences == [(first, first + 4, True), (second, second + 4, False)]
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text() == "Tag 1"
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    after = _spans(project, window)
    new = [s for s in after if s not in before]
    assert [(a, b, lb) for _i, a, b, lb in new] == [(second, second + 4, "GPE")]
    assert all(s in after for s in before)  # existing spans untouched
    steps = window.undo_stack.count()
    window.undo()
    assert _spans(project, window) == before
    assert window.undo_stack.count() == steps  # one step, now undone
    window.redo()
    assert _spans(project, window) == after
