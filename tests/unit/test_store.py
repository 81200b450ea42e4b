"""The project file: pragmas, migrations, backups and refusal of foreign files."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from annotator.core.errors import ProjectError
from annotator.core.location import Location
from annotator.core.tokens import tokenizer_id
from annotator.services.project import open_project
from annotator.store.engine import open_sqlite
from tests.conftest import BOTH


def test_pragmas_are_set(db_path: Path) -> None:
    engine = open_sqlite(db_path)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    finally:
        engine.dispose()


def test_new_project_is_at_head_and_stores_the_default_schema(db_path: Path) -> None:
    project = open_project(db_path)
    project.close()
    con = sqlite3.connect(db_path)
    try:
        (rev,) = con.execute("SELECT version_num FROM alembic_version").fetchone()
        (body,) = con.execute("SELECT body FROM annotation_schema").fetchone()
    finally:
        con.close()
    assert rev
    assert '"ACE 2005"' in body


def test_foreign_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (x)")
    con.commit()
    con.close()
    with pytest.raises(ProjectError, match="not an annotation project"):
        open_sqlite(other)
    con = sqlite3.connect(other)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    finally:
        con.close()
    assert tables == ["notes"]


def test_database_from_a_newer_app_is_refused(db_path: Path) -> None:
    open_project(db_path).close()
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    with pytest.raises(ProjectError, match="newer version"):
        open_sqlite(db_path)


def test_backup_is_a_complete_copy_of_the_project(db_path: Path) -> None:
    from annotator.store.engine import _backup

    project = open_project(db_path)
    project.documents.add_text("a.txt", "نص عربي")
    project.close()
    copy = _backup(db_path, "0001")
    assert copy.name.startswith(f"{db_path.name}.backup-0001-")
    con = sqlite3.connect(copy)
    try:
        assert con.execute("SELECT text FROM documents").fetchall() == [("نص عربي",)]
    finally:
        con.close()


def test_an_edit_survives_the_process_being_killed(db_path: Path) -> None:
    import signal
    import subprocess
    import sys

    code = (
        "import os, signal, sys\n"
        "from annotator.services.project import open_project\n"
        "p = open_project(sys.argv[1])\n"
        "doc, _ = p.documents.add_text('k.txt', 'قصفت الطائرات مدينة حماة')\n"
        "p.annotations.create_span(doc, 'amal', 20, 24, 'GPE')\n"
        "print('stored', flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(db_path)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == -signal.SIGKILL
    assert run.stdout.strip() == "stored"
    project = open_project(db_path)
    try:
        (doc_id,) = project.documents.document_ids()
        (span,) = project.annotations.spans(doc_id, "amal")
        assert span.text_in(project.documents.document(doc_id).text) == "حماة"
    finally:
        project.close()


@pytest.mark.parametrize("backend", BOTH, indirect=True)
def test_every_statement_the_write_path_sends_is_built_by_sqlalchemy(project_at: Location) -> None:
    """No hand-written SQL with the driver's ``?`` placeholders: it would not run on PostgreSQL.

    Only the transaction's ``BEGIN`` (its advisory locks on PostgreSQL) and the connection's
    ``PRAGMA``s are sent as text; every row goes through a statement SQLAlchemy compiled for
    the dialect. On both backends.
    """
    from sqlalchemy import event

    project = open_project(project_at)
    raw: list[str] = []

    def seen(_c: object, _cur: object, statement: str, _p: object, context: Any, _m: bool) -> None:
        if context is None or context.compiled is None:
            raw.append(statement)

    event.listen(project.repo.engine, "before_cursor_execute", seen)
    try:
        text_ = "😀 قصفتْ الطائـرات\u00a0مدينة حماة"
        doc_id, _new = project.documents.add_text("w.txt", text_)
        start = text_.index("حماة")
        span = project.annotations.create_span(doc_id, "amal", start, start + 4, "GPE")
        project.annotations.relabel_span(span.add.spans[0].id, "LOC")
        assert project.repo.stored_tokens([doc_id], tokenizer_id())[doc_id].words
    finally:
        event.remove(project.repo.engine, "before_cursor_execute", seen)
        project.close()
    # the transaction's own locks: BEGIN IMMEDIATE on a project file, the advisory locks
    # of ADR 0023 (integers only, no parameters) on PostgreSQL
    locks = ("BEGIN", "PRAGMA", "SELECT pg_advisory_xact_lock")
    assert [s for s in raw if not s.startswith(locks)] == []
