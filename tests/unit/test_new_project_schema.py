"""A new project gets the newest schema from the models at once (store.engine._create_at_head).

That is only right while the models describe exactly what the migrations build, so a
file taken through every migration from empty must have the same shape: the same
columns with their types, NOT NULL and defaults, the same keys, foreign keys with
their ON DELETE actions, indexes (unique, partial) and AUTOINCREMENT.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import inspect

from annotator.services.project import open_project
from annotator.store.engine import HEAD_REVISION, _alembic_config, make_engine, sqlite_url

Shape = dict[str, dict[str, Any]]


def _where(sql: str | None) -> str:
    """The WHERE clause of a partial index, white space folded."""
    if not sql or " WHERE " not in sql.upper():
        return ""
    return " ".join(sql[sql.upper().index(" WHERE ") :].split())


def _shape(path: Path) -> Shape:
    con = sqlite3.connect(path)
    try:
        shape: Shape = {}
        tables = con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        for name, sql in tables:
            indexes = []
            for _seq, index, unique, origin, partial in con.execute(f"PRAGMA index_list('{name}')"):
                columns = tuple(row[2] for row in con.execute(f"PRAGMA index_info('{index}')"))
                made = con.execute("SELECT sql FROM sqlite_master WHERE name = ?", (index,))
                named = index if origin == "c" else origin  # automatic indexes: by what made them
                indexes.append((named, unique, columns, partial, _where(made.fetchone()[0])))
            shape[name] = {
                "columns": sorted(
                    tuple(r[1:]) for r in con.execute(f"PRAGMA table_info('{name}')")
                ),
                "foreign keys": sorted(
                    tuple(r[2:]) for r in con.execute(f"PRAGMA foreign_key_list('{name}')")
                ),
                "indexes": sorted(indexes),
                "autoincrement": "AUTOINCREMENT" in sql.upper(),
            }
        return shape
    finally:
        con.close()


def test_a_new_project_has_the_shape_every_migration_builds(tmp_path: Path) -> None:
    migrated = tmp_path / "migrated.sqlite"
    engine = make_engine(sqlite_url(migrated))
    command.upgrade(_alembic_config(engine), "head")  # 0001, 0002, ... from an empty file
    engine.dispose()

    new = tmp_path / "new.sqlite"
    open_project(new).close()

    assert _shape(new) == _shape(migrated)
    assert len(_shape(new)) >= 12  # the comparison saw the tables


def test_a_new_project_is_stamped_with_the_head_and_never_ran_a_migration(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    project = open_project(path)
    try:
        assert project.backup is None
    finally:
        project.close()
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (HEAD_REVISION,)
        ]
        # a table rebuilt by a migration (0002 rebuilt spans) has its name in quotes
        sql = con.execute("SELECT sql FROM sqlite_master WHERE name = 'spans'").fetchone()[0]
        assert sql.startswith("CREATE TABLE spans (")
    finally:
        con.close()
    engine = make_engine(sqlite_url(path))
    try:
        assert "alembic_version" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
