"""one event per trigger span: a unique index on events.trigger_span_id (issue 17)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 06:00:00

Older projects may hold two events on one trigger span (two windows could each
add one). Before the index is created, every such group keeps its event with
the lowest id; the others, with their arguments, move to ``quarantined_events``
(the original rows as JSON and the reason), so nothing is lost and nothing
fails. The backup taken before the migration holds them too.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

REASON = "shares trigger span {trigger} with event {kept}, which was kept (migration 0006)"


def upgrade() -> None:
    op.create_table(
        "quarantined_events",
        sa.Column("id", sa.Integer(), sa.Identity(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kept_event_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("original", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False, server_default=sa.func.current_timestamp()),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    bind = op.get_bind()
    for trigger, kept, extra in _duplicates(bind):
        _quarantine(bind, extra, kept, REASON.format(trigger=trigger, kept=kept))
    with op.batch_alter_table("events") as batch:
        batch.create_index("ux_events_trigger", ["trigger_span_id"], unique=True)


def _duplicates(bind: sa.Connection) -> list[tuple[int, int, int]]:
    """(trigger span, kept event, extra event) for every event beyond a trigger's first."""
    found = bind.execute(
        sa.text(
            "SELECT e.trigger_span_id, k.kept, e.id FROM events e JOIN "
            "(SELECT trigger_span_id AS t, MIN(id) AS kept FROM events "
            " GROUP BY trigger_span_id HAVING COUNT(*) > 1) k ON e.trigger_span_id = k.t "
            "WHERE e.id <> k.kept ORDER BY e.id"
        )
    )
    return [(int(t), int(k), int(e)) for t, k, e in found.all()]


def _quarantine(bind: sa.Connection, event_id: int, kept: int, reason: str) -> None:
    """Copy one event and its arguments into quarantined_events as JSON, then delete them.

    Foreign keys are off during migrations, so the arguments are deleted explicitly.
    """
    event = bind.execute(sa.text("SELECT * FROM events WHERE id = :id"), {"id": event_id})
    args = bind.execute(
        sa.text("SELECT * FROM event_arguments WHERE event_id = :id ORDER BY id"), {"id": event_id}
    )
    original = {
        "event": _jsonable(event.mappings().one()),
        "arguments": [_jsonable(a) for a in args.mappings().all()],
    }
    bind.execute(
        sa.text(
            "INSERT INTO quarantined_events (event_id, kept_event_id, reason, original) "
            "VALUES (:event_id, :kept, :reason, :original)"
        ),
        {
            "event_id": event_id,
            "kept": kept,
            "reason": reason,
            "original": json.dumps(original, ensure_ascii=False, sort_keys=True),
        },
    )
    bind.execute(sa.text("DELETE FROM event_arguments WHERE event_id = :id"), {"id": event_id})
    bind.execute(sa.text("DELETE FROM events WHERE id = :id"), {"id": event_id})


def _jsonable(row: sa.RowMapping) -> dict[str, object]:
    """A row's columns as JSON values (dates and anything else as text)."""
    return {
        k: v if isinstance(v, int | str | float) or v is None else str(v) for k, v in row.items()
    }


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_index("ux_events_trigger")
    op.drop_table("quarantined_events")
