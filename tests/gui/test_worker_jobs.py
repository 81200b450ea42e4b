"""Long work runs on a worker thread (ADR 0017): progress, Cancel, a live window, errors.

Every test uses the window's real flows on real project files. Cancel is pressed the way a
user would, on the progress dialog's button, while the worker is still busy.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThread, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.app import build_window
from annotator.core.model import Bundle, Span
from annotator.core.positions import CodePoint
from annotator.core.text import text_sha256
from annotator.services.merge import MergeService
from annotator.services.project import Project, open_project
from annotator.services.write import LayerImport, NewDocument
from annotator.ui.dialogs.merge_dialog import MergeFlow
from annotator.ui.dialogs.progress import ProgressDialog
from annotator.ui.main_window import MainWindow
from tests.gui import merge_child
from tests.gui.conftest import find_word

FILES = 300  # far more than a worker commits before the GUI thread handles one click


def _texts(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    paths = []
    for k in range(count):
        path = folder / f"{k:04d}.txt"
        path.write_text(f"النص رقم {k} عن مدينة\u00a0حماة 😀 في سنة {2000 + k}\n", encoding="utf-8")
        paths.append(path)
    return paths


def _watch_progress(
    window: MainWindow, title: str, seen: list[int], cancel_at: int | None = None
) -> None:
    """Once the job's dialog titled ``title`` exists, record its values; press Cancel when
    the value reaches ``cancel_at``."""

    def attach(tries: int = 3000) -> None:  # 30 s: a merge first starts its worker process
        found = [d for d in window.findChildren(ProgressDialog) if d.windowTitle() == title]
        if not found:
            assert tries > 0, f"no {title!r} progress dialog"
            QTimer.singleShot(10, lambda: attach(tries - 1))
            return
        dialog = found[0]

        def on_value(value: int) -> None:
            seen.append(value)
            if cancel_at is not None and value >= cancel_at:
                dialog.cancel_button.click()

        dialog.bar.valueChanged.connect(on_value)

    QTimer.singleShot(0, attach)


def test_import_progress_reaches_the_end_on_a_worker_thread(
    qtbot: Any, window: MainWindow, project: Project, tmp_path: Path
) -> None:
    paths = _texts(tmp_path / "in", 40)
    seen: list[int] = []
    threads: set[bool] = set()
    project.write.changed.connect(  # every listener runs on the GUI thread
        lambda _c: threads.add(QThread.currentThread() == QApplication.instance().thread())
    )
    _watch_progress(window, "Importing", seen)
    report = window.import_paths(paths)
    assert len(report.added) == 40
    assert seen and seen[-1] == 40  # the last report is "40 of 40"
    assert threads == {True}
    window.last_import_report.accept()


def test_cancel_in_the_middle_of_an_import_keeps_exactly_the_files_before_it(
    qtbot: Any, window: MainWindow, project: Project, tmp_path: Path
) -> None:
    paths = _texts(tmp_path / "in", FILES)
    before = set(project.documents.document_ids())
    seen: list[int] = []
    _watch_progress(window, "Importing", seen, cancel_at=3)
    report = window.import_paths(paths)
    done = len(report.outcomes)
    assert 3 <= done < FILES  # stopped before the next file, not at the end
    assert [o.status for o in report.outcomes] == ["added"] * done
    names = {project.documents.document(i).name for i in project.documents.document_ids()}
    new = names - {project.documents.document(i).name for i in before}
    assert new == {p.name for p in paths[:done]}  # exactly the files before Cancel
    box = window.last_import_report
    assert box.text().startswith(f"Import cancelled after {done} of {FILES} files")
    assert "the other files were not imported" in box.text()
    assert window.documents.model_.rowCount() == len(before) + done
    box.accept()


def test_the_gui_thread_keeps_handling_timers_while_the_worker_imports(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    paths = _texts(tmp_path / "in", FILES)
    ticks: list[int] = []
    ticker = QTimer(window)
    ticker.setInterval(10)
    ticker.timeout.connect(lambda: ticks.append(1))
    ticker.start()
    seen: list[int] = []
    at_progress: list[int] = []  # the number of ticks when each progress report arrived

    def attach(tries: int = 2000) -> None:
        found = window.findChildren(ProgressDialog)
        if not found:
            assert tries > 0, "no progress dialog"
            QTimer.singleShot(1, lambda: attach(tries - 1))
            return
        found[0].bar.valueChanged.connect(
            lambda v: (seen.append(v), at_progress.append(len(ticks)))
        )

    QTimer.singleShot(0, attach)
    report = window.import_paths(paths)
    ticker.stop()
    assert len(report.added) == FILES
    assert seen[-1] == FILES
    # between the first and the last file's report, the GUI thread's timer kept firing
    assert at_progress[-1] - at_progress[0] >= 5
    window.last_import_report.accept()


# -- merge ----------------------------------------------------------------------------------
def _big_laptop(path: Path, layers: int) -> Path:
    items = []
    for k in range(layers):
        text = f"اجتمع الوفد رقم {k} في بيروت يوم {k % 28 + 1} مايو"
        start = text.index("بيروت")
        span = Span(1, 0, "", CodePoint(start), CodePoint(start + 5), "GPE")
        items.append(
            LayerImport(NewDocument(f"m{k:04d}.txt", text, text_sha256(text)), Bundle((span,)))
        )
    laptop = open_project(path)
    try:
        laptop.write.import_layers("ali", items, replace_layer=True)
    finally:
        laptop.close()
    return path


def _file_bytes(path: Path) -> bytes:
    """The project file after everything committed is checkpointed into it."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    return path.read_bytes()


def _merge_window(qtbot: Any, project: Project) -> tuple[MainWindow, MergeFlow]:
    window = build_window(project, "tester")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    flow = window.findChild(MergeFlow)
    assert flow is not None
    return window, flow


def test_cancelling_a_merge_leaves_the_project_file_byte_for_byte_unchanged(
    qtbot: Any, project: Project, db_path: Path, tmp_path: Path
) -> None:
    other = _big_laptop(tmp_path / "laptop.db", 400)
    window, flow = _merge_window(qtbot, project)
    before = _file_bytes(db_path)
    seen: list[int] = []
    _watch_progress(window, "Merging", seen, cancel_at=1)
    flow.merger = MergeService(project, entry=merge_child.waits_for_cancel_at_the_second_layer)
    assert flow.merge_paths([other]) is not None
    report_box = flow.last_box
    assert report_box is not None
    assert report_box.text() == "Merge cancelled: 0 files were merged before, the rest were not."
    assert seen and seen[-1] < 400  # cancelled while the layers went in
    assert _file_bytes(db_path) == before
    assert project.documents.find_by_names(["m0000.txt"]) == {}
    window.close()


def test_an_unexpected_error_in_the_worker_is_a_message_box_and_changes_nothing(
    qtbot: Any, project: Project, db_path: Path, tmp_path: Path
) -> None:
    other = _big_laptop(tmp_path / "laptop.db", 5)
    window, flow = _merge_window(qtbot, project)
    before = _file_bytes(db_path)
    flow.merger = MergeService(project, entry=merge_child.fails_on_the_third_layer)
    assert flow.merge_paths([other]) is None
    box = flow.last_box
    assert box is not None and box.windowTitle() == "Merge failed"
    assert box.text().startswith("Unexpected error while merging: RuntimeError: disk gremlin.")
    assert "Traceback" not in box.text() and "details are in" in box.text()
    assert _file_bytes(db_path) == before
    window.close()


def test_a_merge_worker_process_that_dies_is_a_message_box_and_changes_nothing(
    qtbot: Any, project: Project, db_path: Path, tmp_path: Path
) -> None:
    other = _big_laptop(tmp_path / "laptop.db", 5)
    window, flow = _merge_window(qtbot, project)
    rows = window.documents.model_.rows()
    before = _file_bytes(db_path)
    flow.merger = MergeService(project, entry=merge_child.killed_at_the_third_layer)
    assert flow.merge_paths([other]) is None  # returns: no hang on a child that never answers
    box = flow.last_box
    assert box is not None and box.windowTitle() == "Merge failed"
    assert box.text() == (
        "The merge stopped: its worker process ended unexpectedly (exit code -9). The file "
        "it was merging was not stored; the project is as it was before that file. Try the "
        "merge again."
    )
    assert _file_bytes(db_path) == before
    assert window.documents.model_.rows() == rows
    window.close()


def test_during_an_import_the_window_asks_the_change_log_at_most_every_250_ms(
    qtbot: Any, window: MainWindow, project: Project, tmp_path: Path
) -> None:
    # the query for what others wrote cost most of the GUI thread's time per committed file
    window.tagging.create_span("GPE", CodePoint(0), CodePoint(3))
    assert window.undo_stack.count() == 1
    asked: list[int] = []
    ask = project.foreign_changes

    def counted() -> list[tuple[str, int | None, str | None, str]]:
        asked.append(1)
        return ask()

    project.foreign_changes = counted  # type: ignore[method-assign]
    report = window.import_paths(_texts(tmp_path / "in", FILES))
    assert len(report.added) == FILES
    window.last_import_report.accept()
    assert len(asked) < FILES // 2  # not once per file
    # and the last of it is still read, once the job is over
    qtbot.waitUntil(lambda: project._seen_seq == project.repo.last_seq())
    assert window.undo_stack.count() == 1  # new documents leave the tagged layer's history


def test_a_hotkey_pressed_during_a_job_before_its_dialog_shows_writes_nothing(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    """While an import runs, and before its dialog shows, the tag hotkey pressed at the window
    (through the window system, as a user's key is) stores no span: the input filter drops
    it (a hotkey reaches its QAction as a Shortcut event, which the filter let through). The
    same key stores one afterwards. Once the dialog shows, it is application-modal and Qt
    blocks the window's input itself; this test does not tell that apart (a press then did
    not store a span with the dialog made non-modal either)."""
    doc = window.current_document()
    assert doc is not None
    start = find_word(doc.text, "حماة")
    word = (CodePoint(start), CodePoint(start + 4))
    project = window.project

    def count() -> int:
        return len(project.annotations.spans(doc.id, window.current_annotator()))

    def press() -> None:
        pressed.append(any(d.isVisible() for d in window.findChildren(ProgressDialog)))
        window.pane.select_text(*word)
        QTest.keyClick(window.windowHandle(), Qt.Key.Key_P)

    before = count()
    pressed: list[bool] = []
    QTimer.singleShot(0, press)  # the job has started; its dialog is not shown yet
    report = window.import_paths(_texts(tmp_path / "in", FILES))
    window.last_import_report.accept()
    assert pressed == [False], "the key must be pressed while the job runs"
    assert len(report.added) == FILES
    assert count() == before
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    press()  # no job: the same key tags the word
    qtbot.waitUntil(lambda: count() == before + 1)
