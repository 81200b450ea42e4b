"""Issue 18, point 4: the Annotations list follows the shown document and the selected span.

It was empty after a document was opened by clicking it in the Documents list, and after
Ctrl+M on an ORG span its highlight jumped to another row. The window is built as
:mod:`annotator.app` builds it, on a real seeded project file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.app import build_window
from annotator.core.model import Bundle, Edit, Relation, Span
from annotator.services.project import Project, open_project
from annotator.ui.dialogs.merge_dialog import MergeFlow
from annotator.ui.main_window import MainWindow
from annotator.ui.review.review_view import Layout
from annotator.ui.review.wiring import ReviewTools
from tests.gui.conftest import ANNOTATOR, find_word
from tests.gui.test_review_adjudicate import annotate

CTRL = Qt.KeyboardModifier.ControlModifier


def _window(qtbot: Any, project: Project) -> MainWindow:
    window = build_window(project, ANNOTATOR, None)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def _tag_words(project: Project, doc_id: int, words: list[tuple[str, str]]) -> list[int]:
    """Store spans on whole words of a document (ANNOTATOR's layer); returns their ids."""
    text = project.documents.document(doc_id).text
    spans = []
    for word, label in words:
        at = find_word(text, word)
        spans.append(Span(0, doc_id, ANNOTATOR, at, at + len(word), label))
    edit = project.annotations.apply(Edit(doc_id, ANNOTATOR, add=Bundle(tuple(spans))))
    return [s.id for s in edit.add.spans]


def _rows(window: MainWindow) -> list[tuple[int, str]]:
    model = window.table.model_
    return sorted((model.span_at(r).start, model.span_at(r).label) for r in range(model.rowCount()))


def test_clicking_a_document_in_the_list_fills_the_annotations_list(
    qtbot: Any, project: Project
) -> None:
    docs = project.documents.summaries(ANNOTATOR)
    first, second = docs[0].id, docs[1].id
    # a relation in the document shown at start (the Relations panel then lists it)
    a, b = _tag_words(project, first, [("روسيا", "GPE"), ("حماة", "GPE")])
    relation = Relation(0, first, ANNOTATOR, "PHYS", a, b)
    project.annotations.apply(Edit(first, ANNOTATOR, add=Bundle(relations=(relation,))))
    text = project.documents.document(second).text
    word = next(w for w in text.split() if len(w) > 3 and w.isalpha())
    _tag_words(project, second, [(word, "ORG")])
    window = _window(qtbot, project)
    view = window.documents
    index = view.model_.index(1, 0)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )
    assert window.current_doc_id() == second
    at = find_word(text, word)
    qtbot.waitUntil(lambda: not window.pane.loading)
    qtbot.wait(50)  # anything queued after the spans are in
    assert _rows(window) == [(at, "ORG")]


def _selected_row_span(window: MainWindow) -> tuple[int, str] | None:
    rows = window.table.selectionModel().selectedRows()
    if len(rows) != 1:
        return None
    span = window.table.model_.span_at(window.table.proxy.mapToSource(rows[0]).row())
    return span.id, span.label


def test_ctrl_m_keeps_the_list_highlight_on_the_span(qtbot: Any, project: Project) -> None:
    window = _window(qtbot, project)
    doc_id = window.current_doc_id()
    assert doc_id is not None
    # GPE spans before and after the ORG span, so a row that slips lands on one of them
    gpe1, org, gpe2 = _tag_words(
        project, doc_id, [("روسيا", "GPE"), ("وزارة", "ORG"), ("حماة", "GPE")]
    )
    window.open_document(doc_id)
    qtbot.waitUntil(lambda: window.table.model_.rowCount() == 3)
    window.pane.select_span(org)
    qtbot.waitUntil(lambda: _selected_row_span(window) == (org, "ORG"))
    qtbot.keyClick(window.pane, Qt.Key.Key_M, CTRL)  # next mention type of the ORG span
    span = project.annotations.span(org)
    assert span is not None and span.attributes  # the edit happened
    qtbot.wait(50)
    assert window.pane.selected_span_ids() == [org]
    assert _selected_row_span(window) == (org, "ORG")
    assert {gpe1, gpe2}.isdisjoint(window.pane.selected_span_ids())


def test_the_list_is_filled_after_merge_projects(
    qtbot: Any, project: Project, db_path: Path, tmp_path: Path
) -> None:
    doc_id = project.documents.summaries(ANNOTATOR)[0].id
    a, b = _tag_words(project, doc_id, [("روسيا", "GPE"), ("حماة", "GPE")])
    relation = Relation(0, doc_id, ANNOTATOR, "PHYS", a, b)
    project.annotations.apply(Edit(doc_id, ANNOTATOR, add=Bundle(relations=(relation,))))
    laptop_db = tmp_path / "laptop.db"
    with sqlite3.connect(db_path) as src, sqlite3.connect(laptop_db) as dst:
        src.backup(dst)  # the annotator took a copy of the project to work on
    window = _window(qtbot, project)
    flow = window.findChild(MergeFlow)
    assert flow is not None
    assert flow.merge_paths([laptop_db]) is not None  # the same layer: recorded, nothing new
    other = open_project(laptop_db)
    _tag_words(other, doc_id, [("وزارة", "ORG")])  # tagged one more word on the laptop
    other.close()
    report = flow.merge_paths([laptop_db])
    assert report is not None and not report.failed
    qtbot.waitUntil(lambda: not window.pane.loading)
    qtbot.wait(50)
    shown = sorted((s.start, s.label) for s in window.pane.spans())
    assert len(shown) == 3 and _rows(window) == shown


def test_the_list_shows_the_gold_layer_on_entering_review(qtbot: Any, project: Project) -> None:
    doc_id = project.documents.summaries(ANNOTATOR)[0].id
    annotate(project, doc_id)  # ali and badr disagree on seed 000
    window = _window(qtbot, project)  # as ANNOTATOR, whose layer has a relation
    a, b = _tag_words(project, doc_id, [("روسيا", "GPE"), ("حماة", "GPE")])
    relation = Relation(0, doc_id, ANNOTATOR, "PHYS", a, b)
    project.annotations.apply(Edit(doc_id, ANNOTATOR, add=Bundle(relations=(relation,))))
    window.open_document(doc_id)
    tools: ReviewTools = window.review_tools  # type: ignore[attr-defined]
    tools.review.start(["ali", "badr"], Layout.SIDE_BY_SIDE)
    tools.actions["premerge"].trigger()  # gold gets the spans both agree on
    tools.review.stop()
    assert window.current_annotator() == ANNOTATOR
    qtbot.waitUntil(lambda: len(_rows(window)) == 2)
    tools.review.start(["ali", "badr"], Layout.SIDE_BY_SIDE)
    assert window.current_annotator() == tools.review.gold
    qtbot.waitUntil(lambda: not window.pane.loading)
    qtbot.wait(50)
    shown = sorted((s.start, s.label) for s in window.pane.spans())
    assert shown and _rows(window) == shown


def test_pre_merge_and_accept_in_review_list_each_gold_span_once(
    qtbot: Any, project: Project
) -> None:
    """Pre-merge, then Accept: the list holds gold's spans, each once (it held two rows for
    «هجوماً» and for «حماة» while gold had 3 spans)."""
    doc_id = project.documents.summaries(ANNOTATOR)[0].id
    annotate(project, doc_id)
    window = _window(qtbot, project)  # shows the first document, still loading its spans
    tools: ReviewTools = window.review_tools  # type: ignore[attr-defined]
    tools.review.start(["ali", "badr"], Layout.SIDE_BY_SIDE)
    tools.review.premerge()  # at once, as a quick curator would
    tools.review.step(1)
    tools.review.accept(1)
    qtbot.wait(300)
    gold = sorted((s.start, s.label) for s in project.annotations.spans(doc_id, tools.review.gold))
    assert len(gold) >= 2
    assert _rows(window) == gold
    assert sorted((s.start, s.label) for s in window.pane.spans()) == gold
