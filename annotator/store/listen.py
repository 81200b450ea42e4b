"""A dedicated connection that hears other clients' commits on a PostgreSQL server.

Every write transaction notifies :data:`annotator.store.feed.CHANNEL` with its change-feed
number when it commits (:func:`annotator.store.feed.take_and_commit`). A :class:`Listener` holds one
autocommit psycopg connection, outside the engine's pool, that has run ``LISTEN``; its socket
(:meth:`Listener.fileno`) becomes readable when a notification arrives, so a GUI can watch it
without polling. Notifications are not durable: one sent while the connection was down is
lost, so after a reconnect the client reads the change feed from the last number it saw.
On a team database the connection also hears :data:`TEAM_CHANNEL` (assignments and statuses
changed, no payload): :attr:`Listener.team_news`.
"""

from __future__ import annotations

import contextlib
from typing import Any

from sqlalchemy import Engine

from annotator.store.feed import CHANNEL
from annotator.store.team_sql import TEAM_CHANNEL

APPLICATION_NAME = "annotator live updates"
"""How a listening connection shows in ``pg_stat_activity``."""


class ListenerLost(Exception):
    """The listening connection is gone (the server restarted, or the network went away)."""


class Listener:
    """One ``LISTEN`` connection to ``engine``'s database (PostgreSQL only)."""

    def __init__(self, engine: Engine) -> None:
        raw = engine.raw_connection()  # the engine's own credentials and settings
        self._conn: Any = raw.driver_connection  # a psycopg.Connection
        assert self._conn is not None, "a pooled connection has a driver connection"
        raw.detach()  # never given back to the pool: it stays in autocommit, listening
        self._conn.rollback()  # the pool may hand it over inside a transaction
        self._conn.autocommit = True
        self._backlog: list[tuple[str, str]] = []  # (channel, payload) heard during a statement
        self._conn.add_notify_handler(
            lambda note: self._backlog.append((note.channel, note.payload))
        )
        self.team_news = False
        """True once a team's assignments or statuses changed (:data:`TEAM_CHANNEL`, ADR 0024);
        the reader resets it."""
        self._conn.execute(f"SET application_name = '{APPLICATION_NAME}'")  # for the admin
        self._conn.execute(f"LISTEN {CHANNEL}")
        self._conn.execute(f"LISTEN {TEAM_CHANNEL}")  # heard on a team database only

    def fileno(self) -> int:
        """The connection's socket: readable when a notification (or an error) arrives."""
        return int(self._conn.fileno())

    def drain(self) -> list[int]:
        """The change-feed numbers notified since the last call, without waiting for more.

        Raises :class:`ListenerLost` when the connection is gone. A wake-up that brought no
        notification asks the server ``SELECT 1``: a server that ends the connection first
        sends its reason and closes the socket a moment later, and a watcher of the socket
        must not take that for news, nor wait for the close.
        """
        import psycopg
        from psycopg import pq

        try:
            pgconn = self._conn.pgconn
            pgconn.consume_input()  # what arrived; a closed socket raises here
            if pgconn.status != pq.ConnStatus.OK:
                raise ListenerLost("the server closed the listening connection")
            while (note := pgconn.notifies()) is not None:  # libpq's queue, without waiting
                self._backlog.append((note.relname.decode("ascii"), note.extra.decode("ascii")))
            if not self._backlog:
                self._conn.execute("SELECT 1")  # notifications arriving now: the handler
        except psycopg.Error as exc:
            raise ListenerLost(str(exc)) from exc
        seqs = [int(payload) for channel, payload in self._backlog if channel == CHANNEL]
        self.team_news |= any(channel == TEAM_CHANNEL for channel, _ in self._backlog)
        self._backlog.clear()
        return seqs

    def close(self) -> None:
        """Close the connection (it is not the pool's)."""
        import psycopg

        with contextlib.suppress(psycopg.Error):
            self._conn.close()
