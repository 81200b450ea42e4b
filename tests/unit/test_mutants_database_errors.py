"""What the write service tells the user when the database itself refuses a change (make mutate).

``steps.project_error`` turns the database's failure inside a write transaction into one
sentence. The other tests reach it only through a locked file; these reach every branch
in-process, on a real project file:

- a rule the database enforces (a foreign key) that a row of another program's table
  relies on;
- a full database (``PRAGMA max_page_count``: SQLite's own "database or disk is full");
- a database SQLite will not write (``PRAGMA query_only``: its own "attempt to write a
  readonly database");
- texts other databases use ("busy", "read-only", anything else), raised by a trigger
  another program put in the file (``RAISE(ABORT, ...)``), since SQLite never says them.

docs/mutation-testing.md lists the mutants each one kills.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from annotator.core.errors import ProjectError, ReadOnlyError, StaleEditError
from annotator.core.location import ServerUrl
from annotator.core.model import Status
from annotator.core.text import text_sha256
from annotator.services.project import Project, open_project
from annotator.services.write import NewDocument, WriteService
from annotator.store.engine import make_engine, sqlite_url
from annotator.store.writer import Writer

TEXT = "قصفت الطائـــرات\u00a0مدينةَ حماة قرب حلب\u200cالشهباء 😀 في 2024 (Reuters)"
LONG = "كتـــاب\u200cمُدرَّس\u00a0Latin 42 🌍 " * 4000  # about 100,000 code points


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def proj(db_path: Path) -> Iterator[Project]:
    """A fresh project file with one document."""
    project = open_project(db_path)
    project.documents.add_text("حماة 😀.txt", TEXT)
    yield project
    project.close()


def service_with(db_path: Path, pragma: str) -> WriteService:
    """A write service on ``db_path`` whose connections run ``pragma`` once it is open."""
    engine = make_engine(sqlite_url(db_path))
    service = WriteService(Writer(engine))

    def run(connection: Any, _record: Any) -> None:
        connection.execute(pragma)

    event.listen(engine, "connect", run)
    engine.dispose()  # every connection from now on runs it
    return service


def abort_status_writes(db_path: Path, message: str) -> None:
    """Another program adds a trigger that refuses every new status row with ``message``."""
    with sqlite3.connect(db_path) as con:
        con.execute(
            "CREATE TRIGGER refuse_status BEFORE INSERT ON document_status "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )


def stored_status(db_path: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(db_path) as con:
        return list(con.execute("SELECT doc_id, status FROM document_status"))


def test_a_span_another_programs_table_refers_to_is_kept_with_the_rules_sentence(
    proj: Project, db_path: Path
) -> None:
    (city,) = proj.annotations.create_span(1, "amal", *at("حماة"), "GPE").add.spans
    with sqlite3.connect(db_path) as con:  # a review tool keeps its own rows about spans
        con.execute("CREATE TABLE reviews (span_id INTEGER NOT NULL REFERENCES spans (id))")
        con.execute("INSERT INTO reviews VALUES (?)", (city.id,))
    with pytest.raises(StaleEditError) as refused:
        proj.annotations.delete_spans([city.id])
    assert str(refused.value) == (
        "Other rows still refer to what this change removes or points at (another window or "
        "program may have changed them), so the database refused it; nothing was saved."
    )
    assert [s.id for s in proj.annotations.spans(1, "amal")] == [city.id]


def test_a_full_database_refuses_a_new_document_with_the_disk_full_sentence(
    proj: Project, db_path: Path
) -> None:
    full = service_with(db_path, "PRAGMA max_page_count = 1")  # no page beyond today's
    with pytest.raises(ProjectError) as refused:
        full.add_documents([NewDocument("طويل.txt", LONG, text_sha256(LONG))])
    assert str(refused.value) == "The disk is full, so the change was not saved. Free some space."
    assert [d.name for d in proj.documents.summaries("amal")] == ["حماة 😀.txt"]


def test_a_database_sqlite_will_not_write_refuses_with_the_read_only_sentence(
    proj: Project, db_path: Path
) -> None:
    service = service_with(db_path, "PRAGMA query_only = ON")
    with pytest.raises(ReadOnlyError) as refused:
        service.set_status(1, "amal", Status.DONE)
    assert str(refused.value) == (
        "The project file cannot be written (read-only); nothing was saved."
    )
    assert proj.documents.status(1, "amal") is Status.NEW


def test_a_read_only_text_of_another_database_gets_the_read_only_sentence(
    proj: Project, db_path: Path
) -> None:
    abort_status_writes(db_path, "cannot execute INSERT in a read-only transaction")
    with pytest.raises(ReadOnlyError) as refused:
        proj.write.set_status(1, "amal", Status.DONE)
    assert str(refused.value) == (
        "The project file cannot be written (read-only); nothing was saved."
    )
    assert stored_status(db_path) == []


def test_an_unknown_refusal_is_not_retried_and_quotes_the_database(
    proj: Project, db_path: Path
) -> None:
    abort_status_writes(db_path, "statuses are frozen by the archive tool")
    asked: list[int] = []
    proj.write.busy = lambda attempt: asked.append(attempt) or True
    with pytest.raises(ProjectError) as refused:
        proj.write.set_status(1, "amal", Status.DONE)
    assert type(refused.value) is ProjectError
    assert str(refused.value) == (
        "The project database refused the change (statuses are frozen by the archive tool); "
        "nothing was saved."
    )
    assert asked == []
    assert stored_status(db_path) == []


def test_a_busy_database_is_retried_then_refused_as_locked(proj: Project, db_path: Path) -> None:
    abort_status_writes(db_path, "the server is busy")
    asked: list[int] = []
    proj.write.busy = lambda attempt: asked.append(attempt) or attempt < 3
    with pytest.raises(ProjectError) as refused:
        proj.write.set_status(1, "amal", Status.DONE)
    assert asked == [1, 2, 3]
    assert str(refused.value) == (
        "The project file stayed locked by another program, so the change was not saved. "
        "Close the other program (or wait for it) and try again."
    )
    assert stored_status(db_path) == []


def test_a_busy_database_is_tried_thirty_times_by_default_then_refused(
    proj: Project, db_path: Path
) -> None:
    # the write service's own handler (the CLI's): it waits before each of 30 tries, then
    # gives up; the first 28 are answered here without the wait, to keep the test short
    abort_status_writes(db_path, "the server is busy")
    own = proj.write.busy
    asked: list[int] = []
    proj.write.busy = lambda attempt: (
        asked.append(attempt) or (attempt < 40 and (attempt <= 28 or own(attempt)))
    )
    with pytest.raises(ProjectError) as refused:
        proj.write.set_status(1, "amal", Status.DONE)
    assert asked == list(range(1, 32))
    assert str(refused.value).startswith("The project file stayed locked by another program")
    assert stored_status(db_path) == []


# -- the same refusals on a PostgreSQL server (issue 20): its own codes, its own sentences --


@pytest.fixture
def server(pg_project_url: str) -> Iterator[tuple[Project, sa.Engine]]:
    """A project database on the run's server with one document, and a superuser engine on
    it (another program that adds triggers)."""
    project = open_project(ServerUrl(pg_project_url))
    project.documents.add_text("حماة 😀.txt", TEXT)
    admin = sa.create_engine(pg_project_url, poolclass=sa.pool.NullPool)
    yield project, admin
    project.close()
    admin.dispose()


def server_trigger(admin: sa.Engine, body: str) -> None:
    """Another program adds a trigger that runs ``body`` before every new span row."""
    with admin.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE FUNCTION other_tool() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN {body}; RETURN NEW; END $$"
            )
        )
        conn.execute(
            sa.text(
                "CREATE TRIGGER other_tool BEFORE INSERT ON spans "
                "FOR EACH ROW EXECUTE FUNCTION other_tool()"
            )
        )


def server_spans(admin: sa.Engine) -> int:
    with admin.connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM spans")).scalar_one())


def test_a_lock_the_server_could_not_get_is_retried_then_refused_as_another_persons_change(
    server: tuple[Project, sa.Engine],
) -> None:
    project, admin = server
    server_trigger(admin, "RAISE EXCEPTION 'row is locked' USING ERRCODE = 'lock_not_available'")
    asked: list[int] = []
    project.write.busy = lambda attempt: asked.append(attempt) or attempt < 2
    with pytest.raises(ProjectError) as refused:
        project.annotations.create_span(1, "amal", *at("حماة"), "GPE")
    assert asked == [1, 2]
    assert str(refused.value) == (
        "Another person's change kept the project busy on the server, so this change was not "
        "saved. Try again in a moment."
    )
    assert server_spans(admin) == 0


def test_a_connection_the_server_ends_inside_a_change_is_refused_as_lost_and_not_retried(
    server: tuple[Project, sa.Engine],
) -> None:
    project, admin = server
    server_trigger(admin, "PERFORM pg_terminate_backend(pg_backend_pid())")
    asked: list[int] = []
    project.write.busy = lambda attempt: asked.append(attempt) or True
    with pytest.raises(ProjectError) as refused:
        project.annotations.create_span(1, "amal", *at("حماة"), "GPE")
    assert str(refused.value) == (
        "The connection to the database server was lost, so the change was not saved (one "
        "being committed at that very moment may have been). Try again once the server is "
        "back: the connection is made again by itself."
    )
    assert asked == []
    assert server_spans(admin) == 0
