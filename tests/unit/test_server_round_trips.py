"""Round trips of one edit on PostgreSQL (issue 20, performance; ADR 0023): what the client
sends between two answers of the server, read from libpq's own trace of the connection.

A one-span edit makes five: BEGIN; the locks with the edit's first read; the twin check; the
insert; the feed's number with the commit. The locks and the read, and the number and the
commit, go in one message each (``store/roundtrips.py``), so the feed's row is never locked
while the server waits for the client. (The pool's liveness check of the connection, before
it is lent, is not counted here.)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy import event

from annotator.core.errors import ProjectError
from annotator.core.location import ServerUrl
from annotator.services.project import Project, open_project

TEXT = "😀 قصفتْ الطائـرات\u00a0مدينة\u200cحماة في 2024 Reuters ـ " * 20


@pytest.fixture
def server_project(pg_project_url: str) -> Iterator[Project]:
    project = open_project(ServerUrl(pg_project_url))
    yield project
    project.close()


def _round_trips(trace: str) -> list[list[str]]:
    """The client's messages, one list per round trip (ended by the server's ReadyForQuery):
    a simple query as ``Query <its text>``, the extended protocol's messages by their names."""
    trips: list[list[str]] = [[]]
    for line in trace.splitlines():
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        if parts[0] == "F":
            text = parts[3].strip().strip('"') if parts[2] == "Query" else ""
            trips[-1].append(f"{parts[2]} {text}".strip())
        elif parts[0] == "B" and parts[2] == "ReadyForQuery":
            trips.append([])
    return [trip for trip in trips if trip and trip != ["Terminate"]]


def _traced(project: Project, tmp_path: Path, work: Any) -> list[list[str]]:
    """Run ``work`` with libpq's trace on every connection the project lends meanwhile."""
    out = (tmp_path / "trace.txt").open("w")
    flags = psycopg.pq.Trace.SUPPRESS_TIMESTAMPS | psycopg.pq.Trace.REGRESS_MODE

    def on(dbapi: Any, _record: Any, _proxy: Any) -> None:
        dbapi.pgconn.trace(out.fileno())
        dbapi.pgconn.set_trace_flags(flags)

    def off(dbapi: Any, _record: Any) -> None:
        dbapi.pgconn.untrace()

    engine = project.repo.engine
    event.listen(engine, "checkout", on)
    event.listen(engine, "checkin", off)
    try:
        work()
    finally:
        event.remove(engine, "checkout", on)
        event.remove(engine, "checkin", off)
        out.close()
    return _round_trips((tmp_path / "trace.txt").read_text(encoding="utf-8"))


def test_a_one_span_edit_makes_five_round_trips_with_the_feed_and_commit_in_one(
    server_project: Project, tmp_path: Path
) -> None:
    doc_id, _ = server_project.documents.add_text("a.txt", TEXT)
    create = server_project.annotations.create_span
    for k in range(8):  # psycopg prepares a statement at its sixth run: past that
        create(doc_id, "amal", 2 * k, 2 * k + 1, "GPE")
    trips = _traced(server_project, tmp_path, lambda: create(doc_id, "amal", 40, 41, "GPE"))
    assert len(trips) == 5, trips
    begin, first, twins, insert, last = trips
    assert begin == ["Query BEGIN ISOLATION LEVEL READ COMMITTED"]
    assert len(first) == 1
    locks, read = first[0].removeprefix("Query ").split("; ")
    assert locks.startswith("SELECT pg_advisory_xact_lock_shared(")
    assert read.startswith("SELECT (SELECT s.body FROM annotation_schema s")
    assert twins[-2:] == insert[-2:] == ["Execute", "Sync"]
    assert len(last) == 1
    assert last[0].startswith("Query WITH s AS (UPDATE change_feed SET seq = seq + 1")
    assert last[0].endswith("; COMMIT")
    assert [s.start for s in server_project.annotations.spans(doc_id, "amal")][-1] == 40


def test_a_change_that_logs_nothing_commits_alone(server_project: Project, tmp_path: Path) -> None:
    """A project fact logs no change: it takes no number, and commits as usual."""
    doc_id, _ = server_project.documents.add_text("a.txt", TEXT)
    server_project.annotations.create_span(doc_id, "amal", 2, 7, "GPE")
    before = server_project.write.last_logged
    trips = _traced(server_project, tmp_path, lambda: server_project.write.set_meta("x", "1"))
    assert trips[-1] == ["Query COMMIT"]
    assert not any("change_feed" in m for trip in trips for m in trip)
    assert server_project.write.last_logged == before


def test_a_schema_change_writes_its_rows_before_the_number_and_the_commit(
    pg_project_url: str, server_project: Project, tmp_path: Path
) -> None:
    """The schema's row is an ORM object, written when the session flushes: that happens
    before the feed's number, so the message that commits is the transaction's last."""
    schema = server_project.write.schema
    trips = _traced(
        server_project,
        tmp_path,
        lambda: server_project.write.replace_schema(replace(schema, name="changed")),
    )
    assert trips[-1][0].startswith("Query WITH s AS (UPDATE change_feed")
    assert trips[-1][0].endswith("; COMMIT")
    assert sum(trip[0].startswith("Query BEGIN") for trip in trips) == 1
    again = open_project(ServerUrl(pg_project_url))
    try:
        assert again.write.schema.name == "changed"
    finally:
        again.close()


def test_a_commit_kept_waiting_for_the_feed_is_busy_and_saves_nothing(
    pg_project_url: str, server_project: Project
) -> None:
    """The number and the commit go as one message: a wait for the feed's row that outlasts
    the busy timeout is "busy" (asked again, then refused in words), never a driver's error."""
    doc_id, _ = server_project.documents.add_text("a.txt", TEXT)
    other = open_project(ServerUrl(pg_project_url), busy_timeout_ms=100)
    tries: list[int] = []
    other.write.busy = lambda attempt: tries.append(attempt) is None and attempt < 2
    holder = sa.create_engine(pg_project_url, poolclass=sa.pool.NullPool)
    try:
        with holder.begin() as conn:  # another writer between its number and its commit
            conn.execute(sa.text("SELECT seq FROM change_feed WHERE id = 1 FOR UPDATE"))
            with pytest.raises(ProjectError) as refused:
                other.annotations.create_span(doc_id, "amal", 2, 7, "GPE")
            assert str(refused.value) == (
                "Another person's change kept the project busy on the server, so this change "
                "was not saved. Try again in a moment."
            )
            assert tries == [1, 2]
        assert server_project.annotations.spans(doc_id, "amal") == []
        other.annotations.create_span(doc_id, "amal", 2, 7, "GPE")  # the row is free again
        assert [s.label for s in server_project.annotations.spans(doc_id, "amal")] == ["GPE"]
    finally:
        holder.dispose()
        other.close()
