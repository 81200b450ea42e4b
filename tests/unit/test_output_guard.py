"""One output guard for every file the app writes (issue 17, item 9; ADR 0009).

The agreement report is written with real processes: a second process holds
200 saved edits in the project's WAL (a read transaction keeps SQLite from
checkpointing them), and ``annotator agreement --out`` is pointed at the
project's companions and links to them. The holder is then killed, so the
edits survive only if the WAL was left alone.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from annotator.__main__ import main
from annotator.core.positions import CodePoint
from annotator.services.project import open_project
from tests.conftest import REPO, run_cli

TEXT = "قال مُحَمَّدٌ إنّ الجيش قصف بمحافظة حماة 😀 يوم\u00a02024 مع Latin الســـوريّة ."
HELD = 200  # edits the holder keeps in the WAL

HOLDER = """
import sqlite3, sys
from annotator.core.positions import CodePoint
from annotator.services.project import open_project
db = sys.argv[1]
reader = sqlite3.connect(db, isolation_level=None)
reader.execute("BEGIN")
reader.execute("SELECT count(*) FROM spans").fetchone()  # no checkpoint past this snapshot
project = open_project(db)
doc, _ = project.documents.add_text("held.txt", "نص 😀\\u00a0" * 100)
for i in range(int(sys.argv[2])):
    project.annotations.create_span(doc, "held", CodePoint(i), CodePoint(i + 1), "PER")
print("ready", flush=True)
sys.stdin.readline()
project.annotations.create_span(doc, "held", CodePoint(0), CodePoint(5), "ORG")
print("edited", flush=True)
sys.stdin.readline()
"""


def _team(path: Path) -> Path:
    """A closed project with two annotators' spans on one text."""
    project = open_project(path)
    doc, _ = project.documents.add_text("main.txt", TEXT)
    for name, label in (("amal", "PER"), ("badr", "ORG")):
        project.annotations.create_span(doc, name, CodePoint(4), CodePoint(13), label)
        project.annotations.create_span(doc, name, CodePoint(36), CodePoint(40), "GPE")
    project.close()
    return path


def _agreement(
    tmp_path: Path, db: Path, out: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    args = ("agreement", "--db", str(db), "--format", "csv", "--out", str(out), *extra)
    return run_cli(tmp_path, *args, timeout=120)


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """The team project, with a live second process holding 200 edits in its WAL."""
    db = _team(tmp_path / "team.sqlite")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), str(HELD)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "ready\n"
    try:
        yield db, holder
    finally:
        holder.kill()
        holder.communicate()  # waits, and closes the pipes


def _link(kind: str, source: Path, at: Path) -> Path:
    (os.link if kind == "hardlink" else os.symlink)(source, at)
    return at


TARGETS: dict[str, Callable[[Path, Path], Path]] = {
    "-wal": lambda db, _d: Path(f"{db}-wal"),
    "-shm": lambda db, _d: Path(f"{db}-shm"),
    "-journal": lambda db, _d: Path(f"{db}-journal"),
    "hard link to the project": lambda db, d: _link("hardlink", db, d / "report.csv"),
    "symlink to the project": lambda db, d: _link("symlink", db, d / "report.csv"),
    "hard link to the -wal": lambda db, d: _link("hardlink", Path(f"{db}-wal"), d / "w.csv"),
    "symlink to the -shm": lambda db, d: _link("symlink", Path(f"{db}-shm"), d / "s.csv"),
    "relative path to the -wal": lambda db, _d: Path(os.path.relpath(f"{db}-wal", REPO)),
}


CASES = [(kind, False) for kind in TARGETS] + [("-wal", True), ("hard link to the project", True)]


def test_the_report_never_touches_the_project_while_another_process_holds_edits(
    held: tuple[Path, subprocess.Popen[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # one holder for every target: each report run is refused and leaves both files as they
    # were; the first runs as its own process, the others call the CLI's main() in this one
    # (another process than the holder all the same), which saves a start-up each
    db, holder = held
    files = [db, Path(f"{db}-wal")]
    before = [f.read_bytes() for f in files]
    assert len(before[1]) > 100_000  # the held edits are in the WAL, not in the file
    for i, (kind, force) in enumerate(CASES):
        folder = tmp_path / f"case{i}"
        folder.mkdir()
        out = TARGETS[kind](db, folder)
        extra = ["--annotators", "amal,badr", *(["--force"] if force else [])]  # measurable
        if i == 0:
            run = _agreement(folder, db, out, *extra)
            code, stderr = run.returncode, run.stderr
        else:
            code = main(
                ["agreement", "--db", str(db), "--format", "csv", "--out", str(out), *extra]
            )
            stderr = capsys.readouterr().err
        assert code == 2, (kind, force, stderr)
        assert stderr.startswith(f"error: {out} is the open project file"), (kind, stderr)
        assert "Traceback" not in stderr
        assert [f.read_bytes() for f in files] == before, (kind, force)
        assert not Path(f"{db}-journal").exists(), kind
    assert holder.stdin is not None and holder.stdout is not None
    holder.stdin.write("edit\n")
    holder.stdin.flush()
    assert holder.stdout.readline() == "edited\n"  # the open window's next edit works
    os.kill(holder.pid, signal.SIGKILL)  # no clean close: the edits live only in the WAL
    holder.wait()
    project = open_project(db, create=False)
    doc = project.documents.find_by_names(["held.txt"])["held.txt"]
    assert len(project.annotations.spans(doc, "held")) == HELD + 1
    project.close()


@pytest.mark.parametrize("companion", ["", "-wal", "-journal"])
def test_another_sqlite_file_needs_force(tmp_path: Path, companion: str) -> None:
    db = _team(tmp_path / "team.sqlite")
    other = _team(tmp_path / "other.sqlite")
    out = Path(f"{other}{companion}")
    if companion:
        out.write_bytes(b"not ours to replace \xd8\xb3")
    before = out.read_bytes()
    run = _agreement(tmp_path, db, out)
    assert run.returncode == 2, run.stderr
    assert "give --force to replace it" in run.stderr and str(out) in run.stderr
    assert out.read_bytes() == before
    run = _agreement(tmp_path, db, out, "--force")
    assert run.returncode == 0, run.stderr
    assert out.read_bytes().startswith(b"section,measure,subject,label,value\r\n")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_devices_pipes_and_folders_are_refused(tmp_path: Path) -> None:
    db = _team(tmp_path / "team.sqlite")
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for out, why in ((Path("/dev/null"), "device"), (fifo, "pipe"), (tmp_path, "folder")):
        run = _agreement(tmp_path, db, out)
        assert run.returncode == 2, run.stderr
        assert run.stderr.startswith(f"error: {out} is a ") and why in run.stderr, run.stderr


def test_the_schema_export_uses_the_guard(tmp_path: Path) -> None:
    db = _team(tmp_path / "team.sqlite")
    project = open_project(db)
    try:
        with pytest.raises(Exception, match="is the open project file") as refused:
            project.schemas.export_to(Path(f"{db}-wal"))
        assert type(refused.value).__name__ == "OutputRefused"
        out = tmp_path / "schema.json"
        project.schemas.export_to(out)
        assert out.read_text(encoding="utf-8").startswith("{")
    finally:
        project.close()


def _can_mount_tmpfs() -> bool:
    if os.geteuid() != 0 or not Path("/usr/bin/unshare").exists():
        return False
    probe = ["unshare", "-m", "sh", "-c", "mount -t tmpfs none /mnt"]
    return subprocess.run(probe, capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="a full disk needs a tmpfs mount (root)")
def test_a_full_disk_leaves_an_existing_report_byte_for_byte(tmp_path: Path) -> None:
    db = _team(tmp_path / "team.sqlite")
    disk = tmp_path / "disk"
    disk.mkdir()
    out = disk / "report.csv"
    old = "section,measure\r\nقديم 😀\u00a0,1\r\n"
    report = subprocess.list2cmdline(
        [sys.executable, "-m", "annotator", "agreement", "--db", str(db), "--format", "csv"]
    )
    script = (
        f"mount -t tmpfs -o size=4k none {disk} && printf '%s' \"$OLD\" > {out} && "
        f"{report} --out {out}; echo rc=$?; ls -A {disk}"
    )
    env = {**os.environ, "ANNOTATOR_DATA_DIR": str(tmp_path / "data"), "OLD": old}
    inner = f"{script}; cat {out}"
    run = subprocess.run(
        ["unshare", "-m", "sh", "-c", inner], cwd=REPO, env=env, capture_output=True, timeout=120
    )
    assert run.stderr.decode() == (
        f"error: Cannot write {out} (No space left on device); {out} was left as it was.\n"
    )
    assert run.stdout.decode() == f"rc=2\nreport.csv\n{old}"  # no temporary file, old bytes


def test_csv_is_rfc_4180_and_defuses_formulas() -> None:
    from annotator.core.printable import csv_text

    rows = [
        ["name", "value"],
        ['سطر\rثان\nو"اقتباس" 😀\u00a0', -0.25],
        ["=cmd|' /C calc'!A0", "-0.25"],
        ["@x", "+x"],
        ["-x", "\tx"],
        ["\rx", 3],
    ]
    text = csv_text(rows)
    assert text.count("\r\n") == 6  # one CRLF per row; the CR and LF in the field are quoted
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed == [
        ["name", "value"],
        ['سطر\rثان\nو"اقتباس" 😀\u00a0', "-0.25"],
        ["'=cmd|' /C calc'!A0", "-0.25"],
        ["'@x", "'+x"],
        ["'-x", "'\tx"],
        ["'\rx", "3"],
    ]


CRAFTED = "amal\x1b[2J\x1b]0;pwned\x07\r\nerror: FAKE\x9b"
FORMULA = '=HYPERLINK("http://x")'
DOC_NAME = "main\rمقال 😀\u00a0.txt"  # a lone CR: the old "\n" line end left it unquoted


def _crafted(path: Path) -> Path:
    """The team project as a hostile file has it: names with ESC sequences and a formula."""
    _team(path)
    with sqlite3.connect(path) as con:
        con.execute("UPDATE annotators SET name = ? WHERE name = 'amal'", (CRAFTED,))
        con.execute("UPDATE annotators SET name = ? WHERE name = 'badr'", (FORMULA,))
        con.execute("UPDATE documents SET name = ? WHERE name = 'main.txt'", (DOC_NAME,))
    con.close()
    return path


def _no_raw_controls(text: str) -> None:
    assert not any(ord(c) < 32 and c not in "\n\t" or 0x7F <= ord(c) <= 0x9F for c in text)


def test_the_agreement_table_escapes_names(tmp_path: Path) -> None:
    db = _crafted(tmp_path / "team.sqlite")
    run = run_cli(tmp_path, "agreement", "--db", str(db), timeout=120)
    assert run.returncode == 0, run.stderr
    _no_raw_controls(run.stdout)
    assert "amal\\x1b[2J\\x1b]0;pwned\\x07\\x0d\\x0aerror: FAKE\\x9b" in run.stdout
    assert "\nerror: FAKE" not in run.stdout
    assert "main\\x0dمقال 😀\u00a0.txt" in run.stdout  # Arabic, emoji, NBSP as they are


def test_the_csv_report_quotes_line_breaks_and_defuses_formulas(tmp_path: Path) -> None:
    db = _crafted(tmp_path / "team.sqlite")
    out = tmp_path / "report.csv"
    run = _agreement(tmp_path, db, out)
    assert run.returncode == 0, run.stderr
    data = out.read_bytes().decode("utf-8")
    rows = list(csv.reader(io.StringIO(data, newline="")))
    assert all(len(row) == 5 for row in rows)  # no row split by a CR or LF in a name
    cells = [cell for row in rows for cell in row]
    assert DOC_NAME in cells and f"{CRAFTED} / {FORMULA}" in cells
    assert not [c for c in cells if c.startswith(("=", "@", "+", "\t", "\r"))]
    assert not [c for c in cells if c.startswith("-") and not c.lstrip("-")[:1].isdigit()]
    numbers = [float(c) for row in rows if row[0] == "headline" for c in row[4:] if c]
    assert numbers  # figures stay numbers, not 'text


def test_merge_prints_names_escaped(tmp_path: Path) -> None:
    # a name with control characters is refused by merge (issue 17, item 8), unprinted ...
    other = _crafted(tmp_path / "other.sqlite")
    team = tmp_path / "merged.sqlite"
    run = run_cli(tmp_path, "merge", str(other), "--db", str(team), timeout=120)
    _no_raw_controls(run.stdout + run.stderr)
    assert run.returncode == 2 and "contains the character U+001B" in run.stderr, run.stderr
    assert "\nerror: FAKE" not in run.stdout + run.stderr
    # ... and a file whose own name holds them is named escaped in merge's lines
    sneaky = _team(tmp_path / "team\x1b[2J\x1b]0;pwned\x07.sqlite")
    run = run_cli(tmp_path, "merge", str(sneaky), "--db", str(team), timeout=120)
    _no_raw_controls(run.stdout + run.stderr)
    assert run.returncode == 0, run.stderr
    assert "team\\x1b[2J\\x1b]0;pwned\\x07.sqlite" in run.stdout + run.stderr, run.stdout
