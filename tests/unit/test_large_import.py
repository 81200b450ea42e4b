"""A long text is imported with bounded memory and stored exactly as a short one would be.

Tokenized in chunks, its tokens kept as offsets into the text (``WordTokens``), its text
and tokens written into their rows a piece at a time (``store.bigvalues``, issue 17): the
row must hold the same bytes and types as bound values, and the tokens of one camel-tools
call on the whole text. Memory itself is measured in ``benchmarks/bench_import_memory``.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from annotator.core import tokens as tokens_module
from annotator.core.tokens import token_arrays
from annotator.services.project import open_project
from annotator.store import bigvalues
from tests.large_corpus import LINE, assert_stored_exactly, file_and_text


def test_a_text_over_the_limits_is_streamed_and_stored_byte_for_byte(
    tmp_path: Path, db_path: Path
) -> None:
    """At the real sizes: more than ONE_CALL code points (tokenized in chunks), LONG (text
    written in pieces) and MANY tokens (words and offsets written in pieces)."""
    source = tmp_path / "long.txt"
    text = file_and_text(source, 15_000)
    assert len(text) > max(tokens_module.ONE_CALL, bigvalues.LONG, bigvalues.PIECE)
    project = open_project(db_path)
    try:
        (outcome,) = project.documents.import_paths([source]).outcomes
        assert outcome.status == "added", outcome.message
    finally:
        project.close()
    assert_stored_exactly(db_path, text)
    assert len(token_arrays(text)[0]) > bigvalues.MANY + bigvalues.BLOCK


def test_many_small_pieces_join_up_exactly(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pieces far smaller than a line: every cut falls inside a word, an emoji sequence, a
    run of white space, or between a CR and an LF of the file; the rows are unchanged."""
    source = tmp_path / "small.txt"
    text = file_and_text(source, 40)
    monkeypatch.setattr(tokens_module, "ONE_CALL", 97)
    monkeypatch.setattr(tokens_module, "CHUNK", 97)
    monkeypatch.setattr(bigvalues, "LONG", 100)
    monkeypatch.setattr(bigvalues, "MANY", 10)
    monkeypatch.setattr(bigvalues, "PIECE", 13)
    monkeypatch.setattr(bigvalues, "BLOCK", 7)
    project = open_project(db_path)
    try:
        (outcome,) = project.documents.import_paths([source]).outcomes
        assert outcome.status == "added", outcome.message
    finally:
        project.close()
    assert_stored_exactly(db_path, text)


def test_a_refused_import_leaves_no_streamed_rows(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pieces are written inside the import's transaction: when the file's second
    document is refused there (its layer has spans already), the first document, written
    in pieces just before, and its tokens do not stay."""
    monkeypatch.setattr(bigvalues, "LONG", 100)
    monkeypatch.setattr(bigvalues, "MANY", 10)
    long_text = "".join(f"{LINE} {k}\n" for k in range(40))
    short = "حماة\u00a0😀 Reuters 7"
    span = {"id": 1, "start": 0, "end": 4, "label": "GPE"}
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text(_jsonl([(short, [span])]), encoding="utf-8")
    second.write_text(_jsonl([(long_text, []), (short, [span])]), encoding="utf-8")
    project = open_project(db_path)
    try:
        assert project.transfer().import_files([first], "jsonl", "amal").added
        (refused,) = project.transfer().import_files([second], "jsonl", "amal").outcomes
        assert refused.status == "rejected" and "already has 1 spans" in refused.message
        assert len(project.repo.document_ids()) == 1
    finally:
        project.close()
    with sqlite3.connect(db_path) as con:
        counts = con.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM document_tokens), "
            "(SELECT count(*) FROM documents WHERE length > 100)"
        ).fetchone()
    con.close()
    assert counts == (1, 1, 0)


def _jsonl(docs: list[tuple[str, list[dict[str, object]]]]) -> str:
    return "".join(
        json.dumps({"text": text, "spans": spans}, ensure_ascii=False) + "\n"
        for text, spans in docs
    )


def test_offsets_are_kept_as_int32_and_read_as_int64() -> None:
    """A long text's offsets take 8 bytes a token while waiting for the store, not 16."""
    text = (LINE + "\n") * 3
    made = tokens_module.word_tokens(text, 50)
    starts, ends = made.offsets32()
    assert starts.dtype == np.dtype("<i4") and ends.dtype == np.dtype("<i4")
    assert made.offsets32()[0] is starts  # held as int32, not converted on each call
    once = tokens_module.word_tokens(text, len(text))
    assert made.starts.dtype == np.int64
    assert made.starts.tolist() == once.starts.tolist() == starts.tolist()
    assert made.ends.tolist() == once.ends.tolist() == ends.tolist()


def test_a_project_file_that_keeps_text_as_utf16_gets_the_text_bound_whole(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BLOB I/O writes stored bytes as they are; in a UTF-16 file (made by another program)
    UTF-8 pieces would be garbage, so the long text is bound as a parameter there."""
    with sqlite3.connect(db_path) as con:
        con.execute("PRAGMA encoding = 'UTF-16le'")
        con.execute("CREATE TABLE scratch (x)")  # writes the header, with its encoding
        con.execute("DROP TABLE scratch")
    con.close()
    monkeypatch.setattr(tokens_module, "ONE_CALL", 97)
    monkeypatch.setattr(tokens_module, "CHUNK", 97)
    monkeypatch.setattr(bigvalues, "LONG", 100)
    monkeypatch.setattr(bigvalues, "MANY", 10)
    source = tmp_path / "long.txt"
    text = file_and_text(source, 40)
    project = open_project(db_path)
    try:
        (outcome,) = project.documents.import_paths([source]).outcomes
        assert outcome.status == "added", outcome.message
    finally:
        project.close()
    with sqlite3.connect(db_path) as con:
        assert con.execute("PRAGMA encoding").fetchone() == ("UTF-16le",)
        stored = con.execute("SELECT text, length(text) FROM documents").fetchone()
        words = con.execute("SELECT words FROM document_tokens").fetchone()[0]
    con.close()
    assert stored == (text, len(text))
    assert words == " ".join(token_arrays(text)[0])
