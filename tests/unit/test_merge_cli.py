"""`annotator merge` as a child process: exit codes, progress, refusals that change nothing."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.merge_corpus import laptop, rich_layer, span_layer


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(tmp_path, "merge", *args)


def test_merge_reports_progress_then_nothing_new_the_second_time(tmp_path: Path) -> None:
    one = laptop(tmp_path / "laptop1.db", "ali", [rich_layer("a.txt")])
    two = laptop(tmp_path / "laptop2.db", "bob", [span_layer("b.txt", 2)])
    team = tmp_path / "team.db"
    run = _cli(tmp_path, str(one), str(two), "--db", str(team))
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines() == [
        "Reading laptop1.db (1/2)",
        "Reading laptop2.db (2/2)",
        "Merging laptop1.db: 1 layers",
        "Merging laptop2.db: 1 layers",
    ]
    assert run.stdout.splitlines()[-1] == (
        "Merged 2 of 2 files: 2 documents added, 2 layers added, 0 updated."
    )
    again = _cli(tmp_path, str(one), str(two), "--db", str(team))
    assert again.returncode == 0
    assert again.stdout.splitlines()[-1] == "Nothing new: every file was merged before."


def _not_sqlite(tmp_path: Path) -> Path:
    bad = tmp_path / "notes.db"
    bad.write_text("ليس مشروعاً 😀 not a project\u00a0", encoding="utf-8")
    return bad


def _truncated(tmp_path: Path) -> Path:
    whole = laptop(tmp_path / "whole.db", "ali", [rich_layer("a.txt")])
    data = whole.read_bytes()
    cut = tmp_path / "cut.db"
    cut.write_bytes(data[: len(data) // 2])
    return cut


def _foreign_sqlite(tmp_path: Path) -> Path:
    other = tmp_path / "foreign.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    return other


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_not_sqlite, "is not a project file (not an SQLite database)."),
        (_truncated, "is damaged: the file is truncated"),
        (_foreign_sqlite, "is an SQLite database, but not an annotation project."),
    ],
)
def test_a_bad_file_is_named_and_the_team_project_stays_byte_for_byte(
    tmp_path: Path, make: object, says: str
) -> None:
    team = laptop(tmp_path / "team.db", "lead", [span_layer("a.txt", 3)])
    good = laptop(tmp_path / "good.db", "ali", [span_layer("b.txt", 2)])
    before = team.read_bytes()
    bad = make(tmp_path)  # type: ignore[operator]
    run = _cli(tmp_path, str(good), str(bad), "--db", str(team))
    assert run.returncode == 2
    assert f"error: {bad} {says}" in run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert team.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("team.db")) == ["team.db"]
    missing = tmp_path / "new-team.db"
    assert _cli(tmp_path, str(bad), "--db", str(missing)).returncode == 2
    assert not missing.exists()


def test_schema_stop_refuses_with_the_differences_and_creates_nothing(tmp_path: Path) -> None:
    plain = laptop(tmp_path / "plain.db", "bob", [span_layer("a.txt", 2)])
    custom = tmp_path / "custom.db"
    laptop(custom, "ali", [span_layer("b.txt", 2)])
    with sqlite3.connect(custom) as con:  # a schema without relation types
        body = con.execute("SELECT body FROM annotation_schema").fetchone()[0]
        con.execute(
            "UPDATE annotation_schema SET body = ?",
            (body.replace('"name": "PHYS"', '"name": "NEAR"'),),
        )
    team = tmp_path / "team.db"
    run = _cli(tmp_path, str(plain), str(custom), "--db", str(team))
    assert run.returncode == 2
    assert "nothing was merged (--schema stop)" in run.stderr
    assert "custom.db:\n  Only in theirs: relation type NEAR" in run.stderr
    assert "Only in ours: relation type PHYS" in run.stderr
    assert not team.exists()
    union = _cli(tmp_path, str(plain), str(custom), "--db", str(team), "--schema", "union")
    assert union.returncode == 0, union.stderr
    assert "Schema: this project's schema was extended with theirs." in union.stdout


def test_merging_a_project_into_itself_is_refused(tmp_path: Path) -> None:
    team = laptop(tmp_path / "team.db", "lead", [span_layer("a.txt", 3)])
    run = _cli(tmp_path, str(team), "--db", str(team))
    assert run.returncode == 2
    assert run.stderr.splitlines()[-1] == (
        f"error: {team} is the project being merged into; choose another file."
    )


def test_a_file_whose_layer_breaks_an_invariant_is_not_merged_and_the_others_are(
    tmp_path: Path,
) -> None:
    broken = laptop(tmp_path / "broken.db", "ali", [rich_layer("a.txt")])
    with sqlite3.connect(broken) as con:  # an event whose trigger is no longer its type
        con.execute("UPDATE spans SET label = 'GPE' WHERE label = 'Conflict.Attack'")
    good = laptop(tmp_path / "good.db", "bob", [span_layer("b.txt", 2)])
    team = tmp_path / "team.db"
    run = _cli(tmp_path, str(broken), str(good), "--db", str(team))
    assert run.returncode == 1, run.stderr
    assert "broken.db: not merged. " in run.stdout
    assert "needs a trigger labelled Conflict.Attack, not GPE" in run.stdout
    assert run.stdout.splitlines()[-1].startswith("Merged 1 of 2 files: 1 document added")
    with sqlite3.connect(team) as con:
        assert con.execute("SELECT name FROM documents").fetchall() == [("b.txt",)]
        assert con.execute("SELECT name FROM annotators").fetchall() == [("bob",)]
