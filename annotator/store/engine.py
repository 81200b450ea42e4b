"""Open a project database: engine, SQLite pragmas, migrations with a backup first."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from annotator.core.errors import ProjectError
from annotator.store import projectfile
from annotator.store.dberrors import translate

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=FULL")  # a committed edit survives a power cut
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite connections get WAL, foreign keys and a busy timeout."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


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


def migrate(engine: Engine, db_path: Path | None = None) -> None:
    """Bring the database schema to the newest revision.

    An existing SQLite database that needs migrating is backed up first. A
    database written by a newer version of the app is refused.
    """
    cfg = _alembic_config(engine)
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head()
    current = _current_revision(engine)
    if current == head:
        return
    if current is not None and current not in {r.revision for r in script.walk_revisions()}:
        raise ProjectError(
            f"This project was written by a newer version of the app (schema {current}). "
            "Update the app to open it."
        )
    has_tables = bool(inspect(engine).get_table_names())
    if current is None and has_tables:
        raise ProjectError("This file is an SQLite database, but not an annotation project.")
    if db_path is not None and current is not None and db_path.exists():
        _backup(db_path, current)
    command.upgrade(cfg, "head")


def open_sqlite(path: Path | str, *, create: bool = True) -> Engine:
    """Open or create the project file at ``path`` and migrate it (see :func:`open_file`)."""
    return open_file(path, create=create).engine


@dataclass(frozen=True)
class OpenedFile:
    """An open project file: its engine, and whether it could only be opened read-only."""

    engine: Engine
    read_only: bool


def open_file(path: Path | str, *, create: bool = True) -> OpenedFile:
    """Judge the file first (:mod:`.projectfile`), then open it.

    A refused file is never touched. A file whose folder or itself cannot be
    written opens read-only. ``create=False`` refuses a missing file. Known
    SQLite failures (full disk, locked, damaged...) become :class:`ProjectError`.
    """
    check = projectfile.inspect_file(path, create=create)
    try:
        if check.read_only:
            return OpenedFile(_open_read_only(check), True)
        return OpenedFile(_open_writable(check.path), False)
    except (sqlite3.Error, DBAPIError, OSError) as exc:
        error = translate(exc, check.path)
        if error is None:
            raise
        raise error from None


def _open_writable(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate(engine, path)
    except Exception:
        engine.dispose()
        raise
    return engine


def _readonly_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _readonly_engine(uri: str) -> Engine:
    engine = create_engine(
        "sqlite+pysqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        poolclass=QueuePool,
    )
    event.listen(engine, "connect", _readonly_pragmas)
    return engine


def _open_read_only(check: projectfile.FileCheck) -> Engine:
    """An engine that never writes: ``mode=ro``, or ``immutable=1`` in a read-only folder.

    A WAL database needs its ``-shm`` file; in a read-only folder where it
    cannot be created, SQLite can only open the file as immutable, which is
    right only when no ``-wal`` file holds changes not yet in the main file.
    """
    path = check.path
    if check.is_new or check.revision != _head_revision():
        raise ProjectError(
            f"{path} is read-only and needs to be upgraded by this version of the app "
            "before it can be opened. Copy it to a folder you may write to."
        )
    engine = _readonly_engine(projectfile.readonly_uri(path))
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        return engine
    except DBAPIError:
        engine.dispose()
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise ProjectError(
            f"{path} is read-only and has changes in {wal.name} that can only be read from a "
            "folder you may write to. Copy both files to such a folder to open them."
        )
    return _readonly_engine(projectfile.readonly_uri(path, immutable=True))


def _head_revision() -> str | None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def copy_project(src: Path, dst: Path) -> None:
    """Copy a closed project file (used by tests and benchmarks)."""
    shutil.copyfile(src, dst)
