"""Several real processes on one project (a file, or a database on the server): exact counts,
no duplicated layer, no lost label.

Each child waits for a start file, then runs the real CLI, so the processes
start their work at the same moment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.core.location import Location, ServerUrl
from annotator.services.project import open_project
from tests.conftest import BOTH, REPO, SEEDS
from tests.unit.test_transfer_errors import _golden_line

BACKENDS = BOTH

CHILD = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from annotator.__main__ import main\n"
    "go = Path(sys.argv[1])\n"
    "while not go.exists():\n"
    "    time.sleep(0.002)\n"
    "sys.exit(main(sys.argv[2:]))\n"
)


def _arg(db: Location) -> str:
    """``--db`` for the project: its path, or its URL."""
    return db.url if isinstance(db, ServerUrl) else str(db)


def run_together(
    tmp_path: Path, commands: list[list[str]]
) -> list[subprocess.CompletedProcess[str]]:
    """Start one process per command, release them at once, and wait for all."""
    go = tmp_path / f"go-{time.monotonic_ns()}"
    env = {**os.environ, "ANNOTATOR_DATA_DIR": str(tmp_path / "data")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(go), *cmd],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for cmd in commands
    ]
    time.sleep(1.5)  # let every child finish importing the app
    go.touch()
    out = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=120)
        out.append(subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr))
    for done in out:
        assert "Traceback" not in done.stderr, done.stderr
    return out


@pytest.mark.parametrize("n", [2, 4])
def test_importing_one_layer_at_once_stores_it_exactly_once(
    tmp_path: Path, project_at: Location, n: int
) -> None:
    db = project_at
    open_project(db).close()
    line = _golden_line()
    src = tmp_path / "layer.jsonl"
    src.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    cmd = ["import", str(src), "--format", "jsonl", "--annotator", "amal", "--db", _arg(db)]
    results = run_together(tmp_path, [cmd] * n)
    assert sorted(r.returncode for r in results) == [0] + [1] * (n - 1)
    refused = [r for r in results if r.returncode == 1]
    assert all("already has" in r.stderr for r in refused), [r.stderr for r in refused]
    project = open_project(db)
    try:
        (doc,) = project.documents.summaries("amal")
        assert doc.span_count == len(line["spans"])  # type: ignore[arg-type]
        assert len(project.annotations.events(doc.id, "amal")) == len(line["events"])  # type: ignore[arg-type]
    finally:
        project.close()


def test_adding_labels_at_once_loses_none(tmp_path: Path, project_at: Location) -> None:
    db = project_at
    open_project(db).close()
    commands = []
    for i, label in enumerate(["NEW-A", "NEW-B", "NEW-C", "NEW-D"]):
        line = _golden_line()
        line["spans"] = [dict(s, label=label) for s in line["spans"]]  # type: ignore[union-attr]
        line["events"], line["relations"] = [], []
        src = tmp_path / f"l{i}.jsonl"
        src.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
        commands.append(
            ["import", str(src), "--format", "jsonl", "--annotator", f"a{i}", "--add-labels"]
            + ["--db", _arg(db)]
        )
    results = run_together(tmp_path, commands)
    assert [r.returncode for r in results] == [0, 0, 0, 0], [r.stderr for r in results]
    project = open_project(db)
    try:
        names = {lb.name for lb in project.schemas.schema.labels}
    finally:
        project.close()
    assert {"NEW-A", "NEW-B", "NEW-C", "NEW-D"} <= names


@pytest.mark.parametrize("round_", range(3))
def test_creating_one_new_project_at_once_never_fails(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest, round_: int
) -> None:
    if backend == "sqlite":
        db: Location = tmp_path / f"new-{round_}.sqlite"
    else:  # an empty database: the four processes give it its tables at once
        db = ServerUrl(request.getfixturevalue("pg_empty_url"))
    seed = sorted(SEEDS.glob("*.txt"))[0]
    results = run_together(tmp_path, [["import", str(seed), "--db", _arg(db)]] * 4)
    assert [r.returncode for r in results] == [0, 0, 0, 0], [r.stderr for r in results]
    outcomes = sorted("added." in r.stdout for r in results)
    assert outcomes == [False, False, False, True], [r.stdout for r in results]
    project = open_project(db)
    try:
        assert len(project.documents.document_ids()) == 1
    finally:
        project.close()
