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

Parameters bound on the client would make the server parse and plan each statement every
time (a third more server time per edit, measured). A :class:`Prepared` statement is planned
once per connection instead (``PREPARE``, sent alone the first time a connection needs it)
and run by name (``EXECUTE name(...)``), as psycopg's own prepared statements are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

_NAMED = re.compile(r"(?<![:\w]):(\w+)")


_PREPARED = "annotator_prepared"  # the names prepared on a connection (its pool ``info``)


@dataclass(frozen=True)
class Prepared:
    """A statement kept planned by the server on each connection that runs it.

    ``sql`` has SQLAlchemy's ``:name`` parameters; ``types`` gives each one's SQL type, in
    the order ``EXECUTE`` passes them.
    """

    name: str
    sql: str
    types: tuple[tuple[str, str], ...]

    def prepare(self) -> str:
        """The ``PREPARE`` statement (no parameters of its own)."""
        order = [name for name, _type in self.types]
        body = _NAMED.sub(lambda m: f"${order.index(m.group(1)) + 1}", self.sql)
        return f"PREPARE {self.name} ({', '.join(t for _n, t in self.types)}) AS {body}"

    def execute(self) -> str:
        """The ``EXECUTE`` statement, with psycopg's ``%(name)s`` parameters."""
        return f"EXECUTE {self.name}(" + ", ".join(f"%({n})s" for n, _t in self.types) + ")"


def run_together(
    conn: Connection, statements: Sequence[str | Prepared], params: Mapping[str, Any]
) -> list[list[tuple[Any, ...]]]:
    """Run ``statements`` (psycopg's ``%(name)s`` parameters, taken from ``params``) in the
    transaction open on ``conn``, in one round trip; return each one's rows (empty for a
    statement that returns none). A :class:`Prepared` one this connection has not prepared
    yet is prepared first, in a message of its own (``PREPARE`` outlives a rollback, so it
    is known prepared once that message succeeds).

    Raises:
        sqlalchemy.exc.DBAPIError: the server refused one of them (as ``conn.execute`` would
            raise it, so that :mod:`annotator.store.dberrors` reads it the same way).
    """
    import psycopg  # the server's driver: only a server connection gets here

    raw = conn.connection.dbapi_connection
    assert isinstance(raw, psycopg.Connection)
    found: list[list[tuple[Any, ...]]] = []
    prepared: set[str] = conn.connection.info.setdefault(_PREPARED, set())
    sql = [s.execute() if isinstance(s, Prepared) else s for s in statements]
    try:
        with psycopg.ClientCursor(raw) as cursor:
            for statement in statements:
                if isinstance(statement, Prepared) and statement.name not in prepared:
                    cursor.execute(statement.prepare())
                    prepared.add(statement.name)
            cursor.execute("; ".join(sql), params)
            while True:
                found.append(list(cursor.fetchall()) if cursor.description else [])
                if not cursor.nextset():
                    break
    except psycopg.Error as exc:
        _raise_as_sqlalchemy(conn, exc, sql, params)
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
