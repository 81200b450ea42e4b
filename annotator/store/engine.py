"""Open a project database: engine, SQLite pragmas, migrations with a backup first."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect

from annotator.core.errors import ProjectError

MIGRATIONS = Path(__file__).parent / "migrations"


BUSY_TIMEOUT_MS = 5000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, busy_ms: int = BUSY_TIMEOUT_MS) -> None:
    # The driver must not open transactions on its own: _begin below does, so
    # that writes can take the write lock up front (BEGIN IMMEDIATE).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")  # first: the next one may wait
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")  # a committed edit survives a power cut
    cursor.close()


def _begin(conn: Connection) -> None:
    """Start every transaction explicitly: DEFERRED for reads, IMMEDIATE when asked."""
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """Create an engine; SQLite connections get WAL, foreign keys and a busy timeout.

    A connection with the execution option ``sqlite_begin="IMMEDIATE"`` takes
    the write lock when its transaction begins, so a read-check-write sequence
    in it cannot interleave with another process's writes. ``busy_timeout_ms``
    is how long SQLite itself waits for a lock (the GUI keeps it short and
    retries while it keeps painting).
    """
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", partial(_sqlite_pragmas, busy_ms=busy_timeout_ms))
        event.listen(engine, "begin", _begin)
    return engine


def writer_engine(engine: Engine) -> Engine:
    """The same engine, with every transaction started as BEGIN IMMEDIATE."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


def _alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _backup(path: Path, revision: str | None) -> Path:
    """Copy the database with SQLite's online backup before a migration."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.backup-{revision or 'unversioned'}-{stamp}")
    src = sqlite3.connect(str(path))
    try:
        dst = sqlite3.connect(str(target))
        with dst:
            src.backup(dst)
        dst.close()
    finally:
        src.close()
    return target


def migrate(engine: Engine, db_path: Path | None = None) -> Path | None:
    """Bring the database schema to the newest revision; return the backup's path, if any.

    An existing SQLite database that needs migrating is backed up first, and
    the backup is kept. A database written by a newer version of the app is
    refused. See ``migrations/env.py`` for how a migration runs.
    """
    cfg = _alembic_config(engine)
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head()
    current = _current_revision(engine)
    if current == head:
        return None
    if current is not None and current not in {r.revision for r in script.walk_revisions()}:
        raise ProjectError(
            f"This project was written by a newer version of the app (schema {current}). "
            "Update the app to open it."
        )
    has_tables = bool(inspect(engine).get_table_names())
    if current is None and has_tables:
        raise ProjectError("This file is an SQLite database, but not an annotation project.")
    backup = None
    if db_path is not None and current is not None and db_path.exists():
        backup = _backup(db_path, current)
    command.upgrade(cfg, "head")
    return backup


def open_sqlite(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """Open or create the project file at ``path`` and migrate it."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise ProjectError(f"{path} is a folder, not a project file.")
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise ProjectError(f"{path} is not a project file (not an SQLite database).")
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{path}", busy_timeout_ms)
    try:
        migrate(engine, path)
    except Exception:
        engine.dispose()
        raise
    return engine


def copy_project(src: Path, dst: Path) -> None:
    """Copy a closed project file (used by tests and benchmarks)."""
    shutil.copyfile(src, dst)
