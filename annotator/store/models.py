"""SQLAlchemy 2 typed models. Changes here need an Alembic migration.

Every table with an integer id uses AUTOINCREMENT on SQLite (an identity column
on PostgreSQL), so an id is never given to a second row, even after the
first is deleted: an undo step that re-inserts a row by id can never collide
with somebody else's row.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    DDL,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from annotator.core.names import MAX_NAME_LENGTH


def _now() -> datetime:
    return datetime.now(UTC)


def now() -> datetime:
    """The time a row gets as its default (``created_at``, ``at``...), for rows written
    without the ORM's defaults (:mod:`annotator.store.feed`)."""
    return _now()


def new_uid() -> str:
    """A fresh annotator identity: a random uuid4 as 32 hex digits."""
    return uuid.uuid4().hex


AUTOINCREMENT = {"sqlite_autoincrement": True}
NAME_LENGTH = MAX_NAME_LENGTH  # annotator names, labels, event and relation types, roles
# the longest key the app builds: "note/document/<doc id>/<annotator name>" (migration 0005)
META_KEY_LENGTH = 255
LOGIN_LENGTH = 63  # a PostgreSQL role name's longest


class Base(DeclarativeBase):
    """Declarative base for every table."""


class MetaRow(Base):
    """Key/value facts about the project (e.g. when it was created)."""

    __tablename__ = "project_meta"
    key: Mapped[str] = mapped_column(String(META_KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SchemaRow(Base):
    """The project's annotation schema, as JSON. One row, id 1."""

    __tablename__ = "annotation_schema"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=_now, onupdate=_now)


class AnnotatorRow(Base):
    """A person (kind "human") or the adjudicated layer (kind "gold").

    ``uid`` tells people apart across project files (names cannot: two people may
    share one): a random uuid4 given when the row is created, and kept when a merge
    copies the person into another project (migration 0003 gave older rows one).
    """

    __tablename__ = "annotators"
    __table_args__ = (
        Index("ix_annotators_uid", "uid", unique=True),
        Index("ux_annotators_login_role", "login_role", unique=True),
        Index(  # one gold layer per project (migration 0008)
            "ux_annotators_gold",
            "kind",
            unique=True,
            sqlite_where=text("kind = 'gold'"),
            postgresql_where=text("kind = 'gold'"),
        ),
        AUTOINCREMENT,
    )
    id: Mapped[int] = mapped_column(Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="human")
    uid: Mapped[str] = mapped_column(String(32), default=new_uid, server_default="")
    created_at: Mapped[datetime] = mapped_column(default=_now)
    # team mode: the PostgreSQL login whose layer this is (migration 0009, ADR 0024)
    login_role: Mapped[str | None] = mapped_column(String(LOGIN_LENGTH))


class AssignmentRow(Base):
    """Team mode: who works on which document's layer, in which state (migration 0009).

    One row per document and layer: a person's layer (assigned, claimed, finished)
    or the gold layer (curating, finished: one curator at a time).
    """

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint(
            "state IN ('assigned', 'claimed', 'finished', 'curating')",
            name="ck_assignments_state",
        ),
    )
    doc_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="RESTRICT"), primary_key=True
    )
    annotator_id: Mapped[int] = mapped_column(
        ForeignKey("annotators.id", ondelete="RESTRICT"), primary_key=True
    )
    login_role: Mapped[str] = mapped_column(String(LOGIN_LENGTH))
    state: Mapped[str] = mapped_column(String(16))
    assigned_by: Mapped[str] = mapped_column(String(LOGIN_LENGTH))
    updated_at: Mapped[datetime] = mapped_column(default=_now)


class DocumentRow(Base):
    """A document; identified by the SHA-256 of its stored text."""

    __tablename__ = "documents"
    __table_args__ = (AUTOINCREMENT,)
    id: Mapped[int] = mapped_column(Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    length: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=_now)


class TokensRow(Base):
    """A document's camel-tools tokens, made once when the document is added (ADR 0015).

    ``words`` holds the tokens joined by single spaces (a token never holds white
    space); ``starts`` and ``ends`` their code-point offsets as little-endian int32.
    ``tokenizer`` names what made them; rows made by another tokenizer are ignored.
    """

    __tablename__ = "document_tokens"
    doc_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="RESTRICT"), primary_key=True
    )
    tokenizer: Mapped[str] = mapped_column(String(NAME_LENGTH))
    count: Mapped[int]
    words: Mapped[str] = mapped_column(Text)
    starts: Mapped[bytes] = mapped_column(LargeBinary)
    ends: Mapped[bytes] = mapped_column(LargeBinary)


class StatusRow(Base):
    """A document's status for one annotator."""

    __tablename__ = "document_status"
    doc_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="RESTRICT"), primary_key=True
    )
    annotator_id: Mapped[int] = mapped_column(
        ForeignKey("annotators.id", ondelete="RESTRICT"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16), default="new")
    updated_at: Mapped[datetime] = mapped_column(default=_now, onupdate=_now)


class SpanRow(Base):
    """A labelled range [start, end) in code points; entity, value or event trigger."""

    __tablename__ = "spans"
    __table_args__ = (
        Index("ix_spans_doc_annotator", "doc_id", "annotator_id", "start"),
        Index(  # no identical span in a layer (migration 0008)
            "ux_spans_identical", "doc_id", "annotator_id", "start", "end", "label", unique=True
        ),
        AUTOINCREMENT,
    )
    id: Mapped[int] = mapped_column(Identity(), primary_key=True)
    doc_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id", ondelete="RESTRICT"))
    start: Mapped[int]
    end: Mapped[int]
    label: Mapped[str] = mapped_column(String(NAME_LENGTH))
    attributes: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(default=_now)


class EventRow(Base):
    """An event: its trigger is a span whose label is the event type."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_doc_annotator", "doc_id", "annotator_id"),
        Index("ux_events_trigger", "trigger_span_id", unique=True),  # one event per trigger
        AUTOINCREMENT,
    )
    id: Mapped[int] = mapped_column(Identity(), primary_key=True)
    doc_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id", ondelete="RESTRICT"))
    type: Mapped[str] = mapped_column(String(NAME_LENGTH))
    trigger_span_id: Mapped[int] = mapped_column(ForeignKey("spans.id", ondelete="RESTRICT"))
    attributes: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(default=_now)


class ArgumentRow(Base):
    """One filled role of an event."""

    __tablename__ = "event_arguments"
    __table_args__ = (
        UniqueConstraint("event_id", "role", "span_id", name="ux_event_arguments"),
        AUTOINCREMENT,
    )
    id: Mapped[int] = mapped_column(Identity(), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="RESTRICT"))
    role: Mapped[str] = mapped_column(String(NAME_LENGTH))
    span_id: Mapped[int] = mapped_column(ForeignKey("spans.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(default=0)


class RelationRow(Base):
    """A directed relation between two spans."""

    __tablename__ = "relations"
    __table_args__ = (
        Index("ix_relations_doc_annotator", "doc_id", "annotator_id"),
        # one relation of a type between two spans; the spans fix document and layer
        Index("ux_relations_ends", "type", "arg1_span_id", "arg2_span_id", unique=True),
        AUTOINCREMENT,
    )
    id: Mapped[int] = mapped_column(Identity(), primary_key=True)
    doc_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="RESTRICT"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id", ondelete="RESTRICT"))
    type: Mapped[str] = mapped_column(String(NAME_LENGTH))
    arg1_span_id: Mapped[int] = mapped_column(ForeignKey("spans.id", ondelete="RESTRICT"))
    arg2_span_id: Mapped[int] = mapped_column(ForeignKey("spans.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=_now)


class SetAsideRow(Base):
    """A row a migration set aside because it broke a rule the database now enforces.

    ``kind`` is what it was ("span", "event", "argument", "relation", "gold layer");
    ``original`` holds the row (an event with its arguments) as JSON, as it was
    stored; ``kept_id`` the twin that was kept, if any; ``revision`` the migration
    (0006: a second event on one trigger; 0008: identical spans and relations,
    dependents that could not follow their span's twin, extra gold layers).
    """

    __tablename__ = "set_aside_rows"
    __table_args__ = (AUTOINCREMENT,)
    id: Mapped[int] = mapped_column(Identity(), primary_key=True)
    revision: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[int]
    kept_id: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text)
    original: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=_now, server_default=text("CURRENT_TIMESTAMP"))


class ChangeFeedRow(Base):
    """The change feed's counter: one row, whose ``seq`` every write transaction takes.

    Each write transaction that logs increments it as its last statement before the commit
    (``store/feed.py``); the row stays locked until the commit, so the numbers follow commit
    order (migration 0007).
    """

    __tablename__ = "change_feed"
    __table_args__ = (CheckConstraint("id = 1", name="ck_change_feed_one_row"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int]


# A new project's counter row, made with the table (store.engine._create_at_head builds a new
# file from these models; migration 0007 inserts the same row into older files).
event.listen(
    ChangeFeedRow.__table__,
    "after_create",
    DDL("INSERT INTO change_feed (id, seq) VALUES (1, 0)"),
)


class ChangeRow(Base):
    """One committed change to one layer (or to the schema, with no document).

    ``session`` identifies the writer (one per open project), so a window can
    tell its own changes from an import's or another program's. ``seq`` is the
    number its write transaction took from ``change_feed``: pollers read by it,
    never by ``id``, whose order is not commit order on PostgreSQL.
    """

    __tablename__ = "change_log"
    __table_args__ = (AUTOINCREMENT,)
    id: Mapped[int] = mapped_column(Identity(), primary_key=True)
    seq: Mapped[int] = mapped_column(index=True)
    session: Mapped[str] = mapped_column(String(32))
    origin: Mapped[str] = mapped_column(String(16))
    doc_id: Mapped[int | None]
    annotator: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    description: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=_now)
