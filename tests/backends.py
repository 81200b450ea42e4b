"""Raw reads of a test's project on either backend (a project file or a server database),
for the suites that run on both (``BACKENDS = BOTH``, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from annotator.core.location import Location
from annotator.store.engine import sqlite_url


def raw_engine(location: Location) -> sa.Engine:
    """A plain engine on ``location``, outside the app (no pragmas, no locks, no pool)."""
    url = sqlite_url(location) if isinstance(location, Path) else location.url
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def query(location: Location, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """The rows of one query (``:name`` parameters)."""
    engine = raw_engine(location)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(sa.text(sql), params)]
    finally:
        engine.dispose()


def execute(location: Location, sql: str, **params: Any) -> None:
    """Run one statement and commit it, as another program would."""
    engine = raw_engine(location)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(sql), params)
    finally:
        engine.dispose()


def column_names(location: Location, table: str) -> list[str]:
    """The columns of ``table``, in their order."""
    engine = raw_engine(location)
    try:
        return [c["name"] for c in sa.inspect(engine).get_columns(table)]
    finally:
        engine.dispose()


def snapshot(location: Location, tables: tuple[str, ...] | None = None) -> dict[str, list[Any]]:
    """Every row of ``tables`` (default: those an edit or import may touch), sorted."""
    from tests.unit.test_transfer_errors import TABLES

    return {t: sorted(query(location, f"SELECT * FROM {t}"), key=repr) for t in tables or TABLES}


def state(location: Location) -> object:
    """What must not change when a change is refused: a project file's bytes, a server
    database's rows."""
    if isinstance(location, Path):
        return location.read_bytes()
    return snapshot(location)
