"""Open a project database: engine, SQLite pragmas, migrations with a backup first."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect

from annotator.core.errors import ProjectError

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


def open_sqlite(path: Path) -> Engine:
    """Open or create the project file at ``path`` and migrate it."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise ProjectError(f"{path} is a folder, not a project file.")
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise ProjectError(f"{path} is not a project file (not an SQLite database).")
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate(engine, path)
    except Exception:
        engine.dispose()
        raise
    return engine


def copy_project(src: Path, dst: Path) -> None:
    """Copy a closed project file (used by tests and benchmarks)."""
    shutil.copyfile(src, dst)
