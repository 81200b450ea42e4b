"""The document list follows long work in batches, not one row (or one reload) per commit.

ADR 0017: a job's worker commits a file every few milliseconds or thousands of documents at
once; the list gets rows appended at most every 100 ms, reads new documents a slice at a
time, never resets, and the whole list is read on the worker when the job is done. Real
project files and real worker threads throughout.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from annotator.app import build_window
from annotator.core.model import Bundle, DocumentSummary, Span, Status
from annotator.core.positions import CodePoint
from annotator.core.text import text_sha256
from annotator.services.project import Project, open_project
from annotator.services.write import LayerImport, NewDocument
from annotator.ui.dialogs.merge_dialog import MergeFlow
from annotator.ui.document_feed import BATCH_MS, SLICE
from annotator.ui.gui_thread import on_gui_thread
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR, make_window

FILES = 300
PLACE = "مدينة\u200cحماة"


def _text(k: int) -> str:
    """Emoji, NBSP, ZWNJ, tatweel, diacritics, Latin and digits, and a number of its own."""
    return f"قصفتْ الطائـرات\u00a0{PLACE} 😀 في {2000 + k} حسب Reuters رقم {k}\n"


def _texts(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    paths = []
    for k in range(count):
        path = folder / f"{k:04d}.txt"
        path.write_text(_text(k), encoding="utf-8")
        paths.append(path)
    return paths


def _layers(count: int) -> list[LayerImport]:
    """``count`` new documents (not the texts of :func:`_texts`), each with one GPE span."""
    items = []
    for k in range(count):
        text = _text(10_000 + k)
        start = text.index(PLACE)
        span = Span(1, 0, "", CodePoint(start), CodePoint(start + len(PLACE)), "GPE")
        doc = NewDocument(f"m{k:04d}.txt", text, text_sha256(text))
        items.append(LayerImport(doc, Bundle((span,))))
    return items


class Reads:
    """Records each read of document rows: how many ids (None: the whole list) and whether it
    ran on the GUI thread."""

    def __init__(self, project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seen: list[tuple[int | None, bool]] = []
        real = project.documents.summaries

        def summaries(annotator: str, ids: Collection[int] | None = None) -> Any:
            self.seen.append((None if ids is None else len(ids), on_gui_thread()))
            return real(annotator, ids)

        monkeypatch.setattr(project.documents, "summaries", summaries)


def _watch(window: MainWindow) -> tuple[list[tuple[float, int]], list[int]]:
    """Record the list's row insertions (when, how many rows) and its resets."""
    inserted: list[tuple[float, int]] = []
    resets: list[int] = []
    model = window.documents.model_
    model.rowsInserted.connect(
        lambda _parent, first, last: inserted.append((time.monotonic(), last - first + 1))
    )
    model.modelReset.connect(lambda: resets.append(1))
    return inserted, resets


def test_an_import_appends_rows_in_batches_and_the_list_ends_complete(
    qtbot: Any, window: MainWindow, project: Project, tmp_path: Path
) -> None:
    paths = _texts(tmp_path / "in", FILES)
    inserted, resets = _watch(window)
    report = window.import_paths(paths)
    window.last_import_report.accept()
    assert len(report.added) == FILES
    assert resets == []  # rows appended, never the whole list laid out again
    assert sum(n for _at, n in inserted) == FILES
    assert len(inserted) < FILES // 2  # batches, not a row per committed file
    gaps = [b - a for (a, _n), (b, _m) in zip(inserted, inserted[1:], strict=False)]
    # at most every BATCH_MS (a coarse timer may fire 5 % early); the last insertion may be
    # the rest of the list, read on the worker when the job ended
    assert all(gap >= 0.9 * BATCH_MS / 1000 for gap in gaps[:-1])
    rows = window.documents.model_.rows()
    assert rows == project.documents.summaries(ANNOTATOR)
    assert {r.name for r in rows[-FILES:]} == {p.name for p in paths}


def test_the_whole_list_is_read_off_the_gui_thread_after_an_import_and_after_a_merge(
    qtbot: Any, project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = open_project(tmp_path / "laptop.db")
    try:
        laptop.write.import_layers(ANNOTATOR, _layers(40), replace_layer=True)
    finally:
        laptop.close()
    window = build_window(project, ANNOTATOR)
    qtbot.addWidget(window)
    flow = window.findChild(MergeFlow)
    assert flow is not None
    reads = Reads(project, monkeypatch)
    window.import_paths(_texts(tmp_path / "in", 60))
    window.last_import_report.accept()
    assert (None, False) in reads.seen  # the whole list, on the worker
    assert (None, True) not in reads.seen  # never on the GUI thread
    reads.seen.clear()
    assert flow.merge_paths([tmp_path / "laptop.db"]) is not None
    assert reads.seen == []  # read by the merge's worker process, nothing here (ADR 0017)
    rows = window.documents.model_.rows()
    assert rows == project.documents.summaries(ANNOTATOR)
    merged = [r for r in rows if r.name.startswith("m")]
    assert len(merged) == 40 and {r.span_count for r in merged} == {1}
    window.close()


def test_thousands_of_new_documents_in_one_change_are_read_a_slice_at_a_time(
    qtbot: Any, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = 2 * SLICE + 100
    reads = Reads(project, monkeypatch)
    window = make_window(qtbot, project)
    inserted, resets = _watch(window)
    reads.seen.clear()
    before = window.documents.model_.rowCount()
    # one transaction with every document, their spans and statuses, on another thread
    worker = threading.Thread(
        target=lambda: project.write.import_layers(ANNOTATOR, _layers(count), replace_layer=True)
    )
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: window.documents.model_.rowCount() == before + count, timeout=30000)
    assert [n for _at, n in inserted] == [SLICE, SLICE, 100]  # one slice per turn of the loop
    assert reads.seen == [(SLICE, True), (SLICE, True), (100, True)]  # only their rows are read
    assert resets == []
    rows: list[DocumentSummary] = window.documents.model_.rows()
    assert rows == project.documents.summaries(ANNOTATOR)
    assert {(r.span_count, r.status) for r in rows[before:]} == {(1, Status.IN_PROGRESS)}
    window.close()


def test_new_documents_added_on_the_gui_thread_are_listed_at_once_with_their_spans_counted_once(
    window: MainWindow, project: Project
) -> None:
    before = window.documents.model_.rowCount()
    project.write.import_layers(ANNOTATOR, _layers(3), replace_layer=True)
    rows = window.documents.model_.rows()
    assert len(rows) == before + 3
    assert [(r.name, r.span_count, r.status) for r in rows[before:]] == [
        (f"m{k:04d}.txt", 1, Status.IN_PROGRESS) for k in range(3)
    ]


def test_a_batch_pending_when_the_window_is_deleted_is_dropped_with_it(
    qtbot: Any, project: Project
) -> None:
    window = MainWindow(project, ANNOTATOR, settings=None)  # not qtbot's: deleted here
    window.show()
    worker = threading.Thread(
        target=lambda: project.write.import_layers(ANNOTATOR, _layers(5), replace_layer=True)
    )
    worker.start()
    worker.join()
    # the worker's change reaches the feed, which waits BATCH_MS before listing the rows
    qtbot.waitUntil(window.document_feed.pending, timeout=5000)
    window.close()
    window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    # the batch timer must die with the window: firing, it would select a row in a list
    # that no longer exists (a RuntimeError in the event loop, which fails this test)
    qtbot.wait(3 * BATCH_MS)
