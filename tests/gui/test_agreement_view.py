"""Tools → Agreement…: the view shows the service's figures, computed off the GUI thread."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTableWidget

from annotator.app import build_window
from annotator.core.adjudicate import Strategy
from annotator.core.agreement.fscore import micro
from annotator.core.agreement.html import fmt, pair_f1
from annotator.core.positions import CodePoint
from annotator.services.adjudication import premerge
from annotator.services.agreement import AgreementRequest, measure
from annotator.services.project import Project, open_project
from annotator.ui.bidi import isolate
from annotator.ui.dialogs.agreement_view import AgreementView
from tests.agreement_corpus import ANNOTATORS, make_corpus, store_spans
from tests.gui.conftest import cell


@pytest.fixture
def team(tmp_path: Path) -> Any:
    """A project with three annotators' layers on generated documents (nested spans)."""
    project = open_project(tmp_path / "team.sqlite")
    store_spans(project, make_corpus(seed=3, documents=5, words=50))
    yield project
    project.close()


def _open_view(qtbot: Any, project: Project) -> AgreementView:
    window = build_window(project, "lead")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    action = window.findChild(QAction, "agreementAction")
    assert action.shortcut().toString() == "Ctrl+Shift+G"
    action.trigger()
    view = window.agreement_views[0]
    qtbot.waitExposed(view)
    return view


def _compute(qtbot: Any, view: AgreementView) -> None:
    with qtbot.waitSignal(view.shown, timeout=60_000):
        view.compute_button.click()
        # the click returned before the figures exist: the work runs on another thread
        assert view.report is None and not view.compute_button.isEnabled()
        assert view.busy.isVisible()
    qtbot.waitUntil(view.compute_button.isEnabled)


def _texts(table: QTableWidget) -> list[list[str]]:
    return [
        [cell(table, r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def _headers(table: QTableWidget, orientation: Qt.Orientation) -> list[str]:
    count = table.columnCount() if orientation == Qt.Orientation.Horizontal else table.rowCount()
    return [str(table.model().headerData(k, orientation)) for k in range(count)]


def test_grid_heatmap_and_coefficients_equal_the_service(qtbot: Any, team: Project) -> None:
    view = _open_view(qtbot, team)
    _compute(qtbot, view)
    expected = measure(team, AgreementRequest())
    names = list(ANNOTATORS)
    assert _headers(view.pairs, Qt.Orientation.Horizontal) == [isolate(n) for n in names]
    for rule in ("exact", "overlap", "boundaries"):
        view.rule.setCurrentText(rule)
        grid = _texts(view.pairs)
        for r, a in enumerate(names):
            for c, b in enumerate(names):
                want = "—" if a == b else fmt(pair_f1(expected.span_f1[rule], a, b))
                assert grid[r][c] == want, (rule, a, b)
    labels = expected.confusion_labels
    assert labels[-1] == "none"
    assert _headers(view.heatmap, Qt.Orientation.Vertical) == [isolate(x) for x in labels]
    assert _headers(view.heatmap, Qt.Orientation.Horizontal) == [isolate(x) for x in labels]
    counts = [[int(x) for x in row] for row in _texts(view.heatmap)]
    assert counts == expected.confusion_matrix and sum(map(sum, counts)) > 0
    coefficients = {row[0]: row[1:] for row in _texts(view.coefficients)}
    for name, (value, lo, hi) in expected.headline.items():
        assert coefficients[name] == [fmt(value), fmt(lo), fmt(hi)]
    level = expected.token_levels[0]
    assert coefficients["Fleiss' κ, tokens level 1"][0] == fmt(level.fleiss)
    assert coefficients["Gwet's AC1, tokens level 1"][0] == fmt(level.ac1)
    for (a, b), kappa in level.cohen.items():
        assert coefficients[f"Cohen's κ {isolate(a)} / {isolate(b)}, tokens level 1"][0] == fmt(
            kappa
        )
    for label, result in expected.unitizing.items():
        assert coefficients[f"α_U {isolate(label)}"][0] == fmt(result.alpha)
    docs = _texts(view.per_document)
    assert [row[0] for row in docs] == [isolate(d.name) for d in expected.documents]
    worst = expected.documents[0].figures["span F1, exact (mean over pairs)"]
    assert docs[0][1] == fmt(worst)


def test_filters_and_export(qtbot: Any, team: Project, tmp_path: Path) -> None:
    view = _open_view(qtbot, team)
    view.annotators.item(2).setCheckState(Qt.CheckState.Unchecked)  # carim
    view.labels.item(0).setCheckState(Qt.CheckState.Checked)  # PER only
    _compute(qtbot, view)
    assert view.request() == AgreementRequest(annotators=("amal", "badr"), labels=("PER",))
    expected = measure(team, view.request())
    assert view.pairs.rowCount() == 2
    assert cell(view.pairs, 0, 1).text() == fmt(pair_f1(expected.span_f1["exact"], "amal", "badr"))
    assert (
        [
            x.replace("\u2068", "").replace("\u2069", "")
            for x in _headers(view.heatmap, Qt.Orientation.Horizontal)
        ]
        == expected.confusion_labels
        == ["PER", "none"]
    )
    out = tmp_path / "report.html"
    view.export(out)
    assert str(out) in view.message.text()
    tables: list[str] = []

    class Tables(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "table":
                tables.append(str(dict(attrs)["id"]))

    Tables().feed(out.read_text(encoding="utf-8"))
    assert {"headline", "pairs-exact", "tokens", "alpha-u", "documents"} <= set(tables)


def test_refusal_is_a_sentence_in_the_view(qtbot: Any, team: Project) -> None:
    view = _open_view(qtbot, team)
    for k in range(view.annotators.count()):
        view.annotators.item(k).setCheckState(Qt.CheckState.Unchecked)
    view.annotators.item(0).setCheckState(Qt.CheckState.Checked)
    view.compute_button.click()  # the refusal comes from the worker thread
    qtbot.waitUntil(view.compute_button.isEnabled)
    assert "at least two annotators" in view.message.text()
    assert view.report is None


def test_closing_the_window_while_measuring_waits_for_the_worker(qtbot: Any, team: Project) -> None:
    view = _open_view(qtbot, team)
    window = view.parent()
    view.compute_button.click()
    assert view.busy.isVisible()
    window.close()  # must not destroy a running thread (Qt would abort the process)
    assert view._thread is None or view._thread.isFinished()


def test_reopening_lists_new_annotators_and_keeps_ticks(qtbot: Any, team: Project) -> None:
    view = _open_view(qtbot, team)
    view.labels.item(0).setCheckState(Qt.CheckState.Checked)
    doc_id = team.documents.find_by_names(["doc001.txt"])["doc001.txt"]
    team.annotations.create_span(doc_id, "دانة", CodePoint(0), CodePoint(1), "PER")
    action = view.parent().findChild(QAction, "agreementAction")
    action.trigger()
    names = [view.annotators.item(k).text() for k in range(view.annotators.count())]
    assert names == [isolate(n) for n in (*ANNOTATORS, "دانة")]
    assert view.labels.item(0).checkState() == Qt.CheckState.Checked
    assert view.request().annotators == (*ANNOTATORS, "دانة")


def test_against_gold_tab_equals_the_service(qtbot: Any, team: Project) -> None:
    view = _open_view(qtbot, team)
    assert not view.against_gold.isEnabled()  # no gold layer yet
    view.close()
    doc_ids = team.repo.document_ids()
    report = premerge(team, doc_ids, Strategy.parse("majority:2"), ANNOTATORS)
    assert sum(d.total_added for d in report.documents) > 0
    view = _open_view(qtbot, team)
    assert view.against_gold.isEnabled()
    view.against_gold.setChecked(True)
    _compute(qtbot, view)
    expected = measure(team, AgreementRequest(gold=True)).gold_f1
    rows = _texts(view.gold_table)
    want = [
        [isolate(a), rule, fmt(micro(c).f1), str(micro(c).tp), str(micro(c).only_a),
         str(micro(c).only_b)]
        for rule, by_pair in expected.items()
        for (a, _gold), c in by_pair.items()
    ]  # fmt: skip
    assert rows == want and len(rows) == 2 * len(ANNOTATORS)
    assert {r[0] for r in rows} == {isolate(a) for a in ANNOTATORS}
