"""Painting spans: a partial highlight must not change how Arabic letters join."""

from __future__ import annotations

from typing import Any

import numpy as np

from annotator.core.model import Span
from annotator.core.positions import CodePoint
from annotator.core.schema import default_schema
from annotator.ui.fonts import default_font
from annotator.ui.pane.text_pane import TextPane
from tests.gui.pixels import changed_box, grab, ink_mask, selection_box

TEXT = "😀 ثم بمحافظة حماة 𝐀 ok 12\u00a0مارس الـــحرب می\u200cخواهم وَزَارَةُ"
WORD = "بمحافظة"


def show_pane(qtbot: Any) -> TextPane:
    """A bare text pane with the app's Arabic font, shown and exposed."""
    pane = TextPane()
    qtbot.addWidget(pane)
    pane.setFont(default_font(40))  # large, so that strokes have fully covered pixels
    pane.resize(1200, 420)
    pane.show()
    qtbot.waitExposed(pane)
    return pane


def test_partial_highlight_leaves_every_glyph_pixel_unchanged(qtbot: Any) -> None:
    pane = show_pane(qtbot)
    word = TEXT.index(WORD)
    start, end = CodePoint(word + 1), CodePoint(word + len(WORD))  # «محافظة» inside «بمحافظة»
    schema = default_schema()
    pane.set_document(TEXT, [], schema)
    plain = grab(pane)
    pane.set_document(TEXT, [Span(1, 1, "tester", start, end, "GPE")], schema)
    highlighted = grab(pane)
    span_box = selection_box(pane, start, end)
    glyphs = ink_mask(pane, plain)
    x0, x1, y0, y1 = span_box.left(), span_box.right(), span_box.top(), span_box.bottom()
    assert glyphs[y0 : y1 + 1, x0 : x1 + 1].sum() > 100  # the span covers real glyphs
    # the highlight masked out, the glyphs are the very same pixels: letters join as before
    assert np.array_equal(ink_mask(pane, highlighted), glyphs)
    # and the highlight is there, over the span's glyphs only
    painted = changed_box(plain, highlighted)
    assert not painted.isEmpty()
    assert span_box.adjusted(-1, -1, 1, 1).contains(painted)
