"""Project files whose names hold URL characters, spaces, Arabic letters or an emoji.

The engine once built ``sqlite:///{path}``: ``a?b.sqlite`` was written to ``a``,
``a%20b.sqlite`` to ``a b.sqlite``, and an unrelated SQLite file named like the
prefix was switched to WAL. Each name here must be created, reopened, edited and
exported under exactly its own name, with no stray file beside it.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.services.project import open_project
from tests.conftest import run_cli

TEXT = "😀 قصفتْ الطائـرات\u00a0مدينة حماة في 2024"
ANN = "amal"

# (project file name, an unrelated SQLite file the old URL would have opened instead)
NAMES = [
    ("a?b.sqlite", "a"),
    ("a%20b.sqlite", "a b.sqlite"),
    ("a#b.sqlite", "a"),
    ("a&b=c?d.sqlite", "a&b=c"),
    ("مشروع حماة 😀.sqlite", "مشروع حماة"),
    ("x %41?#&😀 ب.sqlite", "x A"),
]


def _decoy(path: Path) -> bytes:
    """An unrelated rollback-journal SQLite file at ``path``; returns its bytes."""
    con = sqlite3.connect(path)
    with con:
        con.execute("CREATE TABLE notes (x TEXT)")
        con.execute("INSERT INTO notes VALUES ('not a project')")
    con.close()
    return path.read_bytes()


def _create_and_reopen(path: Path) -> int:
    """Create the project with one span, then reopen it and relabel that span."""
    project = open_project(path)
    doc_id, _new = project.documents.add_text("w.txt", TEXT)
    start = TEXT.index("حماة")
    span = project.annotations.create_span(doc_id, ANN, start, start + 4, "GPE").add.spans[0]
    project.close()
    project = open_project(path)
    try:
        project.annotations.relabel_span(span.id, "LOC")
        return doc_id
    finally:
        project.close()


@pytest.mark.parametrize(("name", "decoy_name"), NAMES)
def test_a_project_file_keeps_its_exact_name(tmp_path: Path, name: str, decoy_name: str) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    decoy = folder / decoy_name
    decoy_bytes = _decoy(decoy)
    path = folder / name
    _create_and_reopen(path)
    out = tmp_path / "out.jsonl"
    run = run_cli(
        tmp_path, "export", "--db", str(path), "--format", "jsonl", "--annotator", ANN,
        "--out", str(out),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    (line,) = out.read_text("utf-8").splitlines()
    record = json.loads(line)
    assert record["text"] == TEXT
    assert [(s["label"], s["text"]) for s in record["spans"]] == [("LOC", "حماة")]
    assert sorted(p.name for p in folder.iterdir()) == sorted({name, decoy_name})
    assert decoy.read_bytes() == decoy_bytes
    con = sqlite3.connect(path)  # a plain file name: never parsed as a URI
    try:
        assert con.execute("SELECT label FROM spans").fetchall() == [("LOC",)]
    finally:
        con.close()
