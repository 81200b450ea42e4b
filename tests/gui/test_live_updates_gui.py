"""A window on a server project shows another client's change without a restart (issue 20,
item 3), through the notification channel, and picks up again after losing the connection.

Window: a project opened on the run's PostgreSQL server. The other client: a second project
opened on the same database (another person, or the same person on another machine).
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from annotator.core.location import ServerUrl
from annotator.services.live import LiveFeed
from annotator.services.project import Project, open_project
from annotator.store.listen import APPLICATION_NAME
from annotator.ui.live_updates import LiveUpdates
from tests.gui.conftest import make_window

TEXT = "😀 قصفت الطائـــرات\u00a0مدينةَ حماة قرب حلب\u200cالشهباء في 2024 (Reuters)"


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def two_clients(pg_project_url: str) -> Any:
    mine = open_project(ServerUrl(pg_project_url))
    other = open_project(ServerUrl(pg_project_url))
    yield mine, other
    other.close()
    mine.close()


def test_another_clients_span_and_document_show_within_a_second(
    qtbot: Any, two_clients: tuple[Project, Project]
) -> None:
    mine, other = two_clients
    doc, _created = mine.documents.add_text("حماة 😀.txt", TEXT)
    window = make_window(qtbot, mine, annotator="amal")
    live = LiveUpdates(window, LiveFeed(mine))
    assert live.listening
    window.open_document(doc)
    assert window.pane.span_count() == 0
    other.annotations.create_span(doc, "amal", *at("حماة"), "GPE")  # the same person, elsewhere
    qtbot.waitUntil(lambda: window.pane.span_count() == 1, timeout=1000)
    other.documents.add_text("حلب 2024.txt", TEXT.replace("حماة", "حلب"))
    qtbot.waitUntil(lambda: len(window.documents.model_.rows()) == 2, timeout=1000)
    other.annotations.create_span(doc, "bob", *at("حلب"), "GPE")  # another layer: not shown
    qtbot.wait(300)
    assert window.pane.span_count() == 1
    window.close()


def test_a_lost_connection_is_said_and_what_was_missed_shows_after_it_is_back(
    qtbot: Any, two_clients: tuple[Project, Project], pg_server: str
) -> None:
    mine, other = two_clients
    doc, _created = mine.documents.add_text("حماة 😀.txt", TEXT)
    window = make_window(qtbot, mine, annotator="amal")
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)
    live = LiveUpdates(window, LiveFeed(mine), retry_ms=60_000)  # tried again by hand below
    window.open_document(doc)
    admin = sa.create_engine(pg_server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :db AND pid <> pg_backend_pid()"
                ),
                {"db": mine.repo.engine.url.database},
            )
    finally:
        admin.dispose()
    qtbot.waitUntil(lambda: any("Live updates paused" in text for text in said), timeout=3000)
    assert not live.listening
    other.annotations.create_span(doc, "amal", *at("حماة"), "GPE")  # while nobody listens
    qtbot.wait(300)
    assert window.pane.span_count() == 0  # no news without the connection
    live.connect_feed()  # what the retry timer does: listen again, then read the change feed
    assert live.listening and window.pane.span_count() == 1
    window.close()


def test_a_closed_window_stops_listening(qtbot: Any, two_clients: tuple[Project, Project]) -> None:
    mine, other = two_clients
    window = make_window(qtbot, mine, annotator="amal")
    live = LiveUpdates(window, LiveFeed(mine))
    assert live.listening and _listeners(mine) == 1
    window.close()
    assert not live.listening and _listeners(mine) == 0


def _listeners(project: Project) -> int:
    """The project database's listening connections, as the server counts them."""
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND application_name = :name"
    )
    with project.repo.engine.connect() as conn:
        return int(conn.execute(query, {"name": APPLICATION_NAME}).scalar_one())


def test_the_app_listens_on_a_server_project_only(
    qtbot: Any, two_clients: tuple[Project, Project], project: Project
) -> None:
    from annotator.app import build_window

    on_server = build_window(two_clients[0], "amal")
    on_file = build_window(project, "amal")
    qtbot.addWidget(on_server)
    qtbot.addWidget(on_file)
    live = on_server.findChild(LiveUpdates, "liveUpdates")
    assert live is not None and live.listening
    assert on_file.findChild(LiveUpdates, "liveUpdates") is None
    on_server.close()
    on_file.close()
