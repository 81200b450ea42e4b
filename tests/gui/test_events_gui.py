"""Events and relations by mouse and keyboard on seed 000, checked in the database."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt

from annotator.core.model import Argument, Event
from annotator.formats import brat, jsonl
from annotator.formats.base import AnnotatedDocument
from annotator.services.project import Project
from annotator.ui.events_wiring import EventTools
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR, cell, click_char, drag_select, find_word

SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _word(window: MainWindow, word: str, nth: int = 0) -> tuple[int, int]:
    start = find_word(window.pane.text, word, nth)
    return start, start + len(word)


def _tag(qtbot: Any, window: MainWindow, word: str, key: Qt.Key, mods: Any = None) -> None:
    start, end = _word(window, word)
    drag_select(qtbot, window.pane, start, end)
    qtbot.keyClick(window.pane, key, mods or Qt.KeyboardModifier.NoModifier)


def _events(project: Project, window: MainWindow) -> list[Event]:
    doc_id = window.current_doc_id()
    assert doc_id is not None
    return project.annotations.events(doc_id, ANNOTATOR)


def _text_of(project: Project, window: MainWindow, span_id: int) -> tuple[str, str]:
    span = project.annotations.span(span_id)
    assert span is not None
    return span.text_in(window.pane.text), span.label


def _build_attack(qtbot: Any, window: MainWindow, tools: EventTools) -> None:
    """Trigger by Shift+A; Attacker by key + new text; Instrument by click + click; Place by key."""
    pane, panel = window.pane, tools.event_panel
    _tag(qtbot, window, "هجوماً", Qt.Key.Key_A, SHIFT)
    assert panel.current_event() is not None
    qtbot.keyClick(pane, Qt.Key.Key_1, ALT)  # choose Attacker, then tag new text with G
    assert panel.armed_role() == "Attacker"
    _tag(qtbot, window, "روسيا", Qt.Key.Key_G)
    _tag(qtbot, window, "صواريخ", Qt.Key.Key_W)  # an entity span first...
    row = next(
        r for r in range(panel.table.rowCount()) if cell(panel.table, r, 0).text() == "Instrument"
    )
    rect = panel.table.visualItemRect(cell(panel.table, row, 0))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.armed_role() == "Instrument"
    click_char(qtbot, pane, _word(window, "صواريخ")[0] + 2)  # ...then click it in the text
    qtbot.keyClick(pane, Qt.Key.Key_5, ALT)  # Place
    _tag(qtbot, window, "حماة", Qt.Key.Key_G)


def test_attack_event_by_mouse_and_keyboard_is_stored(
    qtbot: Any, window: MainWindow, project: Project, tools: EventTools
) -> None:
    _build_attack(qtbot, window, tools)
    (event,) = _events(project, window)
    assert event.type == "Conflict.Attack"
    assert _text_of(project, window, event.trigger_id) == ("هجوماً", "Conflict.Attack")
    args = {a.role: _text_of(project, window, a.span_id) for a in event.arguments}
    assert args == {
        "Attacker": ("روسيا", "GPE"),
        "Instrument": ("صواريخ", "WEA"),
        "Place": ("حماة", "GPE"),
    }
    trigger_start = _word(window, "هجوماً")[0]
    assert project.annotations.span(event.trigger_id).start == trigger_start  # type: ignore[union-attr]
    doc_id = window.current_doc_id()
    assert doc_id is not None
    assert len(project.annotations.spans(doc_id, ANNOTATOR)) == 4
    # The panel shows the slots, and the text outlines the arguments with role names.
    captions = {o.caption for o in tools.event_panel.overlays()}
    assert {"Conflict.Attack", "Attacker", "Instrument", "Place"} <= captions
    assert window.pane.painter.overlays  # what the pane draws
    assert tools.event_panel.title.text() == "Conflict.Attack «هجوماً»"


def test_undo_redo_walks_back_each_step(
    qtbot: Any, window: MainWindow, project: Project, tools: EventTools
) -> None:
    _build_attack(qtbot, window, tools)
    full = _events(project, window)
    stack = window.undo_stack
    qtbot.keyClick(window.pane, Qt.Key.Key_Z, CTRL)  # Place (span + argument in one step)
    (event,) = _events(project, window)
    assert [a.role for a in event.arguments] == ["Attacker", "Instrument"]
    while stack.canUndo():
        stack.undo()
    doc_id = window.current_doc_id()
    assert doc_id is not None
    assert project.annotations.spans(doc_id, ANNOTATOR) == [] and _events(project, window) == []
    while stack.canRedo():
        stack.redo()
    assert _events(project, window) == full


def test_hovering_a_trigger_outlines_its_arguments(
    qtbot: Any, window: MainWindow, project: Project, tools: EventTools
) -> None:
    _build_attack(qtbot, window, tools)
    window.clear_selection()
    tools.event_panel.set_event(None)
    assert tools.event_panel.overlays() == []
    (event,) = _events(project, window)
    window.pane.spanHovered.emit(event.trigger_id)
    roles = sorted(o.caption for o in tools.event_panel.overlays())
    assert roles == ["Attacker", "Conflict.Attack", "Instrument", "Place"]
    window.pane.spanHovered.emit(-1)
    assert tools.event_panel.overlays() == []


def test_disallowed_role_type_warns_then_strict_refuses(
    qtbot: Any, window: MainWindow, project: Project, tools: EventTools
) -> None:
    panel = tools.event_panel
    _tag(qtbot, window, "هجوماً", Qt.Key.Key_A, SHIFT)
    qtbot.keyClick(window.pane, Qt.Key.Key_5, ALT)  # Place allows GPE/LOC/FAC
    _tag(qtbot, window, "صواريخ", Qt.Key.Key_W)
    assert panel.message.isVisible() and "allows GPE, LOC, FAC, not WEA" in panel.message.text()
    (event,) = _events(project, window)
    assert [a.role for a in event.arguments] == ["Place"]
    place_row = next(
        r for r in range(panel.table.rowCount()) if cell(panel.table, r, 0).text() == "Place"
    )
    assert cell(panel.table, place_row, 2).text().startswith("⚠")

    project.schemas.apply(project.schemas.set_role_check("strict"))
    qtbot.keyClick(window.pane, Qt.Key.Key_1, ALT)  # Attacker allows PER/ORG/GPE
    _tag(qtbot, window, "كاليبرا", Qt.Key.Key_W)
    assert "strict" in panel.message.text() and panel.message.isVisible()
    (event,) = _events(project, window)
    assert [a.role for a in event.arguments] == ["Place"]
    doc_id = window.current_doc_id()
    assert doc_id is not None
    labels = sorted(s.label for s in project.annotations.spans(doc_id, ANNOTATOR))
    assert labels == ["Conflict.Attack", "WEA"]  # the refused span was not created


def test_relation_by_ctrl_click_and_hotkey(
    qtbot: Any, window: MainWindow, project: Project, tools: EventTools
) -> None:
    pane = window.pane
    _tag(qtbot, window, "روسيا", Qt.Key.Key_G)
    _tag(qtbot, window, "حماة", Qt.Key.Key_G)
    window.clear_selection()
    click_char(qtbot, pane, _word(window, "روسيا")[0] + 1)
    click_char(qtbot, pane, _word(window, "حماة")[0] + 1, ctrl=True)
    assert len(pane.selected_span_ids()) == 2
    qtbot.keyClick(pane, Qt.Key.Key_1, CTRL)  # PHYS
    doc_id = window.current_doc_id()
    assert doc_id is not None
    (rel,) = project.annotations.relations(doc_id, ANNOTATOR)
    assert rel.type == "PHYS"
    assert _text_of(project, window, rel.arg1_id)[0] == "روسيا"
    assert _text_of(project, window, rel.arg2_id)[0] == "حماة"
    panel = tools.relation_panel
    assert panel.table.rowCount() == 1 and cell(panel.table, 0, 0).text() == "PHYS"
    click_char(qtbot, pane, _word(window, "حماة")[0] + 1)  # either end selected: shown
    assert [o.caption for o in panel.overlays()] == ["→ PHYS"]
    assert cell(panel.table, 0, 0).font().bold()
    window.undo_stack.undo()
    assert project.annotations.relations(doc_id, ANNOTATOR) == []
    assert panel.table.rowCount() == 0


def test_deleting_an_argument_span_asks_and_cascade_undoes_as_one_step(
    qtbot: Any, window: MainWindow, project: Project, tools: EventTools
) -> None:
    _build_attack(qtbot, window, tools)
    pane = window.pane
    russia = _word(window, "روسيا")
    hama = _word(window, "حماة")
    click_char(qtbot, pane, russia[0] + 1)
    click_char(qtbot, pane, hama[0] + 1, ctrl=True)
    qtbot.keyClick(pane, Qt.Key.Key_1, CTRL)  # PHYS روسيا → حماة
    before = _events(project, window)
    asked: list[str] = []

    def confirm(question: str) -> bool:
        asked.append(question)
        return True

    window.tagging.confirm_cascade = confirm
    click_char(qtbot, pane, russia[0] + 1)
    qtbot.keyClick(pane, Qt.Key.Key_Delete)
    assert asked, "deleting an argument span must ask first"
    (event,) = _events(project, window)
    assert "Attacker" not in [a.role for a in event.arguments]
    doc_id = window.current_doc_id()
    assert doc_id is not None
    assert project.annotations.relations(doc_id, ANNOTATOR) == []
    qtbot.keyClick(pane, Qt.Key.Key_Z, CTRL)  # one undo restores span, argument, relation
    assert _events(project, window) == before
    assert len(project.annotations.relations(doc_id, ANNOTATOR)) == 1


def test_relabelling_the_trigger_retypes_the_event_and_undo_restores(
    qtbot: Any, window: MainWindow, project: Project, tools: EventTools
) -> None:
    _build_attack(qtbot, window, tools)
    (event,) = _events(project, window)
    window.clear_selection()
    click_char(qtbot, window.pane, _word(window, "هجوماً")[0] + 1)
    assert window.pane.selected_span_ids() == [event.trigger_id]
    qtbot.keyClick(window.pane, Qt.Key.Key_K, SHIFT)  # Life.Die on the selected trigger
    (retyped,) = _events(project, window)
    assert retyped.id == event.id and retyped.type == "Life.Die"
    assert Argument("Instrument", event.arguments[1].span_id) in retyped.arguments
    assert "Attacker" not in [a.role for a in retyped.arguments]  # Life.Die has no Attacker
    assert tools.event_panel.title.text().startswith("Life.Die")
    qtbot.keyClick(window.pane, Qt.Key.Key_Z, CTRL)
    assert _events(project, window) == [event]


def test_delete_event_button_keeps_argument_spans(
    qtbot: Any, window: MainWindow, project: Project, tools: EventTools
) -> None:
    _build_attack(qtbot, window, tools)
    qtbot.mouseClick(tools.event_panel.delete_button, Qt.MouseButton.LeftButton)
    assert _events(project, window) == []
    assert tools.event_panel.current_event() is None
    doc_id = window.current_doc_id()
    assert doc_id is not None
    assert [s.label for s in project.annotations.spans(doc_id, ANNOTATOR)].count("GPE") == 2
    window.undo_stack.undo()
    (event,) = _events(project, window)
    assert len(event.arguments) == 3


def test_attack_event_exports_as_jsonl_event_and_brat_e_line(
    qtbot: Any, window: MainWindow, project: Project, tools: EventTools
) -> None:
    _build_attack(qtbot, window, tools)
    doc_id = window.current_doc_id()
    assert doc_id is not None
    layer = AnnotatedDocument(
        project.documents.document(doc_id),
        ANNOTATOR,
        tuple(project.annotations.spans(doc_id, ANNOTATOR)),
        tuple(project.annotations.events(doc_id, ANNOTATOR)),
        tuple(project.annotations.relations(doc_id, ANNOTATOR)),
    )
    line = json.loads(jsonl.dumps(layer))
    span_text = {s["id"]: (s["text"], s["label"]) for s in line["spans"]}
    (event,) = line["events"]
    assert set(event) >= {"id", "type", "trigger", "arguments"}
    assert event["type"] == "Conflict.Attack"
    assert span_text[event["trigger"]] == ("هجوماً", "Conflict.Attack")
    assert [(a["role"], span_text[a["span"]]) for a in event["arguments"]] == [
        ("Attacker", ("روسيا", "GPE")),
        ("Instrument", ("صواريخ", "WEA")),
        ("Place", ("حماة", "GPE")),
    ]

    ann = brat.dumps(layer).splitlines()
    t_lines = {ln.split("\t")[0]: ln.split("\t")[2] for ln in ann if ln.startswith("T")}
    (e_line,) = [ln for ln in ann if ln.startswith("E")]
    parts = [p.split(":") for p in e_line.split("\t")[1].split(" ")]
    assert [(role, t_lines[t]) for role, t in parts] == [
        ("Conflict_Attack", "هجوماً"),  # brat's storage form of Conflict.Attack
        ("Attacker", "روسيا"),
        ("Instrument", "صواريخ"),
        ("Place", "حماة"),
    ]


def test_app_installs_the_event_tools(qtbot: Any, project: Project) -> None:
    from annotator.app import build_window

    window = build_window(project, ANNOTATOR)
    qtbot.addWidget(window)
    tools = window.event_tools  # type: ignore[attr-defined]
    assert isinstance(tools, EventTools)
    docks = {a.text() for a in window.view_menu.actions()}
    assert {"Event", "Relations"} <= docks
    assert tools.schema_action in window.edit_menu.actions()
    assert tools.schema_action.shortcut().toString() == "Ctrl+Shift+E"
    window.close()
