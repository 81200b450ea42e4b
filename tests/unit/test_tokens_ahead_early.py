"""``annotator import`` starts the tokens child before its own imports (ADR 0027).

The child started from the arguments alone must be the one the import uses (not a
second one), must make every document's tokens, byte for byte what this process makes,
and must be gone when a command that started it ends without using it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.__main__ import main
from annotator.cli_early import import_files, start_early
from annotator.services import tokens_ahead
from annotator.services.tokens_ahead import TokensAhead
from tests.unit.test_tokens_ahead import ODD_CONLLU, _treebank


class _Seen(TokensAhead):
    """The real child, remembering each one started and how many texts it made."""

    started: list[_Seen] = []
    made_in_all: list[int] = []

    def __init__(self) -> None:
        super().__init__()
        self.started.append(self)

    def close(self, wait: bool = True) -> None:
        if self.running:
            self.made_in_all.append(self.made)
        super().close(wait)


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> type[_Seen]:
    """Every file wants a child, whatever the machine's load; children are counted."""
    monkeypatch.setattr(tokens_ahead, "AHEAD_BYTES", 0)
    monkeypatch.setenv(tokens_ahead.SWITCH, "always")
    monkeypatch.setattr(tokens_ahead, "TokensAhead", _Seen)
    _Seen.started, _Seen.made_in_all = [], []
    return _Seen


def _tokens(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT d.name, d.text, t.tokenizer, t.count, t.words, t.starts, t.ends "
            "FROM documents d JOIN document_tokens t ON t.doc_id = d.id ORDER BY d.id"
        ).fetchall()
    conn.close()
    return rows


def test_the_import_uses_the_child_started_before_it(
    tmp_path: Path, seen: type[_Seen], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _treebank(tmp_path)
    here = tmp_path / "here.db"
    with monkeypatch.context() as plain:
        plain.setenv(tokens_ahead.SWITCH, "never")
        assert (
            main(
                ["import", str(source), "--format", "conllu", "--annotator", "ud"]
                + ["--db", str(here)]
            )
            == 0
        )
    assert seen.started == []
    db = tmp_path / "p.db"
    argv = ["import", "--format", "conllu", str(source), "--annotator", "ud", "--db", str(db)]
    assert main(argv) == 0
    rows = _tokens(db)
    assert len(seen.started) == 1  # the early one, taken by the import: no second child
    assert seen.made_in_all == [len(rows)]  # every document's tokens came from it
    assert not seen.started[0].running
    assert rows == _tokens(here)  # the same bytes as made in this process
    assert rows[0][1].startswith("وقالــت 😀 الوزارةُ\u00a0إنّ حماة\u200cالسورية")


def test_a_refused_import_ends_the_child_it_started(
    tmp_path: Path, seen: type[_Seen], capsys: pytest.CaptureFixture[str]
) -> None:
    source = _treebank(tmp_path)
    argv = ["import", str(source), "--format", "conllu", "--annotator", "", "--db"]
    assert main([*argv, str(tmp_path / "p.db")]) == 2
    assert "--annotator" in capsys.readouterr().err
    (child,) = seen.started
    assert not child.running
    assert seen.made_in_all == [0]


def test_only_an_annotated_import_of_files_named_starts_a_child(
    tmp_path: Path, seen: type[_Seen]
) -> None:
    bank = _treebank(tmp_path)
    other = tmp_path / "other.conllu"
    other.write_text(ODD_CONLLU, encoding="utf-8")
    db = str(tmp_path / "big.db")
    Path(db).write_bytes(b"x")
    assert import_files(["import", str(bank), "--format", "conllu", str(other)]) == [bank, other]
    assert import_files(["--db", db, "import", "--replace", str(bank), "--format=conllu"]) == [bank]
    assert import_files(["import", "--db", db, "--format", "conllu", str(tmp_path)]) == []
    assert import_files(["import", str(bank), "--db", db]) == []  # plain text: no tokens child
    assert import_files(["export", "--format", "conllu", "--out", str(bank)]) == []
    assert import_files(["import", "--format"]) == []  # the real parser says what is wrong
    assert start_early(["import", str(bank)]) is None
    assert seen.started == []
    child = start_early(["import", str(bank), "--format", "conllu"])
    assert isinstance(child, _Seen)
    child.close(wait=False)
