"""Issue 9's small things: duplicates refused, the table, placeholders, reopen, switching."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox, QInputDialog, QPushButton

from annotator import config
from annotator.core.model import Status
from annotator.core.positions import CodePoint
from annotator.services.project import Project
from annotator.ui.events_wiring import EventTools
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR, drag_select, find_word

# (word, label) on seed 000; the words carry diacritics, tatweel-free forms and clitics
TAGS = [("روسيا", "GPE"), ("حماة", "LOC"), ("صواريخ", "WEA"), ("هجوماً", "Conflict.Attack")]


def _tag_all(window: MainWindow) -> None:
    for word, label in TAGS:
        at = find_word(window.pane.text, word)
        assert window.tagging.create_span(label, CodePoint(at), CodePoint(at + len(word)))


def _rows(window: MainWindow) -> list[tuple[str, str, int, int]]:
    proxy = window.table.proxy
    return [
        tuple(proxy.index(r, c).data() for c in range(4))  # type: ignore[misc]
        for r in range(proxy.rowCount())
    ]


def test_an_exact_duplicate_span_is_refused_with_a_message(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    start = find_word(window.pane.text, "حماة")
    for _ in range(2):
        drag_select(qtbot, window.pane, start, start + len("حماة"))
        qtbot.keyClick(window.pane, Qt.Key.Key_G)
    doc_id = window.current_doc_id()
    assert doc_id is not None
    assert len(project.annotations.spans(doc_id, ANNOTATOR)) == 1
    message = window.statusBar().currentMessage()
    assert "identical GPE span" in message and "not added" in message
    assert window.table.model_.rowCount() == 1


def test_table_columns_read_text_label_start_end_even_right_to_left(
    window: MainWindow, qtmodeltester: Any
) -> None:
    window.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    _tag_all(window)
    header = window.table.horizontalHeader()
    titles = [window.table.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert titles == ["Text", "Label", "Start", "End"]
    xs = [header.sectionViewportPosition(c) for c in range(4)]
    assert xs == sorted(xs)  # left to right in logical order
    assert [r[0] for r in _rows(window)] == [
        w for w, _ in sorted(TAGS, key=lambda t: window.pane.text.index(t[0]))
    ]
    qtmodeltester.check(window.table.proxy)


def test_table_sorts_by_any_column_and_filters(
    qtbot: Any, window: MainWindow, qtmodeltester: Any
) -> None:
    _tag_all(window)
    header = window.table.horizontalHeader()

    def click(column: int) -> None:
        pos = QPoint(header.sectionViewportPosition(column) + 5, header.height() // 2)
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)

    click(1)
    assert [r[1] for r in _rows(window)] == sorted(label for _, label in TAGS)
    click(3)
    click(3)
    ends = [r[3] for r in _rows(window)]
    assert ends == sorted(ends, reverse=True)
    at = find_word(window.pane.text, "أكدت")
    with qtbot.waitSignal(window.table.model_.rowsInserted) as inserted:
        edit = window.tagging.create_span("GPE", CodePoint(at), CodePoint(at + len("أكدت")))
    assert edit is not None
    assert inserted.args[1] == window.table.model_.row_of_id(edit.add.spans[0].id)
    ends = [r[3] for r in _rows(window)]
    assert len(ends) == len(TAGS) + 1 and ends == sorted(ends, reverse=True)
    assert window.table.model_.row_of_id(edit.add.spans[0].id) == ends.index(at + len("أكدت"))
    qtmodeltester.check(window.table.proxy)
    panel = window.annotations_panel
    qtbot.keyClicks(panel.filter, "wea")
    qtbot.waitUntil(lambda: window.table.proxy.rowCount() == 1)
    assert _rows(window)[0][:2] == ("صواريخ", "WEA")
    panel.filter.setText("حماة")
    qtbot.waitUntil(lambda: [r[0] for r in _rows(window)] == ["حماة"])
    row = window.table.model_.row_of_id(window.table.span_id_at(window.table.proxy.index(0, 0)))
    assert window.table.model_.span_at(row).label == "LOC"


def test_event_panel_shows_a_placeholder_without_an_event(
    window: MainWindow, tools: EventTools
) -> None:
    box = tools.event_panel.type_box
    assert box.currentIndex() == -1 and box.currentText() == ""
    assert box.placeholderText() == "(no event)"
    at = find_word(window.pane.text, "هجوماً")
    tools.create_event("Conflict.Attack", CodePoint(at), CodePoint(at + len("هجوماً")))
    assert box.currentText() == "Conflict.Attack"
    tools.event_panel.set_event(None)
    assert box.currentIndex() == -1


def test_schema_editor_kind_is_a_choice(
    qtbot: Any, window: MainWindow, project: Project, tools: EventTools
) -> None:
    editor = tools.open_schema_editor()
    tab = editor.editors["label"]
    assert isinstance(tab.kind_box, QComboBox)
    assert [tab.kind_box.itemText(i) for i in range(tab.kind_box.count())] == ["entity", "value"]
    row = next(r for r in range(tab.table.rowCount()) if tab.table.item(r, 0).text() == "TIME")
    tab.table.setCurrentCell(row, 0)
    assert tab.kind_box.currentText() == "value"
    tab.kind_box.setCurrentText("entity")
    button = tab.findChild(QPushButton, "label_apply")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    label = project.schemas.schema.label("TIME")
    assert label is not None and label.kind == "entity"
    editor.close()


def test_reopen_a_done_document(window: MainWindow, project: Project) -> None:
    doc_id = window.current_doc_id()
    assert doc_id is not None
    window.mark_done()
    assert project.documents.status(doc_id, ANNOTATOR) is Status.DONE
    window.actions_["reopen"].trigger()
    assert project.documents.status(doc_id, ANNOTATOR) is Status.IN_PROGRESS
    assert "[In progress]" in window.windowTitle()


def test_switch_annotator_shows_the_other_layer_and_clears_undo(
    window: MainWindow, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc_id = window.current_doc_id()
    assert doc_id is not None
    at = find_word(window.pane.text, "روسيا")
    project.annotations.create_span(doc_id, "omar", CodePoint(at), CodePoint(at + 5), "GPE")
    _tag_all(window)
    assert window.undo_stack.count() == len(TAGS)
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("omar", True))
    window.actions_["switch_annotator"].trigger()
    assert window.current_annotator() == "omar"
    assert config.remembered_annotator() == "omar"
    assert [(s.start, s.label) for s in window.pane.spans()] == [(at, "GPE")]
    assert window.table.model_.rowCount() == 1
    assert window.undo_stack.count() == 0
    assert "omar" in window.last_notice and "undo history" in window.last_notice
    assert "omar" in window.windowTitle()


def test_document_note_per_annotator(
    window: MainWindow, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = "راجِع الأسماء — 😀 check 2"
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *_a, **_k: (note, True))
    window.actions_["doc_note"].trigger()
    doc_id = window.current_doc_id()
    assert doc_id is not None
    assert project.annotations.document_note(doc_id, ANNOTATOR) == note
    assert project.annotations.document_note(doc_id, "omar") == ""


def test_read_only_pane_has_no_caret(window: MainWindow) -> None:
    assert window.pane.cursorWidth() == 0
