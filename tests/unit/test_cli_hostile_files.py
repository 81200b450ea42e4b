"""Hostile files and paths given to the real CLI (issue 17): never exit 3, never a change
to a file the command should not touch.

File names that are not UTF-8, a ``--db`` whose name is not UTF-8, a disk that fills up
in the middle of a folder import (``RLIMIT_FSIZE`` in the child, so SQLite's writes fail
for real), and a 0-byte ``--db`` given to commands that only read.
"""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli

# emoji, NBSP, ZWNJ, tatweel, diacritics, Latin and digits
TEXT = "قصفت الطائرات 😀 مدينة\u00a0حماة و\u200cـحركاتٌ Latin 42 مُحَمَّدٌ\n"


def _documents(db: Path) -> list[str]:
    with sqlite3.connect(db) as con:
        return [name for (name,) in con.execute("SELECT name FROM documents ORDER BY id")]


def _project(tmp_path: Path) -> Path:
    db = tmp_path / "p.db"
    first = tmp_path / "first.txt"
    first.write_text(TEXT, encoding="utf-8")
    run = run_cli(tmp_path, "import", str(first), "--db", str(db))
    assert run.returncode == 0, run.stderr
    return db


def _odd_name(folder: Path, raw: bytes) -> Path:
    """A path in ``folder`` whose file name holds the bytes ``raw`` (not UTF-8)."""
    return Path(os.fsdecode(os.fsencode(folder) + b"/" + raw))


def test_a_file_name_that_is_not_utf8_is_imported_under_an_escaped_name(tmp_path: Path) -> None:
    db = _project(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("ok " + TEXT, encoding="utf-8")
    _odd_name(folder, b"bad\xff\xfe.txt").write_text("odd " + TEXT, encoding="utf-8")
    run = run_cli(tmp_path, "import", str(folder), "--db", str(db))
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert f"{folder}/bad\\xff\\xfe.txt: added (as bad\\xff\\xfe.txt: its file name" in run.stdout
    assert "2 added" in run.stdout
    assert _documents(db) == ["first.txt", "bad\\xff\\xfe.txt", "good.txt"]


def test_a_rejected_file_with_such_a_name_is_named_escaped(tmp_path: Path) -> None:
    db = _project(tmp_path)
    bad = _odd_name(tmp_path, b"latin\xe9.txt")
    bad.write_bytes("café".encode("latin-1"))
    run = run_cli(tmp_path, "import", str(bad), "--db", str(db))
    assert run.returncode == 1
    assert f"{tmp_path}/latin\\xe9.txt: is not valid UTF-8 (byte 0xe9 at offset 3)" in run.stderr
    assert _documents(db) == ["first.txt"]


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--format", "jsonl", "--annotator", "amal", "--out", "{out}"],
        ["agreement"],
        ["merge", "{other}"],
        ["import", "{other_text}"],
    ],
)
def test_a_db_name_that_is_not_utf8_is_refused_and_left_alone(
    tmp_path: Path, command: list[str]
) -> None:
    db = _project(tmp_path)
    odd = _odd_name(tmp_path, b"p\xff.db")
    odd.write_bytes(db.read_bytes())
    before = odd.read_bytes()
    other_text = tmp_path / "other.txt"
    other_text.write_text("x " + TEXT, encoding="utf-8")
    values = {"out": str(tmp_path / "o.jsonl"), "other": str(db), "other_text": str(other_text)}
    argv = [part.format(**values) for part in command]
    run = run_cli(tmp_path, *argv, "--db", str(odd))
    assert run.returncode == 2, run.stderr
    assert f"The project file name {tmp_path}/p\\xff.db is not valid UTF-8" in run.stderr
    assert "Traceback" not in run.stderr and "Unexpected" not in run.stderr
    assert odd.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("p")) == [
        "p.db",
        os.fsdecode(b"p\xff.db"),
    ]


def test_merging_a_file_whose_name_is_not_utf8_is_refused(tmp_path: Path) -> None:
    db = _project(tmp_path)
    odd = _odd_name(tmp_path, b"laptop\xff.db")
    odd.write_bytes(db.read_bytes())
    run = run_cli(tmp_path, "merge", str(odd), "--db", str(tmp_path / "team.db"))
    assert run.returncode == 2, run.stderr
    assert f"{tmp_path}/laptop\\xff.db is not valid UTF-8" in run.stderr
    assert not (tmp_path / "team.db").exists()


def _small_disk() -> None:
    """In the child: files may not grow past 600 KB, as on a nearly full disk.

    SIGXFSZ is ignored, so a write past the limit fails with EFBIG (or writes short)
    and SQLite reports it, instead of the process being killed.
    """
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (600_000, 600_000))


def test_a_disk_that_fills_during_a_folder_import_names_the_file_and_the_count(
    tmp_path: Path,
) -> None:
    db = _project(tmp_path)
    folder = tmp_path / "many"
    folder.mkdir()
    for k in range(150):
        (folder / f"f{k:03}.txt").write_text(f"{k} " + TEXT * 40, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "annotator", "import", str(folder), "--db", str(db)],
        cwd=REPO,
        env={**os.environ, "ANNOTATOR_DATA_DIR": str(tmp_path / "data")},
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_small_disk,  # noqa: PLW1509 - no threads in the test process matter here
    )
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    saved = _documents(db)[1:]  # the project opens cleanly: the failed file's change is gone
    assert 0 < len(saved) < 150
    failed = folder / f"f{len(saved):03}.txt"
    assert f"That change was the import of {failed}, so the import stopped there: " in run.stderr
    assert f"the {len(saved)} files before it were imported and are saved" in run.stderr
    assert f"it and the {149 - len(saved)} files after it were not imported." in run.stderr
    assert "the change was not saved" not in run.stderr
    assert run.stdout.count(": added.") == len(saved)
    assert saved == [f"f{k:03}.txt" for k in range(len(saved))]


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--format", "jsonl", "--annotator", "amal", "--out", "{out}"],
        ["agreement"],
        ["adjudicate"],
        ["delete-document", "k.txt"],
    ],
)
def test_a_command_that_reads_refuses_an_empty_db_and_leaves_it_empty(
    tmp_path: Path, command: list[str]
) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    argv = [part.format(out=tmp_path / "o.jsonl") for part in command]
    run = run_cli(tmp_path, *argv, "--db", str(empty))
    assert run.returncode == 2, run.stderr
    assert f"error: {empty} is empty, not a project file; it was left as it is." in run.stderr
    assert empty.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("empty")) == ["empty.db"]
