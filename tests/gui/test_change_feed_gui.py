"""The window and the change feed: it hears of other programs' changes by polling, and an
undo step exists exactly when its change committed (ADR 0008)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, event

from annotator.core.change import Change
from annotator.services.project import Project, open_project
from annotator.ui.main_window import MainWindow
from tests.conftest import BOTH
from tests.gui.conftest import ANNOTATOR, find_word

BACKENDS = BOTH  # the window on a project file and on a database on the server


def _fail_at_commit(conn: Connection) -> None:
    """Make the real COMMIT fail: a foreign key that SQLite checks only at commit is broken.

    Runs just before the driver commits; the temporary tables and the row go with the
    rollback that follows.
    """
    raw: Any = conn.connection.driver_connection
    raw.execute("PRAGMA defer_foreign_keys=ON")
    raw.execute("CREATE TEMP TABLE fault_parent (id INTEGER PRIMARY KEY)")
    raw.execute("CREATE TEMP TABLE fault_child (p INTEGER REFERENCES fault_parent (id))")
    raw.execute("INSERT INTO fault_child VALUES (1)")


@pytest.mark.sqlite_only("the failing COMMIT is made with an SQLite deferred foreign key")
def test_a_change_whose_commit_fails_leaves_no_undo_step_and_is_not_announced(
    window: MainWindow, project: Project
) -> None:
    doc_id = window.current_doc_id()
    assert doc_id is not None
    heard: list[Change] = []
    project.write.changed.connect(heard.append)
    start = find_word(window.pane.text, "حماة")
    event.listen(project.repo.engine, "commit", _fail_at_commit)
    try:
        assert window.tagging.create_span("GPE", start, start + 4) is None
    finally:
        event.remove(project.repo.engine, "commit", _fail_at_commit)
    assert window.undo_stack.count() == 0
    assert heard == []
    assert project.annotations.spans(doc_id, ANNOTATOR) == []
    assert "the database refused it; nothing was saved" in window.statusBar().currentMessage()
    edit = window.tagging.create_span("GPE", start, start + 4)  # the next one commits
    assert edit is not None and window.undo_stack.count() == 1
    assert [c.edits[0].add.spans for c in heard] == [edit.add.spans]


def test_the_window_hears_by_polling_that_another_program_changed_its_layer(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    """No undo, no edit in the window: the timer's poll of the feed clears the history."""
    start = find_word(window.pane.text, "حماة")
    assert window.tagging.create_span("GPE", start, start + 4) is not None
    doc_id = window.current_doc_id()
    assert doc_id is not None and window.undo_stack.count() == 1
    other = open_project(project.path)
    try:
        other.annotations.create_span(doc_id, ANNOTATOR, start, start + 4, "LOC")
    finally:
        other.close()
    qtbot.waitUntil(lambda: window.undo_stack.count() == 0, timeout=5000)
    assert "another program" in window.last_notice


def test_with_no_undo_history_the_window_moves_past_the_feed_without_reading_it(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    """After a merge the feed holds thousands of rows; a window with nothing to undo has
    nothing they could make obsolete, so it does not read them on the GUI thread."""
    assert window.undo_stack.count() == 0
    doc_id = window.current_doc_id()
    assert doc_id is not None
    start = find_word(window.pane.text, "حماة")
    read: list[int] = []
    real = project.repo.changes_since

    def counted(seq: int) -> Any:
        read.append(seq)
        return real(seq)

    project.repo.changes_since = counted  # type: ignore[method-assign]
    other = open_project(project.path)
    try:
        other.annotations.create_span(doc_id, ANNOTATOR, start, start + 4, "LOC")
    finally:
        other.close()
    before_edit = project.repo.last_seq()
    qtbot.wait(1700)  # the watcher's timer fires every 1.5 s
    assert read == []
    second = find_word(window.pane.text, "روسيا")
    assert window.tagging.create_span("GPE", second, second + 5) is not None
    qtbot.waitUntil(lambda: bool(read), timeout=5000)
    assert read[0] >= before_edit  # the other program's change was passed over, not read
    assert window.undo_stack.count() == 1  # and it does not clear the step made after it


def test_the_title_names_the_project_and_a_server_url_shows_no_password(
    window: MainWindow, project: Project
) -> None:
    expected = project.path.name  # p.sqlite, or "t_... on /tmp/annotator-pg-..."
    assert window.windowTitle().endswith(f" — {ANNOTATOR} — {expected}")
    assert "postgres@" not in window.windowTitle()
