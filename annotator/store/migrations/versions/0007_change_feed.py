"""a change feed in commit order: change_feed's counter and change_log.seq (issue 17)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 07:00:00

Windows learned of other writers by polling ``change_log`` by id. On
PostgreSQL ids are handed out when a row is inserted, not when its transaction
commits, so a poller could pass over a change that committed late. Every write
transaction now takes the next number from the one-row ``change_feed`` as its
first statement (the row stays locked until the commit), and its change-log
rows carry that number as ``seq``. Older rows get ``seq = id``: on SQLite their
ids were given under the write lock, so id order is their commit order.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_feed",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_change_feed_one_row"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.add_column("change_log", sa.Column("seq", sa.Integer(), nullable=True))
    op.execute("UPDATE change_log SET seq = id")
    op.execute("INSERT INTO change_feed (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM change_log")
    with op.batch_alter_table(
        "change_log", recreate="auto", table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch.create_index("ix_change_log_seq", ["seq"])


def downgrade() -> None:
    with op.batch_alter_table("change_log") as batch:
        batch.drop_index("ix_change_log_seq")
        batch.drop_column("seq")
    op.drop_table("change_feed")
