"""Mixed-direction lines: every span's highlight covers exactly its glyphs, whatever the script.

Latin words and digits inside a right-to-left line used to be drawn on one character (the
highlight took the caret edges at the change of direction, which Qt places at the other run's
side). The reference here is the text layout's own glyph boxes, asked one character at a time.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from PySide6.QtCore import QRectF

from annotator.core.model import Span
from annotator.core.positions import CodePoint
from annotator.core.schema import default_schema
from annotator.ui.fonts import default_font
from annotator.ui.pane.text_pane import TextPane
from tests.gui.pixels import grab

SENTENCE = (
    "قال Macron إن الهجوم وقع في 2020 على حماة 😀 ok 12\u00a0مارس الـــحرب "
    "می\u200cخواهم وَزَارَةُ الدفاع في Paris 🙂 عام 1999. "
)
TEXT = SENTENCE * 3
# (label, phrase): a Latin word, digits, an emoji, Arabic words with tatweel, ZWNJ and
# diacritics, a Latin+digit run, a span across Latin and Arabic, one across NBSP
PHRASES = [
    ("PER", "Macron"),
    ("TIME", "2020"),
    ("ORG", "😀"),
    ("GPE", "حماة"),
    ("MONEY", "ok 12"),
    ("TIME", "12\u00a0مارس"),
    ("CRIME", "الـــحرب"),
    ("JOB-TITLE", "می\u200cخواهم"),
    ("ORG", "وَزَارَةُ الدفاع"),
    ("GPE", "Paris"),
    ("LOC", "Paris 🙂 عام"),
    ("TIME", "1999"),
    ("PER", "قال Macron"),
]


def _spans() -> list[Span]:
    spans: list[Span] = []
    for label, phrase in PHRASES:
        start = -1
        while (start := TEXT.find(phrase, start + 1)) >= 0:
            end = CodePoint(start + len(phrase))
            spans.append(Span(len(spans) + 1, 1, "t", CodePoint(start), end, label))
    return spans


def _clusters(span: Span) -> list[tuple[int, int]]:
    """The span's characters as ``[start, end)`` code points, each base with its marks."""
    out: list[tuple[int, int]] = []
    for cp in range(span.start, span.end):
        if out and unicodedata.category(TEXT[cp]) == "Mn":
            out[-1] = (out[-1][0], cp + 1)
        else:
            out.append((cp, cp + 1))
    return out


def _glyph_boxes(pane: TextPane, span: Span) -> list[QRectF]:
    """The layout's own boxes of the span's glyphs, asked one character (with its marks) at a
    time, in viewport coordinates; boxes that touch on a line are joined."""
    boxes: list[QRectF] = []
    for block, origin, conv in pane.painter.last_frame.blocks:
        layout = block.layout()
        per_line: dict[int, list[tuple[float, float]]] = {}
        for a, b in _clusters(span):
            if not conv.start <= a < conv.text_end:
                continue
            first, last = conv.to_block(CodePoint(a)), conv.to_block(CodePoint(b))
            line = layout.lineForTextPosition(first)
            for run in line.glyphRuns(first, last - first):
                r = run.boundingRect()
                if r.width() > 0:
                    per_line.setdefault(line.lineNumber(), []).append((r.left(), r.right()))
        for n, extents in per_line.items():
            line = layout.lineAt(n)
            joined: list[list[float]] = []
            for left, right in sorted(extents):
                if joined and left <= joined[-1][1] + 0.5:
                    joined[-1][1] = max(joined[-1][1], right)
                else:
                    joined.append([left, right])
            top = origin.y() + line.y()
            for left, right in joined:
                boxes.append(QRectF(origin.x() + left, top, right - left, line.height()))
    return boxes


def _key(r: QRectF) -> tuple[int, int, int]:
    return (round(r.top()), round(r.left()), round(r.right()))


@pytest.mark.parametrize("band", [False, True])
def test_each_highlight_covers_exactly_the_glyphs_of_its_span(qtbot: Any, band: bool) -> None:
    pane = TextPane()
    qtbot.addWidget(pane)
    pane.setFont(default_font(16))
    pane.resize(560, 900)  # narrow: the sentence wraps, Latin words land mid-line and at ends
    pane.set_band(band)
    pane.show()
    qtbot.waitExposed(pane)
    spans = _spans()
    pane.set_document(TEXT, spans, default_schema())
    grab(pane)
    frame = pane.painter.last_frame
    assert frame.blocks[0][0].layout().lineCount() >= 6  # wrapped
    items = {item.span_id: item for item in frame.items}
    checked = 0
    for span in spans:
        expected = _glyph_boxes(pane, span)
        if not expected:
            continue
        drawn = items[span.id].rects
        got = sorted(_key(r) for r in drawn)
        want = sorted(_key(r) for r in expected)
        assert len(got) == len(want), (span.label, span.text_in(TEXT), got, want)
        for g, w in zip(got, want, strict=True):
            assert g[0] == w[0] and abs(g[1] - w[1]) <= 1 and abs(g[2] - w[2]) <= 1, (
                span.text_in(TEXT),
                got,
                want,
            )
        checked += 1
    assert checked >= 30
    if band:  # the tags of Latin and digit spans are whole, not cut to one letter
        shown = {t.span_id: t.shown for t in frame.tags}
        for span in spans:
            if span.text_in(TEXT) in ("Macron", "2020", "Paris") and span.id in shown:
                assert shown[span.id] == span.label, (span.text_in(TEXT), shown[span.id])
