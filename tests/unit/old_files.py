"""Project files as older versions of the app wrote them, made with Alembic and raw sqlite3.

The app itself can no longer store what these files hold (two events on one trigger,
identical spans, two gold layers), so the rows go in through plain ``sqlite3``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command

from annotator.core import schema as schema_io
from annotator.core.text import text_sha256
from annotator.store.engine import _alembic_config, make_engine, sqlite_url

NOW = "2026-01-01 00:00:00.000000"
TEXT = "😀 قصفتْ الطائـرات\u00a0مدينة\u200cحماة في 2024 Reuters"


def project_at(path: Path, revision: str) -> sqlite3.Connection:
    """A project file at ``revision`` holding TEXT as document 2; an open sqlite3 connection
    (foreign keys off, as every connection that is not the app's) to add rows with."""
    engine = make_engine(sqlite_url(path))
    command.upgrade(_alembic_config(engine), revision)
    engine.dispose()
    con = sqlite3.connect(path, isolation_level=None)
    body = schema_io.to_json(schema_io.default_schema())
    con.execute("INSERT INTO annotation_schema VALUES (1, ?, ?)", (body, NOW))
    con.execute(
        "INSERT INTO documents VALUES (2, 'a.txt', ?, ?, ?, ?)",
        (text_sha256(TEXT), TEXT, len(TEXT), NOW),
    )
    return con


def add_annotators(con: sqlite3.Connection, *rows: tuple[int, str, str]) -> None:
    """Annotators ``(id, name, kind)`` with a uid each (revision 0003 and later)."""
    con.executemany(
        "INSERT INTO annotators (id, name, kind, created_at, uid) VALUES (?, ?, ?, ?, ?)",
        [(i, name, kind, NOW, f"{i:032x}") for i, name, kind in rows],
    )


def add_spans(con: sqlite3.Connection, *rows: tuple[int, int, int, int, str, str]) -> None:
    """Spans ``(id, annotator_id, start, end, label, attributes)`` on document 2."""
    con.executemany("INSERT INTO spans VALUES (?, 2, ?, ?, ?, ?, ?, ?)", [(*r, NOW) for r in rows])


def add_event(
    con: sqlite3.Connection, event_id: int, trigger: int, *args: tuple[int, str, int]
) -> None:
    """amal's Conflict.Attack event on span ``trigger`` with arguments ``(id, role, span)``."""
    con.execute(
        "INSERT INTO events VALUES (?, 2, 1, 'Conflict.Attack', ?, '{}', ?)",
        (event_id, trigger, NOW),
    )
    con.executemany(
        "INSERT INTO event_arguments VALUES (?, ?, ?, ?, ?)",
        [(i, event_id, role, span, pos) for pos, (i, role, span) in enumerate(args)],
    )


def add_relations(con: sqlite3.Connection, *rows: tuple[int, str, int, int]) -> None:
    """amal's relations ``(id, type, arg1, arg2)`` on document 2."""
    con.executemany("INSERT INTO relations VALUES (?, 2, 1, ?, ?, ?, ?)", [(*r, NOW) for r in rows])
