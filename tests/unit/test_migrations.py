"""Migrating a project file written at revision 0001: every row survives, foreign keys hold."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine

from annotator.core import schema as schema_io
from annotator.core.text import text_sha256
from annotator.core.tokens import tokenizer_id, word_tokens
from annotator.services.project import open_project
from annotator.store.engine import HEAD_REVISION, _alembic_config, make_engine, sqlite_url

TABLES = (
    "annotation_schema",
    "project_meta",
    "annotators",
    "documents",
    "document_status",
    "spans",
    "events",
    "event_arguments",
    "relations",
)
TEXT = "😀 قصفتْ الطائـرات\u00a0مدينة\u200cحماة في 2024 Reuters"
NOW = "2026-01-01 00:00:00.000000"


def _project_at_0001(path: Path) -> None:
    engine = make_engine(sqlite_url(path))
    command.upgrade(_alembic_config(engine), "0001")
    engine.dispose()
    con = sqlite3.connect(path)
    with con:
        body = schema_io.to_json(schema_io.default_schema())
        con.execute("INSERT INTO annotation_schema VALUES (1, ?, ?)", (body, NOW))
        con.execute("INSERT INTO project_meta VALUES ('seeded_from', '/seeds')")
        con.executemany(
            "INSERT INTO annotators VALUES (?, ?, ?, ?)",
            [(1, "amal", "human", NOW), (3, "salma", "human", NOW)],
        )
        con.execute(
            "INSERT INTO documents VALUES (2, 'a.txt', ?, ?, ?, ?)",
            (text_sha256(TEXT), TEXT, len(TEXT), NOW),
        )
        con.executemany(
            "INSERT INTO document_status VALUES (?, ?, ?, ?)",
            [(2, 1, "done", NOW), (2, 3, "in_progress", NOW)],
        )
        con.executemany(
            "INSERT INTO spans VALUES (?, 2, ?, ?, ?, ?, ?, ?)",
            [
                (5, 1, 2, 7, "Conflict.Attack", "{}", NOW),
                (7, 1, 17, 27, "GPE", '{"mention": "NAM"}', NOW),  # outer
                (8, 1, 22, 27, "GPE", "{}", NOW),  # nested inside 7
                (9, 3, 17, 22, "FAC", "{}", NOW),
            ],
        )
        con.execute(
            "INSERT INTO events VALUES (4, 2, 1, 'Conflict.Attack', 5, ?, ?)",
            ('{"polarity": "POS"}', NOW),
        )
        con.execute("INSERT INTO event_arguments VALUES (6, 4, 'Place', 8, 0)")
        con.execute("INSERT INTO relations VALUES (3, 2, 1, 'PART-WHOLE', 8, 7, ?)", (NOW,))
    con.close()


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, with the columns revision 0001 had."""
    with sqlite3.connect(path) as con:
        return {
            t: sorted(con.execute(f"SELECT {_COLUMNS.get(t, '*')} FROM {t}").fetchall(), key=repr)
            for t in TABLES
        }


_COLUMNS = {"annotators": "id, name, kind, created_at"}  # 0003 added uid


def test_a_0001_project_migrates_with_every_row_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _project_at_0001(path)
    before = _dump(path)
    project = open_project(path)
    project.close()
    after = _dump(path)
    assert after == before
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (HEAD_REVISION,)
        ]
        sql = con.execute("SELECT sql FROM sqlite_master WHERE name = 'spans'").fetchone()[0]
    assert "AUTOINCREMENT" in sql
    backups = list(tmp_path.glob("old.sqlite.backup-0001-*"))
    assert len(backups) == 1 and _dump(backups[0]) == before


def test_a_migrated_project_never_reuses_an_id(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _project_at_0001(path)
    project = open_project(path)
    try:
        project.annotations.delete_spans([9])  # salma's span, the highest id
        doc = project.documents.document(2)
        start = doc.text.index("حماة")
        edit = project.annotations.create_span(2, "salma", start, start + 4, "GPE")
        assert edit.add.spans[0].id > 9
    finally:
        project.close()


def test_migration_runs_with_foreign_keys_off(tmp_path: Path) -> None:
    """Rebuilding `spans` with foreign keys on would cascade into events, arguments, relations."""
    path = tmp_path / "old.sqlite"
    _project_at_0001(path)
    open_project(path).close()
    engine = create_engine(sqlite_url(path))
    with engine.connect() as conn:
        counts = [
            conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
            for t in ("events", "event_arguments", "relations")
        ]
    engine.dispose()
    assert counts == [1, 1, 1]


def test_the_cli_names_the_backup_after_an_upgrade(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import REPO

    path = tmp_path / "old.sqlite"
    _project_at_0001(path)
    run = subprocess.run(
        [sys.executable, "-m", "annotator", "export", "--db", str(path), "--format", "jsonl"]
        + ["--annotator", "amal", "--out", str(tmp_path / "out.jsonl")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    (backup,) = tmp_path.glob("old.sqlite.backup-0001-*")
    assert f"kept at {backup}" in run.stderr


def test_0003_gives_every_annotator_an_identity_derived_from_the_row(tmp_path: Path) -> None:
    """Two copies of one older file, upgraded apart, agree on who is who; new rows are random."""
    first, second = tmp_path / "laptop1.sqlite", tmp_path / "laptop2.sqlite"
    _project_at_0001(first)
    second.write_bytes(first.read_bytes())
    uids = []
    for path in (first, second):
        project = open_project(path)
        project.annotations.create_span(2, "nour", 17, 22, "GPE")  # a row made after 0003
        uids.append(dict((n, u) for n, _k, u in project.repo.identities()))
        project.close()
    assert uids[0]["amal"] == uids[1]["amal"] and uids[0]["salma"] == uids[1]["salma"]
    assert uids[0]["amal"] != uids[0]["salma"]
    assert uids[0]["nour"] != uids[1]["nour"]
    for uid in (*uids[0].values(), *uids[1].values()):
        assert len(uid) == 32 and int(uid, 16) >= 0
    con = sqlite3.connect(first)
    con.execute("INSERT INTO annotators (name, kind, created_at) VALUES ('x', 'human', 'now')")
    with pytest.raises(sqlite3.IntegrityError, match="annotators.uid"):
        con.execute("INSERT INTO annotators (name, kind, created_at) VALUES ('y', 'human', 'n')")
    con.close()


def test_0004_gives_every_older_document_its_tokens(tmp_path: Path) -> None:
    """The tokens stored by the upgrade are camel-tools' tokens of the stored text, exactly."""
    path = tmp_path / "old.sqlite"
    _project_at_0001(path)
    project = open_project(path)
    try:
        stored = project.repo.stored_tokens([2], tokenizer_id())
    finally:
        project.close()
    live = word_tokens(TEXT)
    assert stored[2].words == live.words
    assert stored[2].starts.tolist() == live.starts.tolist()
    assert stored[2].ends.tolist() == live.ends.tolist()
    assert [TEXT[a:b] for a, b in zip(live.starts, live.ends, strict=True)] == live.words


def test_0005_widens_project_meta_key_to_the_longest_key_the_app_builds(tmp_path: Path) -> None:
    """A note key embeds a name of the longest stored length and the largest document id."""
    from annotator.core.merge import merge_key
    from annotator.services.write import document_note_key
    from annotator.store.models import AnnotatorRow, MetaRow

    name = ("سلمى😀\u00a0" * 40)[: AnnotatorRow.__table__.c.name.type.length]
    longest = max(len(document_note_key(2**63 - 1, name)), len(merge_key("f" * 32, 2**63 - 1)))
    assert longest <= MetaRow.__table__.c.key.type.length
    path = tmp_path / "old.sqlite"
    _project_at_0001(path)
    open_project(path).close()
    with sqlite3.connect(path) as con:
        sql = con.execute("SELECT sql FROM sqlite_master WHERE name = 'project_meta'").fetchone()
        rows = con.execute("SELECT key, value FROM project_meta").fetchall()
    assert "VARCHAR(255)" in sql[0]
    assert rows == [("seeded_from", "/seeds")]


def test_the_fast_path_head_is_alembics_head(tmp_path: Path) -> None:
    # a project at HEAD_REVISION opens without Alembic: the constant must be the scripts' head
    from alembic.script import ScriptDirectory

    engine = make_engine(sqlite_url(tmp_path / "p.sqlite"))
    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    assert head == HEAD_REVISION
    engine.dispose()
