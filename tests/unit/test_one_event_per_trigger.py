"""One event per trigger span (issue 17): the write transaction refuses a second event on a
trigger.

Everything runs on real SQLite files; the race uses real processes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.core.errors import EventError
from annotator.core.model import Bundle, Edit, Event, Span
from annotator.services.project import Project, open_project
from tests.conftest import REPO

ANN = "amal"
TEXT = "شنّت القوات هجوماً\u00a0على المدينة 🔥 أمس."
WORD = "هجوماً"
ATTACK = "Conflict.Attack"


def _project_with_trigger(db: Path) -> tuple[Project, Span]:
    """A project holding TEXT and a Conflict.Attack span on «هجوماً» with no event yet."""
    project = open_project(db)
    doc_id, _created = project.documents.add_text("nbsp-emoji.txt", TEXT)
    start = TEXT.index(WORD)
    edit = project.annotations.create_span(doc_id, ANN, start, start + len(WORD), ATTACK)
    (span,) = edit.add.spans
    return project, span


def _event_edit(span: Span) -> Edit:
    """What a window applies to make ``span`` a trigger, after its own view saw no event."""
    event = Event(0, span.doc_id, ANN, ATTACK, span.id)
    return Edit(span.doc_id, ANN, add=Bundle(events=(event,)), description="Event")


def _event_count(db: Path) -> int:
    project = open_project(db)
    try:
        doc_id = project.documents.summaries(ANN)[0].id
        return len(project.annotations.events(doc_id, ANN))
    finally:
        project.close()


def test_a_second_window_cannot_add_an_event_on_a_trigger_the_first_has(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite"
    first, span = _project_with_trigger(db)
    second = open_project(db)
    try:
        second.annotations.apply(_event_edit(span))
        with pytest.raises(EventError) as refused:
            first.annotations.apply(_event_edit(span))  # first's view predates second's event
    finally:
        first.close()
        second.close()
    assert str(refused.value).startswith(f"«{WORD}» is already the trigger of a {ATTACK} event")
    assert _event_count(db) == 1


RACER = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from annotator.core.errors import AnnotatorError\n"
    "from annotator.core.model import Bundle, Edit, Event\n"
    "from annotator.services.project import open_project\n"
    "db, go, doc_id, span_id = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])\n"
    "project = open_project(db)\n"
    "event = Event(0, doc_id, 'amal', 'Conflict.Attack', span_id)\n"
    "edit = Edit(doc_id, 'amal', add=Bundle(events=(event,)), description='Event')\n"
    "while not go.exists():\n"
    "    time.sleep(0.002)\n"
    "try:\n"
    "    project.annotations.apply(edit)\n"
    "except AnnotatorError as exc:\n"
    "    print(f'error: {exc}', file=sys.stderr)\n"
    "    sys.exit(2)\n"
    "finally:\n"
    "    project.close()\n"
)


def _race(tmp_path: Path, db: Path, span: Span, n: int) -> list[subprocess.CompletedProcess[str]]:
    """``n`` processes, released at once, each adding an event on ``span`` (exit 2: refused)."""
    go = tmp_path / f"go-{time.monotonic_ns()}"
    env = {**os.environ, "ANNOTATOR_DATA_DIR": str(tmp_path / "data")}
    args = [str(db), str(go), str(span.doc_id), str(span.id)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, *args],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(n)
    ]
    time.sleep(1.5)  # let every child open the project
    go.touch()
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


def test_processes_racing_for_one_trigger_store_exactly_one_event(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite"
    project, span = _project_with_trigger(db)
    project.close()
    results = _race(tmp_path, db, span, 2)
    assert sorted(r.returncode for r in results) == [0, 2], [r.stderr for r in results]
    (loser,) = [r for r in results if r.returncode == 2]
    assert f"«{WORD}» is already the trigger of a {ATTACK} event" in loser.stderr
    assert "Traceback" not in loser.stderr
    assert _event_count(db) == 1
