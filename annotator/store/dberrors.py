"""Turn SQLite's error texts into sentences a user can act on.

SQLite reports a locked, full, read-only or damaged database through
``sqlite3.OperationalError`` / ``sqlite3.DatabaseError`` (wrapped by
SQLAlchemy in exceptions of the same names). :func:`translate` maps the
known texts to a :class:`ProjectError` that names the file; anything else
is left to the caller (it is an unexpected error and goes to the log).
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from annotator.core.errors import (
    AnnotatorError,
    AnnotatorKindError,
    EventError,
    ProjectError,
    SpanError,
    StaleEditError,
)
from annotator.core.location import Location

# (text SQLite puts in the error, the sentence for the user with {file})
_SQLITE_TEXTS: tuple[tuple[str, str], ...] = (
    (
        "database is locked",
        "{file} is busy: another program or window is writing to it. "
        "Nothing was changed; try again in a moment.",
    ),
    (
        "database or disk is full",
        "The disk that holds {file} is full, so the change could not be saved. "
        "Free some space and try again.",
    ),
    (
        "attempt to write a readonly database",
        "{file} is read-only, so it cannot be changed. Open a copy in a folder you may write to.",
    ),
    (
        "file is not a database",
        "{file} is not a project file: it is not an SQLite database, or it is encrypted.",
    ),
    (
        "database disk image is malformed",
        "{file} is damaged (the database disk image is malformed). "
        "Open a backup copy of the project instead.",
    ),
    (
        "unable to open database file",
        "{file} cannot be opened: check that its folder exists and that you may write to it.",
    ),
    (
        "disk i/o error",
        "Reading or writing {file} failed with a disk I/O error; "
        "check the disk or network drive, then try again.",
    ),
)

# (texts of a broken constraint: SQLite's and, for team mode, the index's name that
# PostgreSQL reports; the error type; the sentence for the user): rules the write service
# checks first, so reaching the database means another writer got in between, a program
# bypassed the service, or its check was lost
_SAVED_NOTHING = "nothing was saved."
_CONSTRAINTS: tuple[tuple[tuple[str, ...], type[AnnotatorError], str], ...] = (
    (
        ("unique constraint failed: events.trigger_span_id", "ux_events_trigger"),
        EventError,
        "That span is already the trigger of an event, and a span can trigger only one event; "
        + _SAVED_NOTHING,
    ),
    (
        ("unique constraint failed: spans.", "ux_spans_identical"),
        SpanError,
        "An identical span (same offsets and label) is already there in this layer, so a "
        "second one was not added; " + _SAVED_NOTHING,
    ),
    (
        ("unique constraint failed: relations.", "ux_relations_ends"),
        EventError,
        "These spans are already related by a relation of that type, so a second one was "
        "not added; " + _SAVED_NOTHING,
    ),
    (
        ("unique constraint failed: event_arguments.", "ux_event_arguments"),
        EventError,
        "That span already fills that role of the event, so it was not added twice; "
        + _SAVED_NOTHING,
    ),
    (
        ("unique constraint failed: annotators.kind", "ux_annotators_gold"),
        AnnotatorKindError,
        "The project already has a gold layer, and a project has only one; "
        + _SAVED_NOTHING
        + " Use the existing gold layer (adjudicate leaves --gold-name out).",
    ),
    (
        ("foreign key constraint failed", "violates foreign key constraint"),
        StaleEditError,
        "Other rows still refer to what this change removes or points at (another window or "
        "program may have changed them), so the database refused it; " + _SAVED_NOTHING,
    ),
)

_OS_ERRNOS: dict[int, str] = {
    errno.ENOSPC: "database or disk is full",
    errno.EROFS: "attempt to write a readonly database",
    errno.EACCES: "attempt to write a readonly database",
    errno.EPERM: "attempt to write a readonly database",
    errno.EIO: "disk i/o error",
}


def _sqlite_text(exc: BaseException) -> str | None:
    """The lower-cased SQLite message inside ``exc``, or None if it is not an SQLite error."""
    if isinstance(exc, DBAPIError):
        if exc.orig is None:
            return None
        return _sqlite_text(exc.orig)
    if isinstance(exc, sqlite3.Error):
        return str(exc).lower()
    if isinstance(exc, OSError) and exc.errno in _OS_ERRNOS:
        return _OS_ERRNOS[exc.errno]
    return None


def broken_rule(exc: BaseException) -> AnnotatorError | None:
    """The project's own error for a constraint the database enforced, else None.

    A broken unique index is a :class:`SpanError`, :class:`EventError` or
    :class:`AnnotatorKindError` with a sentence; a broken ``RESTRICT`` foreign key
    is a :class:`StaleEditError` (what the change relied on changed meanwhile).
    """
    text = _sqlite_text(exc) or _constraint_text(exc)
    if text is None:
        return None
    return next(
        (kind(sentence) for needles, kind, sentence in _CONSTRAINTS if _any_in(needles, text)),
        None,
    )


def _constraint_text(exc: BaseException) -> str | None:
    """The lower-cased text of another driver's integrity error (team mode), else None."""
    if isinstance(exc, DBAPIError) and type(exc).__name__ == "IntegrityError":
        return str(exc.orig).lower()
    return None


def _any_in(needles: tuple[str, ...], text: str) -> bool:
    return any(needle in text for needle in needles)


def translate(exc: BaseException, path: Location | None) -> ProjectError | None:
    """A :class:`ProjectError` for a known database failure of ``path``, else None.

    ``path`` is the project file, named in the message ("the project file"
    when it is not known), or the project's server.
    """
    if path is not None and not isinstance(path, Path):
        return server_error(exc, path)
    text = _sqlite_text(exc)
    if text is None:
        return None
    name = str(path) if path is not None else "the project file"
    for needle, sentence in _SQLITE_TEXTS:
        if needle in text:
            message = sentence.format(file=name)
            if path is None:
                message = message[0].upper() + message[1:]
            return ProjectError(message)
    return None


# PostgreSQL (team mode): SQLSTATE codes of a lock or conflict that a retry may get past
# (lock_timeout, serialization failure, deadlock), and of a connection that went away
_PG_BUSY = {"55P03", "40001", "40P01"}
_PG_GONE = {"57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004"}
_PG_GONE_TEXTS = (
    "server closed the connection",
    "connection is closed",
    "consuming input failed",
    "terminating connection",
    "the connection is lost",
    "ssl syscall error",
    "connection is bad",  # the pool's new connection: the server is down (psycopg)
    "is the server running",  # libpq: nothing listens on the socket or port
)


def _sqlstate(exc: BaseException) -> str | None:
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(orig, "sqlstate", None)
    return code if isinstance(code, str) else None


def on_server(exc: BaseException) -> bool:
    """Whether ``exc`` came from a PostgreSQL server (it carries an SQLSTATE code)."""
    return _sqlstate(exc) is not None


def is_busy(exc: DBAPIError) -> bool:
    """Whether ``exc`` is a lock another writer holds (SQLite's busy file, PostgreSQL's lock
    timeout, serialization failure or deadlock): the write service retries those."""
    if _sqlstate(exc) in _PG_BUSY:
        return True
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text


def connection_lost(exc: BaseException) -> bool:
    """Whether ``exc`` says the connection to a database server went away."""
    if _sqlstate(exc) in _PG_GONE:
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    text = str(exc.orig if isinstance(exc, DBAPIError) else exc).lower()
    return _sqlite_text(exc) is None and any(t in text for t in _PG_GONE_TEXTS)


# (text libpq puts in a failed connection's error, the sentence with {server}, {user}, {db})
_CONNECT_TEXTS: tuple[tuple[str, str], ...] = (
    (
        "password authentication failed",
        "The server {server} refused the login of {user}: wrong password, or no such user.",
    ),
    (
        "no password supplied",
        "The server {server} asks {user} for a password, and none was given.",
    ),
    ("role", "The server {server} has no user {user}; ask the project's manager for a login."),
    (
        "does not exist",
        "The server {server} has no database {db}; ask the project's manager to create it.",
    ),
    (
        "no pg_hba.conf entry",
        "The server {server} does not let {user} in from this machine (pg_hba.conf).",
    ),
    (
        "could not translate host name",
        "The server {server} cannot be found: check its name and the network.",
    ),
    ("timeout expired", "The server {server} did not answer in time: check the network."),
    (
        "connection refused",
        "The server {server} cannot be reached: it is not running, or not on that port.",
    ),
    (
        "no such file or directory",
        "The server {server} cannot be reached: nothing listens on that socket.",
    ),
    ("permission denied", "The server {server} refused {user} (permission denied)."),
)


def server_error(exc: BaseException, location: object) -> ProjectError | None:
    """A :class:`ProjectError` for a server that could not be reached or refused the login,
    or for a connection lost later; None for anything else. ``location`` is the project's
    :class:`~annotator.core.location.ServerUrl`."""
    if not isinstance(exc, DBAPIError) or _sqlite_text(exc) is not None:
        return None
    text = str(exc.orig).lower()
    server = getattr(location, "host", "?")
    names = {
        "server": server,
        "user": repr(_user(location)),
        "db": repr(getattr(location, "database", "?")),
    }
    if "connection" in text and "failed" in text or "could not" in text:
        for needle, sentence in _CONNECT_TEXTS:
            if needle in text:
                return ProjectError(sentence.format(**names) + " Nothing was changed.")
    if connection_lost(exc):
        return ProjectError(
            f"The connection to the server {server} was lost, so the change was not saved "
            "(one being committed at that very moment may have been). Open the project "
            "again once the server is back."
        )
    if "connection" in text and "failed" in text:
        return ProjectError(f"The server {server} cannot be reached ({exc.orig}).")
    return None


def _user(location: object) -> str:
    from urllib.parse import unquote, urlsplit

    return unquote(urlsplit(str(getattr(location, "url", ""))).username or "") or "(you)"
