"""Project files are judged before any engine touches them; bad ones get one clear sentence."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from annotator.core.errors import ProjectError
from annotator.services.project import open_project
from annotator.store.dberrors import translate
from annotator.store.engine import open_sqlite


def _snapshot(path: Path) -> tuple[bytes, int, list[str]]:
    """Bytes, mtime (ns) and the names in the file's folder."""
    return path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(path.parent))


def _foreign(path: Path, wal: bool) -> Path:
    con = sqlite3.connect(path)
    if wal:
        con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE notes (body TEXT)")
    con.execute("INSERT INTO notes VALUES ('ملاحظة 😀\u00a0ـ')")
    con.commit()
    con.close()
    return path


@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
def test_a_foreign_sqlite_file_is_refused_without_being_touched(tmp_path: Path, wal: bool) -> None:
    other = _foreign(tmp_path / "notes.sqlite", wal)
    before = _snapshot(other)
    assert before[2] == ["notes.sqlite"]
    with pytest.raises(ProjectError, match="notes.sqlite is an SQLite database, but not an"):
        open_project(other)
    assert _snapshot(other) == before  # same bytes, same mtime, no -wal/-shm beside it
    header = other.read_bytes()[18:20]
    assert header == (b"\x02\x02" if wal else b"\x01\x01")  # journal mode not switched


def _project(path: Path) -> Path:
    project = open_project(path)
    project.documents.add_text("a.txt", "نص عربي 😀 فيه\u00a0مسافة و\u200cـحركاتٌ Latin 123")
    project.close()
    return path


def test_a_truncated_project_is_refused_with_a_sentence(tmp_path: Path) -> None:
    path = _project(tmp_path / "p.sqlite")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ProjectError, match=r"p\.sqlite is damaged: the file is truncated"):
        open_project(path)
    path.write_bytes(data[:60])
    with pytest.raises(ProjectError, match=r"p\.sqlite is damaged: the file is truncated"):
        open_project(path)


def test_a_project_with_a_corrupt_schema_page_is_refused(tmp_path: Path) -> None:
    path = _project(tmp_path / "p.sqlite")
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # page 1 after the header: sqlite_master
    path.write_bytes(bytes(data))
    before = _snapshot(path)
    with pytest.raises(ProjectError, match=r"p\.sqlite is (damaged|not a project file)"):
        open_project(path)
    assert _snapshot(path) == before


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes("SQLite format 2 — ليس قاعدة بيانات 😀".encode())
    before = _snapshot(path)
    with pytest.raises(ProjectError, match=r"notes\.sqlite is not a project file"):
        open_project(path)
    assert _snapshot(path) == before


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (":memory:", "':memory:' is not a project file"),
        ("", "'' is not a project file"),
        ("file:p.sqlite?mode=memory", "looks like a URI"),
        ("sqlite:///p.sqlite", "looks like a URI"),
    ],
)
def test_paths_that_are_not_files_are_refused(
    given: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProjectError, match=expected):
        open_project(given)
    assert os.listdir(tmp_path) == []


def test_a_folder_a_device_and_a_fifo_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=f"{tmp_path} is a folder, not a project file"):
        open_sqlite(tmp_path)
    if os.geteuid() == 0:  # a character device made here: never touch the real /dev
        device = tmp_path / "null.sqlite"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        with pytest.raises(ProjectError, match="null.sqlite is not a regular file"):
            open_sqlite(device)
        assert sorted(os.listdir(tmp_path)) == ["null.sqlite"]
    fifo = tmp_path / "pipe.sqlite"
    os.mkfifo(fifo)
    with pytest.raises(ProjectError, match="pipe.sqlite is not a regular file"):
        open_sqlite(fifo)  # would hang if the header were read


def test_opening_without_create_refuses_a_missing_file_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "p.sqlite"
    with pytest.raises(ProjectError, match=f"There is no project file at {missing}"):
        open_project(missing, create=False)
    assert not missing.parent.exists()
    with pytest.raises(ProjectError, match="There is no project file at"):
        open_project(tmp_path / "p.sqlite", create=False)
    assert not (tmp_path / "p.sqlite").exists()


def test_a_locked_project_gives_a_busy_message(tmp_path: Path) -> None:
    path = _project(tmp_path / "p.sqlite")
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        waiter = sqlite3.connect(path, timeout=0)
        with pytest.raises(sqlite3.OperationalError) as caught:
            waiter.execute("BEGIN IMMEDIATE")
        waiter.close()
    finally:
        holder.rollback()
        holder.close()
    error = translate(caught.value, path)
    assert error is not None
    assert str(error).startswith(f"{path} is busy: another program or window is writing to it.")


def test_real_sqlite_failures_become_sentences_naming_the_file(tmp_path: Path) -> None:
    path = _project(tmp_path / "p.sqlite")
    ro = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as readonly:
        ro.execute("CREATE TABLE extra (x)")
    ro.close()
    with pytest.raises(sqlite3.OperationalError) as cannot_open:
        sqlite3.connect(tmp_path / "missing" / "p.sqlite")
    notdb = tmp_path / "garbage.sqlite"
    notdb.write_bytes(b"\x00garbage" * 600)
    with pytest.raises(sqlite3.DatabaseError) as not_a_db:
        sqlite3.connect(notdb).execute("SELECT * FROM sqlite_master").fetchall()
    cases = [
        (readonly.value, f"{path} is read-only, so it cannot be changed."),
        (cannot_open.value, f"{path} cannot be opened: check that its folder exists"),
        (not_a_db.value, f"{path} is not a project file: it is not an SQLite database"),
        (sqlite3.OperationalError("disk I/O error"), f"Reading or writing {path} failed"),
        (OSError(28, "No space left on device"), f"The disk that holds {path} is full"),
    ]
    for exc, sentence in cases:
        error = translate(exc, path)
        assert error is not None, exc
        assert str(error).startswith(sentence)
    assert str(translate(readonly.value, None)).startswith("The project file is read-only")
    assert translate(ValueError("database is locked"), path) is None
    assert translate(sqlite3.OperationalError("no such table: spans"), path) is None
