"""every annotator gets an identity (uid) that travels with merges

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 22:00:00

Rows that exist already get a uid derived from the row itself (id, name and
creation time), not a random one: two copies of one older project file,
upgraded on two laptops, then still agree on who is who when they are merged.
Rows created later get a random uuid4 (``models.new_uid``).
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def derived_uid(row_id: int, name: str, created_at: object) -> str:
    """The uid an existing row gets: 32 hex digits from its id, name and creation time."""
    seed = f"{row_id}\x1f{name}\x1f{created_at}".encode()
    return hashlib.sha256(seed).hexdigest()[:32]


def upgrade() -> None:
    op.add_column(
        "annotators",
        sa.Column("uid", sa.String(length=32), nullable=False, server_default=""),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, name, created_at FROM annotators")).all()
    for row_id, name, created_at in rows:
        bind.execute(
            sa.text("UPDATE annotators SET uid = :uid WHERE id = :id"),
            {"uid": derived_uid(row_id, name, created_at), "id": row_id},
        )
    op.create_index("ix_annotators_uid", "annotators", ["uid"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_annotators_uid", table_name="annotators")
    op.drop_column("annotators", "uid")
