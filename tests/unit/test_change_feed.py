"""The change feed (ADR 0008): each logged write transaction's number, in commit order.

Windows learn of other writers by asking the change log for numbers above the last one
they saw. These tests hold the number to its transaction (taken in it, given back when it
rolls back), show that a poller sees every change once and in commit order while two real
processes write, and check that a write transaction holds SQLite's write lock from its
``BEGIN`` (``IMMEDIATE``, not ``DEFERRED``).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Connection, event

from annotator.core.errors import SpanError
from annotator.core.location import Location
from annotator.core.model import Bundle, Edit, Span
from annotator.core.text import text_sha256
from annotator.services.project import Project, open_project
from annotator.services.write.requests import LayerImport, NewDocument
from annotator.store.engine import HEAD_REVISION
from tests.backends import query
from tests.conftest import BOTH, REPO
from tests.unit.old_files import NOW, project_at

BACKENDS = BOTH

ANN = "amal"
TEXT = "😀 قصفتْ الطائـرات\u00a0مدينة\u200cحماة في 2024 عبر 𝐀𝐁 Reuters"


def _tag(project: Project, doc_id: int, at: int, description: str, who: str = ANN) -> Edit:
    span = Span(-1, doc_id, who, at, at + 1, "GPE")
    return project.annotations.apply(
        Edit(doc_id, who, add=Bundle((span,)), description=description)
    )


def _counter(db: Location) -> int:
    ((seq,),) = query(db, "SELECT seq FROM change_feed")
    return int(seq)


def _log(db: Location) -> list[tuple[int, int, str]]:
    """Every change-log row as (id, seq, description), by id."""
    return [
        (int(i), int(s), str(d))
        for i, s, d in query(db, "SELECT id, seq, description FROM change_log ORDER BY id")
    ]


def test_a_change_takes_the_next_number_and_a_rolled_back_one_gives_it_back(
    project: Project, project_at: Location
) -> None:
    poller = open_project(project_at)  # another window: it sees only what others write
    try:
        doc_id, _created = project.documents.add_text("w.txt", TEXT)
        _tag(project, doc_id, 2, "first")
        before = _counter(project_at)
        assert [c[3] for c in poller.foreign_changes()] == ["Add w.txt", "first"]
        # one file, two documents: the new one is added and logged, then the second is
        # refused (its layer has spans): the transaction that took a number rolls back
        fresh = NewDocument("new.txt", "نص جديد", text_sha256("نص جديد"))
        again = NewDocument("w.txt", TEXT, text_sha256(TEXT))
        items = [LayerImport(fresh, Bundle()), LayerImport(again, Bundle())]
        with pytest.raises(SpanError, match="already has 1 spans"):
            project.write.import_layers(ANN, items, replace_layer=False)
        assert _counter(project_at) == before
        assert "Add new.txt" not in [d for _i, _s, d in _log(project_at)]
        assert poller.foreign_changes() == []
        _tag(project, doc_id, 9, "second")
        assert _log(project_at)[-1][1:] == (before + 1, "second")  # no gap, nothing skipped
        assert [c[3] for c in poller.foreign_changes()] == ["second"]
    finally:
        poller.close()


def test_the_rows_of_one_transaction_share_its_number_and_numbers_rise_with_commits(
    project: Project, project_at: Location
) -> None:
    other = open_project(project_at)
    try:
        doc_id, _created = project.documents.add_text("w.txt", TEXT)
        _tag(project, doc_id, 2, "mine")
        _tag(other, doc_id, 4, "theirs", who="badr")
        items = [
            LayerImport(NewDocument(f"{n}.txt", t, text_sha256(t)), Bundle())
            for n, t in (("a", "نص أول"), ("b", "نص ثان"))
        ]
        other.write.import_layers("badr", items, replace_layer=False, description="two docs")
        _tag(project, doc_id, 6, "mine again")
    finally:
        other.close()
    by_seq: dict[int, set[str]] = {}
    for _id, seq, description in _log(project_at):
        by_seq.setdefault(seq, set()).add(description)
    assert list(by_seq.values())[-4:] == [
        {"mine"},
        {"theirs"},
        {"Add a.txt", "Add b.txt", "two docs"},
        {"mine again"},
    ]
    assert sorted(by_seq) == list(by_seq)  # numbers rise in commit (= id, on SQLite) order
    assert _counter(project_at) == max(by_seq)


def test_opening_a_project_and_a_write_that_logs_nothing_leave_the_counter(
    project: Project, project_at: Location
) -> None:
    before = _counter(project_at)
    open_project(project_at).close()  # the default-schema transaction writes nothing
    project.write.set_meta("k", "v")  # a project fact is not a change: no number taken
    assert _counter(project_at) == before


@pytest.mark.sqlite_only("an older project file, made with sqlite3")
def test_0007_numbers_older_changes_in_commit_order(db_path: Path) -> None:
    con = project_at(db_path, "0006")  # the file as revision 0006 left it, with three changes
    old = [(3, "old 3"), (5, "old 5"), (9, "old 9")]
    con.executemany(
        "INSERT INTO change_log (id, session, origin, doc_id, annotator, description, at) "
        "VALUES (?, 'earlier', 'user', 2, 'amal', ?, ?)",
        [(i, d, NOW) for i, d in old],
    )
    con.close()
    migrated = open_project(db_path)
    try:
        assert migrated.backup is not None
        assert [(i, s, d) for i, s, d in _log(db_path)] == [(i, i, d) for i, d in old]
        assert _counter(db_path) == old[-1][0]
        assert migrated.foreign_changes() == []
        _tag(migrated, 2, 8, "new")
        assert _log(db_path)[-1][1:] == (old[-1][0] + 1, "new")
    finally:
        migrated.close()
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD_REVISION,)
        sql = con.execute("SELECT sql FROM sqlite_master WHERE name = 'change_log'").fetchone()[0]
    con.close()
    assert "AUTOINCREMENT" in sql and "seq INTEGER NOT NULL" in sql


WRITER = (
    "import sys\n"
    "from pathlib import Path\n"
    "from annotator.services.project import project_path\n"
    "from tests.unit.test_change_feed import write_many\n"
    "write_many(project_path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))\n"
)


def write_many(db: Location, go: Path, who: str, count: int) -> None:
    """A writer process: once ``go`` exists, ``count`` edits described ``who-0``, ``who-1``..."""
    project = open_project(db)
    (doc_id,) = project.documents.document_ids()
    while not go.exists():
        time.sleep(0.002)
    for i in range(count):
        _tag(project, doc_id, i, f"{who}-{i}", who=who)
    project.close()


def test_a_poller_sees_every_change_of_two_writing_processes_once_in_commit_order(
    tmp_path: Path, project_at: Location
) -> None:
    db = project_at
    count = 80
    setup = open_project(db)
    setup.documents.add_text("long.txt", "ب" * 100)
    setup.close()
    poller = open_project(db)
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, getattr(db, "url", str(db)), str(go), who, str(count)],
            cwd=REPO,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("w1", "w2")
    ]
    seen: list[str] = []
    polls_with_news = 0
    try:
        time.sleep(1.5)  # let both finish importing the app
        go.touch()
        while any(w.poll() is None for w in writers):
            news = [c[3] for c in poller.foreign_changes()]
            polls_with_news += bool(news)
            seen += news
            time.sleep(0.005)
        seen += [c[3] for c in poller.foreign_changes()]
    finally:
        poller.close()
        for w in writers:
            _out, err = w.communicate(timeout=60)
            assert w.returncode == 0, err
    # id order = commit order: one writer at a time (SQLite's lock, PostgreSQL's, ADR 0023)
    committed = [d for _i, _s, d in _log(db) if d[:3] in ("w1-", "w2-")]
    assert len(committed) == 2 * count
    assert seen == committed  # each exactly once, in commit order
    for who in ("w1", "w2"):
        assert [d for d in seen if d.startswith(who)] == [f"{who}-{i}" for i in range(count)]
    assert polls_with_news >= 3, "the poller must have read while the writers wrote"


@pytest.mark.sqlite_only(
    "SQLite's BEGIN IMMEDIATE; the server's write lock is tested in test_server_writes.py"
)
def test_a_write_transaction_holds_the_write_lock_from_its_begin(
    project: Project, db_path: Path
) -> None:
    """BEGIN DEFERRED would take no lock until the first write, and the service's checks
    would read a state another process may change before it writes (ADR 0008)."""
    locked: list[bool] = []
    armed = False

    def try_to_write(_conn: Connection) -> None:
        if not armed:
            return
        other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            locked.append(False)
        except sqlite3.OperationalError as exc:
            assert "database is locked" in str(exc)
            locked.append(True)
        finally:
            other.close()

    # runs right after the engine's own listener has sent BEGIN, before any statement
    event.listen(project.repo.engine, "begin", try_to_write)
    try:
        armed = True
        project.write.set_meta("k", "v")
        armed = False
    finally:
        event.remove(project.repo.engine, "begin", try_to_write)
    assert locked == [True]
