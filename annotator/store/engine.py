"""Open a project database: engine, SQLite pragmas, migrations with a backup first."""

from __future__ import annotations

import shutil
import sqlite3
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import URL, Connection, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from annotator.core.errors import ProjectError
from annotator.store import projectfile
from annotator.store.dberrors import translate

if TYPE_CHECKING:
    from alembic.config import Config

# The newest revision in migrations/versions (test_migrations checks that Alembic agrees). A
# project already at it opens without loading Alembic or its scripts, which is most of the
# start-up cost of a CLI command.
HEAD_REVISION = "0009"

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


# PostgreSQL (team mode, ADR 0023): every write transaction first takes this transaction-level
# advisory lock, the server's counterpart of SQLite's BEGIN IMMEDIATE: exclusive, or shared with
# its layers' locks (:func:`write_lock_sql`). Advisory locks belong to one database, so the key
# is the same for every project.
WRITE_LOCK_KEY = 0x616E6E6F  # "anno"


def _pg_settings(dbapi_connection: Any, _record: Any, busy_ms: int = BUSY_TIMEOUT_MS) -> None:
    """UTC for the naive timestamps the models store; a lock wait ends after ``busy_ms``
    (as SQLite's busy timeout does), and the write service then asks its ``busy`` handler."""
    cursor = dbapi_connection.cursor()
    cursor.execute("SET TIME ZONE 'UTC'")
    cursor.execute(f"SET lock_timeout = {int(busy_ms)}")
    cursor.close()
    dbapi_connection.commit()


def _pg_begin(conn: Connection) -> None:
    """A write transaction (``sqlite_begin="IMMEDIATE"``) waits for its write locks before
    anything else (:func:`write_lock_sql`), so its reads, checks and writes cannot interleave
    with those of another writer of what it touches."""
    options = conn.get_execution_options()
    if options.get("sqlite_begin") == "IMMEDIATE" and not options.get(LOCKS_WITH_FIRST_READ):
        conn.exec_driver_sql(write_lock_sql(options.get(WRITE_LAYERS)))


WRITE_LAYERS = "annotator_write_layers"
"""The execution option naming the layers (annotator names) a write transaction writes and
nothing else; without it, the transaction may write anything and locks the whole project."""

LOCKS_WITH_FIRST_READ = "annotator_locks_with_first_read"
"""The execution option of a write transaction that sends its locks itself (PostgreSQL), in
the message of its first read (:meth:`annotator.store.txreads.TxReads.prime`), so that they
cost no round trip of their own: :func:`_pg_begin` then takes none. The server runs the
lock statement first and the read after it, with a snapshot taken once the locks are held."""


def layer_lock_key(annotator: str) -> int:
    """The second key (a signed 32-bit integer) of the advisory lock of one annotator's layer,
    taken with :data:`WRITE_LOCK_KEY` as the first. Two names may share a key: then their
    writers wait for each other, which costs time, never a rule."""
    key = zlib.crc32(annotator.encode("utf-8"))
    return key - (1 << 32) if key >= 1 << 31 else key


def write_lock_sql(layers: Iterable[str] | None) -> str:
    """The statement that takes a write transaction's locks on PostgreSQL (ADR 0023).

    ``layers`` None: the project's write lock, exclusive: nothing else writes meanwhile (a
    schema, status, document, merge or import change, and every planned change). Otherwise
    the project's lock shared (so such a change waits for this one, and this one for it)
    and, exclusive, the lock of each of these annotators' layers, in key order (two
    transactions never take two of them in opposite orders). Advisory locks with one 64-bit
    key and with two 32-bit keys never collide (PostgreSQL tells them apart).
    """
    if layers is None:
        return f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})"
    locks = [f"pg_advisory_xact_lock_shared({WRITE_LOCK_KEY})"]
    keys = sorted({layer_lock_key(name) for name in layers})
    locks += [f"pg_advisory_xact_lock({WRITE_LOCK_KEY}, {key})" for key in keys]
    return "SELECT " + ", ".join(locks)


def sqlite_url(path: Path | str) -> URL:
    """The engine URL of the SQLite file at ``path``, whatever characters its name holds.

    ``f"sqlite:///{path}"`` would be parsed: ``?`` starts a query (``a?b.sqlite``
    opens ``a``), ``%20`` is decoded (``a%20b.sqlite`` opens ``a b.sqlite``) and
    ``#`` starts a fragment. :meth:`URL.create` takes the name as it is, and the
    driver opens it as a plain file name, never as an SQLite URI.
    """
    return URL.create("sqlite", database=str(Path(path).absolute()))


def make_engine(url: str | URL, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """Create an engine; SQLite connections get WAL, foreign keys and a busy timeout.

    A connection with the execution option ``sqlite_begin="IMMEDIATE"`` takes
    the write lock when its transaction begins, so a read-check-write sequence
    in it cannot interleave with another process's writes. ``busy_timeout_ms``
    is how long SQLite itself waits for a lock (the GUI keeps it short and
    retries while it keeps painting).
    """
    server = make_url(url).get_backend_name() == "postgresql"
    # on a server, a pooled connection may have died with a restart: test it before use
    engine = create_engine(url, pool_pre_ping=True) if server else create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", partial(_sqlite_pragmas, busy_ms=busy_timeout_ms))
        event.listen(engine, "begin", _begin)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", partial(_pg_settings, busy_ms=busy_timeout_ms))
        event.listen(engine, "begin", _pg_begin)
    return engine


def writer_engine(engine: Engine) -> Engine:
    """The same engine, with every transaction started as BEGIN IMMEDIATE (on PostgreSQL:
    with the project's write lock, :func:`_pg_begin`)."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def _current_revision(engine: Engine) -> tuple[str | None, bool]:
    """The revision in ``alembic_version`` (None if none) and whether the file has any table.

    Both are read in one read transaction: another process that is creating the project at
    this moment has either committed both (tables and revision) or neither.
    """
    with engine.connect() as conn, conn.begin():
        tables = inspect(conn).get_table_names()
        rows: list[str] = []
        if "alembic_version" in tables:
            rows = list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    if len(rows) > 1:
        raise ProjectError("This project file is damaged: it names several schema versions.")
    return (rows[0] if rows else None), bool(tables)


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
    current, has_tables = _current_revision(engine)
    if current == HEAD_REVISION:
        return None
    if current is None and not has_tables and _create_at_head(engine):
        return None
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(engine)
    script = ScriptDirectory.from_config(cfg)
    current, has_tables = _current_revision(engine)  # again: another process may have migrated
    if current == script.get_current_head():
        return None
    if current is not None and current not in {r.revision for r in script.walk_revisions()}:
        raise ProjectError(
            f"This project was written by a newer version of the app (schema {current}). "
            "Update the app to open it."
        )
    if current is None and has_tables:
        raise ProjectError("This file is an SQLite database, but not an annotation project.")
    backup = None
    if db_path is not None and current is not None and db_path.exists():
        backup = _backup(db_path, current)
    command.upgrade(cfg, "head")
    return backup


def _create_at_head(engine: Engine) -> bool:
    """Give an empty file the newest schema at once, stamped :data:`HEAD_REVISION`.

    The tables come from the models, which describe the newest revision (a test
    compares them with a file taken through every migration), so a new project
    does not replay the history of older ones (0.9 s of table rebuilds). One
    IMMEDIATE transaction: False if another process gave the file tables first,
    and the caller then judges the file as it finds it.
    """
    from annotator.store.models import Base

    with writer_engine(engine).begin() as conn:
        if inspect(conn).get_table_names():
            return False
        Base.metadata.create_all(conn)
        conn.execute(
            text(
                "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
            )
        )
        conn.execute(text("INSERT INTO alembic_version VALUES (:head)"), {"head": HEAD_REVISION})
    return True


def open_sqlite(
    path: Path | str, *, create: bool = True, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Engine:
    """Open or create the project file at ``path`` and migrate it (see :func:`open_file`)."""
    return open_file(path, create=create, busy_timeout_ms=busy_timeout_ms).engine


@dataclass(frozen=True)
class OpenedFile:
    """An open project file: its engine, whether it is read-only, and a migration's backup."""

    engine: Engine
    read_only: bool
    backup: Path | None = None
    set_aside: tuple[tuple[str, int], ...] = ()  # rows that migration set aside, by kind


def open_file(
    path: Path | str, *, create: bool = True, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> OpenedFile:
    """Judge the file first (:mod:`.projectfile`), then open it.

    A refused file is never touched. A file whose folder or itself cannot be
    written opens read-only. ``create=False`` refuses a missing file. Known
    SQLite failures (full disk, locked, damaged...) become :class:`ProjectError`.
    An older file is migrated after a backup, whose path is returned.
    """
    check = projectfile.inspect_file(path, create=create)
    try:
        if check.read_only:
            return OpenedFile(_open_read_only(check), True)
        return _open_writable(check.path, busy_timeout_ms)
    except (sqlite3.Error, DBAPIError, OSError) as exc:
        error = translate(exc, check.path)
        if error is None:
            raise
        raise error from None


def _open_writable(path: Path, busy_timeout_ms: int) -> OpenedFile:
    engine = make_engine(sqlite_url(path), busy_timeout_ms)
    try:
        before = _current_revision(engine)[0]
        backup = migrate(engine, path)
        aside = set_aside_since(engine, before) if backup is not None else ()
    except Exception:
        engine.dispose()
        raise
    return OpenedFile(engine, False, backup, aside)


# rows that migrations set aside are kept here (migration 0008; 0006's events moved in)
SET_ASIDE_TABLE = "set_aside_rows"


def set_aside_since(engine: Engine, revision: str | None) -> tuple[tuple[str, int], ...]:
    """How many rows of each kind migrations after ``revision`` set aside, by kind."""
    query = text(
        f"SELECT kind, count(*) FROM {SET_ASIDE_TABLE} WHERE revision > :r GROUP BY kind "
        "ORDER BY kind"
    )
    with engine.connect() as conn, conn.begin():
        if SET_ASIDE_TABLE not in inspect(conn).get_table_names():
            return ()
        return tuple((str(k), int(n)) for k, n in conn.execute(query, {"r": revision or ""}))


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
    if check.is_new or check.revision != HEAD_REVISION:
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


def copy_project(src: Path, dst: Path) -> None:
    """Copy a closed project file (used by tests and benchmarks)."""
    shutil.copyfile(src, dst)
