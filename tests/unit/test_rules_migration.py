"""Migration 0008 (issue 17): older projects that break a rule the database now enforces are
upgraded without failing; duplicates are set aside in ``set_aside_rows`` and reported, what
referred to a set-aside span follows its kept twin, and every foreign key is RESTRICT.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.core.model import Bundle, Edit, Relation
from annotator.services.project import open_project
from annotator.store.engine import HEAD_REVISION
from tests.unit.old_files import add_annotators, add_event, add_relations, add_spans, project_at


def _old_project_breaking_every_rule(path: Path) -> None:
    """A 0006 file with twin spans (and their dependents), twin relations, two gold layers."""
    con = project_at(path, "0006")
    add_annotators(con, (1, "amal", "human"), (3, "salma", "human"))
    add_annotators(con, (4, "gold", "gold"), (5, "gold2", "gold"))
    add_spans(
        con,
        (5, 1, 2, 7, "Conflict.Attack", "{}"),
        (6, 1, 2, 7, "Conflict.Attack", '{"note": "توأم 🔥"}'),  # twin of 5
        (7, 1, 17, 27, "GPE", '{"mention": "NAM"}'),
        (8, 1, 17, 27, "GPE", "{}"),  # twin of 7
        (9, 1, 22, 27, "GPE", "{}"),
        (30, 3, 17, 27, "GPE", "{}"),  # salma's: another layer, no twin
        (31, 5, 17, 27, "GPE", "{}"),  # gold2's span stays where it is
    )
    add_event(con, 4, 5, (20, "Place", 7), (21, "Place", 8), (22, "Target", 8))
    add_event(con, 11, 6, (23, "Attacker", 9))  # its trigger's twin 5 has event 4
    add_relations(
        con,
        (3, "PART-WHOLE", 9, 7),
        (13, "PART-WHOLE", 9, 8),  # becomes 9 -> 7: a twin of relation 3
        (14, "PART-WHOLE", 8, 7),  # becomes 7 -> 7: a self-relation
        (15, "PHYS", 9, 7),
        (16, "PHYS", 9, 7),  # twin of 15
    )
    add_relations(con, (17, "PHYS", 5, 9))  # given once, then deleted: never given again
    con.execute("DELETE FROM relations WHERE id = 17")
    con.execute(
        "INSERT INTO quarantined_events (event_id, kept_event_id, reason, original) "
        "VALUES (99, 4, 'set aside by 0006 earlier', '{}')"
    )
    con.close()


def _ids(con: sqlite3.Connection, table: str) -> list[int]:
    return [i for (i,) in con.execute(f"SELECT id FROM {table} ORDER BY id")]


def test_0008_keeps_one_of_each_twin_sets_the_rest_aside_and_repoints_dependents(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite"
    _old_project_breaking_every_rule(path)
    project = open_project(path)
    notice = project.upgrade_notice()
    backup = project.backup
    project.close()
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD_REVISION,)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert _ids(con, "spans") == [5, 7, 9, 30, 31]
    assert con.execute("SELECT id, trigger_span_id FROM events").fetchall() == [(4, 5)]
    arguments = con.execute("SELECT id, event_id, role, span_id FROM event_arguments ORDER BY id")
    assert arguments.fetchall() == [(20, 4, "Place", 7), (22, 4, "Target", 7)]
    relations = con.execute("SELECT id, type, arg1_span_id, arg2_span_id FROM relations")
    assert sorted(relations.fetchall()) == [(3, "PART-WHOLE", 9, 7), (15, "PHYS", 9, 7)]
    kinds = con.execute("SELECT name, kind FROM annotators ORDER BY id").fetchall()
    assert kinds == [("amal", "human"), ("salma", "human"), ("gold", "gold"), ("gold2", "human")]
    aside = con.execute(
        "SELECT revision, kind, row_id, kept_id, reason, original FROM set_aside_rows ORDER BY id"
    ).fetchall()
    con.close()
    got = [(rev, kind, row, kept) for rev, kind, row, kept, _r, _o in aside]
    assert got == [
        ("0006", "event", 99, 4),
        ("0008", "event", 11, 4),  # kept: event 4, on span 5, the twin of its trigger
        ("0008", "span", 6, 5),
        ("0008", "argument", 21, 20),
        ("0008", "relation", 14, None),
        ("0008", "span", 8, 7),
        ("0008", "relation", 13, 3),
        ("0008", "relation", 16, 15),
        ("0008", "gold layer", 5, 4),
    ]
    originals = {(kind, row): json.loads(o) for _v, kind, row, _k, _r, o in aside}
    assert json.loads(originals["span", 6]["span"]["attributes"]) == {"note": "توأم 🔥"}
    assert [a["id"] for a in originals["event", 11]["arguments"]] == [23]
    assert originals["gold layer", 5]["annotator"]["kind"] == "gold"
    assert originals["relation", 14]["relation"]["arg1_span_id"] == 8
    reasons = {(kind, row): reason for _v, kind, row, _k, reason, _o in aside}
    assert "identical to span 5" in reasons["span", 6]
    assert "already had the gold layer «gold»" in reasons["gold layer", 5]
    assert notice is not None and f"kept at {backup}" in notice
    assert "1 argument, 1 event, 1 gold layer, 3 relations, 2 spans" in notice
    assert "set_aside_rows of old.sqlite" in notice
    assert backup is not None and backup.name.startswith("old.sqlite.backup-0006-")
    with sqlite3.connect(backup) as old:
        assert _ids(old, "spans") == [5, 6, 7, 8, 9, 30, 31]
        assert _ids(old, "relations") == [3, 13, 14, 15, 16]
    old.close()


def test_0008_makes_every_foreign_key_restrict_and_keeps_ids_never_reused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite"
    _old_project_breaking_every_rule(path)
    open_project(path).close()
    con = sqlite3.connect(path)
    tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    actions = [
        (t, fk[2], fk[6]) for t in tables for fk in con.execute(f"PRAGMA foreign_key_list({t})")
    ]
    assert {a for _t, _p, a in actions} == {"RESTRICT"}
    assert len(actions) == 16  # every foreign key the schema has (assignments' two: 0009)
    seq = dict(con.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
    sql = con.execute("SELECT sql FROM sqlite_master WHERE name = 'relations'").fetchone()[0]
    con.close()
    assert "AUTOINCREMENT" in sql
    assert seq["relations"] == 17  # relation 17 was given once and deleted: never given again
    project = open_project(path)
    try:
        relation = Relation(0, 2, "amal", "PART-WHOLE", 7, 9)
        edit = project.annotations.apply(Edit(2, "amal", add=Bundle(relations=(relation,))))
    finally:
        project.close()
    assert edit.add.relations[0].id == 18


def test_a_project_without_broken_rules_upgrades_with_nothing_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    con = project_at(path, "0006")
    add_annotators(con, (1, "amal", "human"), (4, "gold", "gold"))
    add_spans(con, (5, 1, 2, 7, "Conflict.Attack", "{}"), (7, 1, 17, 27, "GPE", "{}"))
    add_event(con, 4, 5, (20, "Place", 7))
    con.close()
    project = open_project(path)
    notice = project.upgrade_notice()
    project.close()
    assert notice is not None and "set aside" not in notice
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT count(*) FROM set_aside_rows").fetchone() == (0,)
        assert _ids(con, "spans") == [5, 7]
    con.close()


@pytest.mark.parametrize(
    ("sql", "needle"),
    [
        ("INSERT INTO spans VALUES (40, 2, 1, 2, 7, 'Conflict.Attack', '{}', 'x')", "spans."),
        ("INSERT INTO relations VALUES (40, 2, 1, 'PART-WHOLE', 9, 7, 'x')", "relations."),
        ("INSERT INTO event_arguments VALUES (40, 4, 'Place', 7, 5)", "event_arguments."),
        (
            "INSERT INTO annotators VALUES (40, 'gold3', 'gold', 'x', 'u40', NULL)",  # 0009's
            "annotators.kind",
        ),
    ],
)
def test_the_upgraded_file_refuses_every_duplicate_itself(
    tmp_path: Path, sql: str, needle: str
) -> None:
    # a raw SQL session (no write service at all) meets the indexes
    path = tmp_path / "old.sqlite"
    _old_project_breaking_every_rule(path)
    open_project(path).close()
    con = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match=f"UNIQUE constraint failed: {needle}"):
        con.execute(sql)
    con.close()


def test_deleting_a_span_others_refer_to_is_refused_by_the_database(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _old_project_breaking_every_rule(path)
    open_project(path).close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys = ON")
    for sql in (
        "DELETE FROM spans WHERE id = 7",  # an argument and relations end there
        "DELETE FROM events WHERE id = 4",  # it has arguments
        "DELETE FROM documents WHERE id = 2",
        "DELETE FROM annotators WHERE id = 1",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY constraint failed"):
            con.execute(sql)
    assert _ids(con, "spans") == [5, 7, 9, 30, 31]
    con.close()


def test_the_cli_says_what_the_upgrade_set_aside(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    path = tmp_path / "old.sqlite"
    _old_project_breaking_every_rule(path)
    run = run_cli(
        tmp_path,
        *("export", "--db", str(path), "--format", "jsonl", "--annotator", "amal"),
        *("--out", str(tmp_path / "out.jsonl")),
    )
    assert run.returncode == 0, run.stderr
    (backup,) = tmp_path.glob("old.sqlite.backup-0006-*")
    assert f"kept at {backup}" in run.stderr
    assert "1 argument, 1 event, 1 gold layer, 3 relations, 2 spans" in run.stderr
    assert "Traceback" not in run.stderr
