"""Document → Delete document… / Delete my layer…: a confirmation naming the counts, undoable."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.model import Status
from annotator.services.events import EventService
from annotator.services.project import Project
from annotator.ui.bidi import isolate
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR, answer_next_box, find_word

Button = QMessageBox.StandardButton
NOTE = "ملاحظة 😀\u00a0check"


def ctrl_z(qtbot: Any, window: MainWindow) -> None:
    """Ctrl+Z, once the window is active again (offscreen, a closed modal box leaves none)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.pane, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def fill(project: Project, doc_id: int, text: str, who: str) -> None:
    """Three spans, an event with an argument, a relation, a note and Done."""
    ann = project.annotations
    events = EventService(ann, lambda: project.schemas.schema)
    spans = [
        ann.create_span(doc_id, who, find_word(text, w), find_word(text, w) + len(w), "GPE")
        for w in ("حماة", "روسيا")
    ]
    city, country = (s.add.spans[0] for s in spans)
    start = find_word(text, "هجوماً")
    ev = events.create_event(doc_id, who, start, start + 6, "Conflict.Attack").add.events[0]
    event = events.event(doc_id, who, ev.id)
    assert event is not None
    events.add_argument(event, "Place", city.id)
    events.create_relation("PHYS", city.id, country.id)
    ann.set_document_note(doc_id, who, NOTE)
    project.documents.set_status(doc_id, who, Status.DONE)


def state(project: Project, doc_id: int, who: str) -> tuple[object, ...]:
    ann = project.annotations
    return (
        ann.spans(doc_id, who),
        ann.events(doc_id, who),
        ann.relations(doc_id, who),
        ann.document_note(doc_id, who),
        project.documents.status(doc_id, who),
    )


def test_delete_document_asks_with_counts_no_keeps_yes_deletes_ctrl_z_restores(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    doc = window.current_document()
    assert doc is not None
    for who in (ANNOTATOR, "badr"):
        fill(project, doc.id, doc.text, who)
    window.open_document(doc.id)
    before = {who: state(project, doc.id, who) for who in (ANNOTATOR, "badr")}
    ids = project.documents.document_ids()
    seen: list[str] = []
    answer_next_box(qtbot, Button.No, seen)
    window.actions_["delete_document"].trigger()
    assert seen == [f"Delete «{isolate(doc.name)}»: 6 spans, 2 events, 2 relations, 2 notes?"]
    assert project.documents.document_ids() == ids
    assert {who: state(project, doc.id, who) for who in before} == before

    answer_next_box(qtbot, Button.Yes, seen)
    window.actions_["delete_document"].trigger()
    assert project.documents.document_ids() == [i for i in ids if i != doc.id]
    assert window.current_doc_id() == ids[1]  # the next document is shown
    assert window.documents.model_.row_of(doc.id) == -1

    ctrl_z(qtbot, window)
    assert project.documents.document_ids() == ids
    assert {who: state(project, doc.id, who) for who in before} == before
    assert window.current_doc_id() == doc.id
    assert window.documents.model_.row_of(doc.id) >= 0
    qtbot.waitUntil(lambda: len(window.pane.spans()) == 3)


def test_delete_my_layer_keeps_the_others_and_ctrl_z_restores(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    doc = window.current_document()
    assert doc is not None
    for who in (ANNOTATOR, "badr"):
        fill(project, doc.id, doc.text, who)
    window.open_document(doc.id)
    qtbot.waitUntil(lambda: len(window.pane.spans()) == 3)
    mine, theirs = state(project, doc.id, ANNOTATOR), state(project, doc.id, "badr")
    seen: list[str] = []
    answer_next_box(qtbot, Button.Yes, seen)
    window.actions_["delete_layer"].trigger()
    assert seen == [
        f"Delete {isolate(ANNOTATOR)}'s layer in «{isolate(doc.name)}»: "
        "3 spans, 1 event, 1 relation, 1 note?"
    ]
    assert state(project, doc.id, ANNOTATOR) == ([], [], [], "", Status.NEW)
    assert state(project, doc.id, "badr") == theirs
    assert window.pane.spans() == [] and window.table.model_.rowCount() == 0
    ctrl_z(qtbot, window)
    assert state(project, doc.id, ANNOTATOR) == mine
    assert len(window.pane.spans()) == 3
