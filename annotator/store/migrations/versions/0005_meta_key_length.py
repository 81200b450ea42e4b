"""project_meta.key holds the longest key the app builds (VARCHAR 64 → 255)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 10:00:00

Keys embed an annotator's name (``note/document/<doc id>/<name>``, names up
to 200 characters) or a uid and a document id (``merged/<uid>/<doc id>``).
SQLite ignores the declared length, but PostgreSQL enforces it, so a note by
an annotator with a long name would be refused there. On SQLite the table is
rebuilt (batch mode); every row is kept.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("project_meta") as batch:
        batch.alter_column("key", existing_type=sa.String(length=64), type_=sa.String(length=255))


def downgrade() -> None:
    with op.batch_alter_table("project_meta") as batch:
        batch.alter_column("key", existing_type=sa.String(length=255), type_=sa.String(length=64))
