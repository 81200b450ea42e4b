"""Astral characters (emoji, math bold, CJK extension B) around, inside and after spans.

Qt counts UTF-16 units and the stored text counts code points; every position
here goes through the real pane, hotkeys and services into a real SQLite file,
and the stored offsets must slice exactly the intended text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from annotator.app import build_window
from annotator.core.positions import CodePoint
from annotator.services.project import Project, open_project
from annotator.ui.main_window import MainWindow
from annotator.ui.offsets import QtPos
from tests.gui.conftest import ANNOTATOR, char_center, click_char, drag_select, make_window
from tests.gui.pixels import changed_box, grab, same_place, selection_box

TEXT = (
    "😀🎉 قالَ الرئيسُ إنّ الـــحرب انتهت.\n"
    "وصل 𠀀 وفد من بغداد👍🏽 إلى 𝐀𝐁𝐂 عمّان يوم 12\u00a0مارس 2024.\n"
    "زار فريق Real Madrid 😀 مدينة الرياض می\u200cخواهم 𝐙"
)
ALT = Qt.KeyboardModifier.AltModifier


def at(text: str, part: str) -> tuple[CodePoint, CodePoint]:
    """Code-point range of the only occurrence of ``part``."""
    assert text.count(part) == 1, part
    start = text.index(part)
    return CodePoint(start), CodePoint(start + len(part))


@pytest.fixture
def astral_project(tmp_path: Path) -> Iterator[Project]:
    """A real project file holding only the astral document."""
    project = open_project(tmp_path / "astral.sqlite")
    project.documents.add_text("astral.txt", TEXT)
    yield project
    project.close()


@pytest.fixture
def bench(qtbot: Any, astral_project: Project) -> Iterator[MainWindow]:
    """The workbench showing the astral document."""
    window = make_window(qtbot, astral_project)
    assert window.pane.text == TEXT
    yield window
    window.close()


def stored(project: Project, window: MainWindow) -> list[tuple[int, int, str, str]]:
    """Every span of the current layer: offsets, label and the stored text they slice."""
    doc_id = window.current_doc_id()
    assert doc_id is not None
    text = project.documents.document(doc_id).text
    return [
        (s.start, s.end, s.label, text[s.start : s.end])
        for s in project.annotations.spans(doc_id, ANNOTATOR)
    ]


def test_mouse_and_hotkeys_store_exact_code_point_offsets(
    qtbot: Any, bench: MainWindow, astral_project: Project
) -> None:
    pane = bench.pane
    expected: list[tuple[int, int, str, str]] = []
    # after two emoji, in right-to-left text, with a diacritic: drag, then the token hotkey
    a, b = at(TEXT, "الرئيسُ")
    drag_select(qtbot, pane, a, b)
    assert pane.selection_range() == (a, b)
    qtbot.keyClick(pane, Qt.Key.Key_P)
    expected.append((a, b, "PER", "الرئيسُ"))
    # a partial drag inside the tatweel word snaps out to the whole token
    a, b = at(TEXT, "الـــحرب")
    drag_select(qtbot, pane, CodePoint(a + 2), CodePoint(b - 1))
    qtbot.keyClick(pane, Qt.Key.Key_O)
    expected.append((a, b, "ORG", "الـــحرب"))
    # an emoji with a skin-tone modifier at the end of the span: character mode
    a, b = at(TEXT, "بغداد👍🏽")
    drag_select(qtbot, pane, a, b, alt=True)
    assert pane.selection_range() == (a, b)
    qtbot.keyClick(pane, Qt.Key.Key_G, ALT)
    expected.append((a, b, "GPE", "بغداد👍🏽"))
    # CJK extension B at the start of a span
    a, b = at(TEXT, "𠀀 وفد")
    pane.select_text(a, b)
    qtbot.keyClick(pane, Qt.Key.Key_O, ALT)
    expected.append((a, b, "ORG", "𠀀 وفد"))
    # mixed run: math bold Latin letters, then Arabic with shadda
    a, b = at(TEXT, "𝐀𝐁𝐂 عمّان")
    pane.select_text(a, b)
    qtbot.keyClick(pane, Qt.Key.Key_L)
    expected.append((a, b, "LOC", "𝐀𝐁𝐂 عمّان"))
    # digits, NBSP, Arabic
    a, b = at(TEXT, "12\u00a0مارس 2024")
    pane.select_text(a, b)
    qtbot.keyClick(pane, Qt.Key.Key_T, ALT)
    expected.append((a, b, "TIME", "12\u00a0مارس 2024"))
    # Latin, an emoji and Arabic in one span
    a, b = at(TEXT, "Real Madrid 😀 مدينة")
    pane.select_text(a, b)
    qtbot.keyClick(pane, Qt.Key.Key_O, ALT)
    expected.append((a, b, "ORG", "Real Madrid 😀 مدينة"))
    # ZWNJ inside a word, by mouse
    a, b = at(TEXT, "می\u200cخواهم")
    drag_select(qtbot, pane, a, b)
    qtbot.keyClick(pane, Qt.Key.Key_P)
    expected.append((a, b, "PER", "می\u200cخواهم"))
    # an astral character that is the last character of the document
    a, b = at(TEXT, "𝐙")
    pane.select_text(a, b)
    qtbot.keyClick(pane, Qt.Key.Key_L, ALT)
    expected.append((a, b, "LOC", "𝐙"))
    assert stored(astral_project, bench) == sorted(expected)
    assert [(s.start, s.end, s.label) for s in pane.spans()] == [e[:3] for e in sorted(expected)]


CLICKS = {  # span text -> the character to click inside it
    "الرئيسُ": "ئ",
    "بغداد👍🏽": "👍",
    "𠀀 وفد": "𠀀",
    "𝐀𝐁𝐂 عمّان": "𝐁",
    "عمّان": "م",
    "Madrid": "d",
    "الرياض": "ي",
    "𝐙": "𝐙",
}


def _tag_all(bench: MainWindow) -> dict[str, int]:
    """Tag every span of :data:`CLICKS` through the controller; their ids by text."""
    ids: dict[str, int] = {}
    for part in CLICKS:
        a, b = at(TEXT, part)
        edit = bench.tagging.create_span("GPE", a, b)
        assert edit is not None
        ids[part] = edit.add.spans[0].id
    return ids


def test_clicking_a_character_selects_the_innermost_span_under_it(
    qtbot: Any, bench: MainWindow
) -> None:
    pane = bench.pane
    ids = _tag_all(bench)
    for part, char in CLICKS.items():
        a, _b = at(TEXT, part)
        cp = CodePoint(a + part.index(char))
        click_char(qtbot, pane, cp)
        assert pane.selected_span_ids() == [ids[part]], (part, char)
        assert pane.char_at(char_center(pane, cp)) == cp


def test_spans_are_painted_over_their_own_characters(qtbot: Any, bench: MainWindow) -> None:
    pane = bench.pane
    # The label band is tested in test_label_band; off here, since the first tag on a line
    # opens room above it (the compact band) and moves the lines below.
    pane.set_band(False)
    for part in ("الرئيسُ", "بغداد👍🏽", "𝐀𝐁𝐂 عمّان", "Real Madrid 😀 مدينة", "𝐙"):
        a, b = at(TEXT, part)
        expected = selection_box(pane, a, b)
        plain = grab(pane)
        edit = bench.tagging.create_span("LOC", a, b)
        assert edit is not None
        pane.select_span(-1, scroll=False)
        painted = changed_box(plain, grab(pane))
        assert same_place(painted, expected), (part, painted, expected)
        bench.undo_stack.undo()


def test_the_window_reopens_an_astral_document_with_spans_at_start(
    qtbot: Any, tmp_path: Path
) -> None:
    path = tmp_path / "restart.sqlite"
    first = open_project(path)
    doc_id, _created = first.documents.add_text("astral.txt", TEXT)
    for part in CLICKS:
        a, b = at(TEXT, part)
        first.annotations.create_span(doc_id, ANNOTATOR, a, b, "GPE")
    first.close()
    # start again: the app's own window builder opens the first document and paints it
    project = open_project(path)
    try:
        window = build_window(project, ANNOTATOR)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        assert window.current_doc_id() == doc_id
        assert window.pane.span_count() == len(CLICKS)
        image = grab(window.pane)  # paints every span (this crashed before issue 7)
        span = window.pane.spans()[0]
        click_char(qtbot, window.pane, CodePoint(span.start + 1))
        assert window.pane.selected_span_ids() == [span.id]
        assert image.any()
        window.close()
    finally:
        project.close()


def test_clicks_on_wrapped_right_to_left_lines_after_astral_characters(
    qtbot: Any, tmp_path: Path
) -> None:
    # «بغداد» sits between Arabic words, so its edges are not at a change of direction
    text = "قال 😀 الرئيس 𝐀 إنّ الـــحرب 👍🏽 انتهت في 𠀀 وفد من بغداد اليوم " * 12 + "ok 12."
    project = open_project(tmp_path / "wrapped.sqlite")
    try:
        project.documents.add_text("wrapped.txt", text)
        window = make_window(qtbot, project)
        pane = window.pane
        starts = [i for i in range(len(text)) if text.startswith("بغداد", i)]
        ids = []
        for start in starts:
            edit = window.tagging.create_span("GPE", CodePoint(start), CodePoint(start + 5))
            assert edit is not None
            ids.append(edit.add.spans[0].id)
        block = pane.document().firstBlock()
        assert block.layout().lineCount() > 4  # the paragraph wraps
        for start, span_id in zip(starts, ids, strict=True):
            for offset in (0, 2, 4):  # first, middle and last letter
                pane.scroll_to_offset(CodePoint(start))
                click_char(qtbot, pane, CodePoint(start + offset))
                assert pane.selected_span_ids() == [span_id], (start, offset)
            drag_select(qtbot, pane, CodePoint(start), CodePoint(start + 5))
            assert pane.selection_range() == (start, start + 5)
        # the first letter of every wrapped line, at the line's right edge
        layout = block.layout()
        for i in range(1, layout.lineCount()):
            cp = pane.offsets.from_qt(QtPos(layout.lineAt(i).textStart()))
            assert not text[cp].isspace()
            pane.scroll_to_offset(cp)
            assert pane.char_at(char_center(pane, cp)) == cp, (i, cp)
        window.close()
    finally:
        project.close()
