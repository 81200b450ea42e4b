"""When the server goes away (issue 20, item 7): the window says so, refuses an edit with a
clear sentence and keeps nothing half-written; when the server is back it reconnects by
itself, and every acknowledged edit is there. The server is a cluster of this test's own,
stopped and started again mid-session (the run's shared cluster serves other tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from annotator.core.location import ServerUrl
from annotator.core.positions import CodePoint
from annotator.services.live import LiveFeed
from annotator.services.project import Project, open_project
from annotator.ui.live_updates import LiveUpdates
from tests.gui.conftest import make_window
from tests.pgcluster import Cluster, wait_until_ready

TEXT = "😀 قصفت الطائـــرات\u00a0مدينةَ حماة قرب حلب\u200cالشهباء في 2024 (Reuters)"


@pytest.fixture
def own_server() -> Iterator[tuple[Cluster, str]]:
    with Cluster() as cluster:
        admin = sa.create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("CREATE DATABASE team"))
        admin.dispose()
        yield cluster, cluster.url.replace("/postgres?", "/team?")


def _pg_ctl(cluster: Cluster, action: str) -> None:
    assert cluster.folder is not None
    data = str(cluster.folder / "data")
    if action == "stop":
        cluster._run("pg_ctl", "stop", "-w", "-m", "fast", "-D", data)
    else:
        options = f"-c listen_addresses='' -c unix_socket_directories='{cluster.folder}'"
        cluster._run(
            "pg_ctl",
            "start",
            "-w",
            "-D",
            data,
            "-l",
            str(cluster.folder / "server.log"),
            "-o",
            options,
        )


def _tag(window: Any, word: str, label: str) -> None:
    at = window.pane.text.index(word)
    window.pane.select_text(CodePoint(at), CodePoint(at + len(word)))
    window.apply_name(label)


def test_the_window_says_the_server_is_away_refuses_edits_and_comes_back(
    qtbot: Any, own_server: tuple[Cluster, str]
) -> None:
    cluster, url = own_server
    project: Project = open_project(ServerUrl(url))
    try:
        doc, _created = project.documents.add_text("حماة 😀.txt", TEXT)
        window = make_window(qtbot, project, annotator="amal")
        said: list[str] = []
        window.statusBar().messageChanged.connect(said.append)
        live = LiveUpdates(window, LiveFeed(project), retry_ms=300)
        window.open_document(doc)
        _tag(window, "حماة", "GPE")
        assert window.pane.span_count() == 1  # acknowledged

        _pg_ctl(cluster, "stop")
        qtbot.waitUntil(lambda: any("Live updates paused" in t for t in said), timeout=5000)
        _tag(window, "قرب", "GPE")
        assert said[-1] == (
            "The connection to the database server was lost, so the change was not saved (one "
            "being committed at that very moment may have been). Try again once the server is "
            "back: the connection is made again by itself."
        )
        assert window.pane.span_count() == 1  # refused, nothing shown as saved
        assert window.undo_stack.count() == 1  # the refused tag left no undo step

        _pg_ctl(cluster, "start")
        wait_until_ready(url)
        qtbot.waitUntil(lambda: live.listening, timeout=5000)
        _tag(window, "قرب", "GPE")
        assert window.pane.span_count() == 2
        window.close()
    finally:
        project.close()
    again = open_project(ServerUrl(url))
    try:
        spans = again.annotations.spans(doc, "amal")
        assert sorted(TEXT[s.start : s.end] for s in spans) == ["حماة", "قرب"]
    finally:
        again.close()
