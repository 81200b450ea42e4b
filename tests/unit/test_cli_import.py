"""`annotator import` from the command line, against a real project file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.__main__ import main
from tests.conftest import SEEDS


def _count(db: Path, table: str) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


def test_import_folder_then_again_reports_duplicates(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(SEEDS), "--db", str(db_path)]) == 0
    assert "5 added" in capsys.readouterr().out
    assert main(["import", str(SEEDS), "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "0 added, 5 already in the project" in out
    assert _count(db_path, "documents") == 5


def test_bad_files_are_named_with_reasons_and_nothing_is_stored(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["import", str(SEEDS / "000_dfbb423181b2695a.txt"), "--db", str(db_path)])
    capsys.readouterr()
    before = _count(db_path, "documents")
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("café".encode("latin-1"))
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.txt"
    code = main(["import", str(bad), str(binary), str(empty), str(missing), "--db", str(db_path)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{bad}: is not valid UTF-8 (byte 0xe9 at offset 3)" in err
    assert f"{binary}: looks like a binary file" in err
    assert f"{empty}: is empty." in err
    assert f"{missing}: cannot be read" in err
    assert _count(db_path, "documents") == before


def test_a_good_file_still_goes_in_beside_a_bad_one(db_path: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_bytes("سطر أول\r\nسطر ثانٍ\u2028ثالث".encode())
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff")
    assert main(["import", str(good), str(bad), "--db", str(db_path)]) == 1
    con = sqlite3.connect(db_path)
    try:
        (text,) = con.execute("SELECT text FROM documents").fetchone()
    finally:
        con.close()
    assert text == "سطر أول\nسطر ثانٍ\nثالث"


def test_not_a_project_file_gives_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notdb = tmp_path / "notes.sqlite"
    notdb.write_text("hello", encoding="utf-8")
    assert main(["import", str(SEEDS), "--db", str(notdb)]) == 2
    assert "is not a project file" in capsys.readouterr().err
    assert notdb.read_text(encoding="utf-8") == "hello"
