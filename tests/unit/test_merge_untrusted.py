"""Merge treats the other project file as untrusted input (issue 17, item 8; ADR 0012).

Each hostile file is a real project file built by the app (tests/merge_corpus.py:
Arabic, an emoji, NBSP and ZWNJ in every text), then tampered with through sqlite3.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.services.merge import read_sources
from annotator.services.merge_check import RowRefused
from annotator.store.privatecopy import PREFIX
from tests.conftest import run_cli
from tests.merge_corpus import TEXTS, laptop, rich_layer, span_layer

Tamper = Callable[[sqlite3.Connection], object]  # changes the file, returns the row refused


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ali's rich layers on a.txt and b.txt, bob's on a.txt: two documents, two layers."""
    path = tmp_path_factory.mktemp("template") / "laptop.db"
    laptop(path, "ali", [rich_layer("a.txt"), rich_layer("b.txt")])
    laptop(path, "bob", [rich_layer("a.txt", status="in_progress")])
    return path


def _hostile(template: Path, folder: Path, tamper: Tamper) -> tuple[Path, object]:
    bad = folder / "hostile.db"
    shutil.copyfile(template, bad)
    con = sqlite3.connect(bad)
    try:
        with con:
            row = tamper(con)
    finally:
        con.close()
    return bad, row


def _one(con: sqlite3.Connection, sql: str, *args: object) -> int:
    found = con.execute(sql, args).fetchone()
    assert found is not None, sql
    return int(found[0])


def _doc(con: sqlite3.Connection, name: str) -> int:
    return _one(con, "SELECT id FROM documents WHERE name = ?", name)


def _person(con: sqlite3.Connection, name: str) -> int:
    return _one(con, "SELECT id FROM annotators WHERE name = ?", name)


def _span_of(con: sqlite3.Connection, doc: str, who: str, label: str = "GPE") -> int:
    return _one(
        con,
        "SELECT id FROM spans WHERE doc_id = ? AND annotator_id = ? AND label = ?",
        _doc(con, doc),
        _person(con, who),
        label,
    )


def _first(con: sqlite3.Connection, table: str) -> int:
    """The first row of ``table`` in ali's layer on a.txt (its first argument for arguments)."""
    if table == "event_arguments":
        event = _first(con, "events")
        return _one(con, "SELECT min(id) FROM event_arguments WHERE event_id = ?", event)
    return _one(
        con,
        f"SELECT min(id) FROM {table} WHERE doc_id = ? AND annotator_id = ?",
        _doc(con, "a.txt"),
        _person(con, "ali"),
    )


def _set(table: str, column: str, value: Callable[[sqlite3.Connection], object]) -> Tamper:
    """Set ``column`` of the first row of ``table`` (ali, a.txt) to ``value(con)``."""

    def tamper(con: sqlite3.Connection) -> object:
        row = _first(con, table)
        con.execute(f'UPDATE {table} SET "{column}" = ? WHERE id = ?', (value(con), row))
        return row

    return tamper


def _swap_hashes(con: sqlite3.Connection) -> object:
    a, b = _doc(con, "a.txt"), _doc(con, "b.txt")
    sha = dict(con.execute("SELECT id, sha256 FROM documents"))
    con.execute("UPDATE documents SET sha256 = 'x' WHERE id = ?", (a,))
    con.execute("UPDATE documents SET sha256 = ? WHERE id = ?", (sha[a], b))
    con.execute("UPDATE documents SET sha256 = ? WHERE id = ?", (sha[b], a))
    return a


def _foreign_hash(con: sqlite3.Connection) -> object:
    """a.txt claims the hash of c.txt, a text the file does not hold."""
    sha = hashlib.sha256(TEXTS["c.txt"].encode("utf-8")).hexdigest()
    con.execute("UPDATE documents SET sha256 = ? WHERE name = 'b.txt'", (sha,))
    return _doc(con, "b.txt")


def _crlf_text(con: sqlite3.Connection) -> object:
    """A text import would never store (CR LF), with its own hash and length."""
    text = "سطر 😀\r\nNBSP\u00a0هنا"
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    con.execute(
        "UPDATE documents SET text = ?, sha256 = ?, length = ? WHERE name = 'b.txt'",
        (text, sha, len(text)),
    )
    return _doc(con, "b.txt")


def _annotator(column: str, value: object) -> Tamper:
    def tamper(con: sqlite3.Connection) -> object:
        row = _person(con, "bob")
        con.execute(f"UPDATE annotators SET {column} = ? WHERE id = ?", (value, row))
        return row

    return tamper


def _status(con: sqlite3.Connection) -> object:
    doc, who = _doc(con, "a.txt"), _person(con, "bob")
    con.execute(
        "UPDATE document_status SET status = 'hacked' WHERE doc_id = ? AND annotator_id = ?",
        (doc, who),
    )
    return f"(doc_id {doc}, annotator_id {who})"


def _orphan_note(con: sqlite3.Connection) -> object:
    key = f"note/document/{_doc(con, 'a.txt')}/nobody"
    con.execute("INSERT INTO project_meta VALUES (?, 'ملاحظة 😀')", (key,))
    return repr(key)


def _length(con: sqlite3.Connection) -> int:
    return len(TEXTS["a.txt"])


def _other_document(con: sqlite3.Connection) -> int:
    return _span_of(con, "b.txt", "ali")


def _other_layer(con: sqlite3.Connection) -> int:
    return _span_of(con, "a.txt", "bob")


def _nowhere(con: sqlite3.Connection) -> int:
    return 999_999


# (tamper, table, reason): one per hostile row of issue 17's "Merge trusts the other file"
CASES = {
    "swapped hashes": (_swap_hashes, "documents", "is not the SHA-256 of its text"),
    "another text's hash": (_foreign_hash, "documents", "is not the SHA-256 of its text"),
    "CR LF text": (_crlf_text, "documents", "contains CR line breaks"),
    "start 163.5": (_set("spans", "start", lambda c: 163.5), "spans", "must be integers"),
    "text offset": (_set("spans", "end", lambda c: "five"), "spans", "must be integers"),
    "blob offset": (_set("spans", "start", lambda c: b"\x05"), "spans", "must be integers"),
    "end past the text": (
        _set("spans", "end", lambda c: _length(c) + 1),
        "spans",
        "is out of range",
    ),
    "negative start": (_set("spans", "start", lambda c: -1), "spans", "is out of range"),
    "span of no document": (_set("spans", "doc_id", _nowhere), "spans", "refers to document"),
    "span of nobody": (_set("spans", "annotator_id", _nowhere), "spans", "refers to annotator"),
    "trigger in another document": (
        _set("events", "trigger_span_id", _other_document),
        "events",
        "its trigger is span",
    ),
    "trigger in another layer": (
        _set("events", "trigger_span_id", _other_layer),
        "events",
        "in another annotator's layer ('bob')",
    ),
    "trigger nowhere": (
        _set("events", "trigger_span_id", _nowhere),
        "events",
        "which is not in the file",
    ),
    "argument in another document": (
        _set("event_arguments", "span_id", _other_document),
        "event_arguments",
        "which is in another document",
    ),
    "argument in another layer": (
        _set("event_arguments", "span_id", _other_layer),
        "event_arguments",
        "in another annotator's layer ('bob')",
    ),
    "argument nowhere": (
        _set("event_arguments", "span_id", _nowhere),
        "event_arguments",
        "which is not in the file",
    ),
    "argument of no event": (
        _set("event_arguments", "event_id", _nowhere),
        "event_arguments",
        "refers to event 999999",
    ),
    "relation end in another document": (
        _set("relations", "arg1_span_id", _other_document),
        "relations",
        "its first end is span",
    ),
    "relation end in another layer": (
        _set("relations", "arg2_span_id", _other_layer),
        "relations",
        "in another annotator's layer ('bob')",
    ),
    "relation end nowhere": (
        _set("relations", "arg2_span_id", _nowhere),
        "relations",
        "which is not in the file",
    ),
    "kind root": (_annotator("kind", "root"), "annotators", "the annotator kind 'root'"),
    "empty name": (_annotator("name", ""), "annotators", "no visible character"),
    "name with NUL": (_annotator("name", "bo\x00b"), "annotators", "U+0000"),
    "name with a line break": (_annotator("name", "bob\nerror: FAKE"), "annotators", "U+000A"),
    "name with ESC": (_annotator("name", "\x1b[2Jbob"), "annotators", "U+001B"),
    "name of 10,000 characters": (
        _annotator("name", "ب" * 10_000),
        "annotators",
        "10000 characters long",
    ),
    "status hacked": (_status, "document_status", "the status 'hacked'"),
    "attributes bad JSON": (
        _set("spans", "attributes", lambda c: '{"MentionType": '),
        "spans",
        "not valid JSON",
    ),
    "attributes a list": (
        _set("events", "attributes", lambda c: '["Polarity"]'),
        "events",
        "must map strings to strings",
    ),
    "attribute value a number": (
        _set("spans", "attributes", lambda c: '{"MentionType": 1}'),
        "spans",
        "must map strings to strings",
    ),
    "note of nobody": (_orphan_note, "project_meta", "a note of a document or annotator"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_row_refuses_the_file_naming_table_row_and_reason(
    template: Path, tmp_path: Path, case: str
) -> None:
    tamper, table, reason = CASES[case]
    bad, row = _hostile(template, tmp_path, tamper)
    before = bad.read_bytes()
    with pytest.raises(RowRefused) as caught:
        read_sources([bad])
    message = str(caught.value)
    assert message.startswith(f"{bad} cannot be merged: table {table}, row {row}: ")
    assert reason in message
    assert bad.read_bytes() == before


# one case per bullet of the issue, through the real command
CLI_CASES = [
    "swapped hashes",
    "start 163.5",
    "blob offset",
    "trigger in another document",
    "argument in another layer",
    "relation end nowhere",
    "kind root",
    "name with ESC",
    "status hacked",
    "attributes bad JSON",
    "attributes a list",
]


@pytest.mark.parametrize("case", CLI_CASES)
def test_merge_command_refuses_a_hostile_file_with_exit_2_and_changes_nothing(
    template: Path, tmp_path: Path, case: str
) -> None:
    tamper, table, reason = CASES[case]
    bad, row = _hostile(template, tmp_path, tamper)
    team = laptop(tmp_path / "team.db", "lead", [span_layer("c.txt", 3)])
    good = laptop(tmp_path / "good.db", "amal", [span_layer("b.txt", 2)])
    before = team.read_bytes()
    run = run_cli(tmp_path, "merge", str(good), str(bad), "--db", str(team))
    assert run.returncode == 2, run.stderr
    assert f"error: {bad} cannot be merged: table {table}, row {row}: " in run.stderr
    assert reason in run.stderr
    assert "Traceback" not in run.stderr and "\x1b" not in run.stderr and run.stdout == ""
    assert team.read_bytes() == before


def _folder_state(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _laptop_with_wal(tmp_path: Path, with_shm: bool) -> Path:
    """A laptop file whose last change (ali's status: in progress) is only in its -wal."""
    src = laptop(tmp_path / "src.db", "ali", [rich_layer("a.txt")])
    folder = tmp_path / "laptop"
    folder.mkdir()
    con = sqlite3.connect(src)
    try:
        con.execute("PRAGMA wal_autocheckpoint = 0")
        with con:
            con.execute("UPDATE document_status SET status = 'in_progress'")
        suffixes = ("", "-wal", "-shm") if with_shm else ("", "-wal")
        for suffix in suffixes:  # copied while the writer is open: the -wal is not checkpointed
            shutil.copyfile(f"{src}{suffix}", folder / f"laptop.db{suffix}")
    finally:
        con.close()
    return folder / "laptop.db"


@pytest.mark.parametrize("with_shm", [False, True], ids=["no -shm", "with -shm"])
def test_merge_reads_the_wal_but_creates_or_changes_nothing_beside_the_file(
    tmp_path: Path, with_shm: bool
) -> None:
    other = _laptop_with_wal(tmp_path, with_shm)
    before = _folder_state(other.parent)
    assert ("laptop.db-shm" in before) is with_shm
    team = tmp_path / "team.db"
    run = run_cli(tmp_path, "merge", str(other), "--db", str(team))
    assert run.returncode == 0, run.stderr
    assert _folder_state(other.parent) == before
    with sqlite3.connect(team) as con:
        assert con.execute("SELECT status FROM document_status").fetchall() == [("in_progress",)]


def _dead_pid() -> int:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(child.stdout)


def test_copies_left_by_killed_merges_are_removed_and_none_is_left_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    dead = temp / f"{PREFIX}{_dead_pid()}-abc123"
    live = temp / f"{PREFIX}{os.getpid()}-def456"
    for folder in (dead, live):
        folder.mkdir()
        (folder / "source.sqlite").write_bytes(b"a full copy of somebody's laptop")
    monkeypatch.setenv("TMPDIR", str(temp))
    other = laptop(tmp_path / "laptop.db", "ali", [rich_layer("a.txt")])
    run = run_cli(tmp_path, "merge", str(other), "--db", str(tmp_path / "team.db"))
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in temp.iterdir()) == [live.name]


@pytest.mark.parametrize("name", ["bob\nerror: FAKE", "\x1b]0;title\x07bob", "ب" * 201])
def test_import_refuses_the_annotator_names_merge_refuses(tmp_path: Path, name: str) -> None:
    source = tmp_path / "doc.jsonl"
    source.write_text('{"name": "a.txt", "text": "نص 😀\u00a0text"}\n', encoding="utf-8")
    run = run_cli(
        tmp_path,
        "--db",
        str(tmp_path / "p.db"),
        "import",
        str(source),
        "--format",
        "jsonl",
        "--annotator",
        name,
    )
    assert run.returncode == 2, run.stdout
    assert "Choose another --annotator: the annotator name" in run.stderr
    assert "imported into" not in run.stdout
