"""Progress of `annotator import` on a terminal and off it (issue 17, item 5).

Off a terminal (a pipe, a log file, CI) a long import is not silent: plain lines without
carriage returns, one per tenth of the files, and one before each large file.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from annotator import cli_output
from annotator.__main__ import main
from annotator.cli_output import TerminalProgress

# emoji, NBSP, ZWNJ, tatweel, diacritics, Latin and digits
TEXT = "قصفت الطائرات 😀 مدينة\u00a0حماة و\u200cـحركاتٌ Latin 42 مُحَمَّدٌ\n"


def _folder(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for k in range(count):
        (folder / f"f{k:02}.txt").write_text(f"{k} {TEXT}", encoding="utf-8")
    return folder


def test_off_a_terminal_many_files_print_a_plain_line_per_tenth(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, 20)
    assert main(["import", str(folder), "--db", str(db_path)]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err
    lines = [line for line in err.splitlines() if line.startswith("Importing")]
    assert lines == [f"Importing: {k}/20 ({k * 5} %)" for k in range(2, 21, 2)]


def test_off_a_terminal_a_large_file_is_announced_before_it_is_read(
    tmp_path: Path,
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    small = tmp_path / "small.txt"
    small.write_text(TEXT, encoding="utf-8")
    large = tmp_path / "large.txt"
    large.write_text(TEXT * 50, encoding="utf-8")
    monkeypatch.setattr(cli_output, "LARGE", large.stat().st_size)
    assert main(["import", str(small), str(large), "--db", str(db_path)]) == 0
    err = capsys.readouterr().err
    size = large.stat().st_size
    assert err.splitlines() == [f"Importing large.txt ({size} bytes) (2/2)"]


def test_few_small_files_print_no_progress_off_a_terminal(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path, 3)
    assert main(["import", str(folder), "--db", str(db_path)]) == 0
    assert capsys.readouterr().err == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_bar_is_redrawn_in_place() -> None:
    stream = _Terminal()
    progress = TerminalProgress("Importing", stream, sizes=[1, 1, 1])
    for done in range(3):
        progress(done, 3, f"f{done}.txt")
    progress(3, 3, "")
    written = stream.getvalue()
    assert written.count("\r") == 4 and written.endswith("\n") and written.count("\n") == 1
    assert "Importing [##########--------------------] 1/3 f1.txt" in written
