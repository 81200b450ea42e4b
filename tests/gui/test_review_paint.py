"""Review panes: disputed ranges are outlined, exactly there, and nothing else changes."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotator.core.model import Span
from annotator.core.positions import CodePoint
from annotator.core.schema import default_schema
from annotator.ui.fonts import default_font
from annotator.ui.review.review_pane import ReviewPane
from annotator.ui.review.review_view import Layout, ReviewView
from tests.gui.pixels import grab, ink_mask, selection_box

TEXT = "😀 ثم بمحافظة حماة 𝐀 ok 12\u00a0مارس الـــحرب می\u200cخواهم وَزَارَةُ"


def _at(word: str) -> tuple[CodePoint, CodePoint]:
    start = TEXT.index(word)
    return CodePoint(start), CodePoint(start + len(word))


def _layers() -> dict[str, list[Span]]:
    hama, word, latin = _at("حماة"), _at("بمحافظة"), _at("ok 12")
    return {
        "ali": [Span(1, 1, "ali", *hama, "GPE"), Span(2, 1, "ali", *word, "GPE")],
        "badr": [Span(3, 1, "badr", *hama, "GPE"), Span(4, 1, "badr", *latin, "ORG")],
    }


def show_view(qtbot: Any, layout: Layout) -> ReviewView:
    """Two layers of one text, shown large so that outlines have room."""
    view = ReviewView()
    qtbot.addWidget(view)
    view.set_font(default_font(28))
    view.resize(1800, 360)
    view.show_layers(TEXT, _layers(), default_schema(), layout)
    view.show()
    qtbot.waitExposed(view)
    return view


def _allowed(pane: ReviewPane, ranges: list[tuple[CodePoint, CodePoint]]) -> NDArray[np.bool_]:
    """Pixels inside the rectangles of ``ranges`` (2 px of slack for anti-aliasing)."""
    shape = grab(pane).shape
    allowed = np.zeros(shape[:2], dtype=bool)
    for start, end in ranges:
        box = selection_box(pane, start, end).adjusted(-2, -2, 2, 2)
        assert not box.isEmpty()
        allowed[max(0, box.top()) : box.bottom() + 1, max(0, box.left()) : box.right() + 1] = True
    return allowed


def test_disputed_spans_are_outlined_inside_their_rectangles_only(qtbot: Any) -> None:
    view = show_view(qtbot, Layout.SIDE_BY_SIDE)
    disputed = [_at("بمحافظة"), _at("ok 12")]
    panes = view.panes()
    assert list(panes) == ["ali", "badr"]
    before = {name: grab(pane) for name, pane in panes.items()}
    view.set_disputes(disputed)
    for name, pane in panes.items():
        after = grab(pane)
        changed = (before[name] != after).any(axis=2)
        for start, end in disputed:  # each disputed range is marked in every pane
            inside = _allowed(pane, [(start, end)])
            assert changed[inside].sum() > 20, (name, start)
        assert not changed[~_allowed(pane, disputed)].any(), name  # and nothing else changed
        # outside the disputed boxes (the agreed «حماة» too) no glyph pixel moved
        outside = ~_allowed(pane, disputed)
        glyphs_before = ink_mask(pane, before[name])
        assert np.array_equal(glyphs_before[outside], ink_mask(pane, after)[outside])


def test_interleaved_pane_marks_each_span_with_its_annotator(qtbot: Any) -> None:
    view = show_view(qtbot, Layout.INTERLEAVED)
    pane = view.panes()["*"]
    assert sorted(s.id for s in pane.spans()) == [1, 2, 3, 4]
    marked = grab(pane)
    pane.show_marks = False
    pane.viewport().update()
    plain = grab(pane)
    changed = (marked != plain).any(axis=2)
    spans = [_at("حماة"), _at("بمحافظة"), _at("ok 12")]
    for start, end in spans:  # a corner per span, inside the span's box
        assert changed[_allowed(pane, [(start, end)])].any(), start
    assert not changed[~_allowed(pane, spans)].any()
