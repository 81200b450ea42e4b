"""Racing for the same span and the same gold layer (issue 17): two real processes, or two
Project objects on one file. Exactly one wins; the other gets a sentence saying what
happened (or, for two identical adjudications, adds nothing and says why).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.core.adjudicate import Strategy
from annotator.core.errors import SpanError
from annotator.core.location import Location, ServerUrl
from annotator.core.model import Bundle, Edit, Span
from annotator.services import adjudication as adj
from annotator.services.project import open_project
from tests.adjudication_corpus import store
from tests.backends import query
from tests.conftest import BOTH, REPO

BACKENDS = BOTH

TEXT = "شنّت القوات هجوماً\u00a0على المدينة 🔥 أمس."
CITY = "المدينة"
IDENTICAL = "An identical GPE span [{start}, {end}) is already there"

PRELUDE = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from annotator.core.errors import AnnotatorError\n"
    "from annotator.services.project import open_project, project_path\n"
    "db, go = sys.argv[1], Path(sys.argv[2])\n"
    "project = open_project(project_path(db))\n"
    "while not go.exists():\n"
    "    time.sleep(0.002)\n"
    "try:\n"
)
EPILOGUE = (
    "except AnnotatorError as exc:\n"
    "    print(f'error: {exc}', file=sys.stderr)\n"
    "    sys.exit(2)\n"
    "finally:\n"
    "    project.close()\n"
)
SPAN_RACER = (
    PRELUDE
    + "    project.annotations.create_span(1, 'amal', int(sys.argv[3]), int(sys.argv[4]), 'GPE')\n"
    + EPILOGUE
)
GOLD_RACER = (
    PRELUDE
    + "    from annotator.core.adjudicate import Strategy\n"
    + "    from annotator.services import adjudication as adj\n"
    + "    gold = sys.argv[3] if len(sys.argv) > 3 else None\n"
    + "    report = adj.premerge(project, [1], Strategy.parse('majority:2'), (), gold)\n"
    + "    print('\\n'.join(report.lines()))\n"
    + EPILOGUE
)


def _race(tmp_path: Path, script: str, *args: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """One process per ``args``, released at once (exit 2: refused with a sentence)."""
    go = tmp_path / f"go-{time.monotonic_ns()}"
    env = {**os.environ, "ANNOTATOR_DATA_DIR": str(tmp_path / "data")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, *a[:1], str(go), *a[1:]],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for a in args
    ]
    time.sleep(2.0)  # let every child open the project
    go.touch()
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


def _spans(db: Location, annotator: str) -> list[tuple[int, int, str]]:
    return [
        (int(a), int(b), str(label))
        for a, b, label in query(
            db,
            'SELECT s.start, s."end", s.label FROM spans s JOIN annotators a '
            'ON a.id = s.annotator_id WHERE a.name = :a ORDER BY s.start, s."end", s.label',
            a=annotator,
        )
    ]


def _arg(db: Location) -> str:
    """How a child process is told where the project is: its path, or its URL."""
    return db.url if isinstance(db, ServerUrl) else str(db)


def _city(db: Location) -> tuple[int, int]:
    project = open_project(db)
    project.documents.add_text("nbsp-emoji.txt", TEXT)
    project.close()
    start = TEXT.index(CITY)
    return start, start + len(CITY)


def test_processes_racing_for_one_span_store_it_once(tmp_path: Path, project_at: Location) -> None:
    start, end = _city(project_at)
    runs = _race(tmp_path, SPAN_RACER, *[[_arg(project_at), str(start), str(end)]] * 2)
    assert sorted(r.returncode for r in runs) == [0, 2], [r.stderr for r in runs]
    (loser,) = [r for r in runs if r.returncode == 2]
    assert IDENTICAL.format(start=start, end=end) in loser.stderr
    assert "Traceback" not in loser.stderr
    assert _spans(project_at, "amal") == [(start, end, "GPE")]


def test_two_windows_racing_for_one_span_store_it_once(project_at: Location) -> None:
    start, end = _city(project_at)
    first, second = open_project(project_at), open_project(project_at)
    span = Span(-1, 1, "amal", start, end, "GPE")
    try:
        second.annotations.apply(Edit(1, "amal", add=Bundle((span,))))
        with pytest.raises(SpanError, match=re.escape(IDENTICAL.format(start=start, end=end))):
            first.annotations.apply(Edit(1, "amal", add=Bundle((span,))))  # its view is stale
    finally:
        first.close()
        second.close()
    assert _spans(project_at, "amal") == [(start, end, "GPE")]


def _team(db: Location, tmp_path: Path) -> tuple[list[tuple[int, int, str]], int]:
    """A project with three people's layers; the gold spans one majority:2 run stores, and
    how many units it adds (measured on a copy, or on a project file made the same way)."""
    project = open_project(db)
    store(project)
    project.close()
    single = tmp_path / "single.sqlite"
    if isinstance(db, Path):
        single.write_bytes(db.read_bytes())
    else:
        made = open_project(single)
        store(made)
        made.close()
    project = open_project(single)
    report = adj.premerge(project, [1], Strategy.parse("majority:2"))
    project.close()
    return _spans(single, "gold"), sum(d.total_added for d in report.documents)


def test_processes_adjudicating_at_once_store_exact_gold(
    tmp_path: Path, project_at: Location
) -> None:
    expected, units = _team(project_at, tmp_path)
    runs = _race(tmp_path, GOLD_RACER, [_arg(project_at)], [_arg(project_at)])
    assert [r.returncode for r in runs] == [0, 0], [r.stderr for r in runs]
    added = sorted(r.stdout.split("1 documents, ")[1].split(" gold units")[0] for r in runs)
    assert added == ["0", str(units)] and units > 0
    assert _spans(project_at, "gold") == expected


def test_processes_making_two_gold_layers_at_once_make_one(
    tmp_path: Path, project_at: Location
) -> None:
    _team(project_at, tmp_path)
    runs = _race(tmp_path, GOLD_RACER, [_arg(project_at), "gold"], [_arg(project_at), "curated"])
    assert sorted(r.returncode for r in runs) == [0, 2], [r.stderr for r in runs]
    (loser,) = [r for r in runs if r.returncode == 2]
    winner = "gold" if "curated" in loser.args else "curated"
    assert f"already has a gold layer named '{winner}'" in loser.stderr
    assert "Traceback" not in loser.stderr
    project = open_project(project_at)
    try:
        assert project.gold_annotator() == winner
        assert [k for _n, k in project.annotators()].count("gold") == 1
    finally:
        project.close()


def test_an_adjudication_that_another_overtakes_adds_nothing_twice(
    project_at: Location, tmp_path: Path
) -> None:
    # two Project objects: B's whole pre-merge commits just before A's write transaction,
    # which plans A's pre-merge from the gold it finds stored (WriteService.apply_planned)
    expected, units = _team(project_at, tmp_path)
    first, second = open_project(project_at), open_project(project_at)
    apply_planned = first.write.apply_planned
    overtaken: list[int] = []

    def overtaken_apply(plan):  # type: ignore[no-untyped-def]
        if not overtaken:
            theirs = adj.premerge(second, [1], Strategy.parse("majority:2"))
            overtaken.append(sum(d.total_added for d in theirs.documents))
        return apply_planned(plan)

    first.write.apply_planned = overtaken_apply  # type: ignore[method-assign]
    try:
        report = adj.premerge(first, [1], Strategy.parse("majority:2"))
    finally:
        first.close()
        second.close()
    assert overtaken == [units] and units > 0 and report.change is None
    assert "1 documents, 0 gold units added" in "\n".join(report.lines())
    assert _spans(project_at, "gold") == expected
