"""One event per trigger span (issue 17): the write transaction refuses a second event on a
trigger, the database's unique index backs it, and migration 0006 sets older duplicates aside.

The first three tests run on a project file and on a PostgreSQL database (``BACKENDS =
BOTH``); the migration tests are about older project files. The race uses real processes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError, EventError
from annotator.core.location import Location
from annotator.core.model import Bundle, Edit, Event, Span
from annotator.services.project import Project, open_project
from annotator.store.engine import HEAD_REVISION
from tests.conftest import BOTH, REPO
from tests.unit.old_files import add_annotators, add_event, add_spans, project_at

BACKENDS = BOTH

ANN = "amal"
TEXT = "شنّت القوات هجوماً\u00a0على المدينة 🔥 أمس."
WORD = "هجوماً"
ATTACK = "Conflict.Attack"


def _project_with_trigger(db: Location) -> tuple[Project, Span]:
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


def _event_count(db: Location) -> int:
    project = open_project(db)
    try:
        doc_id = project.documents.summaries(ANN)[0].id
        return len(project.annotations.events(doc_id, ANN))
    finally:
        project.close()


def test_a_second_window_cannot_add_an_event_on_a_trigger_the_first_has(
    project_at: Location,
) -> None:
    db = project_at
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
    "from annotator.core.location import ServerUrl\n"
    "from annotator.services.project import open_project\n"
    "db, go, doc_id, span_id = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])\n"
    "project = open_project(ServerUrl(db) if db.startswith('postgresql') else Path(db))\n"
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


def _race(
    tmp_path: Path, db: Location, span: Span, n: int
) -> list[subprocess.CompletedProcess[str]]:
    """``n`` processes, released at once, each adding an event on ``span`` (exit 2: refused)."""
    go = tmp_path / f"go-{time.monotonic_ns()}"
    env = {**os.environ, "ANNOTATOR_DATA_DIR": str(tmp_path / "data")}
    where = db if isinstance(db, Path) else db.url
    args = [str(where), str(go), str(span.doc_id), str(span.id)]
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


def test_processes_racing_for_one_trigger_store_exactly_one_event(
    tmp_path: Path, project_at: Location
) -> None:
    db = project_at
    project, span = _project_with_trigger(db)
    project.close()
    results = _race(tmp_path, db, span, 2)
    assert sorted(r.returncode for r in results) == [0, 2], [r.stderr for r in results]
    (loser,) = [r for r in results if r.returncode == 2]
    assert f"«{WORD}» is already the trigger of a {ATTACK} event" in loser.stderr
    assert "Traceback" not in loser.stderr
    assert _event_count(db) == 1


def test_the_database_index_refuses_what_the_validator_lets_through(
    project_at: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the write service's check is switched off: the unique index must still refuse, and the
    # user gets the project's own error with a sentence, not a traceback or SQLite's text
    from annotator.store.writer import WriteTx

    monkeypatch.setattr(WriteTx, "events_on", lambda _tx, _span_id: [])
    db = project_at
    first, span = _project_with_trigger(db)
    try:
        first.annotations.apply(_event_edit(span))
        with pytest.raises(AnnotatorError) as refused:
            first.annotations.apply(_event_edit(span))
    finally:
        first.close()
    message = str(refused.value)
    assert "already the trigger of an event" in message
    assert "UNIQUE" not in message and "nothing was saved" in message.lower()
    assert _event_count(db) == 1


def _project_at_0005_with_twin_events(db: Path) -> tuple[int, int]:
    """A project file at revision 0005 whose trigger span 5 has two events; their ids.

    Alembic makes the 0005 file and raw sqlite3 adds the rows (the app can no longer
    store a second event on a trigger). The second event has an argument.
    """
    con = project_at(db, "0005")
    add_annotators(con, (1, ANN, "human"))
    add_spans(con, (5, 1, 2, 7, ATTACK, "{}"), (7, 1, 17, 27, "GPE", "{}"))
    add_event(con, 4, 5)
    add_event(con, 8, 5, (9, "Place", 7))
    con.execute(
        "UPDATE events SET attributes = ? WHERE id = 8", ('{"note": "نسخة 🔥\u00a0ثانية"}',)
    )
    con.close()
    return 4, 8


def test_0006_keeps_the_oldest_event_of_a_trigger_and_sets_the_others_aside(
    tmp_path: Path,
) -> None:
    db = tmp_path / "old.sqlite"
    first, second = _project_at_0005_with_twin_events(db)
    project = open_project(db)
    backup, notice = project.backup, project.upgrade_notice()
    project.close()
    assert notice is not None and ": 1 event. They are kept in the table set_aside_rows" in notice
    with sqlite3.connect(db) as con:
        events = con.execute("SELECT id FROM events").fetchall()
        args = con.execute("SELECT event_id FROM event_arguments").fetchall()
        side = con.execute(
            "SELECT row_id, kept_id, reason, original FROM set_aside_rows "
            "WHERE revision = '0006' AND kind = 'event'"
        )
        (quarantined,) = side.fetchall()
        version = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    con.close()
    assert version == HEAD_REVISION
    assert events == [(first,)] and args == []
    assert quarantined[:2] == (second, first) and "shares trigger span" in quarantined[2]
    original = json.loads(quarantined[3])
    assert original["event"]["id"] == second
    assert json.loads(original["event"]["attributes"]) == {"note": "نسخة 🔥\u00a0ثانية"}
    assert [a["role"] for a in original["arguments"]] == ["Place"]
    assert (
        backup is not None and backup.exists() and backup.name.startswith("old.sqlite.backup-0005-")
    )
    with sqlite3.connect(backup) as con:
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 2
    con.close()
