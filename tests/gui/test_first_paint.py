"""Opening a document paints its text first and loads its spans right after, never half."""

from __future__ import annotations

from typing import Any

from annotator.core.positions import CodePoint
from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.pane import span_view
from tests.gui.conftest import ANNOTATOR, find_word


def _tag(window: MainWindow, project: Project, words: list[str]) -> int:
    doc_id = window.current_doc_id()
    assert doc_id is not None
    text = window.pane.text
    for word in words:
        start = find_word(text, word)
        project.annotations.create_span(
            doc_id, ANNOTATOR, CodePoint(start), CodePoint(start + len(word)), "GPE"
        )
    return doc_id


def _reopen(window: MainWindow, doc_id: int) -> None:
    other = next(r.id for r in window.documents.model_.rows() if r.id != doc_id)
    window.open_document(other)
    window.pane.span_count()  # that one is loaded now
    window.open_document(doc_id)


def test_the_text_is_painted_before_the_spans_are_loaded(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    doc_id = _tag(window, project, ["حماة", "روسيا"])
    pane = window.pane
    _reopen(window, doc_id)
    assert pane.loading  # nothing was read for the spans before the first paint
    assert window.table.model_.rowCount() == 0
    painted_before: list[bool] = []
    pane.first_paint_done = False
    pane.spansLoaded.connect(lambda: painted_before.append(pane.first_paint_done))
    with qtbot.waitSignal(pane.spansLoaded, timeout=5000):
        pass
    assert painted_before == [True]
    assert not pane.loading
    assert [s.text_in(pane.text) for s in pane.spans()] == ["حماة", "روسيا"]  # by offset
    assert window.table.model_.rowCount() == 2


def test_asking_for_the_spans_early_loads_them_first(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    doc_id = _tag(window, project, ["حماة"])
    pane = window.pane
    _reopen(window, doc_id)
    assert pane.loading
    assert pane.span_count() == 1  # loaded on demand: never a partial answer
    assert not pane.loading and window.table.model_.rowCount() == 1


def test_an_edit_while_loading_is_counted_once(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    doc_id = _tag(window, project, ["حماة"])
    pane = window.pane
    _reopen(window, doc_id)
    assert pane.loading
    start = find_word(pane.text, "روسيا")
    project.annotations.create_span(
        doc_id, ANNOTATOR, CodePoint(start), CodePoint(start + 5), "GPE"
    )
    qtbot.waitUntil(lambda: not pane.loading)
    assert pane.span_count() == 2
    assert window.table.model_.rowCount() == 2
    ids = [window.table.model_.span_at(r).id for r in range(2)]
    assert sorted(ids) == sorted(s.id for s in pane.spans())


def test_a_pane_that_is_not_painted_loads_each_document_after_its_own_delay(
    qtbot: Any, window: MainWindow, project: Project, monkeypatch: Any
) -> None:
    monkeypatch.setattr(span_view, "LOAD_FALLBACK_MS", 3000)
    doc_id = _tag(window, project, ["حماة"])
    pane = window.pane
    pane.hide()  # no paint: only the fallback delay loads the spans
    other = next(r.id for r in window.documents.model_.rows() if r.id != doc_id)
    window.open_document(other)
    qtbot.wait(2000)
    window.open_document(doc_id)
    qtbot.wait(1500)  # past the first document's delay, well before this one's
    assert pane.loading
    qtbot.waitUntil(lambda: not pane.loading, timeout=5000)
    assert pane.span_count() == 1


def test_the_first_frame_already_shows_the_spans_of_the_first_screen(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    doc_id = _tag(window, project, ["حماة", "روسيا"])
    pane = window.pane
    _reopen(window, doc_id)
    assert pane.loading
    first_frame = pane.viewport().grab().toImage()  # painted before the full load
    assert pane.loading
    with qtbot.waitSignal(pane.spansLoaded, timeout=5000):
        pass
    loaded = pane.viewport().grab().toImage()
    assert first_frame == loaded  # nothing visible was missing from the first frame
    bare = window.project.documents.document(doc_id).text
    pane.open_text(bare, project.schemas.schema, lambda: [])
    with qtbot.waitSignal(pane.spansLoaded, timeout=5000):
        pass
    assert pane.viewport().grab().toImage() != loaded  # the spans do show in those pixels
