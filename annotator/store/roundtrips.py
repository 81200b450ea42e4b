"""Fewer round trips on PostgreSQL: statements that go to the server in one message.

Each round trip of a write transaction costs the client a wait for the server and the
server a wait for the client, two context switches each; on a loaded machine (eight
writers on two cores) the client process may also wait its turn for a core before it sends
the next statement. A transaction that holds a lock meanwhile makes the others wait too: the
change feed's row (``feed``) is locked from the statement that takes the number until the
commit, and every other writer's commit queues on it.

:func:`run_together` sends several statements in one message: psycopg's ``ClientCursor``
binds the parameters on the client (quoted by psycopg's adapters, never pasted as text) and
uses the simple query protocol, with which the server runs the statements of one message in
order, each with a snapshot taken when it starts (READ COMMITTED), as if they had been sent
one by one; the first error skips the rest (the transaction is then aborted, and rolls back).
A ``COMMIT`` among them ends the transaction on the server: the client's transaction
status is then idle, and the driver's ``commit()`` sends nothing.

The server parses and plans these statements on every run (about 0.3 ms of server time per
edit). Keeping them planned with ``PREPARE`` was tried and dropped: psycopg sends
``DEALLOCATE ALL`` after a rollback on a connection where it prepared statements of its own,
which removes ours too, and the next edit failed with "prepared statement does not exist".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection

_NAMED = re.compile(r"(?<![:\w]):(\w+)")


def pyformat(sql: str) -> str:
    """``sql`` with its ``:name`` parameters (SQLAlchemy's ``text``) as psycopg's
    ``%(name)s``; a ``::type`` cast stays as it is."""
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))


def run_together(
    conn: Connection, statements: Sequence[str], params: Mapping[str, Any]
) -> list[list[tuple[Any, ...]]]:
    """Run ``statements`` (psycopg's ``%(name)s`` parameters, taken from ``params``) in the
    transaction open on ``conn``, in one round trip; return each one's rows (empty for a
    statement that returns none).

    Raises:
        sqlalchemy.exc.DBAPIError: the server refused one of them (as ``conn.execute`` would
            raise it, so that :mod:`annotator.store.dberrors` reads it the same way).
    """
    import psycopg  # the server's driver: only a server connection gets here

    raw = conn.connection.dbapi_connection
    assert isinstance(raw, psycopg.Connection)
    found: list[list[tuple[Any, ...]]] = []
    try:
        with psycopg.ClientCursor(raw) as cursor:
            cursor.execute("; ".join(statements), params)
            while True:
                found.append(list(cursor.fetchall()) if cursor.description else [])
                if not cursor.nextset():
                    break
    except psycopg.Error as exc:
        _raise_as_sqlalchemy(conn, exc, statements, params)
    return found


def _raise_as_sqlalchemy(
    conn: Connection, exc: Exception, statements: Sequence[str], params: Mapping[str, Any]
) -> None:
    """Raise ``exc`` as SQLAlchemy wraps a driver's error (a lost connection invalidates the
    connection, as when SQLAlchemy sent the statement itself)."""
    from sqlalchemy.exc import DBAPIError

    dbapi = conn.dialect.loaded_dbapi
    disconnect = isinstance(exc, dbapi.Error) and conn.dialect.is_disconnect(
        exc, conn.connection.dbapi_connection, None
    )
    if disconnect:
        conn.invalidate(exc)
    raise DBAPIError.instance(
        "; ".join(statements),
        dict(params),
        exc,
        dbapi.Error,
        connection_invalidated=disconnect,
        dialect=conn.dialect,
        ismulti=False,
    ) from exc
