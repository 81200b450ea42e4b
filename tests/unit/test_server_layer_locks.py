"""Layer locks on PostgreSQL (ADR 0023): an edit locks its own layer and shares the project's
lock, so writers of different layers run at once; a change of the schema (or of documents,
statuses, merges) takes the project's lock alone, waits for them, and holds back the edits
that arrive while it waits, which then check themselves against the schema it stored."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
import sqlalchemy as sa

from annotator.core.errors import ProjectError, SpanError
from annotator.core.location import ServerUrl
from annotator.services.project import Project, open_project
from annotator.store.engine import write_lock_sql

TEXT = "😀 قصفتْ الطائـرات\u00a0مدينة\u200cحماة في 2024 Reuters ـ"


@pytest.fixture
def server_project(pg_project_url: str) -> Iterator[Project]:
    project = open_project(ServerUrl(pg_project_url))
    yield project
    project.close()


def _impatient(url: str) -> tuple[Project, list[int]]:
    """A project whose writes give up at once when locked (``tries``: each busy attempt)."""
    project = open_project(ServerUrl(url), busy_timeout_ms=100)
    tries: list[int] = []
    project.write.busy = lambda attempt: tries.append(attempt) is None and attempt < 2
    return project, tries


def _waiting_locks(engine: sa.Engine, count: int) -> None:
    """Wait until ``count`` advisory lock requests wait on the server."""
    query = sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
    deadline = time.monotonic() + 30
    with engine.connect() as conn:
        while conn.execute(query).scalar_one() < count:
            assert time.monotonic() < deadline, f"{count} lock requests never waited"
            time.sleep(0.02)
            conn.rollback()


def test_an_edit_of_another_layer_commits_while_a_layer_is_being_written(
    pg_project_url: str, server_project: Project
) -> None:
    doc_id, _ = server_project.documents.add_text("a.txt", TEXT)
    other, tries = _impatient(pg_project_url)
    holder = sa.create_engine(pg_project_url, poolclass=sa.pool.NullPool)
    try:
        with holder.begin() as conn:  # amal's edit, still open, with the locks it takes
            conn.execute(sa.text(write_lock_sql(["amal"])))
            done = other.annotations.create_span(doc_id, "نور\u200c", 2, 7, "GPE")
            assert tries == []  # never waited
            with pytest.raises(ProjectError):
                other.annotations.create_span(doc_id, "amal", 9, 14, "FAC")
            assert tries == [1, 2]  # amal's layer is locked
        stored = server_project.annotations.spans(doc_id, "نور\u200c")
        assert [(s.id, s.start, s.end, s.label) for s in stored] == [
            (done.add.spans[0].id, 2, 7, "GPE")
        ]
        other.annotations.create_span(doc_id, "amal", 9, 14, "FAC")  # free again
    finally:
        holder.dispose()
        other.close()


def test_a_schema_change_waits_for_layer_writers(
    pg_project_url: str, server_project: Project
) -> None:
    server_project.documents.add_text("a.txt", TEXT)
    other, tries = _impatient(pg_project_url)
    schema = server_project.write.schema
    holder = sa.create_engine(pg_project_url, poolclass=sa.pool.NullPool)
    try:
        with holder.begin() as conn:
            conn.execute(sa.text(write_lock_sql(["amal", "salma"])))
            with pytest.raises(ProjectError):
                other.write.replace_schema(replace(schema, name="changed"))
            assert tries == [1, 2]
        other.write.replace_schema(replace(schema, name="changed"))  # the locks are free
        assert other.write.schema.name == "changed"
    finally:
        holder.dispose()
        other.close()


def _in_thread(work: Callable[[], object], failures: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - the test reads it
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_edits_arriving_while_a_schema_change_waits_wait_for_it_and_meet_its_schema(
    pg_project_url: str, server_project: Project
) -> None:
    """Two layers are being written; a schema change that drops FAC waits for them; two
    edits of other layers arrive meanwhile. They wait for the schema change (the server
    queues a shared lock behind a waiting exclusive one), so the FAC span is refused by the
    schema it stored and the GPE span is taken; the feed's numbers follow the commits."""
    doc_id, _ = server_project.documents.add_text("a.txt", TEXT)
    schema = server_project.write.schema
    without_fac = replace(schema, labels=tuple(lb for lb in schema.labels if lb.name != "FAC"))
    projects = [open_project(ServerUrl(pg_project_url), busy_timeout_ms=60_000) for _ in range(3)]
    holder = sa.create_engine(pg_project_url, poolclass=sa.pool.NullPool)
    failures: list[BaseException] = []
    schema_failures: list[BaseException] = []
    try:
        with holder.begin() as conn:  # amal's and salma's edits, still open
            conn.execute(sa.text(write_lock_sql(["amal", "salma"])))
            change = _in_thread(
                lambda: projects[0].write.replace_schema(without_fac), schema_failures
            )
            _waiting_locks(holder, 1)
            fac = _in_thread(
                lambda: projects[1].annotations.create_span(doc_id, "😀dana", 2, 7, "FAC"),
                failures,
            )
            gpe = _in_thread(
                lambda: projects[2].annotations.create_span(doc_id, "zoë", 9, 14, "GPE"),
                failures,
            )
            _waiting_locks(holder, 3)
            assert server_project.annotations.spans(doc_id, "zoë") == []  # still waiting
        for thread in (change, fac, gpe):
            thread.join(timeout=60)
        assert schema_failures == []
        assert [type(f) for f in failures] == [SpanError]
        assert str(failures[0]) == "The label 'FAC' is not in the project's schema."
        assert server_project.annotations.spans(doc_id, "😀dana") == []
        assert [s.label for s in server_project.annotations.spans(doc_id, "zoë")] == ["GPE"]
        with holder.connect() as conn:
            logged = conn.execute(
                sa.text("SELECT seq, origin, annotator FROM change_log ORDER BY seq, id")
            ).all()
        assert [(origin, who) for _seq, origin, who in logged[-2:]] == [
            ("schema", None),
            ("user", "zoë"),
        ]
        assert [seq for seq, _o, _a in logged] == list(range(1, len(logged) + 1))
    finally:
        holder.dispose()
        for project in projects:
            project.close()
