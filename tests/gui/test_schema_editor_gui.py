"""The schema editor dialog, driven by mouse and keyboard, checked in the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QMessageBox,
    QPushButton,
)

from annotator.services.project import Project
from annotator.ui.dialogs.schema_editor import SchemaEditor
from annotator.ui.dialogs.schema_item_editor import ItemEditor
from annotator.ui.events_wiring import EventTools
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR, cell, drag_select, find_word

SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _tag(qtbot: Any, window: MainWindow, word: str, key: Qt.Key, mods: Any = None) -> None:
    start = find_word(window.pane.text, word)
    drag_select(qtbot, window.pane, start, start + len(word))
    qtbot.keyClick(window.pane, key, mods or Qt.KeyboardModifier.NoModifier)


def _labels(project: Project, window: MainWindow) -> list[str]:
    doc_id = window.current_doc_id()
    assert doc_id is not None
    return sorted(s.label for s in project.annotations.spans(doc_id, ANNOTATOR))


def _open(qtbot: Any, window: MainWindow, tools: EventTools) -> SchemaEditor:
    qtbot.keyClick(window.pane, Qt.Key.Key_E, CTRL | SHIFT)
    editor = tools.schema_editor
    assert editor is not None and editor.isVisible()
    return editor


def _pick_row(qtbot: Any, tab: ItemEditor, name: str) -> None:
    row = next(r for r in range(tab.table.rowCount()) if cell(tab.table, r, 0).text() == name)
    rect = tab.table.visualItemRect(cell(tab.table, row, 0))
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tab.name.text() == name


def _retype(qtbot: Any, field: Any, text: str) -> None:
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def _button(tab: ItemEditor, action: str) -> QPushButton:
    button = tab.findChild(QPushButton, f"{tab.kind}_{action}")
    assert button is not None
    return button


def _seed_attack(qtbot: Any, window: MainWindow) -> None:
    _tag(qtbot, window, "هجوماً", Qt.Key.Key_A, SHIFT)
    qtbot.keyClick(window.pane, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    _tag(qtbot, window, "روسيا", Qt.Key.Key_G)
    _tag(qtbot, window, "حماة", Qt.Key.Key_G)


def test_rename_label_updates_annotations_and_undoes(
    qtbot: Any, window: MainWindow, project: Project, tools: EventTools
) -> None:
    _seed_attack(qtbot, window)
    editor = _open(qtbot, window, tools)
    tab = editor.editors["label"]
    _pick_row(qtbot, tab, "GPE")
    _retype(qtbot, tab.name, "GeoPol")
    qtbot.mouseClick(_button(tab, "apply"), Qt.MouseButton.LeftButton)
    assert _labels(project, window) == ["Conflict.Attack", "GeoPol", "GeoPol"]
    assert project.schemas.schema.label("GeoPol") is not None
    assert {s.label for s in window.pane.spans()} == {"Conflict.Attack", "GeoPol"}
    (event,) = project.annotations.events(window.current_doc_id() or 0, ANNOTATOR)
    assert [a.role for a in event.arguments] == ["Attacker"]
    window.undo_stack.undo()
    assert _labels(project, window) == ["Conflict.Attack", "GPE", "GPE"]
    assert project.schemas.schema.label("GeoPol") is None
    assert {s.label for s in window.pane.spans()} == {"Conflict.Attack", "GPE"}


def test_delete_in_use_asks_with_count_then_removes(
    qtbot: Any, window: MainWindow, project: Project, tools: EventTools
) -> None:
    _seed_attack(qtbot, window)
    editor = _open(qtbot, window, tools)
    tab = editor.editors["label"]
    _pick_row(qtbot, tab, "GPE")
    seen: list[str] = []

    def answer(button: QMessageBox.StandardButton) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, lambda: answer(QMessageBox.StandardButton.No))
    qtbot.mouseClick(_button(tab, "delete"), Qt.MouseButton.LeftButton)
    # 2 GPE spans and the Attacker argument that uses one of them
    assert seen == ["Deleting the label GPE: 3 annotations would be removed — continue?"]
    assert _labels(project, window) == ["Conflict.Attack", "GPE", "GPE"]

    QTimer.singleShot(0, lambda: answer(QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(_button(tab, "delete"), Qt.MouseButton.LeftButton)
    assert _labels(project, window) == ["Conflict.Attack"]
    assert project.schemas.schema.label("GPE") is None
    (event,) = project.annotations.events(window.current_doc_id() or 0, ANNOTATOR)
    assert event.arguments == ()
    window.undo_stack.undo()
    assert _labels(project, window) == ["Conflict.Attack", "GPE", "GPE"]
    (event,) = project.annotations.events(window.current_doc_id() or 0, ANNOTATOR)
    assert [a.role for a in event.arguments] == ["Attacker"]


def test_hotkey_clash_is_refused_with_a_message(
    qtbot: Any, window: MainWindow, project: Project, tools: EventTools
) -> None:
    editor = _open(qtbot, window, tools)
    tab = editor.editors["label"]
    _pick_row(qtbot, tab, "PER")
    _retype(qtbot, tab.hotkey, "g")
    qtbot.mouseClick(_button(tab, "apply"), Qt.MouseButton.LeftButton)
    assert "hotkey G is given to both" in editor.message.text()
    assert project.schemas.schema.label("PER").hotkey == "P"  # type: ignore[union-attr]
    _retype(qtbot, tab.hotkey, "Shift+Y")
    _retype(qtbot, tab.color, "#112233")
    qtbot.mouseClick(_button(tab, "apply"), Qt.MouseButton.LeftButton)
    per = project.schemas.schema.label("PER")
    assert per is not None and (per.hotkey, per.color) == ("Shift+Y", "#112233")


def test_add_role_and_event_type_then_use_them(
    qtbot: Any, window: MainWindow, project: Project, tools: EventTools
) -> None:
    editor = _open(qtbot, window, tools)
    events = editor.editors["event"]
    editor.tabs.setCurrentWidget(events)
    _retype(qtbot, events.name, "Conflict.Siege")
    _retype(qtbot, events.color, "#880000")
    _retype(qtbot, events.hotkey, "Shift+Z")
    qtbot.mouseClick(_button(events, "add"), Qt.MouseButton.LeftButton)
    roles = editor.editors["role"]
    editor.tabs.setCurrentWidget(roles)
    roles.parent_box.setCurrentText("Conflict.Siege")
    _retype(qtbot, roles.name, "Besieger")
    _retype(qtbot, roles.extra1, "GPE, ORG")
    qtbot.mouseClick(_button(roles, "add"), Qt.MouseButton.LeftButton)
    siege = project.schemas.schema.event_type("Conflict.Siege")
    assert siege is not None and siege.role("Besieger") is not None
    assert siege.role("Besieger").allowed == ("GPE", "ORG")  # type: ignore[union-attr]
    editor.close()
    _tag(qtbot, window, "هجوماً", Qt.Key.Key_Z, SHIFT)  # the new hotkey works at once
    (event,) = project.annotations.events(window.current_doc_id() or 0, ANNOTATOR)
    assert event.type == "Conflict.Siege"
    assert cell(tools.event_panel.table, 0, 0).text() == "Besieger"


def test_role_check_setting_and_schema_file_round_trip(
    qtbot: Any, window: MainWindow, project: Project, tools: EventTools, tmp_path: Path
) -> None:
    editor = _open(qtbot, window, tools)
    editor.role_check.setCurrentText("strict")
    editor.role_check.activated.emit(editor.role_check.currentIndex())
    assert project.schemas.schema.role_check == "strict"
    path = tmp_path / "team-schema.json"
    editor.export_to(path)
    window.undo_stack.undo()
    assert project.schemas.schema.role_check == "lenient"
    assert editor.role_check.currentText() == "lenient"
    assert editor.import_from(path)
    assert project.schemas.schema.role_check == "strict"
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    assert not editor.import_from(bad)
    assert "broken.json" in editor.message.text()
    assert project.schemas.schema.role_check == "strict"
