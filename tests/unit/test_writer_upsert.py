"""A status or a fact is set in one statement on SQLite (INSERT ... ON CONFLICT DO UPDATE).

An import sets a status and a multiword-token fact on each new document; two statements
each (an UPDATE, then an INSERT) were a third of its write's statements, and a statement
costs more in SQLAlchemy than in SQLite. The row must be what the two statements made:
the last value, and for a status the time of the last change.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, event

from annotator.core.model import Status
from annotator.core.text import text_sha256
from annotator.services.project import open_project
from annotator.store.writer import Writer

# astral, NBSP, ZWNJ, tatweel, diacritics, Latin, digits
TEXT = "😀 قصفتْ الطائـرات\u00a0مدينة\u200cحماة في 2024 Reuters"
VALUE = "ب\u200cإقامة ـ 😀\u00a0x2"


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    """The statements on statuses and facts run on ``engine`` within the block."""
    seen: list[str] = []

    def heard(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if "document_status" in statement or "project_meta" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", heard)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", heard)


def test_a_status_and_a_fact_set_twice_keep_the_last_in_one_statement_each(
    tmp_path: Path,
) -> None:
    db = tmp_path / "p.db"
    project = open_project(db)
    engine = project.repo.engine
    try:
        writer = Writer(engine)
        with writer.transaction() as tx:
            doc_id = tx.add_document("خبر.txt", TEXT, text_sha256(TEXT))
            tx.annotator_id("amal", "human")
        with writer.transaction() as tx, _statements(engine) as seen:
            tx.set_status(doc_id, "amal", Status.IN_PROGRESS)
            tx.set_meta("note:1", "first")
        assert len(seen) == 2  # one statement each, the row being new
        with sqlite3.connect(db) as conn:
            (first_time,) = conn.execute("SELECT updated_at FROM document_status").fetchone()
        conn.close()
        with writer.transaction() as tx, _statements(engine) as seen:
            tx.set_status(doc_id, "amal", Status.DONE)
            tx.set_meta("note:1", VALUE)
        assert len(seen) == 2  # and the row being there
    finally:
        project.close()
    with sqlite3.connect(db) as conn:
        statuses = conn.execute("SELECT doc_id, status, updated_at FROM document_status").fetchall()
        facts = conn.execute("SELECT key, value FROM project_meta WHERE key = 'note:1'").fetchall()
    conn.close()
    assert [(d, s) for d, s, _t in statuses] == [(doc_id, "done")]
    assert statuses[0][2] > first_time  # the time of the last change, as an UPDATE sets it
    assert facts == [("note:1", VALUE)]
