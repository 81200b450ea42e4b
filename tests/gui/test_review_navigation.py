"""Review mode: F8 order and scrolling, the interleaved layout, curation in the document list."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from annotator.app import build_window
from annotator.core.adjudicate import Strategy
from annotator.core.positions import CodePoint
from annotator.services import adjudication
from annotator.services.project import Project
from annotator.tools.review_demo import ALI, BADR, build_disagreement
from annotator.ui.bidi import isolate
from annotator.ui.main_window import MainWindow
from annotator.ui.pane.text_pane import TextPane
from annotator.ui.review import curation
from annotator.ui.review.review_view import Layout
from annotator.ui.review.wiring import ReviewTools, install_review_tools
from tests.gui.conftest import make_window

FILLER = "وقال المتحدث إن الاجتماع سيُعقد لاحقاً في المدينة.\n"
# one place per paragraph, far apart: (phrase, ali's label or None, badr's label or None)
PLACES = [
    ("😀 مصر", "GPE", "LOC"),
    ("شركة\u00a0Acme", "ORG", None),
    ("الـــقاهرة", None, "GPE"),
    ("می\u200cخواهم 2024", "TIME", "TIME"),  # agreed: not a disagreement
    ("وَزَارَةُ 𝐀", "ORG", "GPE"),
]


def corpus() -> tuple[str, list[tuple[int, int]]]:
    """A long text with the places spread over it, and each place's offsets."""
    text, where = "", []
    for n, (phrase, _a, _b) in enumerate(PLACES):
        text += FILLER * (6 + 3 * n)
        where.append((len(text), len(text) + len(phrase)))
        text += phrase + "\n"
    return text + FILLER * 8, where


def annotated(project: Project) -> tuple[int, str, list[tuple[int, int]]]:
    """Add the corpus as a document and tag each place for ali and badr as listed."""
    text, where = corpus()
    doc_id, _new = project.documents.add_text("review-order.txt", text)
    for (phrase, *labels), (start, end) in zip(PLACES, where, strict=True):
        assert text[start:end] == phrase
        for name, label in zip(("ali", "badr"), labels, strict=True):
            if label:
                project.annotations.create_span(
                    doc_id, name, CodePoint(start), CodePoint(end), label
                )
    return doc_id, text, where


def visible(pane: TextPane, cp: int) -> bool:
    """True if the caret position before ``cp`` is inside the pane's viewport."""
    cursor = QTextCursor(pane.document())
    cursor.setPosition(pane.offsets.to_qt(CodePoint(cp)))
    return pane.viewport().rect().contains(pane.cursorRect(cursor).center())


def f8(qtbot: Any, window: MainWindow, back: bool = False) -> None:
    """Press F8 (Shift+F8 with ``back``)."""
    mods = Qt.KeyboardModifier.ShiftModifier if back else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(window.pane, Qt.Key.Key_F8, mods)


def reviewing(qtbot: Any, project: Project, doc_id: int) -> tuple[MainWindow, ReviewTools]:
    """A curator's window on ``doc_id`` with the review tools installed (not yet started)."""
    window = make_window(qtbot, project, "curator")
    window.open_document(doc_id)
    return window, install_review_tools(window, project)


def test_f8_visits_disagreements_in_text_order_and_scrolls_every_pane(
    qtbot: Any, project: Project
) -> None:
    doc_id, text, where = annotated(project)
    window, tools = reviewing(qtbot, project, doc_id)
    review = tools.review
    review.start(["ali", "badr"], Layout.SIDE_BY_SIDE)
    disputed = [w for (_p, a, b), w in zip(PLACES, where, strict=True) if a != b]
    assert [(d.start, d.end) for d in review.disputes] == disputed
    panes = [window.pane, *review.view.panes().values()]
    for start, end in disputed:
        f8(qtbot, window)
        current = review.disputes[review.current]
        assert (current.start, current.end) == (start, end)
        assert window.pane.selection_range() == (start, end)
        assert all(visible(pane, start) for pane in panes)
        for name, pane in review.view.panes().items():
            selected = [pane.span(i) for i in pane.selected_span_ids()]
            assert [(s.start, s.end, s.annotator) for s in selected if s] == (
                [(start, end, name)] if current.span_ids[name] else []
            )
    f8(qtbot, window)  # past the last one: stays there
    assert review.current == len(disputed) - 1
    for start, _end in reversed(disputed[:-1]):
        f8(qtbot, window, back=True)
        assert review.disputes[review.current].start == start
        assert all(visible(pane, start) for pane in panes)


def test_interleaved_layout_shows_both_layers_in_one_pane(qtbot: Any, project: Project) -> None:
    doc_id, _text, where = annotated(project)
    window, tools = reviewing(qtbot, project, doc_id)
    review = tools.review
    review.start(["ali", "badr"], Layout.INTERLEAVED)
    [pane] = review.view.panes().values()
    owners = {(s.start, s.end, s.annotator) for s in pane.spans()}
    expected = {
        (*w, name)
        for (_p, *labels), w in zip(PLACES, where, strict=True)
        for name, label in zip(("ali", "badr"), labels, strict=True)
        if label
    }
    assert owners == expected
    f8(qtbot, window)
    start, end = where[0]  # both tagged the first place differently: both are selected
    selected = {pane.span(i).annotator for i in pane.selected_span_ids()}  # type: ignore[union-attr]
    assert selected == {"ali", "badr"} and visible(pane, start)
    assert pane.disputes()[0] == (start, end)


def agree_on(project: Project, doc_id: int, phrase: str, label_b: str = "GPE") -> None:
    """ali tags ``phrase`` GPE; badr tags it ``label_b``."""
    text = project.documents.document(doc_id).text
    start = text.index(phrase)
    for name, label in (("ali", "GPE"), ("badr", label_b)):
        span = (CodePoint(start), CodePoint(start + len(phrase)))
        project.annotations.create_span(doc_id, name, *span, label)


def test_curation_status_in_document_list_and_bulk_finish(
    qtbot: Any, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(curation, "CHUNK", 1)  # one change per document: every chunk is run
    ids = project.documents.document_ids()
    agree_on(project, ids[1], "ال")
    agree_on(project, ids[2], "ال")
    agree_on(project, ids[3], "ال", label_b="LOC")  # a disagreement: stays open
    adjudication.premerge(project, ids, Strategy())  # gold gets what they agree on
    window = make_window(qtbot, project, "curator")
    tools = install_review_tools(window, project)
    model = window.documents.model_

    def shown() -> dict[int, str]:
        return {model.summary(r).id: model.index(r, 3).data() for r in range(model.rowCount())}

    assert model.headerData(3, Qt.Orientation.Horizontal) == "Curation"
    assert set(shown().values()) == {"Open"}
    tools.actions["finish"].trigger()  # Document → Finish documents without disagreement
    assert shown() == {i: "Curated" if i in (ids[1], ids[2]) else "Open" for i in ids}
    names = [project.documents.document(i).name for i in (ids[1], ids[2])]
    assert window.last_notice == (  # each name a bidi isolate in the English sentence
        f"2 documents without disagreement marked curated: {isolate(names[0])}, "
        f"{isolate(names[1])}."
    )
    window.open_document(ids[3])
    tools.actions["curated"].trigger()
    assert shown()[ids[3]] == "Curated"


def test_panes_scroll_together_follow_the_document_and_leave(qtbot: Any, project: Project) -> None:
    doc_id, _text, where = annotated(project)
    window = make_window(qtbot, project, "curator")
    first = window.current_doc_id()
    window.open_document(doc_id)
    tools = install_review_tools(window, project)
    review = tools.review
    review.start(["ali", "badr"], Layout.SIDE_BY_SIDE)
    assert tools.actions["accept1"].isEnabled()
    ali, badr = review.view.pane_of("ali"), review.view.pane_of("badr")
    assert ali is not None and badr is not None
    bar = ali.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    assert bar.value() > 0 and badr.verticalScrollBar().value() == bar.value()
    assert first is not None
    window.open_document(first)  # no layers there: panes follow, nothing is disputed
    panes = review.view.panes()
    assert list(panes) == ["ali", "badr"]
    assert all(p.text == project.documents.document(first).text for p in panes.values())
    assert review.disputes == [] and panes["ali"].spans() == []
    review.stop()
    assert window.current_annotator() == "curator"
    assert review.dock is not None and not review.dock.isVisible()
    assert not tools.actions["accept1"].isEnabled()


def test_stacked_layout_puts_one_annotator_above_the_other(qtbot: Any, project: Project) -> None:
    doc_id, _text, where = annotated(project)
    window, tools = reviewing(qtbot, project, doc_id)
    review = tools.review
    review.start(["ali", "badr"], Layout.STACKED)
    ali, badr = review.view.pane_of("ali"), review.view.pane_of("badr")
    assert ali is not None and badr is not None
    top_ali, top_badr = (p.mapTo(review.view, p.rect().topLeft()) for p in (ali, badr))
    assert top_badr.y() > top_ali.y() + ali.height() // 2 and top_badr.x() == top_ali.x()
    f8(qtbot, window)
    assert visible(ali, where[0][0]) and visible(badr, where[0][0])


def test_switching_annotator_leaves_review_mode(qtbot: Any, project: Project) -> None:
    doc_id, _text, _where = annotated(project)
    window, tools = reviewing(qtbot, project, doc_id)
    review = tools.review
    review.start(["ali", "badr"], Layout.SIDE_BY_SIDE)
    assert review.active and window.current_annotator() == "gold"
    window.set_annotator("ali")  # what File → Switch annotator… does
    assert not review.active and window.current_annotator() == "ali"
    assert review.dock is not None and not review.dock.isVisible()
    assert not tools.actions["accept1"].isEnabled()


def test_zoom_reaches_the_review_panes_at_once(qtbot: Any, project: Project) -> None:
    doc_id, _text, _where = annotated(project)
    window, tools = reviewing(qtbot, project, doc_id)
    review = tools.review
    review.start(["ali", "badr"], Layout.SIDE_BY_SIDE)
    ali = review.view.pane_of("ali")
    assert ali is not None
    before = ali.font().pointSizeF()
    qtbot.keyClick(window.pane, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)  # zoom in
    qtbot.keyClick(window.pane, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    zoomed = window.pane.font().pointSizeF()
    assert zoomed > before
    assert [p.font().pointSizeF() for p in review.view.panes().values()] == [zoomed, zoomed]
    qtbot.keyClick(window.pane, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)  # reset
    assert [p.font().pointSizeF() for p in review.view.panes().values()] == [before, before]


def test_a_boundary_disagreement_is_one_stop_and_one_accept(qtbot: Any, project: Project) -> None:
    text = "قصفت 😀 طائراتٌ بمحافظة\u00a0حماة الســـورية و Z\u200cW عام 2024.\n" + FILLER
    doc_id, _new = project.documents.add_text("boundary.txt", text)
    wide, narrow = text.index("بمحافظة"), text.index("محافظة")
    end = narrow + len("محافظة")
    project.annotations.create_span(doc_id, "ali", CodePoint(wide), CodePoint(end), "GPE")
    project.annotations.create_span(doc_id, "badr", CodePoint(narrow), CodePoint(end), "GPE")
    window, tools = reviewing(qtbot, project, doc_id)
    review = tools.review
    review.start(["ali", "badr"], Layout.SIDE_BY_SIDE)
    assert len(review.disputes) == 1
    f8(qtbot, window)
    shown = review.disputes[review.current]
    assert shown.versions == {
        "ali": f"GPE «{isolate('بمحافظة')}»",
        "badr": f"GPE «{isolate('محافظة')}»",
    }
    qtbot.keyClick(window.pane, Qt.Key.Key_2)  # badr's version
    gold = [(s.start, s.end) for s in project.annotations.spans(doc_id, review.gold)]
    assert gold == [(narrow, end)]
    qtbot.keyClick(window.pane, Qt.Key.Key_1)  # changed my mind: ali's replaces it
    gold = [(s.start, s.end) for s in project.annotations.spans(doc_id, review.gold)]
    assert gold == [(wide, end)]


def test_every_pane_keeps_the_disagreement_in_view_once_the_window_settles(
    qtbot: Any, project: Project
) -> None:
    """Seed 000's long wrapped paragraphs: the panes re-centre after the panel rewraps."""
    seed = project.documents.document(project.documents.document_ids()[0]).text
    doc_id, _new = project.documents.add_text("seed000+.txt", seed + "\n😀 شركة\u00a0Acme 2024\n")
    build_disagreement(project, doc_id)
    window = build_window(project, "curator")
    window.open_document(doc_id)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()  # F8 is a window shortcut
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    review = window.review_tools.review  # type: ignore[attr-defined]
    review.start([ALI, BADR], Layout.SIDE_BY_SIDE)
    missed = []
    for n in range(len(review.disputes)):
        f8(qtbot, window)
        assert review.current == n
        qtbot.wait(300)
        start = review.disputes[n].focus[0]
        panes = review.view.panes().items()
        missed += [(start, name) for name, pane in panes if not visible(pane, start)]
    assert len(review.disputes) == 8  # two boundaries: the ministry span and its argument
    assert missed == []
