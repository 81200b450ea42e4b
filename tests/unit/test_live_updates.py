"""Live updates on a PostgreSQL server (issue 20, item 3): a change by one client reaches
another within a second, by a notification on a dedicated listening connection; after that
connection is lost, the client reconnects and reads what it missed from the change feed.

Two clients are two projects opened on the same server database (each its own engine and
write service), as two people's windows are.
"""

from __future__ import annotations

import select
import time
from typing import Any

import pytest
import sqlalchemy as sa

from annotator.core.errors import AnnotatorError
from annotator.core.location import ServerUrl
from annotator.services.project import Project, open_project
from annotator.store.listen import Listener, ListenerLost

TEXT = "😀 قصفت الطائـــرات\u00a0مدينةَ حماة قرب حلب\u200cالشهباء في 2024 (Reuters)"


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def clients(pg_project_url: str) -> Any:
    one = open_project(ServerUrl(pg_project_url))
    two = open_project(ServerUrl(pg_project_url))
    yield one, two
    one.close()
    two.close()


def _readable_within(listener: Listener, seconds: float) -> float | None:
    """Seconds until the listener's socket is readable, or None after ``seconds``."""
    start = time.monotonic()
    ready, _, _ = select.select([listener.fileno()], [], [], seconds)
    return time.monotonic() - start if ready else None


def test_a_change_by_one_client_reaches_another_within_a_second(
    clients: tuple[Project, Project],
) -> None:
    one, two = clients
    doc, _created = one.documents.add_text("حماة 😀.txt", TEXT)
    listener = Listener(two.repo.engine)
    try:
        assert listener.drain() == []
        one.annotations.create_span(doc, "amal", *at("حماة"), "GPE")
        waited = _readable_within(listener, 1.0)
        assert waited is not None, "no notification within 1 s"
        (seq,) = listener.drain()
        assert seq == one.repo.last_seq()
        (change,) = two.repo.changes_since(seq - 1)
        assert (change.doc_id, change.annotator, change.description) == (doc, "amal", "Tag GPE")
        assert listener.drain() == []  # read once
    finally:
        listener.close()


def test_a_refused_change_notifies_nobody(clients: tuple[Project, Project]) -> None:
    one, two = clients
    doc, _created = one.documents.add_text("حماة 😀.txt", TEXT)
    listener = Listener(two.repo.engine)
    try:
        one.annotations.create_span(doc, "amal", *at("حماة"), "GPE")
        assert _readable_within(listener, 1.0) is not None
        listener.drain()
        with pytest.raises(AnnotatorError, match="already"):  # the same span twice: refused
            one.annotations.create_span(doc, "amal", *at("حماة"), "GPE")
        assert _readable_within(listener, 0.5) is None
        assert listener.drain() == []
    finally:
        listener.close()


def test_a_lost_listener_is_said_and_a_new_one_reads_what_was_missed(
    clients: tuple[Project, Project], pg_server: str
) -> None:
    one, two = clients
    doc, _created = one.documents.add_text("حماة 😀.txt", TEXT)
    listener = Listener(two.repo.engine)
    seen = two.repo.last_seq()
    admin = sa.create_engine(pg_server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:  # the server drops every connection (as in a restart)
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :db AND pid <> pg_backend_pid()"
                ),
                {"db": two.repo.engine.url.database},
            )
        assert _readable_within(listener, 2.0) is not None  # the socket says so
        with pytest.raises(ListenerLost):
            listener.drain()
        one.annotations.create_span(doc, "amal", *at("حلب"), "GPE")  # while nobody listens
        listener.close()
        listener = Listener(two.repo.engine)  # reconnected: nothing notified about the past
        assert listener.drain() == []
        missed = two.repo.changes_since(seen)  # the feed has it
        assert [c.description for c in missed] == ["Tag GPE"]
    finally:
        listener.close()
        admin.dispose()
