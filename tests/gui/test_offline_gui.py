"""Offline, in sight (issue 20, item 7): a window on a server shows Online / Offline with the
server's name (never the password); while the server is away every edit is refused before it
is tried, with one sentence in the status bar and no dialog, leaving no span drawn and no undo
step (and the undo history whole); when the server is back the window turns Online by itself
and editing works again, without a restart. The server is a cluster of this test's own,
stopped and started again mid-session.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from annotator.app import build_window
from annotator.core.location import ServerUrl
from annotator.core.model import Status
from annotator.core.positions import CodePoint
from annotator.services.live import LiveFeed
from annotator.services.online import ServerLink
from annotator.services.project import Project, open_project
from annotator.store.listen import APPLICATION_NAME
from annotator.ui.errors import make_excepthook
from annotator.ui.live_updates import LiveUpdates
from annotator.ui.main_window import MainWindow
from annotator.ui.server_status import ServerStatus
from tests.gui.test_server_away_gui import TEXT, _pg_ctl
from tests.pgcluster import Cluster, wait_until_ready

PASSWORD = "n0t-shown-ever"


@pytest.fixture
def own_server() -> Iterator[tuple[Cluster, str]]:
    with Cluster() as cluster:
        admin = sa.create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("CREATE DATABASE team"))
        admin.dispose()
        yield cluster, cluster.url.replace("/postgres?", "/team?")


def _select(window: Any, word: str) -> None:
    at = window.pane.text.index(word)
    window.pane.select_text(CodePoint(at), CodePoint(at + len(word)))


def _no_dialog() -> bool:
    return not any(
        isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets()
    )


@pytest.mark.qt_no_exception_capture
def test_offline_is_shown_edits_are_refused_first_and_it_comes_back(
    qtbot: Any, own_server: tuple[Cluster, str]
) -> None:
    cluster, url = own_server
    url = url.replace("postgres@", f"postgres:{PASSWORD}@")  # trust: the password is unused
    project: Project = open_project(ServerUrl(url))
    before = sys.excepthook
    # the app's hook, as run_gui installs it: a slot's error (a panel reading the span just
    # selected, say) goes there, not to pytest-qt, which the mark below turns off
    sys.excepthook = make_excepthook(lambda: None)
    try:
        doc, _created = project.documents.add_text("حماة 😀.txt", TEXT)
        window = build_window(project, "amal")  # wired as the app wires it
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        label = window.findChild(QLabel, "serverStatusLabel")
        assert label is not None
        server = ServerUrl(url).name
        assert label.text() == f"Online — {server}"
        _select(window, "حماة")
        window.apply_name("GPE")
        _select(window, "حلب")
        window.apply_name("GPE")
        window.undo()  # a step to redo, kept while Offline
        assert window.pane.span_count() == 1 and window.undo_stack.count() == 2

        _pg_ctl(cluster, "stop")
        qtbot.waitUntil(lambda: label.text().startswith("Offline"), timeout=10000)
        assert label.text() == f"Offline — server unreachable ({server})"
        assert PASSWORD not in label.text() + label.toolTip()
        refusal = (
            f"Offline: the server {server} cannot be reached, so this change was not made. "
            "Everything saved before is safe; editing works again by itself once the server "
            "is back."
        )

        def tag() -> None:
            _select(window, "قرب")
            window.apply_name("GPE")

        def relabel() -> None:
            window.pane.clear_text_selection()
            window.pane.select_span(_first(window))
            window.apply_name("ORG")

        def delete() -> None:
            window.pane.clear_text_selection()
            window.pane.select_span(_first(window))
            window.tagging.delete_selected()

        edits: dict[str, Callable[[], None]] = {
            "tag": tag,
            "relabel": relabel,
            "delete": delete,
            "undo": window.undo,
            "redo": window.redo,
            "mark done": window.mark_done,
        }
        bar = window.statusBar()
        for what, edit in edits.items():
            bar.clearMessage()
            edit()
            assert bar.currentMessage() == refusal, what
            assert window.pane.span_count() == 1, what  # nothing drawn, nothing taken away
            assert window.undo_stack.count() == 2 and window.undo_stack.index() == 1, what
            assert _no_dialog(), what
        assert [s.label for s in window.pane.spans()] == ["GPE"]

        # a read the server is needed for (opening a document): said in the status bar by the
        # app's error hook, not in an error dialog
        bar.clearMessage()
        try:
            window.open_document(doc)
        except Exception as exc:  # noqa: BLE001 - handed to the app's hook, as Qt would
            sys.excepthook(type(exc), exc, exc.__traceback__)
        else:
            raise AssertionError("the document was read from a stopped server")
        assert bar.currentMessage().startswith(f"Offline: the server {server} cannot be reached")
        assert _no_dialog()

        _pg_ctl(cluster, "start")
        wait_until_ready(url)
        qtbot.waitUntil(lambda: label.text().startswith("Online"), timeout=10000)
        window.redo()  # the history kept while Offline works
        assert window.pane.span_count() == 2
        _select(window, "قرب")
        window.apply_name("GPE")
        assert window.pane.span_count() == 3 and window.undo_stack.count() == 3
        window.undo()
        window.mark_done()
        assert project.documents.status(doc, "amal") is Status.DONE
        window.close()
    finally:
        sys.excepthook = before
        project.close()
    again = open_project(ServerUrl(url))
    try:
        spans = again.annotations.spans(doc, "amal")
        assert sorted(TEXT[s.start : s.end] for s in spans) == [
            "حلب\u200cالشهباء",
            "حماة",
        ]  # one token across the ZWNJ
    finally:
        again.close()


def _first(window: Any) -> int:
    return int(window.pane.spans()[0].id)


def test_a_lost_listener_on_a_server_still_up_is_offline_for_a_moment_only(
    qtbot: Any, pg_project_url: str
) -> None:
    project = open_project(ServerUrl(pg_project_url))
    try:
        project.documents.add_text("حماة 😀.txt", TEXT)
        window = MainWindow(project, "amal")
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: not window.pane.loading)  # its spans read before it closes
        link = ServerLink(project)
        status = ServerStatus(window, link, retry_ms=60_000)  # no retry within the test
        LiveUpdates(window, LiveFeed(project, link), retry_ms=300)
        turns: list[bool] = []
        status.turned.connect(turns.append)
        end_listener = sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = :name AND datname = current_database()"
        )
        admin = sa.create_engine(pg_project_url, poolclass=sa.pool.NullPool)
        with admin.connect() as conn:
            conn.execute(end_listener, {"name": APPLICATION_NAME})
            conn.commit()
        admin.dispose()
        qtbot.waitUntil(lambda: turns == [False, True], timeout=10_000)
        assert status.label.text().startswith("Online")
        window.close()
    finally:
        project.close()
