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

from annotator.core.errors import EventError, ProjectError

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

# (text of a broken constraint, the sentence for the user): rules the write service checks
# first; reaching the database means a program bypassed it, or its check was lost
_CONSTRAINTS: tuple[tuple[str, str], ...] = (
    (
        "unique constraint failed: events.trigger_span_id",
        "That span is already the trigger of an event, and a span can trigger only one event; "
        "nothing was saved.",
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


def broken_rule(exc: BaseException) -> EventError | None:
    """An :class:`EventError` for a unique constraint the database enforced, else None."""
    text = _sqlite_text(exc)
    if text is None:
        return None
    return next((EventError(s) for needle, s in _CONSTRAINTS if needle in text), None)


def translate(exc: BaseException, path: Path | None) -> ProjectError | None:
    """A :class:`ProjectError` for a known database failure of ``path``, else None.

    ``path`` is the project file, named in the message ("the project file"
    when it is not known).
    """
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
