"""team mode's rights: a layer's login role and the assignments table (issue 20, item 2)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 15:00:00

``annotators.login_role`` names the PostgreSQL login whose layer a row is (NULL on a
project file, and for the gold layer); the row-level security policies of team mode
compare it with ``current_user`` (ADR 0024). ``assignments`` records who works on
which document and in which state (assigned, claimed, finished; curating for the
gold layer): one row per document and layer, so one curator per document at a time.
Both backends get both; a project file never fills them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

STATES = "state IN ('assigned', 'claimed', 'finished', 'curating')"


def upgrade() -> None:
    op.add_column("annotators", sa.Column("login_role", sa.String(63), nullable=True))
    op.create_index("ux_annotators_login_role", "annotators", ["login_role"], unique=True)
    op.create_table(
        "assignments",
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("login_role", sa.String(63), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("assigned_by", sa.String(63), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(STATES, name="ck_assignments_state"),
        sa.ForeignKeyConstraint(["doc_id"], ["documents.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["annotator_id"], ["annotators.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("doc_id", "annotator_id"),
    )


def downgrade() -> None:
    op.drop_table("assignments")
    op.drop_index("ux_annotators_login_role", "annotators")
    with op.batch_alter_table("annotators") as batch:
        batch.drop_column("login_role")
