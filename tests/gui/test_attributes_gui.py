"""Attributes and notes from the keyboard and the Attributes panel, undoable."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.app import build_window
from annotator.core.positions import CodePoint
from annotator.core.schema import NOTE
from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import find_word

NOTE_TEXT = "راجِع «حمـاة» 😀 ok 12"


def _window(qtbot: Any, project: Project) -> MainWindow:
    window = build_window(project, "tester", None)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def _tag(window: MainWindow, word: str, label: str) -> int:
    at = find_word(window.pane.text, word)
    edit = window.tagging.create_span(label, CodePoint(at), CodePoint(at + len(word)))
    assert edit is not None
    return edit.add.spans[0].id


def _attrs(project: Project, span_id: int) -> dict[str, str]:
    span = project.annotations.span(span_id)
    assert span is not None
    return dict(span.attributes)


def test_mention_type_cycles_with_its_hotkey_and_undoes(qtbot: Any, project: Project) -> None:
    window = _window(qtbot, project)
    span_id = _tag(window, "حماة", "GPE")
    panel = window.attributes  # type: ignore[attr-defined]
    assert panel.current_span().id == span_id
    qtbot.keyClick(window.pane, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert _attrs(project, span_id) == {"MentionType": "NAM"}
    qtbot.keyClick(window.pane, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert _attrs(project, span_id) == {"MentionType": "NOM"}
    assert panel.boxes[("span", "MentionType")].currentText() == "NOM"
    window.undo()
    assert _attrs(project, span_id) == {"MentionType": "NAM"}
    assert panel.boxes[("span", "MentionType")].currentText() == "NAM"
    assert window.pane.span(span_id) is not None


def test_event_attributes_from_the_panel_choices(qtbot: Any, project: Project) -> None:
    window = _window(qtbot, project)
    at = find_word(window.pane.text, "هجوماً")
    tools = window.event_tools  # type: ignore[attr-defined]
    tools.create_event("Conflict.Attack", CodePoint(at), CodePoint(at + len("هجوماً")))
    panel = window.attributes  # type: ignore[attr-defined]
    assert ("span", "MentionType") not in panel.boxes  # a trigger has no mention type
    tense = panel.boxes[("event", "Tense")]
    tense.activated.emit(tense.findText("FUTURE"))
    qtbot.keyClick(
        window.pane,
        Qt.Key.Key_1,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
    )
    doc_id = window.current_doc_id()
    assert doc_id is not None
    (event,) = project.annotations.events(doc_id, "tester")
    assert event.attributes == {"Polarity": "POSITIVE", "Tense": "FUTURE"}
    window.undo()
    window.undo()
    (event,) = project.annotations.events(doc_id, "tester")
    assert event.attributes == {}


def test_span_note_from_the_keyboard(qtbot: Any, project: Project) -> None:
    window = _window(qtbot, project)
    span_id = _tag(window, "روسيا", "GPE")
    qtbot.keyClick(
        window.pane,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    panel = window.attributes  # type: ignore[attr-defined]
    assert panel.note.hasFocus()
    panel.note.insert(NOTE_TEXT)  # as an input method would (QTest types ASCII only)
    qtbot.keyClicks(panel.note, " ok")
    qtbot.keyClick(panel.note, Qt.Key.Key_Return)
    assert _attrs(project, span_id) == {NOTE: NOTE_TEXT + " ok"}
    window.undo()
    assert _attrs(project, span_id) == {}


def test_edits_of_other_documents_leave_the_panel_as_it_is(qtbot: Any, project: Project) -> None:
    # a merge announces thousands of edits of other documents at once: one rebuild of the
    # form for each was the longest frame gap left after the merge (ADR 0017)
    window = _window(qtbot, project)
    span_id = _tag(window, "حماة", "GPE")
    panel = window.attributes  # type: ignore[attr-defined]
    refreshed: list[int] = []
    real = panel.refresh

    def counted() -> None:
        refreshed.append(1)
        real()

    panel.refresh = counted
    shown = window.current_doc_id()
    other = next(d for d in project.documents.document_ids() if d != shown)
    text = project.documents.document(other).text
    word = next(w for w in text.split() if w.isalpha())
    start = text.index(word)
    project.annotations.create_span(
        other, "tester", CodePoint(start), CodePoint(start + len(word)), "GPE"
    )
    assert refreshed == []
    project.annotations.set_attribute(span_id, "MentionType", "NAM")
    assert refreshed == [1]
    assert panel.boxes[("span", "MentionType")].currentText() == "NAM"
