"""Tagging in the right-to-left pane by mouse and keyboard; relabel, delete, nesting."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR, click_char, drag_select, find_word


def stored(project: Project, window: MainWindow) -> list[tuple[int, int, str, str]]:
    doc_id = window.current_doc_id()
    assert doc_id is not None
    text = project.documents.document(doc_id).text
    return [
        (s.start, s.end, s.label, s.text_in(text))
        for s in project.annotations.spans(doc_id, ANNOTATOR)
    ]


def test_pane_is_right_to_left_and_shows_stored_text(window: MainWindow, project: Project) -> None:
    pane = window.pane
    doc_id = window.current_doc_id()
    assert doc_id is not None
    assert pane.layoutDirection() == Qt.LayoutDirection.RightToLeft
    option = pane.document().defaultTextOption()
    assert option.textDirection() == Qt.LayoutDirection.RightToLeft
    assert option.alignment() & Qt.AlignmentFlag.AlignRight
    assert option.alignment() & Qt.AlignmentFlag.AlignAbsolute
    assert pane.text == project.documents.document(doc_id).text
    assert pane.isReadOnly()


def test_drag_across_arabic_word_and_press_hotkey_creates_token_span(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    pane = window.pane
    start = find_word(pane.text, "روسيا")
    end = start + len("روسيا")
    # drag over the inside of the word only: token mode snaps out to the whole word
    drag_select(qtbot, pane, start + 1, end - 1)
    assert pane.selection_range() == (start + 1, end - 1)
    qtbot.keyClick(pane, Qt.Key.Key_G)
    assert stored(project, window) == [(start, end, "GPE", "روسيا")]
    assert [(s.start, s.end, s.label) for s in pane.spans()] == [(start, end, "GPE")]
    assert window.table.model_.rowCount() == 1
    assert window.table.model_.index(0, 0).data() == "روسيا"


def test_character_mode_tags_word_inside_proclitic(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    pane = window.pane
    word_start = find_word(pane.text, "بمحافظة")
    start, end = word_start + 1, word_start + len("بمحافظة")
    window.actions_["char_mode"].trigger()
    assert pane.char_mode
    drag_select(qtbot, pane, start, end)
    assert pane.selection_range() == (start, end)
    qtbot.keyClick(pane, Qt.Key.Key_G)
    assert stored(project, window) == [(start, end, "GPE", "محافظة")]


def test_alt_drag_is_character_mode_too(qtbot: Any, window: MainWindow, project: Project) -> None:
    pane = window.pane
    word_start = find_word(pane.text, "بمحافظة")
    start, end = word_start + 1, word_start + len("بمحافظة")
    assert not pane.char_mode
    drag_select(qtbot, pane, start, end, alt=True)
    qtbot.keyClick(pane, Qt.Key.Key_L)
    assert stored(project, window) == [(start, end, "LOC", "محافظة")]


def test_token_mode_snaps_the_same_selection_to_the_whole_word(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    pane = window.pane
    word_start = find_word(pane.text, "بمحافظة")
    word_end = word_start + len("بمحافظة")
    drag_select(qtbot, pane, word_start + 1, word_end)
    qtbot.keyClick(pane, Qt.Key.Key_G)
    # camel-tools' simple_word_tokenize splits on white space and punctuation only, never
    # clitics (ADR 0006): the proclitic «ب» is part of the token, so the span takes it too
    assert stored(project, window) == [(word_start, word_end, "GPE", "بمحافظة")]


def test_keyboard_selection_with_shift_arrows(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    pane = window.pane
    start = find_word(pane.text, "حماة")
    pane.scroll_to_offset(start)
    pane.setFocus()
    for _ in range(len("حماة")):
        # logical "next character" in right-to-left text is the Left arrow
        qtbot.keyClick(pane, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert pane.selection_range() == (start, start + len("حماة"))
    qtbot.keyClick(pane, Qt.Key.Key_G)
    assert stored(project, window) == [(start, start + 4, "GPE", "حماة")]


def test_relabel_with_hotkey_then_delete(qtbot: Any, window: MainWindow, project: Project) -> None:
    pane = window.pane
    start = find_word(pane.text, "روسيا")
    end = start + len("روسيا")
    drag_select(qtbot, pane, start, end)
    qtbot.keyClick(pane, Qt.Key.Key_O)
    assert [s[2] for s in stored(project, window)] == ["ORG"]
    click_char(qtbot, pane, start + 2)
    assert len(pane.selected_span_ids()) == 1
    qtbot.keyClick(pane, Qt.Key.Key_G)
    assert stored(project, window) == [(start, end, "GPE", "روسيا")]
    assert window.table.model_.index(0, 1).data() == "GPE"
    qtbot.keyClick(pane, Qt.Key.Key_Delete)
    assert stored(project, window) == []
    assert pane.spans() == [] and window.table.model_.rowCount() == 0


def test_delete_asks_first_when_a_relation_uses_the_span(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    from annotator.core.model import Bundle, Edit, Relation

    pane = window.pane
    doc_id = window.current_doc_id()
    assert doc_id is not None
    a = find_word(pane.text, "روسيا")
    b = find_word(pane.text, "حماة")
    first = window.tagging.create_span("GPE", a, a + 5)
    second = window.tagging.create_span("GPE", b, b + 4)
    assert first is not None and second is not None
    s1, s2 = first.add.spans[0], second.add.spans[0]
    project.annotations.apply(
        Edit(
            doc_id,
            ANNOTATOR,
            add=Bundle(relations=(Relation(0, doc_id, ANNOTATOR, "PHYS", s1.id, s2.id),)),
        )
    )
    asked: list[str] = []

    def refuse(question: str) -> bool:
        asked.append(question)
        return False

    window.tagging.confirm_cascade = refuse
    pane.select_span(s1.id)
    qtbot.keyClick(pane, Qt.Key.Key_Delete)
    assert len(asked) == 1 and "• the PHYS relation with «" in asked[0]
    assert len(stored(project, window)) == 2  # refused: nothing deleted
    window.tagging.confirm_cascade = lambda q: True
    qtbot.keyClick(pane, Qt.Key.Key_Delete)
    assert len(stored(project, window)) == 1
    assert project.annotations.relations(doc_id, ANNOTATOR) == []
    window.undo_stack.undo()
    assert len(project.annotations.relations(doc_id, ANNOTATOR)) == 1


def test_nested_spans_are_both_stored_and_clickable(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    pane = window.pane
    phrase = "وزارة الدفاع الروسية"
    start = pane.text.index(phrase)
    end = start + len(phrase)
    inner = pane.text.index("الروسية", start)
    drag_select(qtbot, pane, start, end)
    qtbot.keyClick(pane, Qt.Key.Key_O)
    drag_select(qtbot, pane, inner, end)
    qtbot.keyClick(pane, Qt.Key.Key_G)
    assert stored(project, window) == [
        (start, end, "ORG", phrase),
        (inner, end, "GPE", "الروسية"),
    ]
    org, gpe = pane.spans()
    click_char(qtbot, pane, inner + 2)  # inside both: the innermost wins
    assert pane.selected_span_ids() == [gpe.id]
    click_char(qtbot, pane, start + 1)  # only inside the ORG
    assert pane.selected_span_ids() == [org.id]
    click_char(qtbot, pane, inner + 3, ctrl=True)
    assert pane.selected_span_ids() == [org.id, gpe.id]
    assert [s.label for s in pane.spans_at(inner + 1)] == ["GPE", "ORG"]


def test_palette_click_tags_selection(qtbot: Any, window: MainWindow, project: Project) -> None:
    pane = window.pane
    start = find_word(pane.text, "حماة")
    drag_select(qtbot, pane, start, start + 4)
    item = window.palette_panel.item_for("LOC", "label")
    assert item is not None
    tree = window.palette_panel.tree
    tree.scrollToItem(item)
    qtbot.mouseClick(
        tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center()
    )
    assert stored(project, window) == [(start, start + 4, "LOC", "حماة")]


def test_event_type_hotkey_goes_to_replaceable_handler(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    pane = window.pane
    start = find_word(pane.text, "هجوماً")
    end = start + len("هجوماً")
    drag_select(qtbot, pane, start, end)
    qtbot.keyClick(pane, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert stored(project, window) == [(start, end, "Conflict.Attack", "هجوماً")]
    calls: list[tuple[str, int, int]] = []
    window.set_event_type_handler(lambda name, a, b: calls.append((name, a, b)))
    drag_select(qtbot, pane, start, end)
    qtbot.keyClick(pane, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert calls == [("Conflict.Attack", start, end)]
