"""Whether a project's server can be reached: every failure that says it went away is heard,
and a cheap question says whether it is back (issue 20, item 7).

:func:`watch_losses` hooks the engine's ``handle_error`` event, which SQLAlchemy calls for
every failed statement and every failed connection attempt, on whatever thread ran it: a read
of the window, a write transaction, a job's worker. :func:`answers` asks the server
``SELECT 1`` on a fresh connection from the pool (which drops the connections a restarted
server ended). :func:`hold_connections` keeps the engine from opening new connections while
the server is known to be away, so a read fails at once instead of waiting for the connect
timeout; :func:`answers` alone still tries. :func:`answers_quickly` asks on a connection of
its own with a short timeout, for an edit refused while Offline that may go through at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError

from annotator.store.dberrors import connection_lost


def first_line(exc: BaseException) -> str:
    """The first line of ``exc``'s text (a driver's error is several lines), or its type."""
    text_ = str(exc).strip()
    return text_.splitlines()[0] if text_ else type(exc).__name__


def watch_losses(engine: Engine, on_lost: Callable[[str], None]) -> Callable[[], None]:
    """Call ``on_lost(reason)`` whenever a statement or a connection attempt on ``engine``
    fails because the server is gone; returns a function that stops watching (called again,
    it does nothing)."""

    def handle(context: Any) -> None:
        exc = context.original_exception
        if context.is_pre_ping:  # a pooled connection a restart ended: the pool makes another
            return
        if context.is_disconnect or connection_lost(exc):
            on_lost(first_line(exc))

    def stop() -> None:  # once is enough: a window may be closed twice
        if event.contains(engine, "handle_error", handle):
            event.remove(engine, "handle_error", handle)

    event.listen(engine, "handle_error", handle)
    return stop


HELD = "the server is away, so it is not asked until it answers again (the connection is lost)"
"""The error of a connection :func:`hold_connections` did not try (``connection_lost`` knows it)."""

_asking = threading.local()  # set while answers() runs on this thread: it may connect


def hold_connections(engine: Engine, held: Callable[[], bool]) -> Callable[[], None]:
    """While ``held()`` is True, a new connection of ``engine`` is not tried: it fails at once
    with the driver's OperationalError (:data:`HELD`), except for :func:`answers`. Returns a
    function that stops holding (called again, it does nothing)."""

    def do_connect(dialect: Any, _record: Any, _cargs: Any, _cparams: Any) -> None:
        if held() and not getattr(_asking, "on", False):
            raise dialect.loaded_dbapi.OperationalError(HELD)

    def stop() -> None:
        if event.contains(engine, "do_connect", do_connect):
            event.remove(engine, "do_connect", do_connect)

    event.listen(engine, "do_connect", do_connect)
    return stop


def answers(engine: Engine) -> str | None:
    """None if ``engine``'s server answers now, else the reason it does not."""
    _asking.on = True
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        return first_line(exc.orig or exc)
    finally:
        _asking.on = False
    return None


QUICK_TIMEOUT_S = 2
"""How long :func:`answers_quickly` waits: for the connection (libpq takes 2 s for anything
shorter) and for the answer."""


def answers_quickly(engine: Engine, timeout_s: int = QUICK_TIMEOUT_S) -> str | None:
    """None if ``engine``'s server answers ``SELECT 1`` within ``timeout_s``, else the reason.

    One connection of its own, outside the pool and its events (so neither a held engine nor
    a failure here counts as a loss), closed afterwards."""
    cargs, cparams = engine.dialect.create_connect_args(engine.url)
    cparams = {**cparams, "connect_timeout": timeout_s}
    cparams["options"] = f"{cparams.get('options', '')} -c statement_timeout={timeout_s * 1000}"
    dbapi = engine.dialect.loaded_dbapi
    try:
        conn = dbapi.connect(*cargs, **cparams)
    except dbapi.Error as exc:
        return first_line(exc)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except dbapi.Error as exc:
        return first_line(exc)
    finally:
        conn.close()
    return None
