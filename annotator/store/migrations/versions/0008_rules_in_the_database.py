"""the database owns the rules: unique spans, relations and gold layer; RESTRICT (issue 17)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 06:30:00

New unique indexes: one span per (document, layer, start, end, label)
(``ux_spans_identical``), one relation per (type, first end, second end)
(``ux_relations_ends``; the ends fix its document and layer), one gold layer per
project (``ux_annotators_gold``, a partial index on ``annotators.kind``). One
argument per (event, role, span) was a unique constraint since 0001; the
rebuild below names it ``ux_event_arguments``. Every foreign key becomes
``ON DELETE RESTRICT``: the only cascade is the one the write service plans.

Older projects may break these rules. Before each index is made, the rows that
break it are found and kept recoverable in ``set_aside_rows`` (one row each: the
original rows as JSON, the migration, the kept twin and the reason), which also
takes over the events 0006 set aside (``quarantined_events``, dropped here):

- of identical spans the lowest id is kept; what referred to a twin now refers
  to the kept span, unless that would break a rule too (a second event on one
  trigger, an argument twice, a self-relation), and then it is set aside too;
- of identical relations the lowest id is kept;
- of several gold layers the lowest id stays gold; the others become people's
  layers, their annotations untouched.

Nothing fails and nothing is dropped; the backup taken before the migration
holds every row in place. On SQLite the six tables with foreign keys are
rebuilt (batch mode, from the definitions below), keeping AUTOINCREMENT, every
index, every row and each table's highest id ever given (``sqlite_sequence``).
On PostgreSQL the same constraints and indexes are made in place (``_alter``).
"""

import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

R = "RESTRICT"
NAME = 200


def _tables() -> list[sa.Table]:
    """The tables with foreign keys as 0008 leaves them, parents first."""
    md = sa.MetaData()
    sa.Table("documents", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("annotators", md, sa.Column("id", sa.Integer, primary_key=True))
    return [
        sa.Table(
            "document_tokens",
            md,
            sa.Column("doc_id", sa.Integer, _doc(), nullable=False),
            sa.Column("tokenizer", sa.String(NAME), nullable=False),
            sa.Column("count", sa.Integer, nullable=False),
            sa.Column("words", sa.Text, nullable=False),
            sa.Column("starts", sa.LargeBinary, nullable=False),
            sa.Column("ends", sa.LargeBinary, nullable=False),
            sa.PrimaryKeyConstraint("doc_id"),
        ),
        sa.Table(
            "document_status",
            md,
            sa.Column("doc_id", sa.Integer, _doc(), nullable=False),
            sa.Column("annotator_id", sa.Integer, _ann(), nullable=False),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("updated_at", sa.DateTime, nullable=False),
            sa.PrimaryKeyConstraint("doc_id", "annotator_id"),
        ),
        sa.Table(
            "spans",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("doc_id", sa.Integer, _doc(), nullable=False),
            sa.Column("annotator_id", sa.Integer, _ann(), nullable=False),
            sa.Column("start", sa.Integer, nullable=False),
            sa.Column("end", sa.Integer, nullable=False),
            sa.Column("label", sa.String(NAME), nullable=False),
            sa.Column("attributes", sa.Text, nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Index("ix_spans_doc_annotator", "doc_id", "annotator_id", "start"),
            sa.Index(
                "ux_spans_identical",
                "doc_id",
                "annotator_id",
                "start",
                "end",
                "label",
                unique=True,
            ),
            sqlite_autoincrement=True,
        ),
        sa.Table(
            "events",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("doc_id", sa.Integer, _doc(), nullable=False),
            sa.Column("annotator_id", sa.Integer, _ann(), nullable=False),
            sa.Column("type", sa.String(NAME), nullable=False),
            sa.Column("trigger_span_id", sa.Integer, _span(), nullable=False),
            sa.Column("attributes", sa.Text, nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Index("ix_events_doc_annotator", "doc_id", "annotator_id"),
            sa.Index("ux_events_trigger", "trigger_span_id", unique=True),
            sqlite_autoincrement=True,
        ),
        sa.Table(
            "event_arguments",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column(
                "event_id", sa.Integer, sa.ForeignKey("events.id", ondelete=R), nullable=False
            ),
            sa.Column("role", sa.String(NAME), nullable=False),
            sa.Column("span_id", sa.Integer, _span(), nullable=False),
            sa.Column("position", sa.Integer, nullable=False),
            sa.UniqueConstraint("event_id", "role", "span_id", name="ux_event_arguments"),
            sqlite_autoincrement=True,
        ),
        sa.Table(
            "relations",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("doc_id", sa.Integer, _doc(), nullable=False),
            sa.Column("annotator_id", sa.Integer, _ann(), nullable=False),
            sa.Column("type", sa.String(NAME), nullable=False),
            sa.Column("arg1_span_id", sa.Integer, _span(), nullable=False),
            sa.Column("arg2_span_id", sa.Integer, _span(), nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Index("ix_relations_doc_annotator", "doc_id", "annotator_id"),
            sa.Index("ux_relations_ends", "type", "arg1_span_id", "arg2_span_id", unique=True),
            sqlite_autoincrement=True,
        ),
    ]


def _doc() -> sa.ForeignKey:
    return sa.ForeignKey("documents.id", ondelete=R)


def _ann() -> sa.ForeignKey:
    return sa.ForeignKey("annotators.id", ondelete=R)


def _span() -> sa.ForeignKey:
    return sa.ForeignKey("spans.id", ondelete=R)


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "set_aside_rows",
        sa.Column("id", sa.Integer(), sa.Identity(), nullable=False),
        sa.Column("revision", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("kept_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("original", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False, server_default=sa.func.current_timestamp()),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    bind.execute(
        sa.text(
            "INSERT INTO set_aside_rows (revision, kind, row_id, kept_id, reason, original, at) "
            "SELECT '0006', 'event', event_id, kept_event_id, reason, original, at "
            "FROM quarantined_events ORDER BY id"
        )
    )
    op.drop_table("quarantined_events")
    for extra, kept in _pairs(bind, "spans", 'doc_id, annotator_id, start, "end", label'):
        _merge_twin_span(bind, extra, kept)
    for extra, kept in _pairs(bind, "relations", "type, arg1_span_id, arg2_span_id"):
        _set_aside(bind, "relation", "relations", extra, kept, f"identical to relation {kept}")
    _extra_gold_layers(bind)
    if bind.dialect.name == "sqlite":
        _rebuild(bind)
    else:
        _alter(bind)
    with op.batch_alter_table("annotators") as batch:
        batch.create_index(
            "ux_annotators_gold",
            ["kind"],
            unique=True,
            sqlite_where=sa.text("kind = 'gold'"),
            postgresql_where=sa.text("kind = 'gold'"),
        )


def _pairs(bind: sa.Connection, table: str, key: str) -> list[tuple[int, int]]:
    """(extra id, kept id) for every row of ``table`` whose ``key`` a lower id has too."""
    cols = [c.strip() for c in key.split(",")]
    found = bind.execute(
        sa.text(
            f"SELECT t.id, k.kept FROM {table} t JOIN (SELECT {key}, MIN(id) AS kept "
            f"FROM {table} GROUP BY {key} HAVING COUNT(*) > 1) k ON "
            + " AND ".join(f"t.{c} = k.{c}" for c in cols)
            + " WHERE t.id <> k.kept ORDER BY t.id"
        )
    )
    return [(int(i), int(k)) for i, k in found.all()]


def _merge_twin_span(bind: sa.Connection, extra: int, kept: int) -> None:
    """Point what refers to span ``extra`` at its identical twin ``kept``, then set it aside.

    A dependent that cannot follow (its rule would break) is set aside as well.
    """
    twin = f"its span {extra} was identical to span {kept}"
    for (event_id,) in _all(bind, "SELECT id FROM events WHERE trigger_span_id = :s", s=extra):
        other = _all(bind, "SELECT id FROM events WHERE trigger_span_id = :s", s=kept)
        if other:
            reason = f"{twin}, which already triggers event {other[0][0]}"
            _set_aside_event(bind, event_id, other[0][0], reason)
        else:
            _run(bind, "UPDATE events SET trigger_span_id = :k WHERE id = :e", k=kept, e=event_id)
            for (arg,) in _all(
                bind,
                "SELECT id FROM event_arguments WHERE event_id = :e AND span_id = :k",
                e=event_id,
                k=kept,
            ):
                reason = f"{twin}, now the trigger of its own event {event_id}"
                _set_aside(bind, "argument", "event_arguments", arg, None, reason)
    for arg, event_id, role in _all(
        bind, "SELECT id, event_id, role FROM event_arguments WHERE span_id = :s", s=extra
    ):
        same = _all(
            bind,
            "SELECT id FROM event_arguments WHERE event_id = :e AND role = :r AND span_id = :k",
            e=event_id,
            r=role,
            k=kept,
        )
        trigger = _all(bind, "SELECT trigger_span_id FROM events WHERE id = :e", e=event_id)
        if same:
            _set_aside(bind, "argument", "event_arguments", arg, same[0][0], f"{twin}, {role}")
        elif trigger and trigger[0][0] == kept:
            reason = f"{twin}, the trigger of event {event_id}"
            _set_aside(bind, "argument", "event_arguments", arg, None, reason)
        else:
            _run(bind, "UPDATE event_arguments SET span_id = :k WHERE id = :a", k=kept, a=arg)
    for rel, a, b in _all(
        bind,
        "SELECT id, arg1_span_id, arg2_span_id FROM relations "
        "WHERE arg1_span_id = :s OR arg2_span_id = :s",
        s=extra,
    ):
        a, b = (kept if a == extra else a), (kept if b == extra else b)
        if a == b:
            _set_aside(bind, "relation", "relations", rel, None, f"{twin}, its other end")
        else:
            _run(
                bind,
                "UPDATE relations SET arg1_span_id = :a, arg2_span_id = :b WHERE id = :r",
                a=a,
                b=b,
                r=rel,
            )
    reason = (
        f"identical to span {kept} (same document, layer, offsets and label), which was kept; "
        "what referred to it refers to the kept span"
    )
    _set_aside(bind, "span", "spans", extra, kept, reason)


def _extra_gold_layers(bind: sa.Connection) -> None:
    """Every gold layer but the oldest becomes a person's layer (its rows are untouched)."""
    golds = _all(bind, "SELECT id, name FROM annotators WHERE kind = 'gold' ORDER BY id")
    for annotator_id, _name in golds[1:]:
        kept, kept_name = golds[0]
        reason = (
            f"the project already had the gold layer «{kept_name}»; this one is now a "
            "person's layer, with its annotations"
        )
        _record(bind, "gold layer", "annotators", annotator_id, kept, reason)
        _run(bind, "UPDATE annotators SET kind = 'human' WHERE id = :a", a=annotator_id)


def _set_aside_event(bind: sa.Connection, event_id: int, kept: int, reason: str) -> None:
    """An event and its arguments, as 0006 set them aside."""
    args = _all(bind, "SELECT id FROM event_arguments WHERE event_id = :e ORDER BY id", e=event_id)
    extra = {"arguments": [_row(bind, "event_arguments", a) for (a,) in args]}
    _record(bind, "event", "events", event_id, kept, reason, extra)
    _run(bind, "DELETE FROM event_arguments WHERE event_id = :e", e=event_id)
    _run(bind, "DELETE FROM events WHERE id = :e", e=event_id)


def _set_aside(
    bind: sa.Connection, kind: str, table: str, row_id: int, kept: int | None, reason: str
) -> None:
    """Keep one row in set_aside_rows, then delete it (foreign keys are off: see env.py)."""
    _record(bind, kind, table, row_id, kept, reason)
    _run(bind, f"DELETE FROM {table} WHERE id = :i", i=row_id)


def _record(
    bind: sa.Connection,
    kind: str,
    table: str,
    row_id: int,
    kept: int | None,
    reason: str,
    extra: Mapping[str, object] | None = None,
) -> None:
    original: dict[str, object] = {_KEYS[kind]: _row(bind, table, row_id)}
    original.update(extra or {})
    _run(
        bind,
        "INSERT INTO set_aside_rows (revision, kind, row_id, kept_id, reason, original) "
        "VALUES ('0008', :kind, :row_id, :kept, :reason, :original)",
        kind=kind,
        row_id=row_id,
        kept=kept,
        reason=f"{reason} (migration 0008)",
        original=json.dumps(original, ensure_ascii=False, sort_keys=True),
    )


_KEYS = {"span": "span", "event": "event", "argument": "argument", "relation": "relation"}
_KEYS["gold layer"] = "annotator"


def _row(bind: sa.Connection, table: str, row_id: int) -> dict[str, object]:
    """One row's columns as JSON values (dates and anything else as text)."""
    row = bind.execute(sa.text(f"SELECT * FROM {table} WHERE id = :i"), {"i": row_id})
    return {
        k: v if isinstance(v, int | str | float) or v is None else str(v)
        for k, v in row.mappings().one().items()
    }


def _all(bind: sa.Connection, sql: str, **params: object) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in bind.execute(sa.text(sql), params).all()]


def _run(bind: sa.Connection, sql: str, **params: object) -> None:
    bind.execute(sa.text(sql), params)


def _rebuild(bind: sa.Connection) -> None:
    """Rebuild the tables with foreign keys from :func:`_tables` (SQLite cannot alter them).

    A rebuilt AUTOINCREMENT table would restart from its highest stored id, so each
    table's highest id ever given is put back afterwards: ids stay never reused.
    """
    given: dict[str, int] = dict(_all(bind, "SELECT name, seq FROM sqlite_sequence"))
    for table in _tables():
        with op.batch_alter_table(
            table.name,
            copy_from=table,
            recreate="always",
            table_kwargs=dict(table.kwargs),
        ):
            pass
    for name, seq in given.items():
        _run(bind, "UPDATE sqlite_sequence SET seq = MAX(seq, :q) WHERE name = :n", q=seq, n=name)


def _alter(bind: sa.Connection) -> None:
    """The same rules on PostgreSQL, which alters tables in place: every foreign key of
    :func:`_tables` becomes RESTRICT (named as PostgreSQL names a new table's), the argument
    rule takes its name, and the two new unique indexes are made."""
    inspector = sa.inspect(bind)
    for table in _tables():
        for reflected in inspector.get_foreign_keys(table.name):
            op.drop_constraint(str(reflected["name"]), table.name, type_="foreignkey")
        for constraint in table.foreign_key_constraints:
            (column,) = constraint.column_keys
            op.create_foreign_key(
                f"{table.name}_{column}_fkey",
                table.name,
                constraint.referred_table.name,
                [column],
                ["id"],
                ondelete=R,
            )
    for unique in inspector.get_unique_constraints("event_arguments"):
        if sorted(unique["column_names"]) == ["event_id", "role", "span_id"]:
            op.execute(
                f'ALTER TABLE event_arguments RENAME CONSTRAINT "{unique["name"]}" '
                "TO ux_event_arguments"
            )
    op.create_index(
        "ux_spans_identical", "spans", ["doc_id", "annotator_id", "start", "end", "label"],
        unique=True,
    )  # fmt: skip
    op.create_index(
        "ux_relations_ends", "relations", ["type", "arg1_span_id", "arg2_span_id"], unique=True
    )


def downgrade() -> None:
    raise NotImplementedError("0008 keeps set-aside rows in set_aside_rows; restore the backup")
