"""Undo keeps working after a status change (issue 17, item 10).

Tag all, Accept and Pre-merge record the automatic "new → in progress" step of
the layer they start. Marking the document done (Ctrl+D) in between used to make
their undo refuse; now the annotations are undone and the status the user set stays.
(The undo of a change to a Done document asks first, ADR 0018: here "Edit anyway".)
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from annotator.app import build_window
from annotator.core.model import Status
from annotator.services.adjudication import CurationStatus, set_curation_status
from annotator.services.project import Project
from annotator.ui.dialogs.label_picker import LabelPicker
from annotator.ui.main_window import MainWindow
from annotator.ui.review.wiring import ReviewTools
from annotator.ui.search_wiring import install_search_tools
from tests.gui.conftest import ANNOTATOR, when_modal
from tests.gui.test_review_adjudicate import annotate, gold_state, open_review, press

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def spans(project: Project, doc_id: int, annotator: str) -> list[tuple[int, int, str]]:
    """The layer's spans as stored."""
    return [(s.start, s.end, s.label) for s in project.annotations.spans(doc_id, annotator)]


def test_undo_of_tag_all_after_ctrl_d_keeps_done(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    doc_id = window.current_doc_id()
    assert doc_id is not None
    assert project.documents.status(doc_id, ANNOTATOR) is Status.NEW
    tools = install_search_tools(window, project)
    press(qtbot, window, Qt.Key.Key_F, CTRL)
    tools.panel.query.setText("حماة")
    tools.panel.run()

    def choose_gpe(picker: LabelPicker) -> None:
        picker.combo.setCurrentIndex(picker.combo.findText("GPE"))
        picker.accept()

    when_modal(LabelPicker, choose_gpe)
    qtbot.mouseClick(tools.panel.tag_all, Qt.MouseButton.LeftButton)
    dialog = tools.last_dialog
    assert dialog is not None and dialog.isVisible()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    tagged = spans(project, doc_id, ANNOTATOR)
    assert len(tagged) == 2 and {label for *_r, label in tagged} == {"GPE"}
    assert project.documents.status(doc_id, ANNOTATOR) is Status.IN_PROGRESS
    qtbot.waitUntil(window.isActiveWindow)  # back from the progress dialog, if it showed

    press(qtbot, window, Qt.Key.Key_D, CTRL)
    assert project.documents.status(doc_id, ANNOTATOR) is Status.DONE
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert spans(project, doc_id, ANNOTATOR) == []
    assert window.pane.spans() == []
    assert project.documents.status(doc_id, ANNOTATOR) is Status.DONE
    assert window.undo_stack.count() == 1  # the step survived: it was not refused
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)  # redo: the spans again, still done
    assert spans(project, doc_id, ANNOTATOR) == tagged
    assert project.documents.status(doc_id, ANNOTATOR) is Status.DONE


def review_window(qtbot: Any, project: Project) -> tuple[MainWindow, ReviewTools, int]:
    """Seed 000 annotated by ali and badr; gold exists (on seed 001) but is new on seed 000."""
    doc_id, other = project.documents.document_ids()[:2]
    annotate(project, doc_id)
    set_curation_status(project, other, CurationStatus.OPEN)  # creates the gold layer
    window = build_window(project, "curator")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    tools: ReviewTools = window.review_tools  # type: ignore[attr-defined]
    open_review(qtbot, window, tools)
    assert window.current_doc_id() == doc_id and window.current_annotator() == "gold"
    assert project.documents.status(doc_id, "gold") is Status.NEW
    return window, tools, doc_id


def edit_anyway(qtbot: Any) -> None:
    """Answer the next question about a Done document with Edit anyway."""

    def click(box: QMessageBox) -> None:
        [button] = [b for b in box.buttons() if b.text().replace("&", "") == "Edit anyway"]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    when_modal(QMessageBox, click)


def done_then_undo(qtbot: Any, window: MainWindow, project: Project, doc_id: int) -> None:
    """Ctrl+D, then Ctrl+Z (Edit anyway): gold is empty again, and stays done."""
    assert project.documents.status(doc_id, "gold") is Status.IN_PROGRESS
    qtbot.waitUntil(window.isActiveWindow)  # back from the progress dialog, if it showed
    press(qtbot, window, Qt.Key.Key_D, CTRL)
    assert project.documents.status(doc_id, "gold") is Status.DONE
    edit_anyway(qtbot)
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert gold_state(project, doc_id) == (set(), set())
    assert project.documents.status(doc_id, "gold") is Status.DONE
    assert window.undo_stack.count() == 1


def test_undo_of_premerge_after_ctrl_d_keeps_done(qtbot: Any, project: Project) -> None:
    window, tools, doc_id = review_window(qtbot, project)
    tools.actions["premerge"].trigger()
    assert gold_state(project, doc_id)[0]
    done_then_undo(qtbot, window, project, doc_id)
    window.close()


def test_undo_of_accept_after_ctrl_d_keeps_done(qtbot: Any, project: Project) -> None:
    window, tools, doc_id = review_window(qtbot, project)
    press(qtbot, window, Qt.Key.Key_F8)
    assert "Target" in tools.review.panel.version_texts()[1]
    press(qtbot, window, Qt.Key.Key_2)  # accept badr's version: the event with its Target
    assert gold_state(project, doc_id)[0]
    done_then_undo(qtbot, window, project, doc_id)
    window.close()
