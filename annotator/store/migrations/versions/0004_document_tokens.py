"""each document keeps its camel-tools tokens (ADR 0015)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 09:00:00

Documents that exist already get their tokens here, once, so an older
project exports as fast as a new one. A later camel-tools version makes the
stored tokens stale (their ``tokenizer`` no longer matches); readers then make
tokens again, as before this revision.
"""

import sqlalchemy as sa
from alembic import op

from annotator.core.tokens import tokenizer_id, word_tokens
from annotator.store.rows import pack_tokens

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_tokens",
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("tokenizer", sa.String(length=200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("starts", sa.LargeBinary(), nullable=False),
        sa.Column("ends", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["doc_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("doc_id"),
    )
    bind = op.get_bind()
    insert = sa.text(
        "INSERT INTO document_tokens (doc_id, tokenizer, count, words, starts, ends) "
        "VALUES (:doc_id, :tokenizer, :count, :words, :starts, :ends)"
    )
    tokenizer = tokenizer_id()
    for (doc_id,) in bind.execute(sa.text("SELECT id FROM documents ORDER BY id")).all():
        text = bind.execute(sa.text("SELECT text FROM documents WHERE id = :id"), {"id": doc_id})
        count, words, starts, ends = pack_tokens(word_tokens(text.scalar_one()))
        row = {"count": count, "words": words, "starts": starts, "ends": ends}
        bind.execute(insert, {"doc_id": doc_id, "tokenizer": tokenizer, **row})


def downgrade() -> None:
    op.drop_table("document_tokens")
