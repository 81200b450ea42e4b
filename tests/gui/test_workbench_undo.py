"""Undo/redo restore the database and the view; a reopened project shows the same spans."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from annotator.core.model import Status
from annotator.services.project import Project, open_project
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR, drag_select, find_word, make_window


def db_spans(project: Project, doc_id: int) -> list[tuple[int, int, int, str]]:
    return [(s.id, s.start, s.end, s.label) for s in project.annotations.spans(doc_id, ANNOTATOR)]


def view_spans(window: MainWindow) -> list[tuple[int, int, int, str]]:
    pane = [(s.id, s.start, s.end, s.label) for s in window.pane.spans()]
    model = window.table.model_
    table = [
        (
            model.span_at(r).id,
            model.index(r, 2).data(),
            model.index(r, 3).data(),
            model.index(r, 1).data(),
        )
        for r in range(model.rowCount())
    ]
    assert pane == table
    return pane


def tag(qtbot: Any, window: MainWindow, word: str, key: Qt.Key) -> None:
    start = find_word(window.pane.text, word)
    drag_select(qtbot, window.pane, start, start + len(word))
    qtbot.keyClick(window.pane, key)


def test_undo_redo_restore_database_and_view(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    doc_id = window.current_doc_id()
    assert doc_id is not None
    tag(qtbot, window, "روسيا", Qt.Key.Key_G)
    tag(qtbot, window, "حماة", Qt.Key.Key_L)
    gpe = next(s for s in window.pane.spans() if s.label == "GPE")
    window.pane.select_span(gpe.id)
    window.pane.clear_text_selection()
    qtbot.keyClick(window.pane, Qt.Key.Key_O)  # relabel the GPE span
    after = db_spans(project, doc_id)
    assert sorted(label for *_rest, label in after) == ["LOC", "ORG"]
    assert view_spans(window) == after

    history = []
    for _ in range(3):
        qtbot.keyClick(window.pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        history.append(db_spans(project, doc_id))
        assert view_spans(window) == history[-1]
    assert history[-1] == []
    assert len(history[0]) == 2 and len(history[1]) == 1

    qtbot.keyClick(
        window.pane,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert db_spans(project, doc_id) == history[1]
    qtbot.keyClick(window.pane, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert db_spans(project, doc_id) == history[0]
    qtbot.keyClick(window.pane, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert db_spans(project, doc_id) == after  # same ids, same labels
    assert view_spans(window) == after
    row = window.documents.model_.row_of(doc_id)
    assert window.documents.model_.summary(row).span_count == 2


def test_undo_of_a_delete_brings_the_span_back(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    doc_id = window.current_doc_id()
    assert doc_id is not None
    tag(qtbot, window, "روسيا", Qt.Key.Key_G)
    before = db_spans(project, doc_id)
    qtbot.keyClick(window.pane, Qt.Key.Key_Delete)
    assert db_spans(project, doc_id) == [] and view_spans(window) == []
    window.undo_stack.undo()
    assert db_spans(project, doc_id) == before == view_spans(window)


def test_first_edit_marks_document_in_progress_and_ctrl_d_marks_done(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    doc_id = window.current_doc_id()
    assert doc_id is not None
    assert project.documents.status(doc_id, ANNOTATOR) == Status.NEW
    tag(qtbot, window, "روسيا", Qt.Key.Key_G)
    assert project.documents.status(doc_id, ANNOTATOR) == Status.IN_PROGRESS
    qtbot.keyClick(window.pane, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert project.documents.status(doc_id, ANNOTATOR) == Status.DONE
    row = window.documents.model_.row_of(doc_id)
    assert window.documents.model_.index(row, 1).data() == "Done"
    assert "Done" in window.windowTitle() and ANNOTATOR in window.windowTitle()


def test_next_and_previous_document_shortcuts(qtbot: Any, window: MainWindow) -> None:
    ids = [r.id for r in window.documents.model_.rows()]
    assert window.current_doc_id() == ids[0]
    with qtbot.waitSignal(window.documentChanged) as blocker:
        qtbot.keyClick(window.pane, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == [ids[1]]
    qtbot.keyClick(window.pane, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.pane, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.current_doc_id() == ids[1]
    assert window.pane.text.startswith(window.current_document().text[:20])  # type: ignore[union-attr]


def test_reopening_the_project_shows_the_same_spans(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    doc_id = window.current_doc_id()
    assert doc_id is not None
    text = window.pane.text
    phrase = "وزارة الدفاع الروسية"
    start = text.index(phrase)
    drag_select(qtbot, window.pane, start, start + len(phrase))
    qtbot.keyClick(window.pane, Qt.Key.Key_O)
    tag(qtbot, window, "حماة", Qt.Key.Key_G)
    shown = view_spans(window)
    window.close()
    path = project.path
    project.close()

    reopened = open_project(path)
    try:
        again = make_window(qtbot, reopened)
        assert again.current_doc_id() == doc_id
        assert view_spans(again) == shown
        assert [s.text_in(text) for s in again.pane.spans()] == [phrase, "حماة"]
        again.close()
    finally:
        reopened.close()


def test_another_annotator_sees_an_empty_layer(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    tag(qtbot, window, "روسيا", Qt.Key.Key_G)
    other = make_window(qtbot, project, annotator="someone-else")
    try:
        assert other.pane.spans() == []
        assert other.documents.model_.summary(0).span_count == 0
    finally:
        other.close()
