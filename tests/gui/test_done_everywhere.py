"""Issue 18: done means done everywhere. Undo, redo, Tag all, and Accept and Pre-merge in
review mode ask before they change a document marked Done, as a hotkey's tag does.

The window is built as :mod:`annotator.app` builds it, on a real seeded project file; every
question is the real message box, answered by clicking its buttons.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
)

from annotator.app import build_window
from annotator.core.model import Status
from annotator.core.positions import CodePoint
from annotator.services.project import Project
from annotator.ui.done_guard import CANCEL
from annotator.ui.main_window import MainWindow
from annotator.ui.review.wiring import ReviewTools
from annotator.ui.search_wiring import SearchTools
from tests.gui.conftest import ANNOTATOR, answer_next_box, find_word, when_modal
from tests.gui.test_review_adjudicate import annotate, gold_state, open_review, press
from tests.gui.test_review_readable import assert_reads_in_order

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _window(qtbot: Any, project: Project, annotator: str = ANNOTATOR) -> MainWindow:
    window = build_window(project, annotator, None)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def _answer(qtbot: Any, button_text: str, seen: list[str]) -> None:
    """Click the button called ``button_text`` on the next message box; keep its text."""

    def click(box: QMessageBox) -> None:
        seen.append(box.text())
        [button] = [b for b in box.buttons() if b.text().replace("&", "") == button_text]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    when_modal(QMessageBox, click)


def _layer(project: Project, doc_id: int, annotator: str = ANNOTATOR) -> set[tuple[int, int, str]]:
    return {(s.start, s.end, s.label) for s in project.annotations.spans(doc_id, annotator)}


def _back(qtbot: Any, window: MainWindow) -> None:
    """Offscreen, focus does not come back to the window after a modal dialog by itself."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_undo_and_redo_of_a_tag_on_a_done_document_ask_first(qtbot: Any, project: Project) -> None:
    window = _window(qtbot, project)
    doc_id = window.current_doc_id()
    assert doc_id is not None
    at = find_word(window.pane.text, "روسيا")
    window.pane.select_text(CodePoint(at), CodePoint(at + 5))
    window.apply_name("PER")
    tagged = (at, at + 5, "PER")
    assert tagged in _layer(project, doc_id)
    press(qtbot, window, Qt.Key.Key_D, CTRL)  # marked done after the tag
    seen: list[str] = []
    _answer(qtbot, "Cancel", seen)
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert len(seen) == 1 and "marked done" in seen[0]
    assert tagged in _layer(project, doc_id)  # not undone
    assert project.documents.status(doc_id, ANNOTATOR) is Status.DONE
    _back(qtbot, window)
    _answer(qtbot, "Reopen", seen)
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert len(seen) == 2 and tagged not in _layer(project, doc_id)
    assert project.documents.status(doc_id, ANNOTATOR) is not Status.DONE
    # marked done again before the redo: the redo asks too; Edit anyway keeps it done
    _back(qtbot, window)
    press(qtbot, window, Qt.Key.Key_D, CTRL)
    _answer(qtbot, "Edit anyway", seen)
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert len(seen) == 3 and tagged in _layer(project, doc_id)
    assert project.documents.status(doc_id, ANNOTATOR) is Status.DONE


def _tag_all_from_search(qtbot: Any, window: MainWindow, word: str, label: str) -> None:
    """Search every document for ``word``, click "Tag all…", pick ``label``."""
    tools: SearchTools = window.search_tools  # type: ignore[attr-defined]
    press(qtbot, window, Qt.Key.Key_F, CTRL | SHIFT)
    tools.panel.query.insert(word)
    tools.panel.run()

    def pick(dialog: QDialog) -> None:
        combo = dialog.findChild(QComboBox)
        assert combo is not None
        combo.setCurrentIndex(combo.findText(label))
        dialog.accept()

    when_modal(QDialog, pick)
    qtbot.mouseClick(tools.panel.tag_all, Qt.MouseButton.LeftButton)
    preview = tools.last_dialog
    assert preview is not None and preview.plan.label == label
    ok = preview.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_tag_all_asks_once_naming_the_done_documents_and_skips_them(
    qtbot: Any, project: Project
) -> None:
    window = _window(qtbot, project)
    summaries = project.documents.summaries(ANNOTATOR)
    having = [s for s in summaries if "روسيا" in project.documents.document(s.id).text]
    assert len(having) >= 3
    done, other = having[0], having[1:]
    assert done.id == window.current_doc_id()
    press(qtbot, window, Qt.Key.Key_D, CTRL)
    before = {s.id: _layer(project, s.id) for s in having}
    seen: list[str] = []
    _answer(qtbot, "Skip them", seen)
    _tag_all_from_search(qtbot, window, "روسيا", "GPE")
    assert seen == [f"Tag all would tag 1 document marked done: «\u2068{done.name}\u2069»."]
    assert _layer(project, done.id) == before[done.id]  # skipped: nothing tagged there
    assert project.documents.status(done.id, ANNOTATOR) is Status.DONE
    for summary in other:
        added = _layer(project, summary.id) - before[summary.id]
        assert added and {label for _s, _e, label in added} == {"GPE"}


def test_tag_all_cancel_tags_nothing_and_reopen_tags_the_done_documents(
    qtbot: Any, project: Project
) -> None:
    window = _window(qtbot, project)
    doc_id = window.current_doc_id()
    assert doc_id is not None
    press(qtbot, window, Qt.Key.Key_D, CTRL)
    everything = {s.id: _layer(project, s.id) for s in project.documents.summaries(ANNOTATOR)}
    seen: list[str] = []
    _answer(qtbot, "Cancel", seen)
    _tag_all_from_search(qtbot, window, "روسيا", "GPE")
    assert len(seen) == 1
    assert {i: _layer(project, i) for i in everything} == everything  # nowhere, not only here
    _back(qtbot, window)
    _answer(qtbot, "Reopen them", seen)
    _tag_all_from_search(qtbot, window, "روسيا", "GPE")
    assert len(seen) == 2
    assert _layer(project, doc_id) - everything[doc_id]
    assert project.documents.status(doc_id, ANNOTATOR) is Status.IN_PROGRESS


def _review_with_curated_gold(qtbot: Any, project: Project) -> tuple[MainWindow, ReviewTools, int]:
    """Seed 000 annotated by ali and badr, in review mode, gold marked Done (curated)."""
    doc_id = project.documents.document_ids()[0]
    annotate(project, doc_id)
    window = _window(qtbot, project, "curator")
    tools: ReviewTools = window.review_tools  # type: ignore[attr-defined]
    open_review(qtbot, window, tools)
    tools.actions["curated"].trigger()  # Document → Mark curated
    assert project.documents.status(doc_id, "gold") is Status.DONE
    return window, tools, doc_id


def test_accept_in_review_asks_when_gold_is_curated(qtbot: Any, project: Project) -> None:
    window, tools, doc_id = _review_with_curated_gold(qtbot, project)
    press(qtbot, window, Qt.Key.Key_F8)
    before = gold_state(project, doc_id)
    seen: list[str] = []
    _answer(qtbot, "Cancel", seen)
    press(qtbot, window, Qt.Key.Key_2)  # accept badr's version
    assert len(seen) == 1 and "marked done" in seen[0]
    assert gold_state(project, doc_id) == before
    _back(qtbot, window)
    _answer(qtbot, "Reopen", seen)
    press(qtbot, window, Qt.Key.Key_2)
    assert len(seen) == 2 and gold_state(project, doc_id) != before
    assert project.documents.status(doc_id, "gold") is Status.IN_PROGRESS
    assert tools.review.active


def test_premerge_asks_when_gold_is_curated(qtbot: Any, project: Project) -> None:
    window, tools, doc_id = _review_with_curated_gold(qtbot, project)
    before = gold_state(project, doc_id)
    seen: list[str] = []
    _answer(qtbot, "Cancel", seen)
    tools.actions["premerge"].trigger()
    assert len(seen) == 1 and "marked done" in seen[0]
    assert gold_state(project, doc_id) == before
    _back(qtbot, window)
    _answer(qtbot, "Edit anyway", seen)
    tools.actions["premerge"].trigger()
    qtbot.waitUntil(window.isActiveWindow)  # back from the progress dialog, if it showed
    assert len(seen) == 2 and gold_state(project, doc_id) != before
    assert project.documents.status(doc_id, "gold") is Status.DONE


def test_redoing_the_deletion_of_a_done_layer_does_not_ask(qtbot: Any, project: Project) -> None:
    """The deletion asked already, and takes the Done status away with the layer."""
    window = _window(qtbot, project)
    doc_id = window.current_doc_id()
    assert doc_id is not None
    at = find_word(window.pane.text, "روسيا")
    project.annotations.create_span(doc_id, ANNOTATOR, CodePoint(at), CodePoint(at + 5), "GPE")
    project.documents.set_status(doc_id, ANNOTATOR, Status.DONE)
    asked: list[list[str]] = []

    def ask(names: list[str]) -> str:  # a question here would be a failure, not a hang
        asked.append(names)
        return CANCEL

    window.done_guard.ask = ask  # type: ignore[attr-defined]
    answer_next_box(qtbot, QMessageBox.StandardButton.Yes, [])
    window.actions_["delete_layer"].trigger()
    assert _layer(project, doc_id) == set()
    _back(qtbot, window)
    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # the layer comes back, marked done
    assert _layer(project, doc_id) == {(at, at + 5, "GPE")}
    assert project.documents.status(doc_id, ANNOTATOR) is Status.DONE
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert asked == [] and _layer(project, doc_id) == set()
    assert project.documents.status(doc_id, ANNOTATOR) is Status.NEW


NEWS = "خبر عاجل ١.txt"
TEXT = "أعلنت وزارة الدفاع 😀 أنّ\u00a0الهجوم على حماة\u200cالسورية تـــمّ عام 2024 (ok).\n"


def test_the_question_reads_in_order_with_an_arabic_document_name(
    qtbot: Any, project: Project
) -> None:
    """A message box's label takes its direction from the first strong letter, isolates
    included: a question that began with the isolated name «خبر عاجل ١.txt» was laid out
    right to left ("?is marked done. Reopen it to edit txt.١ خبر عاجل")."""
    doc_id, _new = project.documents.add_text(NEWS, TEXT)
    project.annotations.create_span(doc_id, ANNOTATOR, CodePoint(6), CodePoint(11), "ORG")
    project.documents.set_status(doc_id, ANNOTATOR, Status.DONE)
    window = _window(qtbot, project)
    window.open_document(doc_id)
    read: list[str] = []

    def click(box: QMessageBox) -> None:
        label = box.findChild(QLabel, "qt_msgbox_label")
        try:
            assert label is not None
            assert_reads_in_order(label, [NEWS, "is marked done", "Reopen it to edit"])
            read.append("in order")
        except AssertionError as exc:
            read.append(f"out of order: {exc}")
        [cancel] = [b for b in box.buttons() if b.text().replace("&", "") == "Cancel"]
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)

    when_modal(QMessageBox, click)
    at = TEXT.index("حماة")
    window.pane.select_text(CodePoint(at), CodePoint(at + 4))
    window.apply_name("GPE")
    assert read == ["in order"]
    assert _layer(project, doc_id) == {(6, 11, "ORG")}
