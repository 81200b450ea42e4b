"""One guard for every file the app writes: refuse a target whose loss would destroy something.

Export, the agreement report (CLI and window) and the schema export all go
through here (issue 17, ADR 0009). :func:`check_output` refuses, before
anything is written, the open project file (and its ``-wal``/``-shm``/
``-journal`` files, through symlinks, hard links and relative paths), any
SQLite database or a ``-wal``/``-shm``/``-journal`` file beside one, a
device, pipe or socket, and a folder the tool did not create. ``force`` lifts
only the refusals of SQLite files and foreign folders; it never allows the
project itself or a non-regular file to be replaced. :func:`write_text`
writes a one-file output through a temporary file in the same folder, fsynced
and renamed into place, so a failed write leaves an existing file as it was.
Temporary names are made here too, unique in the target's folder.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core.location import Location

SQLITE_MAGIC = b"SQLite format 3\x00"
MARKER = ".annotator-export"  # written into every brat folder the tool creates or fills
_PROJECT_SUFFIXES = ("", "-wal", "-shm", "-journal")
_PREFIX_CHARS = 60  # of the target's name kept in a temporary name (names stay < 255 bytes)


class OutputRefused(AnnotatorError):
    """An output target that must not be replaced."""


class OutputFailed(AnnotatorError):
    """An output could not be written; an existing file at the target is unchanged."""


def project_files(project: Location) -> tuple[Path, ...]:
    """The project file and the files SQLite keeps beside it (beside its target, if a link);
    none for a project on a server."""
    if not isinstance(project, Path):
        return ()
    real = os.path.realpath(project)
    names = {f"{base}{suffix}" for base in (str(project), real) for suffix in _PROJECT_SUFFIXES}
    return tuple(Path(name) for name in sorted(names))


def same_file(a: Path, b: Path) -> bool:
    """True if ``a`` and ``b`` name the same file (symlinks, hard links, relative paths)."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_output(fmt_is_folder: bool, out: Path, protected: Iterable[Path], force: bool) -> None:
    """Raise :class:`OutputRefused` unless an export may write to ``out``.

    ``fmt_is_folder`` is True for brat (a folder of files), False for the
    one-file formats. ``protected`` are files never to be replaced (the open
    project and its companions).
    """
    guarded = tuple(protected)
    if any(same_file(out, p) for p in guarded):
        raise OutputRefused(
            f"{out} is the open project file or one SQLite keeps beside it; write to "
            "another file name (--force never overwrites the project)."
        )
    try:
        info = out.stat()
    except FileNotFoundError:
        _check_parent(out, fmt_is_folder)
        return
    except OSError as exc:
        raise OutputRefused(f"{out} cannot be checked ({exc.strerror}).") from None
    if stat.S_ISDIR(info.st_mode):
        _check_folder(out, fmt_is_folder, force)
    elif not stat.S_ISREG(info.st_mode):
        raise OutputRefused(f"{out} is a device, pipe or socket, not a file; export to a file.")
    elif fmt_is_folder:
        raise OutputRefused(
            f"{out} is a file; brat and webanno export to a folder, give a folder name."
        )
    elif not force:
        _check_not_sqlite(out)


def _check_not_sqlite(out: Path) -> None:
    if is_sqlite(out):
        raise OutputRefused(
            f"{out} is an SQLite database (perhaps a project); write to another file, "
            "or give --force to replace it."
        )
    database = sqlite_companion_of(out)
    if database is not None:
        raise OutputRefused(
            f"{out} belongs to the SQLite database {database} (perhaps a project) and "
            "replacing it could destroy that database; write to another file, "
            "or give --force to replace it."
        )


def sqlite_companion_of(path: Path) -> Path | None:
    """The SQLite file whose ``-wal``/``-shm``/``-journal`` ``path`` is, or None."""
    for suffix in _PROJECT_SUFFIXES[1:]:
        if path.name.endswith(suffix) and len(path.name) > len(suffix):
            base = path.with_name(path.name[: -len(suffix)])
            if is_sqlite(base):
                return base
    return None


def _check_parent(out: Path, fmt_is_folder: bool) -> None:
    parent = out.parent
    if not fmt_is_folder and not parent.is_dir():
        raise OutputRefused(f"The folder {parent} does not exist; create it first.")


def _check_folder(out: Path, fmt_is_folder: bool, force: bool) -> None:
    if not fmt_is_folder:
        raise OutputRefused(f"{out} is a folder; give a file name for this format.")
    if force or (out / MARKER).is_file():
        return
    if any(out.iterdir()):
        raise OutputRefused(
            f"{out} is a folder that holds other files and was not made by an export; "
            "export to a new or empty folder, or give --force to write into it."
        )


def is_sqlite(path: Path) -> bool:
    """True if ``path`` starts with SQLite's magic header."""
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def _temp_name(out: Path) -> Path:
    return out.with_name(f".{out.name[:_PREFIX_CHARS]}.{secrets.token_hex(6)}.part")


def new_temp_file(out: Path) -> tuple[int, Path]:
    """A new, unique file beside ``out`` (``O_EXCL``, mode from the umask) and its path."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = _temp_name(out)
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue


def new_temp_folder(out: Path) -> Path:
    """A new, unique, empty folder beside ``out`` that this export owns."""
    while True:
        tmp = _temp_name(out)
        try:
            tmp.mkdir(0o777)
            return tmp
        except FileExistsError:
            continue


def write_text(out: Path, text: str, protected: Iterable[Path], force: bool = False) -> None:
    """Write ``text`` (UTF-8) to ``out`` after :func:`check_output`; all or nothing.

    The text goes to a new temporary file beside ``out``, is fsynced, and is
    renamed over ``out``. On any failure the temporary file is removed, an
    existing ``out`` is unchanged, and :class:`OutputFailed` names the reason.
    """
    check_output(False, out, protected, force)
    try:
        fd, tmp = new_temp_file(out)
    except OSError as exc:
        raise OutputFailed(f"Cannot write {out} ({exc.strerror}).") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        kept = f"; {out} was left as it was" if os.path.lexists(out) else ""
        raise OutputFailed(f"Cannot write {out} ({exc.strerror}){kept}.") from None
