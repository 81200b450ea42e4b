"""The change feed: every logged write transaction's number, in commit order (ADR 0008).

A write transaction that logged changes takes the next number from the one-row
``change_feed`` table as its last statement before the commit (:func:`take`), and every
``change_log`` row it writes carries that number as ``seq``: the rows are written by the
same statement on PostgreSQL, right after it on SQLite. Taking the number updates the row,
which stays locked until the transaction ends, so no other transaction can take a number
before this one has committed or rolled back: ``seq`` order is commit order. On SQLite
``BEGIN IMMEDIATE`` already lets one writer in at a time; on PostgreSQL (READ COMMITTED)
the row lock does it for writers of different layers that run at once (ADR 0023), where
ids from a sequence are handed out at insert time and are not in commit order. The lock is
taken last so that it is held for the commit alone, not for the transaction's checks; on
PostgreSQL the number and the commit go to the server in one message
(:func:`take_and_commit`), so the row is never locked while the server waits for a client.

A write transaction that logs nothing (opening a project, a merge with nothing new, a
refused change) takes no number and leaves the file as it was. A transaction that rolls
back gives its number back. Pollers keep the highest ``seq`` they have seen and ask for
greater ones (:func:`changes_since`), never for "the next one": a change is read exactly
once, in commit order, and a number no row carries (a project fact commits without a
change-log row, and takes none) makes nobody wait.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.orm import Session

from annotator.store.models import ChangeFeedRow, ChangeRow
from annotator.store.roundtrips import pyformat, run_together


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

_TAKE = (
    update(ChangeFeedRow)
    .where(ChangeFeedRow.id == 1)
    .values(seq=ChangeFeedRow.seq + 1)
    .returning(ChangeFeedRow.seq)
)
_INSERT = insert(ChangeRow)

# PostgreSQL: the number, the notification and the rows in one statement (sent with the
# COMMIT: :func:`take_and_commit`). A SELECT in a WITH runs only if it is referenced (``n``
# is joined), an INSERT always; no RETURNING on change_log (team mode's read policy).
_TAKE_AND_LOG_PG = (
    "WITH s AS (UPDATE change_feed SET seq = seq + 1 WHERE id = 1 RETURNING seq), "
    "n AS (SELECT pg_notify(:channel, s.seq::text) FROM s), "
    "i AS (INSERT INTO change_log (seq, session, origin, doc_id, annotator, description, at) "
    "SELECT s.seq, u.session, u.origin, u.doc_id, u.annotator, u.description, u.at "
    "FROM s CROSS JOIN n CROSS JOIN unnest(CAST(:sessions AS varchar[]), "
    "CAST(:origins AS varchar[]), CAST(:doc_ids AS integer[]), CAST(:annotators AS varchar[]), "
    "CAST(:descriptions AS text[]), CAST(:ats AS timestamp[])) "
    "WITH ORDINALITY AS u(session, origin, doc_id, annotator, description, at, k) "
    "ORDER BY u.k) "
    "SELECT seq FROM s"
)
_TAKE_AND_LOG_PG_RAW = pyformat(_TAKE_AND_LOG_PG)


@dataclass(frozen=True)
class LogRow:
    """One change-log row a write transaction writes when it takes its number."""

    session: str
    origin: str
    doc_id: int | None
    annotator: str | None
    description: str
    at: datetime


def take(conn: Connection, rows: Sequence[LogRow]) -> int:
    """Take the next number for the write transaction open on ``conn`` (a project file) and
    write its change-log ``rows`` (in order) with it: the transaction's last statements
    before the commit. On PostgreSQL: :func:`take_and_commit`."""
    seq = int(conn.execute(_TAKE).scalar_one())
    conn.execute(
        _INSERT,
        [
            {
                "seq": seq,
                "session": r.session,
                "origin": r.origin,
                "doc_id": r.doc_id,
                "annotator": r.annotator,
                "description": r.description,
                "at": r.at,
            }
            for r in rows
        ],
    )
    return seq


def take_and_commit(conn: Connection, rows: Sequence[LogRow]) -> int:
    """Take the next number for the write transaction open on ``conn`` (a server), write its
    change-log ``rows`` (in order) with it, and commit, in one round trip: the feed's row is
    locked from the number to the end of the commit, and the server runs the two back to
    back, without waiting for the client in between
    (:func:`annotator.store.roundtrips.run_together`). After it, the transaction has ended;
    the driver's commit sends nothing. A failed commit raises, and nothing was saved.

    The transaction also notifies the listeners of :data:`CHANNEL` with the number (ids only:
    a listener reads what it may see with :func:`changes_since`). A notification is sent when
    the transaction commits, never when it rolls back.
    """
    (number,), _commit = run_together(conn, [_TAKE_AND_LOG_PG_RAW, "COMMIT"], _pg_params(rows))
    return int(number[0])


def _pg_params(rows: Sequence[LogRow]) -> dict[str, object]:
    return {
        "channel": CHANNEL,
        "sessions": [r.session for r in rows],
        "origins": [r.origin for r in rows],
        "doc_ids": [r.doc_id for r in rows],
        "annotators": [r.annotator for r in rows],
        "descriptions": [r.description for r in rows],
        "ats": [r.at for r in rows],
    }


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
