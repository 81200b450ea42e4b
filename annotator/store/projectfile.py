"""Look at a project file before any engine touches it.

Opening a file through the engine runs pragmas that write (``journal_mode=WAL``),
so a file must be judged first, without changing it: its path, its header,
and its tables, read through a plain read-only ``sqlite3`` connection. A file
that is refused here is left exactly as it was (bytes, mtime, and no ``-wal``
or ``-shm`` files appear). See docs/adr/0009-project-files-and-safe-export.md.
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from annotator.core.errors import ProjectError
from annotator.store.dberrors import translate

SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_BYTES = 100
_URI_LIKE = re.compile(r"^(file:|[A-Za-z][A-Za-z0-9+.-]+:/)")
_SERVER_URL = re.compile(
    r"^\s*(postgres|postgresql|mysql|mariadb|oracle|mssql)(\+[\w.-]+)?:/", re.IGNORECASE
)


@dataclass(frozen=True)
class FileCheck:
    """What :func:`inspect_file` found.

    Attributes:
        path: the project file.
        is_new: there is no database yet (missing or empty file): one will be created.
        read_only: the file or its folder cannot be written; open it read-only.
        revision: the schema revision stored in the file (None if new or unversioned).
    """

    path: Path
    is_new: bool
    read_only: bool
    revision: str | None


def check_path(raw: Path | str) -> Path:
    """Refuse ``:memory:``, an empty path and URI-like paths; return the path."""
    text = str(raw)
    if text.strip() in {"", ":memory:"}:
        raise ProjectError(f"{text!r} is not a project file; give the path of a file on disk.")
    if _SERVER_URL.match(text):
        raise ProjectError(
            f"{text} is a database server URL. This version opens project files only; "
            "projects on a database server are not supported yet. Give the path of a "
            "project file on disk."
        )
    if _URI_LIKE.match(text):
        raise ProjectError(
            f"{text} looks like a URI, not a file path; give the path of a project file on disk."
        )
    return Path(raw)


def readonly_uri(path: Path, *, immutable: bool = False) -> str:
    """An SQLite URI that opens ``path`` without writing to it."""
    query = "immutable=1" if immutable else "mode=ro"
    return f"file:{quote(str(path.resolve()))}?{query}"


def writable(path: Path) -> bool:
    """True when this process may write ``path`` (if it exists) and create files beside it.

    ``os.access`` asks the kernel with the real permissions, so it also reports
    a read-only mount (EROFS), even for root.
    """
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


def inspect_file(raw: Path | str, *, create: bool) -> FileCheck:
    """Judge the file at ``raw`` without changing it; raise :class:`ProjectError` to refuse.

    ``create`` allows a missing file to become a new project (a command that
    only reads passes False).
    """
    path = check_path(raw)
    try:
        info = path.stat()
    except FileNotFoundError:
        return _missing(path, create)
    except OSError as exc:
        raise ProjectError(f"{path} cannot be opened ({exc.strerror}).") from None
    if stat.S_ISDIR(info.st_mode):
        raise ProjectError(f"{path} is a folder, not a project file.")
    if not stat.S_ISREG(info.st_mode):
        raise ProjectError(f"{path} is not a regular file (a device, pipe or socket).")
    read_only = not writable(path)
    if info.st_size == 0:
        if read_only:
            raise ProjectError(f"{path} is empty and read-only, so no project can be made in it.")
        return FileCheck(path, True, False, None)
    _check_header(path, info.st_size)
    revision, tables = _read_tables(path)
    if revision is None and tables:
        raise ProjectError(f"{path} is an SQLite database, but not an annotation project.")
    return FileCheck(path, not tables, read_only, revision)


def _missing(path: Path, create: bool) -> FileCheck:
    if not create:
        raise ProjectError(f"There is no project file at {path}.")
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise ProjectError(f"{path} cannot be created: {folder} is not a folder.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProjectError(f"{path} cannot be created: {folder} ({exc.strerror}).") from None
    if not writable(path):
        raise ProjectError(f"{path} cannot be created: the folder {folder} is read-only.")
    return FileCheck(path, True, False, None)


def _check_header(path: Path, size: int) -> None:
    try:
        with path.open("rb") as fh:
            header = fh.read(_HEADER_BYTES)
    except OSError as exc:
        raise ProjectError(f"{path} cannot be read ({exc.strerror}).") from None
    if not header.startswith(SQLITE_MAGIC):
        raise ProjectError(f"{path} is not a project file (not an SQLite database).")
    if len(header) < _HEADER_BYTES:
        raise ProjectError(f"{path} is damaged: the file is truncated (only {size} bytes).")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The in-header size is valid when the two counters agree; while a -wal file exists a
    # checkpoint may be growing the file right now, so only SQLite itself can judge then.
    header_size_valid = header[24:28] == header[92:96] and pages > 0
    header_size_valid = header_size_valid and not Path(f"{path}-wal").exists()
    if page_size < 512 or (header_size_valid and size < pages * page_size):
        raise ProjectError(
            f"{path} is damaged: the file is truncated ({size} bytes, "
            f"{pages * page_size} expected). Open a backup copy of the project instead."
        )


def _read_tables(path: Path) -> tuple[str | None, list[str]]:
    """The stored revision and the table names, read without writing anything.

    ``immutable=1`` opens no lock and creates no ``-wal``/``-shm`` file; it is
    used unless a ``-wal`` or ``-journal`` file holds content that must be read.
    """
    pending = any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-journal"))
    uri = readonly_uri(path, immutable=not pending)
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            tables = [
                row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
            revision = None
            if "alembic_version" in tables:
                row = con.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            con.close()
    except sqlite3.Error as exc:
        error = translate(exc, path)
        if error is None:
            raise ProjectError(f"{path} cannot be read as a project ({exc}).") from None
        raise error from None
    return revision, tables
