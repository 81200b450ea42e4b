"""Write transactions on PostgreSQL (ADR 0023): one writer at a time per project database,
readers never wait, and the server's errors become the SQLite path's sentences."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from annotator.core.errors import ProjectError, SpanError
from annotator.core.location import ServerUrl
from annotator.services.project import Project, open_project
from annotator.store import feed
from annotator.store.dberrors import broken_rule
from annotator.store.engine import WRITE_LOCK_KEY
from annotator.store.server import open_server
from tests.conftest import REPO

TEXT = "😀 قصفتْ الطائـرات\u00a0مدينة\u200cحماة في 2024 Reuters ـ"


@pytest.fixture
def server_project(pg_project_url: str) -> Iterator[Project]:
    project = open_project(ServerUrl(pg_project_url))
    yield project
    project.close()


def test_a_write_waits_for_the_projects_write_lock_and_a_read_does_not(
    pg_project_url: str, server_project: Project
) -> None:
    doc_id, _ = server_project.documents.add_text("a.txt", TEXT)
    server_project.annotations.create_span(doc_id, "amal", 2, 7, "GPE")
    other = open_project(ServerUrl(pg_project_url), busy_timeout_ms=100)
    tries: list[int] = []
    other.write.busy = lambda attempt: tries.append(attempt) is None and attempt < 3
    holder = sa.create_engine(pg_project_url, poolclass=sa.pool.NullPool)
    try:
        with holder.begin() as conn:  # another client's write transaction, still open
            conn.execute(sa.text(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})"))
            assert [s.label for s in other.annotations.spans(doc_id, "amal")] == ["GPE"]
            with pytest.raises(ProjectError) as refused:
                other.annotations.create_span(doc_id, "amal", 9, 14, "FAC")
            assert str(refused.value) == (
                "Another person's change kept the project busy on the server, so this change "
                "was not saved. Try again in a moment."
            )
            assert tries == [1, 2, 3]
        other.annotations.create_span(doc_id, "amal", 9, 14, "FAC")  # the lock is free again
        labels = sorted(s.label for s in server_project.annotations.spans(doc_id, "amal"))
        assert labels == ["FAC", "GPE"]
    finally:
        holder.dispose()
        other.close()


def test_clients_opening_an_empty_database_at_once_make_its_tables_once(
    pg_empty_url: str,
) -> None:
    barrier = threading.Barrier(4)
    failures: list[BaseException] = []

    def open_it() -> None:
        barrier.wait()
        try:
            open_server(ServerUrl(pg_empty_url)).engine.dispose()
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    engine = sa.create_engine(pg_empty_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        feed_rows = conn.execute(sa.text("SELECT id, seq FROM change_feed")).all()
        versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    engine.dispose()
    assert feed_rows == [(1, 0)]
    assert len(versions) == 1


_WRITER = """
import sys
from annotator.core.location import ServerUrl
from annotator.services.project import open_project
url, name, doc_id, spans, deletions = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
project = open_project(ServerUrl(url))
for i in range(spans):
    project.annotations.create_span(doc_id, name, i, i + 1, "GPE")
for span in project.annotations.spans(doc_id, name)[:deletions]:
    project.annotations.delete_spans([span.id])
project.close()
"""

# Writers x spans x deletions: small in make test; the 8 x 1,000 x 200 in make stress
# (ANNOTATOR_SERVER_RACE=8x1000x200, about two minutes on two cores).
WRITERS, SPANS, DELETIONS = map(int, os.environ.get("ANNOTATOR_SERVER_RACE", "4x40x10").split("x"))
NAMES = ["amal", "salma", "نور", "zoë", "badr", "cora", "😀dana", "Ehsan\u200c"]


def test_processes_writing_at_once_lose_nothing_and_the_feed_follows_commit_order(
    pg_project_url: str, server_project: Project
) -> None:
    """WRITERS processes, one person each, create SPANS spans and delete DELETIONS at once:
    exact final counts, no duplicate, no lost edit, and one feed number per change."""
    doc_id, _ = server_project.documents.add_text("a.txt", TEXT * (SPANS // len(TEXT) + 2))
    names = NAMES[:WRITERS]
    args = [str(doc_id), str(SPANS), str(DELETIONS)]
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, pg_project_url, name, *args],
            cwd=REPO,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=1800)
        assert writer.returncode == 0, err
    for name in names:
        spans = server_project.annotations.spans(doc_id, name)
        assert [s.start for s in spans] == list(range(DELETIONS, SPANS))
    engine = sa.create_engine(pg_project_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        logged = conn.execute(sa.text("SELECT seq, id FROM change_log ORDER BY seq, id")).all()
        last = conn.execute(sa.text("SELECT seq FROM change_feed")).scalar_one()
    engine.dispose()
    seqs = [seq for seq, _ in logged]
    assert len(logged) == 1 + WRITERS * (SPANS + DELETIONS)  # the document, then each edit
    assert seqs == sorted(set(seqs)) == list(range(1, last + 1))  # one number each, no gap


def test_a_broken_rule_on_the_server_gets_the_sqlite_paths_sentence(
    pg_project_url: str, server_project: Project
) -> None:
    doc_id, _ = server_project.documents.add_text("a.txt", TEXT)
    server_project.annotations.create_span(doc_id, "amal", 2, 7, "GPE")
    engine = sa.create_engine(pg_project_url, poolclass=sa.pool.NullPool)
    twin = sa.text(
        'INSERT INTO spans (doc_id, annotator_id, start, "end", label, attributes, created_at) '
        "SELECT doc_id, annotator_id, start, \"end\", label, '{}', now() FROM spans"
    )
    with pytest.raises(sa.exc.IntegrityError) as caught, engine.begin() as conn:
        conn.execute(twin)
    engine.dispose()
    rule = broken_rule(caught.value)
    assert isinstance(rule, SpanError)
    assert str(rule).startswith("An identical span (same offsets and label) is already there")


def test_a_connection_lost_inside_a_change_is_one_sentence_and_the_next_change_reconnects(
    pg_server: str, server_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc_id, _ = server_project.documents.add_text("a.txt", TEXT)
    admin = sa.create_engine(pg_server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    original = feed.take_and_commit
    cut: list[int] = []

    def lose_the_connection_then_take(conn: Any, rows: Any) -> int:
        if not cut:  # the change's last message (the number and the commit) finds it gone
            pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
            with admin.connect() as other:
                other.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            cut.append(pid)
        return original(conn, rows)

    monkeypatch.setattr(feed, "take_and_commit", lose_the_connection_then_take)
    try:
        with pytest.raises(ProjectError) as lost:
            server_project.annotations.create_span(doc_id, "amal", 2, 7, "GPE")
        assert str(lost.value).startswith(
            "The connection to the database server was lost, so the change was not saved"
        )
        assert server_project.annotations.spans(doc_id, "amal") == []
        server_project.annotations.create_span(doc_id, "amal", 2, 7, "GPE")
    finally:
        admin.dispose()
    assert [s.label for s in server_project.annotations.spans(doc_id, "amal")] == ["GPE"]
