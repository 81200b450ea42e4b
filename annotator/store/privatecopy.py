"""A private copy of another project file, so that reading it never writes beside it.

SQLite opens a file whose ``-wal`` holds content with shared memory: even a
read-only connection creates or changes the ``-shm`` beside it, in a folder
that belongs to somebody else. A merge therefore copies the file's bytes (with
its ``-wal`` and ``-journal``) into a private folder and lets SQLite work on
the copy only. The folder is removed when the merge has read it; a process
that is killed cannot remove it, so every copy starts by removing the folders
of processes that are gone (the folder's name holds its process id). See
docs/adr/0012-merge.md.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.core.errors import ProjectError

PREFIX = "annotator-merge-"
_OURS = re.compile(re.escape(PREFIX) + r"(\d+)-\w+")
_COMPANIONS = ("", "-wal", "-journal")  # never "-shm": SQLite rebuilds it from the -wal
_ATTEMPTS = 3


@contextmanager
def private_copy(path: Path) -> Iterator[Path]:
    """Yield a copy of the project file ``path`` in a private folder, removed afterwards."""
    clear_stale()
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    try:
        copy = folder / "source.sqlite"
        _copy_settled(path, copy)
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def clear_stale(root: Path | None = None) -> list[Path]:
    """Remove this user's copy folders whose process is gone; return what was removed."""
    removed = []
    for entry in Path(root or tempfile.gettempdir()).glob(f"{PREFIX}*"):
        found = _OURS.fullmatch(entry.name)
        if found is None or alive(int(found[1])) or not _own_folder(entry):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def alive(pid: int) -> bool:
    """True unless the process ``pid`` surely does not exist (only POSIX can tell)."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by somebody else
    return True


def _own_folder(entry: Path) -> bool:
    try:
        info = entry.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()


def _copy_settled(path: Path, copy: Path) -> None:
    """Copy the file and its companions; refuse when another program changes them meanwhile."""
    for _ in range(_ATTEMPTS):
        before = _state(path)
        for suffix in _COMPANIONS:
            source = Path(f"{path}{suffix}")
            if before[suffix] is not None:
                shutil.copyfile(source, f"{copy}{suffix}")
        if _state(path) == before:
            return
        for suffix in _COMPANIONS:
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
    raise ProjectError(
        f"{path} kept changing while it was copied (another program is writing it); "
        "close that program and merge again."
    )


def _state(path: Path) -> dict[str, tuple[int, int, int] | None]:
    """Size, mtime and inode of the file and each companion (None: absent); regular files only."""
    out: dict[str, tuple[int, int, int] | None] = {}
    for suffix in _COMPANIONS:
        name = Path(f"{path}{suffix}")
        try:
            info = name.stat()
        except FileNotFoundError:
            out[suffix] = None
            continue
        except OSError as exc:
            raise ProjectError(f"{name} cannot be read ({exc.strerror}).") from None
        if not stat.S_ISREG(info.st_mode):
            raise ProjectError(f"{name} is not a regular file, so {path} cannot be read safely.")
        out[suffix] = (info.st_size, info.st_mtime_ns, info.st_ino)
    return out
