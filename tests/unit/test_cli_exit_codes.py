"""The CLI never prints a traceback: exit 2 for a refusal, 3 for the unexpected, 130 for Ctrl+C.

Every test runs ``python -m annotator`` as a real child process from the
repository root, so the package under test is the one in this tree.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from annotator.services.project import open_project
from tests.conftest import REPO, run_cli

TEXT = "قصفت الطائرات 😀 مدينة\u00a0حماة و\u200cـحركاتٌ Latin 42"


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(tmp_path, *args)


def _project(path: Path) -> Path:
    project = open_project(path)
    doc, _ = project.documents.add_text("k.txt", TEXT)
    project.annotations.create_span(doc, "amal", 23, 27, "GPE")
    project.close()
    return path


def test_an_unexpected_error_prints_one_line_naming_the_log_and_exits_3(tmp_path: Path) -> None:
    db = _project(tmp_path / "p.sqlite")
    con = sqlite3.connect(db)
    con.execute("DROP TABLE spans")  # a table dropped behind the app's back
    con.commit()
    con.close()
    out = tmp_path / "out.jsonl"
    args = ["--db", str(db), "--out", str(out), "--format", "jsonl", "--annotator", "amal"]
    run = _cli(tmp_path, "export", *args)
    log = tmp_path / "data" / "annotator.log"
    assert run.returncode == 3
    assert run.stdout == ""
    assert run.stderr.count("\n") == 1
    assert run.stderr.startswith(
        "Unexpected error while running 'annotator export': OperationalError: "
        "(sqlite3.OperationalError) no such table: spans. "
    )
    assert run.stderr.endswith(f"details are in {log}.\n")
    logged = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged
    assert "no such table: spans" in logged
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_a_refused_input_exits_2_with_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite"
    out = tmp_path / "out.jsonl"
    args = ["--db", str(missing), "--out", str(out), "--format", "jsonl", "--annotator", "x"]
    run = _cli(tmp_path, "export", *args)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == f"error: There is no project file at {missing}.\n"
    assert not missing.exists()  # export never creates a project
    assert not out.exists()


def test_some_rejected_files_exit_1_and_argparse_errors_stay_2(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe caf\xe9")
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    run = _cli(tmp_path, "import", str(good), str(bad), "--db", str(db))
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    usage = _cli(tmp_path, "export", "--db", str(db))
    assert usage.returncode == 2
    assert "the following arguments are required: --format, --out" in usage.stderr
    assert "Traceback" not in usage.stderr


def test_ctrl_c_exits_130_with_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for index in range(3000):
        (folder / f"{index:04d}.txt").write_text(f"{TEXT} {index}", encoding="utf-8")
    db = tmp_path / "p.sqlite"
    env = {**os.environ, "ANNOTATOR_DATA_DIR": str(tmp_path / "data")}
    child = subprocess.Popen(
        [sys.executable, "-m", "annotator", "import", str(folder), "--db", str(db)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _documents(db) < 1:
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=60)
    assert child.returncode == 130, stderr
    assert stderr == "Interrupted; a file being imported or exported was not written.\n"
    assert 1 <= _documents(db) < 3000


def _documents(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(con.execute("SELECT count(*) FROM documents").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def test_help_lists_the_exit_codes(tmp_path: Path) -> None:
    run = _cli(tmp_path, "--help")
    assert run.returncode == 0
    assert "exit codes:" in run.stdout
    assert "3    unexpected error" in run.stdout
    assert "130  interrupted" in run.stdout
