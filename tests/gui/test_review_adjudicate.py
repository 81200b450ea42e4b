"""Adjudicating seed 000 in review mode, by keyboard, down to the gold rows and `export --gold`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from annotator.__main__ import main
from annotator.app import build_window
from annotator.core.model import Status
from annotator.core.positions import CodePoint
from annotator.services.events import EventService
from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.review.chooser import ReviewChooser
from annotator.ui.review.wiring import ReviewTools

ATTACK = "Conflict.Attack"
SHARED = [("ORG", "وزارة الدفاع الروسية"), ("GPE", "حماة")]
OWN = {"ali": [("ORG", "داعش"), ("GPE", "آستانة")], "badr": [("GPE", "داعش"), ("FAC", "تجهيزات")]}
ARGS = {
    "ali": [("Attacker", "وزارة الدفاع الروسية"), ("Place", "حماة")],
    "badr": [("Attacker", "وزارة الدفاع الروسية"), ("Target", "تجهيزات")],
}
Key = tuple[int, int, str]


def at(text: str, phrase: str) -> tuple[CodePoint, CodePoint]:
    """Offsets of the first occurrence of ``phrase``."""
    start = text.index(phrase)
    return CodePoint(start), CodePoint(start + len(phrase))


def key(text: str, label: str, phrase: str) -> Key:
    """``(start, end, label)`` of ``phrase``."""
    return (*at(text, phrase), label)


def annotate(project: Project, doc_id: int) -> None:
    """Two annotators on seed 000: same event, different arguments, different entities."""
    text = project.documents.document(doc_id).text
    events = EventService(project.annotations, lambda: project.schemas.schema)
    for name in ("ali", "badr"):
        for label, phrase in SHARED + OWN[name]:
            project.annotations.create_span(doc_id, name, *at(text, phrase), label)
        event_id = events.create_event(doc_id, name, *at(text, "هجوماً"), ATTACK).add.events[0].id
        spans = {s.text_in(text): s.id for s in project.annotations.spans(doc_id, name)}
        for role, phrase in ARGS[name]:
            event = events.event(doc_id, name, event_id)
            assert event is not None
            events.add_argument(event, role, spans[phrase])


def gold_state(project: Project, doc_id: int) -> tuple[set[Key], set[tuple[str, Key, frozenset]]]:
    """Gold's spans and events as offsets and labels, read from the database."""
    repo, gold = project.repo, project.gold_annotator()
    assert gold == "gold"
    spans = {s.id: (int(s.start), int(s.end), s.label) for s in repo.spans(doc_id, gold)}
    events = {
        (e.type, spans[e.trigger_id], frozenset((a.role, spans[a.span_id]) for a in e.arguments))
        for e in repo.events(doc_id, gold)
    }
    return set(spans.values()), events


def press(
    qtbot: Any, window: MainWindow, key_: Qt.Key, mods: Any = Qt.KeyboardModifier.NoModifier
) -> None:
    """A key on the window (its shortcuts are window-wide)."""
    qtbot.keyClick(window.pane, key_, mods)


def open_review(qtbot: Any, window: MainWindow, tools: ReviewTools) -> None:
    """View → Review annotators… through its shortcut, ticking both layers in the dialog."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ReviewChooser)
        assert dialog.chosen() == ["ali", "badr"]
        dialog.accept()

    QTimer.singleShot(0, answer)
    press(
        qtbot,
        window,
        Qt.Key.Key_R,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: tools.review.active)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_adjudicate_seed_in_review_mode(qtbot: Any, project: Project, tmp_path: Path) -> None:
    doc_id = project.documents.document_ids()[0]
    text = project.documents.document(doc_id).text
    annotate(project, doc_id)
    window = build_window(project, "curator")  # as the app wires it: event tools, Alt+k roles too
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    tools: ReviewTools = window.review_tools  # type: ignore[attr-defined]
    review = tools.review
    assert window.documents.model_.columnCount() == 3  # no gold layer yet: no curation column
    open_review(qtbot, window, tools)
    assert window.current_annotator() == "gold"
    assert set(review.view.panes()) == {"ali", "badr"}
    tools.actions["premerge"].trigger()  # what both agree on: ministry, Hama, the event, Attacker
    qtbot.waitUntil(window.isActiveWindow)  # back from the progress dialog, if it showed
    ministry, hama = key(text, "ORG", "وزارة الدفاع الروسية"), key(text, "GPE", "حماة")
    trigger = key(text, ATTACK, "هجوماً")
    assert gold_state(project, doc_id) == (
        {ministry, hama, trigger},
        {(ATTACK, trigger, frozenset({("Attacker", ministry)}))},
    )

    # F8: the first disagreement is badr's Target argument; accept badr's version (key 2)
    press(qtbot, window, Qt.Key.Key_F8)
    facility = key(text, "FAC", "تجهيزات")
    assert review.current == 0
    assert "Target" in tools.review.panel.version_texts()[1]
    assert review.view.pane_of("badr").selected_span_ids()  # badr's argument span is selected
    press(qtbot, window, Qt.Key.Key_2)
    # F8 again: ali's Place argument; accept ali's version (key 1): the event keeps both
    press(qtbot, window, Qt.Key.Key_F8)
    assert "Place" in tools.review.panel.version_texts()[0]
    press(qtbot, window, Qt.Key.Key_1)
    args = frozenset({("Attacker", ministry), ("Target", facility), ("Place", hama)})
    assert gold_state(project, doc_id)[1] == {(ATTACK, trigger, args)}

    # on to «داعش» (ORG for ali, GPE for badr): accept ali's, undo, redo
    daesh_org, daesh_gpe = key(text, "ORG", "داعش"), key(text, "GPE", "داعش")
    while review.disputes[review.current].start != daesh_org[0]:
        press(qtbot, window, Qt.Key.Key_F8)
    press(qtbot, window, Qt.Key.Key_1)
    assert daesh_org in gold_state(project, doc_id)[0]
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert daesh_org not in gold_state(project, doc_id)[0]
    assert daesh_org not in {(s.start, s.end, s.label) for s in window.pane.spans()}
    press(
        qtbot,
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert daesh_org in {(s.start, s.end, s.label) for s in window.pane.spans()}

    # «آستانة»: only ali has it; the curator tags it in gold directly, as LOC (hotkey L)
    astana = at(text, "آستانة")
    while review.disputes[review.current].start != astana[0]:
        press(qtbot, window, Qt.Key.Key_F8)
    assert window.pane.selection_range() == astana  # F8 selected it in the gold pane
    press(qtbot, window, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: "LOC «\u2068آستانة\u2069»" in review.panel.gold.text())

    tools.actions["curated"].trigger()  # Document → Mark curated
    model = window.documents.model_
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Curation"
    rows = {model.summary(r).id: model.index(r, 3).data() for r in range(model.rowCount())}
    assert rows[doc_id] == "Curated"
    assert list(rows.values()).count("Open") == len(rows) - 1

    spans, events = gold_state(project, doc_id)
    expected = {ministry, hama, trigger, facility, daesh_org, (*astana, "LOC")}
    assert spans == expected and daesh_gpe not in spans
    assert events == {(ATTACK, trigger, args)}
    assert project.repo.status(doc_id, "gold") is Status.DONE
    window.close()

    out = tmp_path / "gold.jsonl"
    db = str(project.path)
    assert main(["export", "--db", db, "--format", "jsonl", "--gold", "--out", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    exported = next(d for d in lines if d["sha256"] and d["text"] == text)
    assert exported["annotator"] == "gold" and exported["status"] == "done"
    by_no = {s["id"]: (s["start"], s["end"], s["label"]) for s in exported["spans"]}
    assert set(by_no.values()) == expected
    assert all(s["text"] == text[s["start"] : s["end"]] for s in exported["spans"])
    [event] = exported["events"]
    assert (event["type"], by_no[event["trigger"]]) == (ATTACK, trigger)
    assert {(a["role"], by_no[a["span"]]) for a in event["arguments"]} == set(args)
