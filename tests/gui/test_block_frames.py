"""The pane keeps each visible block's frame (span items, tags, arc anchors) and builds it
again only when something it is drawn from changes (issue 18): after every kind of edit,
the kept frames must be exactly what a build from nothing gives, and an edit of one line
builds only its own block again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.core.model import Bundle, Edit, Span
from annotator.core.positions import CodePoint
from annotator.core.schema import default_schema
from annotator.ui.fonts import default_font
from annotator.ui.pane.frame import Frame
from annotator.ui.pane.text_pane import Arc, Overlay, TextPane

SENTENCE = (
    "أكدت وزارة الدفاع الروسية 😀 أنها شنت هجوماً على «داعش» في محافظة حماة السورية "
    "𝐀 ok 12\u00a0مارس الـــحرب می\u200cخواهم وَزَارَةُ. "
)
TEXT = "\n".join(SENTENCE for _ in range(24))
ORG, WORD, LAST = "داعش", "حماة", "وَزَارَةُ"


def _starts(word: str) -> list[int]:
    return [i for i in range(len(TEXT)) if TEXT.startswith(word, i)]


def _settle() -> None:
    for _ in range(4):
        QApplication.processEvents()
        QTest.qWait(20)


def _pane(qtbot: Any) -> TextPane:
    pane = TextPane()
    qtbot.addWidget(pane)
    pane.setFont(default_font(18))
    pane.resize(900, 700)
    spans = [
        Span(n + 1, 1, "t", CodePoint(s), CodePoint(s + len(ORG)), "ORG")
        for n, s in enumerate(_starts(ORG))
    ]
    spans += [  # «12 مارس» (digits, NBSP, Arabic) on every other sentence, nested in nothing
        Span(100 + n, 1, "t", CodePoint(s), CodePoint(s + len("12\u00a0مارس")), "TIME")
        for n, s in enumerate(_starts("12\u00a0مارس")[::2])
    ]
    pane.set_document(TEXT, spans, default_schema())
    pane.set_band(True)
    pairs = zip(spans, spans[1 : len(_starts(ORG))], strict=False)
    pane.set_arcs([Arc(a.id, b.id, "PART-WHOLE", "#43a047") for a, b in pairs])
    pane.show()
    qtbot.waitExposed(pane)
    _settle()
    return pane


def _snapshot(frame: Frame) -> tuple[object, ...]:
    """Everything a frame's blocks give the paint, as plain values."""
    items = [
        (i.span_id, i.level, i.trigger, i.selected, i.color.name(), [r.getRect() for r in i.rects])
        for i in frame.items
    ]
    tags = [
        (
            t.span_id,
            t.box.getRect() if t.box is not None else None,
            t.anchor.getRect(),
            t.shown,
            t.title,
            t.outline.name() if t.outline is not None else None,
            t.row,
            t.band_height,
            t.arc_rows,
        )
        for t in frame.tags
    ]
    return items, tags, dict(frame.anchors)


def _kept_equals_fresh(pane: TextPane) -> None:
    """Assert that the frame of the last paint (kept block frames where nothing changed)
    equals a frame built from nothing."""
    kept = _snapshot(pane.painter.last_frame)
    assert kept[0] and kept[1]  # spans and tags on screen: something to compare
    pane.painter.forget_frames()
    pane.viewport().repaint()
    assert _snapshot(pane.painter.last_frame) == kept


def _built(pane: TextPane, act: Callable[[], None]) -> int:
    """Run ``act``, let the pane repaint; how many block frames its paints built."""
    before = pane.painter.frames_built
    act()
    _settle()
    return pane.painter.frames_built - before


def _word(pane: TextPane, word: str, tagged: bool) -> int:
    """A ``word`` on screen below the middle, on a line with tags (``tagged``) or without."""
    middle = pane.viewport().height() / 2
    tops = [t.anchor.top() for t in pane.painter.last_frame.tags]
    for start in _starts(word):
        cursor = pane.textCursor()
        cursor.setPosition(pane.offsets.to_qt(CodePoint(start)))
        rect = pane.cursorRect(cursor)
        on_tagged = any(abs(rect.top() - t) < 2 for t in tops)
        if middle < rect.top() < pane.viewport().height() - 60 and on_tagged == tagged:
            return start
    raise AssertionError("no such word on screen")


def test_kept_block_frames_equal_fresh_ones_after_every_kind_of_edit(qtbot: Any) -> None:
    pane = _pane(qtbot)
    blocks = len(pane.painter.last_frame.blocks)
    assert blocks >= 4
    at = _word(pane, WORD, tagged=True)
    span = Span(999, 1, "t", CodePoint(at), CodePoint(at + len(WORD)), "GPE")

    def edit(remove: tuple[Span, ...] = (), add: tuple[Span, ...] = ()) -> None:
        pane.apply_edit(Edit(1, "t", remove=Bundle(spans=remove), add=Bundle(spans=add)))

    # tag a word on a line with tags: only its block is built again
    assert _built(pane, lambda: edit(add=(span,))) == 1
    _kept_equals_fresh(pane)
    relabelled = Span(999, 1, "t", span.start, span.end, "LOC")
    assert _built(pane, lambda: edit(remove=(span,), add=(relabelled,))) == 1
    _kept_equals_fresh(pane)
    assert _built(pane, lambda: pane.select_span(999, scroll=False)) == 1
    _kept_equals_fresh(pane)
    assert _built(pane, lambda: edit(remove=(relabelled,))) == 1
    _kept_equals_fresh(pane)
    # a band opens on a line without tags (the lines below move), then closes
    bare = _word(pane, LAST, tagged=False)
    opener = Span(998, 1, "t", CodePoint(bare), CodePoint(bare + len(LAST)), "GPE")
    _built(pane, lambda: edit(add=(opener,)))
    _kept_equals_fresh(pane)
    _built(pane, lambda: edit(remove=(opener,)))
    _kept_equals_fresh(pane)
    # an overlay (an event argument's outline and tag title), then none
    org = next(t.span_id for t in pane.painter.last_frame.tags if t.span_id < 100)
    found = pane.span(org)
    assert found is not None
    _built(pane, lambda: pane.set_overlays([Overlay(found.start, found.end, "#d32f2f", "Target")]))
    _kept_equals_fresh(pane)
    _built(pane, lambda: pane.set_overlays([]))
    _kept_equals_fresh(pane)
    # an arc added (a new arc row in the band), then every arc removed
    arcs = pane.painter.arcs
    times = [s.id for s in pane.spans() if s.label == "TIME"]
    _built(pane, lambda: pane.set_arcs([*arcs, Arc(times[0], times[1], "Attacker", "#e53935")]))
    _kept_equals_fresh(pane)
    _built(pane, lambda: pane.set_arcs([]))
    _kept_equals_fresh(pane)
    _built(pane, lambda: pane.set_arcs(arcs))
    _kept_equals_fresh(pane)
    # the band off and on again, and another width (the lines wrap elsewhere)
    _built(pane, lambda: pane.set_band(False))
    pane.set_band(True)
    _settle()
    _kept_equals_fresh(pane)
    _built(pane, lambda: pane.resize(700, 700))
    _kept_equals_fresh(pane)
