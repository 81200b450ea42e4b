"""Team features while the server is away (issue 20 follow-up, item 6): Next document, review
mode's curation hold and Mark done, tried while the team's server is stopped, say so in one
sentence and change nothing (no claim, no hold, no status half-made); once the server is
back, the same three work. The server is a cluster of this test's own, stopped and started
again mid-session, with a team database and real password logins (tests/teamdb.py).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtWidgets import QLabel

from annotator.app import build_window
from annotator.core.location import ServerUrl
from annotator.services.project import Project, open_project
from annotator.ui.errors import make_excepthook
from annotator.ui.main_window import MainWindow
from annotator.ui.review.review_view import Layout
from tests.gui.test_server_away_gui import _pg_ctl
from tests.pgcluster import Cluster, wait_until_ready
from tests.teamdb import Team, team_database


@pytest.fixture
def away() -> Iterator[tuple[Cluster, Team]]:
    with Cluster() as cluster:
        # no pooled connection: the restart ends them, and the database is dropped after it
        admin = sa.create_engine(
            cluster.url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool
        )
        try:
            with team_database(cluster.url, admin) as made:
                yield cluster, made
        finally:
            admin.dispose()


def _window(qtbot: Any, t: Team, person: str, opened: list[Project]) -> MainWindow:
    url = t.url(t.logins[person], t.passwords[person]).render_as_string(hide_password=False)
    project = open_project(ServerUrl(url), create=False)
    opened.append(project)
    window = build_window(project, person)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _label(window: MainWindow) -> QLabel:
    label = window.findChild(QLabel, "serverStatusLabel")
    assert label is not None
    return label


def _state(t: Team) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, str]]]:
    """Every assignment (document, layer, state) and every status (document, layer, status)."""
    with t.admin.connect() as conn:
        assignments = conn.execute(
            sa.text(
                "SELECT a.doc_id, l.name, a.state FROM assignments a "
                "JOIN annotators l ON l.id = a.annotator_id ORDER BY 1, 2"
            )
        ).all()
        statuses = conn.execute(
            sa.text(
                "SELECT s.doc_id, l.name, s.status FROM document_status s "
                "JOIN annotators l ON l.id = s.annotator_id ORDER BY 1, 2"
            )
        ).all()
    return (
        [(int(d), str(n), str(s)) for d, n, s in assignments],
        [(int(d), str(n), str(s)) for d, n, s in statuses],
    )


@pytest.mark.qt_no_exception_capture
def test_claim_curate_and_mark_done_while_the_team_server_is_away_and_after(
    qtbot: Any, away: tuple[Cluster, Team]
) -> None:
    cluster, t = away
    opened: list[Project] = []
    stopped = False
    before = sys.excepthook
    sys.excepthook = make_excepthook(lambda: None)  # as run_gui installs it
    try:
        amal = _window(qtbot, t, "amal", opened)
        cora = _window(qtbot, t, "cora", opened)
        amal.actions_["next"].trigger()  # amal claims document 1 while the server is up
        assert _state(t)[0] == [(1, "amal", "claimed")]
        qtbot.waitUntil(lambda: not amal.pane.loading and not cora.pane.loading)
        server = ServerUrl(opened[0].path.url).name  # type: ignore[union-attr]

        _pg_ctl(cluster, "stop")
        stopped = True
        for window in (amal, cora):
            qtbot.waitUntil(lambda w=window: _label(w).text().startswith("Offline"), timeout=15000)
        offline = (
            f"Offline: the team's server {server} cannot be reached, so it could not "
            "{what}; nothing was changed. Try again once it is back (the status bar says "
            "Online)."
        )
        amal.actions_["next"].trigger()
        assert amal.last_notice == offline.format(what="give you a document")
        amal.mark_done()
        assert (
            amal.statusBar()
            .currentMessage()
            .startswith(
                f"Offline: the server {server} cannot be reached, so this change was not made."
            )
        )
        review = cora.review_tools.review  # type: ignore[attr-defined]
        review.start(["amal", "badr"], Layout.SIDE_BY_SIDE)
        assert not review.active and cora.current_annotator() == "cora"
        assert cora.last_notice == offline.format(what="let you curate the document")

        _pg_ctl(cluster, "start")
        stopped = False
        wait_until_ready(t.admin.url.render_as_string(hide_password=False))
        # nothing was half-made while it was away: amal's claim only, no status, no hold
        assert _state(t) == ([(1, "amal", "claimed")], [])
        for window in (amal, cora):
            qtbot.waitUntil(lambda w=window: _label(w).text().startswith("Online"), timeout=15000)
        amal.mark_done()
        assert _state(t) == ([(1, "amal", "finished")], [(1, "amal", "done")])
        review.start(["amal", "badr"], Layout.SIDE_BY_SIDE)
        assert review.active and cora.current_annotator() == "gold"
        assert (1, "gold", "curating") in _state(t)[0]
        amal.actions_["next"].trigger()  # one document only, and she finished it
        assert amal.last_notice.startswith("No document is left for you")
        for window in (amal, cora):
            qtbot.waitUntil(lambda w=window: not w.pane.loading)
            window.close()
    finally:
        sys.excepthook = before
        for project in opened:
            project.close()
        if stopped:  # a failure while it was away: the database is dropped afterwards
            _pg_ctl(cluster, "start")
