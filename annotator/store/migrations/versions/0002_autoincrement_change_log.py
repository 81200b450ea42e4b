"""ids are never reused (AUTOINCREMENT) and a change log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 20:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# parents first; rebuilding a table copies its rows (foreign keys are off, see env.py)
TABLES = ("annotators", "documents", "spans", "events", "event_arguments", "relations")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ):
                pass
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), sa.Identity(), nullable=False),
        sa.Column("session", sa.String(length=32), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("doc_id", sa.Integer(), nullable=True),
        sa.Column("annotator", sa.String(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("change_log")
