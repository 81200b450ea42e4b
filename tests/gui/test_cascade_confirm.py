"""Cascading edits ask first, through the real Yes/No message box, and undo as one step."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.model import Argument, Bundle, Edit, Event, Relation
from annotator.services.project import Project
from annotator.ui.bidi import isolate
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR, answer_next_box, find_word


def _reactivate(qtbot: Any, window: MainWindow) -> None:
    """The offscreen platform does not give focus back after a modal box; a desktop does."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def _attack_with_relation(window: MainWindow, project: Project) -> tuple[int, int, int]:
    """Trigger «هجوماً», argument «روسيا», and a relation from «روسيا» to «حماة»."""
    doc_id = window.current_doc_id()
    assert doc_id is not None
    text = window.pane.text
    trig, att, place = (find_word(text, w) for w in ("هجوماً", "روسيا", "حماة"))
    spans = [
        window.tagging.create_span(label, start, start + n)
        for label, start, n in (("Conflict.Attack", trig, 6), ("GPE", att, 5), ("GPE", place, 4))
    ]
    t, a, p = (edit.add.spans[0].id for edit in spans if edit is not None)
    event = Event(0, doc_id, ANNOTATOR, "Conflict.Attack", t, (Argument("Attacker", a),))
    relation = Relation(0, doc_id, ANNOTATOR, "PHYS", a, p)
    project.annotations.apply(
        Edit(doc_id, ANNOTATOR, add=Bundle(events=(event,), relations=(relation,)))
    )
    return t, a, p


def _counts(project: Project, window: MainWindow) -> tuple[int, int, int, int]:
    doc_id = window.current_doc_id()
    assert doc_id is not None
    ann = project.annotations
    events = ann.events(doc_id, ANNOTATOR)
    return (
        len(ann.spans(doc_id, ANNOTATOR)),
        len(events),
        sum(len(e.arguments) for e in events),
        len(ann.relations(doc_id, ANNOTATOR)),
    )


def test_delete_of_an_argument_asks_no_keeps_yes_cascades_undo_restores(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    _, attacker, _ = _attack_with_relation(window, project)
    before = _counts(project, window)
    assert before == (3, 1, 1, 1)
    seen: list[str] = []

    window.pane.select_span(attacker)
    answer_next_box(qtbot, QMessageBox.StandardButton.No, seen)
    qtbot.keyClick(window.pane, Qt.Key.Key_Delete)
    assert seen[0].startswith(  # which span, which event (type and trigger), which relation
        f"«{isolate('روسيا')}» (GPE) is used by:\n"
        f"  • Attacker of the Conflict.Attack event triggered by «{isolate('هجوماً')}»\n"
        f"  • the PHYS relation with «{isolate('حماة')}»\n\n"
    )
    assert _counts(project, window) == before

    _reactivate(qtbot, window)
    window.pane.select_span(attacker)
    answer_next_box(qtbot, QMessageBox.StandardButton.Yes, seen)
    qtbot.keyClick(window.pane, Qt.Key.Key_Delete)
    assert len(seen) == 2
    assert _counts(project, window) == (2, 1, 0, 0)
    assert window.pane.span(attacker) is None

    window.undo_stack.undo()  # one step brings back span, argument and relation
    assert _counts(project, window) == before
    assert window.pane.span(attacker) is not None


def test_relabelling_a_trigger_as_an_entity_asks_before_dropping_its_event(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    trigger, _, _ = _attack_with_relation(window, project)
    seen: list[str] = []

    window.pane.select_span(trigger)
    answer_next_box(qtbot, QMessageBox.StandardButton.No, seen)
    qtbot.keyClick(window.pane, Qt.Key.Key_O)
    assert "removes 1 event(s)" in seen[0]
    assert project.annotations.span(trigger).label == "Conflict.Attack"  # type: ignore[union-attr]

    _reactivate(qtbot, window)
    window.pane.select_span(trigger)
    answer_next_box(qtbot, QMessageBox.StandardButton.Yes, seen)
    qtbot.keyClick(window.pane, Qt.Key.Key_O)
    assert len(seen) == 2
    assert project.annotations.span(trigger).label == "ORG"  # type: ignore[union-attr]
    assert _counts(project, window)[1] == 0

    window.undo_stack.undo()
    assert project.annotations.span(trigger).label == "Conflict.Attack"  # type: ignore[union-attr]
    assert _counts(project, window) == (3, 1, 1, 1)
