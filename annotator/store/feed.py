"""The change feed: every logged write transaction's number, in commit order (ADR 0008).

A write transaction first locks the one-row ``change_feed`` table
(:func:`lock`); the first time it logs a change it takes the next number from
it (:func:`take`), and every ``change_log`` row it writes carries that number
as ``seq``. The row stays locked until the transaction ends, so no other
transaction can take a number before this one has committed or rolled back:
``seq`` order is commit order. On SQLite ``BEGIN IMMEDIATE`` already lets one
writer in at a time (the lock is a plain read there); on PostgreSQL (READ
COMMITTED) ``SELECT ... FOR UPDATE`` does the same, where ids from a sequence
are handed out at insert time and are not in commit order.

The number is taken at the first log, not up front, so a write transaction
that logs nothing (opening a project, a merge with nothing new, a refused
change) leaves the file as it was. A transaction that rolls back gives its
number back. Pollers keep the highest ``seq`` they have seen and ask for
greater ones (:func:`changes_since`), never for "the next one": a change is
read exactly once, in commit order, and a number no row carries (a project
fact commits without a change-log row, and takes none) makes nobody wait.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select, text, update
from sqlalchemy.orm import Session

from annotator.store.models import ChangeFeedRow, ChangeRow

_TAKE = (
    update(ChangeFeedRow)
    .where(ChangeFeedRow.id == 1)
    .values(seq=ChangeFeedRow.seq + 1)
    .returning(ChangeFeedRow.seq)
)


@dataclass(frozen=True)
class LoggedChange:
    """One change-log entry: which writer changed which layer, and how.

    ``seq`` is its transaction's number in the feed; the entries of one
    transaction share it.
    """

    seq: int
    session: str
    origin: str
    doc_id: int | None
    annotator: str | None
    description: str


CHANNEL = "annotator_changes"
"""The PostgreSQL notification channel of committed write transactions (payload: ``seq``)."""

_NOTIFY = text("SELECT pg_notify(:channel, :seq)")

_LOCK = select(ChangeFeedRow.seq).where(ChangeFeedRow.id == 1).with_for_update()


def lock(conn: Connection) -> None:
    """Lock the counter for the write transaction open on ``conn``: its first statement."""
    conn.execute(_LOCK)


def take(conn: Connection) -> int:
    """Take the next number for the write transaction open on ``conn`` (which holds the lock).

    On PostgreSQL the transaction also notifies the listeners of :data:`CHANNEL` with the
    number (ids only: a listener reads what it may see with :func:`changes_since`). A
    notification is sent when the transaction commits, never when it rolls back.
    """
    seq = int(conn.execute(_TAKE).scalar_one())
    if conn.dialect.name == "postgresql":
        conn.execute(_NOTIFY, {"channel": CHANNEL, "seq": str(seq)})
    return seq


def last(s: Session) -> int:
    """The number of the newest committed write transaction (0 for a new project)."""
    return int(s.scalar(select(ChangeFeedRow.seq).where(ChangeFeedRow.id == 1)) or 0)


def changes_since(s: Session, seq: int) -> list[LoggedChange]:
    """Change-log entries of transactions numbered above ``seq``, in commit order."""
    found = s.execute(
        select(
            ChangeRow.seq,
            ChangeRow.session,
            ChangeRow.origin,
            ChangeRow.doc_id,
            ChangeRow.annotator,
            ChangeRow.description,
        )
        .where(ChangeRow.seq > seq)
        .order_by(ChangeRow.seq, ChangeRow.id)
    )
    return [LoggedChange(*row) for row in found]
