"""The GUI on the one write path: obsolete undo history, unexpected errors, a locked database."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.errorlog import log_path
from annotator.services.project import Project, open_project
from annotator.services.transfer import (
    ExportRequest,
    ImportRequest,
    export_layer,
    import_annotations,
)
from annotator.ui.errors import make_excepthook
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR, find_word, make_window


def _tag(window: MainWindow, word: str, label: str = "GPE") -> int:
    start = find_word(window.pane.text, word)
    edit = window.tagging.create_span(label, start, start + len(word))
    assert edit is not None
    return edit.add.spans[0].id


def test_an_import_into_the_layer_clears_the_undo_history_and_says_why(
    window: MainWindow, project: Project, tmp_path: Path
) -> None:
    _tag(window, "حماة")
    assert window.undo_stack.count() == 1
    out = tmp_path / "layer.jsonl"
    export_layer(project, ExportRequest("jsonl", out, annotator=ANNOTATOR))
    report = import_annotations(project, ImportRequest((out,), "jsonl", ANNOTATOR, replace=True))
    assert report.outcomes[0].status == "added", report.outcomes[0].message
    assert window.undo_stack.count() == 0
    assert "import" in window.last_notice and "Undo history cleared" in window.last_notice


def test_another_program_writing_the_layer_clears_history_before_an_undo(
    window: MainWindow, project: Project, db_path: Path
) -> None:
    _tag(window, "حماة")
    doc_id = window.current_doc_id()
    assert doc_id is not None
    other = open_project(db_path)
    try:
        start = find_word(window.pane.text, "روسيا")
        theirs = other.annotations.create_span(doc_id, ANNOTATOR, start, start + 5, "GPE")
    finally:
        other.close()
    window.undo()  # checks the change log first
    assert window.undo_stack.count() == 0
    assert "another program" in window.last_notice
    labels = {(s.id, s.label) for s in project.annotations.spans(doc_id, ANNOTATOR)}
    assert (theirs.add.spans[0].id, "GPE") in labels and len(labels) == 2


def test_an_unexpected_error_in_an_edit_is_logged_shown_and_leaves_no_undo_step(
    window: MainWindow, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_args: object) -> None:
        raise RuntimeError("injected fault")

    monkeypatch.setattr(project.annotations, "create_span", boom)
    start = find_word(window.pane.text, "حماة")
    assert window.tagging.create_span("GPE", start, start + 4) is None
    assert window.undo_stack.count() == 0
    shown = window.statusBar().currentMessage()
    assert "Unexpected error" in shown and str(log_path()) in shown
    assert "RuntimeError: injected fault" in log_path().read_text("utf-8")


def test_an_unexpected_error_while_undoing_clears_the_history_and_keeps_the_data(
    qtbot: Any, window: MainWindow, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    span_id = _tag(window, "حماة")

    def boom(*_args: object) -> None:
        raise RuntimeError("injected undo fault")

    monkeypatch.setattr(project.annotations, "apply", boom)
    window.undo()
    qtbot.waitUntil(lambda: window.undo_stack.count() == 0)
    assert str(log_path()) in window.last_notice
    assert "RuntimeError: injected undo fault" in log_path().read_text("utf-8")
    monkeypatch.undo()
    doc_id = window.current_doc_id() or 0
    assert [s.id for s in project.annotations.spans(doc_id, ANNOTATOR)] == [span_id]


def test_a_locked_database_keeps_the_window_responsive_and_the_edit_lands(
    qtbot: Any, project: Project, db_path: Path
) -> None:
    fast = open_project(db_path, busy_timeout_ms=50)
    from tests.gui.conftest import make_window

    window = make_window(qtbot, fast)
    try:
        messages: list[str] = []
        window.statusBar().messageChanged.connect(messages.append)
        lock = sqlite3.connect(db_path, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
        ticks: list[int] = []
        heartbeat = QTimer()
        heartbeat.timeout.connect(lambda: ticks.append(1))
        heartbeat.start(20)
        QTimer.singleShot(800, lambda: lock.execute("COMMIT"))
        span_id = _tag(window, "حماة")
        heartbeat.stop()
        lock.close()
        assert any("busy" in m for m in messages), messages
        assert len(ticks) >= 10  # the event loop kept running while the lock was held
        doc_id = window.current_doc_id() or 0
        assert [s.id for s in fast.annotations.spans(doc_id, ANNOTATOR)] == [span_id]
    finally:
        window.close()
        fast.close()


def test_the_excepthook_logs_and_shows_one_message(qtbot: Any, window: MainWindow) -> None:
    try:
        raise ValueError("from a slot")
    except ValueError as exc:
        make_excepthook(lambda: window)(ValueError, exc, exc.__traceback__)
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "unexpected-error"]
    assert len(boxes) == 1 and isinstance(boxes[0], QMessageBox)
    assert str(log_path()) in boxes[0].text()
    assert "ValueError: from a slot" in log_path().read_text("utf-8")
    boxes[0].close()


def test_a_failing_listener_costs_neither_the_undo_step_nor_the_window_its_update(
    qtbot: Any, project: Project
) -> None:
    """A listener connected before the window's raises on every change; the edit still lands,
    the window (a later listener) shows it, Ctrl+Z undoes it, and the log has the traceback."""

    def broken(_payload: object) -> None:
        raise RuntimeError("listener fault 😀\u00a0حماة")

    project.write.changed.connect(broken)
    project.annotations.changed.connect(broken)
    window = make_window(qtbot, project)
    try:
        doc_id = window.current_doc_id()
        assert doc_id is not None
        span_id = _tag(window, "حماة")
        assert window.undo_stack.count() == 1
        assert [s.id for s in window.pane.spans()] == [span_id]
        assert "RuntimeError: listener fault 😀\u00a0حماة" in log_path().read_text("utf-8")
        window.undo()
        assert project.annotations.spans(doc_id, ANNOTATOR) == []
        assert window.pane.spans() == []
    finally:
        window.close()
