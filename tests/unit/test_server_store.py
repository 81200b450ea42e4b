"""The store on PostgreSQL (issue 20): the migrations build what the models describe, ids are
identity columns that never repeat, and the database itself enforces the rules of 0008."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from annotator.core import schema as schema_io
from annotator.core.location import ServerUrl
from annotator.core.text import text_sha256
from annotator.services.project import open_project
from annotator.store.engine import HEAD_REVISION, _alembic_config, make_engine

TEXT = "😀 قصفتْ الطائـرات\u00a0مدينة\u200cحماة في 2024 Reuters"
NOW = "2026-01-01 00:00:00"
IDENTITY_TABLES = {
    "annotators",
    "documents",
    "spans",
    "events",
    "event_arguments",
    "relations",
    "change_log",
    "set_aside_rows",
}


def _shape(url: str) -> dict[str, dict[str, Any]]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        inspector = sa.inspect(engine)
        shape: dict[str, dict[str, Any]] = {}
        for name in sorted(inspector.get_table_names()):
            shape[name] = {
                "columns": sorted(
                    (
                        c["name"],
                        str(c["type"]),
                        c["nullable"],
                        c.get("default") if not c.get("identity") else None,
                        bool(c.get("identity")),
                    )
                    for c in inspector.get_columns(name)
                ),
                "key": inspector.get_pk_constraint(name)["constrained_columns"],
                "foreign keys": sorted(
                    (
                        fk["name"],
                        tuple(fk["constrained_columns"]),
                        fk["referred_table"],
                        fk["options"].get("ondelete"),
                    )
                    for fk in inspector.get_foreign_keys(name)
                ),
                "indexes": sorted(
                    (
                        i["name"],
                        bool(i["unique"]),
                        tuple(i["column_names"]),
                        str(i.get("dialect_options", {}).get("postgresql_where")),
                    )
                    for i in inspector.get_indexes(name)
                ),
                "unique": sorted(
                    (u["name"], tuple(u["column_names"]))
                    for u in inspector.get_unique_constraints(name)
                ),
            }
        return shape
    finally:
        engine.dispose()


def test_every_migration_on_postgresql_builds_what_a_new_project_has(
    pg_empty_url: str, pg_project_url: str
) -> None:
    engine = make_engine(pg_empty_url)
    command.upgrade(_alembic_config(engine), "head")  # 0001, 0002, ... from an empty database
    engine.dispose()
    migrated, new = _shape(pg_empty_url), _shape(pg_project_url)
    assert migrated == new
    assert len(new) >= 12
    with_identity = {t for t, s in new.items() if any(c[4] for c in s["columns"])}
    assert with_identity == IDENTITY_TABLES
    restrict = {fk[3] for s in new.values() for fk in s["foreign keys"]}
    assert restrict == {"RESTRICT"}


def _raw(url: str) -> sa.Engine:
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def test_an_id_is_never_given_twice_on_postgresql(pg_project_url: str) -> None:
    project = open_project(ServerUrl(pg_project_url))
    try:
        doc_id, created = project.documents.add_text("a.txt", TEXT)
        (first,) = project.annotations.create_span(doc_id, "amal", 2, 7, "GPE").add.spans
        project.annotations.delete_spans([first.id])
        (second,) = project.annotations.create_span(doc_id, "amal", 2, 7, "GPE").add.spans
    finally:
        project.close()
    assert created
    assert second.id > first.id > 0


def _old_database(url: str) -> sa.Engine:
    """A database at 0007 with twin spans, twin relations and two gold layers."""
    engine = make_engine(url)
    command.upgrade(_alembic_config(engine), "0007")
    body = schema_io.to_json(schema_io.default_schema())
    rows = [
        ("INSERT INTO annotation_schema VALUES (1, :b, :t)", {"b": body, "t": NOW}),
        (
            "INSERT INTO documents VALUES (2, 'a.txt', :h, :x, :n, :t)",
            {"h": text_sha256(TEXT), "x": TEXT, "n": len(TEXT), "t": NOW},
        ),
    ]
    with engine.begin() as conn:
        for sql, params in rows:
            conn.execute(sa.text(sql), params)
        for i, name, kind in ((1, "amal", "human"), (4, "gold", "gold"), (5, "gold2", "gold")):
            conn.execute(
                sa.text("INSERT INTO annotators VALUES (:i, :n, :k, :t, :u)"),
                {"i": i, "n": name, "k": kind, "t": NOW, "u": f"{i:032x}"},
            )
        for i, start, end, label in ((5, 2, 7, "GPE"), (6, 2, 7, "GPE"), (9, 17, 27, "FAC")):
            conn.execute(
                sa.text("INSERT INTO spans VALUES (:i, 2, 1, :s, :e, :l, '{}', :t)"),
                {"i": i, "s": start, "e": end, "l": label, "t": NOW},
            )
        for i, a, b in ((3, 9, 5), (4, 9, 6), (7, 9, 5)):  # 4 follows 6 to 5: twin of 3, as 7
            conn.execute(
                sa.text("INSERT INTO relations VALUES (:i, 2, 1, 'PHYS', :a, :b, :t)"),
                {"i": i, "a": a, "b": b, "t": NOW},
            )
    return engine


def test_0008_on_postgresql_sets_twins_aside_and_the_database_refuses_them_after(
    pg_empty_url: str,
) -> None:
    engine = _old_database(pg_empty_url)
    command.upgrade(_alembic_config(engine), "head")
    with engine.connect() as conn:
        version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        spans = conn.execute(sa.text("SELECT id FROM spans ORDER BY id")).scalars().all()
        relations = conn.execute(sa.text("SELECT id FROM relations ORDER BY id")).scalars().all()
        aside = conn.execute(
            sa.text("SELECT kind, row_id, kept_id, original FROM set_aside_rows ORDER BY id")
        ).all()
        kinds = conn.execute(sa.text("SELECT name, kind FROM annotators ORDER BY id")).all()
    assert version == HEAD_REVISION
    assert spans == [5, 9]
    assert relations == [3]
    assert [(k, r, kept) for k, r, kept, _ in aside] == [
        ("span", 6, 5),
        ("relation", 4, 3),
        ("relation", 7, 3),
        ("gold layer", 5, 4),
    ]
    assert json.loads(aside[0][3])["span"]["label"] == "GPE"
    assert kinds == [("amal", "human"), ("gold", "gold"), ("gold2", "human")]
    refused = [
        ("INSERT INTO spans VALUES (40, 2, 1, 2, 7, 'GPE', '{}', now())", "ux_spans_identical"),
        ("INSERT INTO relations VALUES (40, 2, 1, 'PHYS', 9, 5, now())", "ux_relations_ends"),
        ("UPDATE annotators SET kind = 'gold' WHERE id = 5", "ux_annotators_gold"),
        ("DELETE FROM spans WHERE id = 5", "relations_arg2_span_id_fkey"),
        ("DELETE FROM documents WHERE id = 2", "spans_doc_id_fkey"),
        ("DELETE FROM annotators WHERE id = 1", "spans_annotator_id_fkey"),
    ]
    for sql, constraint in refused:
        with pytest.raises(sa.exc.IntegrityError, match=constraint), engine.begin() as conn:
            conn.execute(sa.text(sql))
    engine.dispose()


def test_one_event_per_trigger_and_one_argument_per_role_on_postgresql(
    pg_project_url: str,
) -> None:
    engine = _raw(pg_project_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO documents (name, sha256, text, length, created_at) VALUES "
                    "('a', 'h', :x, :n, now())"),
            {"x": TEXT, "n": len(TEXT)},
        )  # fmt: skip
        conn.execute(sa.text("INSERT INTO annotators (name, kind, uid, created_at) VALUES "
                             "('amal', 'human', 'u1', now())"))  # fmt: skip
        conn.execute(sa.text(
            "INSERT INTO spans (doc_id, annotator_id, start, \"end\", label, attributes, "
            "created_at) SELECT d.id, a.id, 2, 7, 'Conflict.Attack', '{}', now() "
            "FROM documents d, annotators a"
        ))  # fmt: skip
        conn.execute(sa.text(
            "INSERT INTO events (doc_id, annotator_id, type, trigger_span_id, attributes, "
            "created_at) SELECT doc_id, annotator_id, label, id, '{}', now() FROM spans"
        ))  # fmt: skip
        conn.execute(sa.text(
            "INSERT INTO event_arguments (event_id, role, span_id, position) "
            "SELECT e.id, 'Place', e.trigger_span_id, 0 FROM events e"
        ))  # fmt: skip
    for sql, constraint in [
        (
            "INSERT INTO events (doc_id, annotator_id, type, trigger_span_id, attributes, "
            "created_at) SELECT doc_id, annotator_id, label, id, '{}', now() FROM spans",
            "ux_events_trigger",
        ),
        (
            "INSERT INTO event_arguments (event_id, role, span_id, position) "
            "SELECT e.id, 'Place', e.trigger_span_id, 1 FROM events e",
            "ux_event_arguments",
        ),
        ("INSERT INTO change_feed VALUES (2, 0)", "ck_change_feed_one_row"),
    ]:
        with pytest.raises(sa.exc.IntegrityError, match=constraint), engine.begin() as conn:
            conn.execute(sa.text(sql))
    engine.dispose()
