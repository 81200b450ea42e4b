"""Each document keeps its camel-tools tokens from the moment it is added (ADR 0015).

The token exports read them instead of tokenizing again; what they write must
not change by a byte. Tokens of another tokenizer (an older camel-tools) are
ignored and made again.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.core.text import text_sha256
from annotator.core.tokens import tokenizer_id, word_tokens
from annotator.services.project import Project, open_project
from annotator.services.transfer import ExportRequest, export_layer
from annotator.services.write import NewDocument
from tests import export_corpus

TOKEN_FORMATS = ("conll", "conllu", "spacy", "hf")
# emoji (astral), NBSP, ZWNJ, tatweel, diacritics, Latin, digits, tabs and blank lines
ODD = "وقالــت 😀 الوزارةُ\u00a0إنّ حماة\u200cالسورية\tقصفت، Reuters 2024!\n\n  👩‍👩‍👧 آخر."


def _stored(project: Project, doc_id: int) -> tuple[list[str], list[int], list[int]]:
    found = project.repo.stored_tokens([doc_id], tokenizer_id())[doc_id]
    return found.words, found.starts.tolist(), found.ends.tolist()


def _live(text: str) -> tuple[list[str], list[int], list[int]]:
    made = word_tokens(text)
    return made.words, made.starts.tolist(), made.ends.tolist()


def test_an_added_document_keeps_the_tokens_of_its_text(db_path: Path) -> None:
    project = open_project(db_path)
    try:
        texts = [ODD, "😀", "كلمة"]
        docs = [NewDocument(f"d{k}.txt", t, text_sha256(t)) for k, t in enumerate(texts)]
        ids = [doc_id for doc_id, _ in project.write.add_documents(docs)]
        for doc_id, text in zip(ids, texts, strict=True):
            assert _stored(project, doc_id) == _live(text)
        words, starts, ends = _stored(project, ids[0])
        assert [ODD[a:b] for a, b in zip(starts, ends, strict=True)] == words
        assert "😀" in words and "حماة\u200cالسورية" in words
    finally:
        project.close()


def test_a_document_added_by_an_import_keeps_its_tokens(tmp_path: Path, db_path: Path) -> None:
    """Imports add documents through the same step as every other way in."""
    line = json.dumps({"text": ODD, "spans": []}, ensure_ascii=False) + "\n"
    source = tmp_path / "in.jsonl"
    source.write_text(line, encoding="utf-8")
    project = open_project(db_path)
    try:
        project.transfer().import_files([source], "jsonl", "amal")
        (doc_id,) = project.repo.document_ids()
        assert _stored(project, doc_id) == _live(ODD)
    finally:
        project.close()


def _exports(project: Project, out: Path, **options: str) -> dict[str, bytes]:
    written = {}
    for fmt in TOKEN_FORMATS:
        path = out / f"{fmt}.{'json' if fmt == 'hf' else fmt}"
        request = ExportRequest(fmt, path, annotator=export_corpus.ANNOTATOR, **options)
        export_layer(project, request)
        written[fmt] = path.read_bytes()
    return written


def _forget_tokens(path: Path, how: str) -> None:
    """Make the project look older: no tokens at all, or tokens of another tokenizer."""
    with sqlite3.connect(path) as con:
        if how == "deleted":
            con.execute("DELETE FROM document_tokens")
        else:
            con.execute("UPDATE document_tokens SET tokenizer = 'camel-tools 0.9 other'")
    con.close()


@pytest.mark.parametrize("segment", ["none", "clitics"])
@pytest.mark.parametrize("how", ["deleted", "stale"])
def test_exports_from_stored_tokens_equal_exports_that_tokenize(
    tmp_path: Path, segment: str, how: str
) -> None:
    project = export_corpus.build(tmp_path)
    db = Path(project.path)
    (tmp_path / "stored").mkdir()
    (tmp_path / "made").mkdir()
    try:
        ids = project.repo.document_ids()
        assert len(project.repo.stored_tokens(ids, tokenizer_id())) == len(ids) == 3
        stored = _exports(project, tmp_path / "stored", segment=segment)
    finally:
        project.close()
    _forget_tokens(db, how)
    project = open_project(db)
    try:
        assert project.repo.stored_tokens(project.repo.document_ids(), tokenizer_id()) == {}
        made = _exports(project, tmp_path / "made", segment=segment)
    finally:
        project.close()
    for fmt in TOKEN_FORMATS:
        assert stored[fmt] == made[fmt], fmt
    assert "🚀".encode() in stored["conll"] and "حماة".encode() in stored["conll"]


def _tamper(path: Path, doc_id: int, words: list[str], starts: list[int], ends: list[int]) -> None:
    import numpy as np

    with sqlite3.connect(path) as con:
        con.execute(
            "UPDATE document_tokens SET count = ?, words = ?, starts = ?, ends = ? "
            "WHERE doc_id = ?",
            (
                len(words),
                " ".join(words),
                np.array(starts, "<i4").tobytes(),
                np.array(ends, "<i4").tobytes(),
                doc_id,
            ),
        )
    con.close()


def test_the_export_reads_the_stored_tokens_and_ignores_a_broken_row(
    tmp_path: Path, db_path: Path
) -> None:
    """A hand-edited row shows in the export (so it is read); a row whose count does not
    match its columns is ignored (so the text is tokenized again)."""
    text = "قصفت، حماة\u00a0😀"
    project = open_project(db_path)
    try:
        ((doc_id, _),) = project.write.add_documents(
            [NewDocument("a.txt", text, text_sha256(text))]
        )
        project.annotations.create_span(doc_id, "amal", 6, 10, "GPE")
    finally:
        project.close()
    assert _live(text)[0] == ["قصفت", "،", "حماة", "😀"]
    out = tmp_path / "out.conll"

    def export() -> list[str]:
        opened = open_project(db_path)
        try:
            export_layer(opened, ExportRequest("conll", out, annotator="amal", force=True))
        finally:
            opened.close()
        return [line.split("\t")[0] for line in out.read_text("utf-8").splitlines()[2:] if line]

    _tamper(db_path, doc_id, ["قصفت،", "حماة", "😀"], [0, 6, 11], [5, 10, 12])
    assert export() == ["قصفت،", "حماة", "😀"]
    with sqlite3.connect(db_path) as con:
        con.execute("UPDATE document_tokens SET count = 4")
    con.close()
    assert export() == ["قصفت", "،", "حماة", "😀"]


def test_tokens_are_made_before_the_write_lock_is_taken(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tokenizing long texts takes seconds; other programs must not wait for it."""
    from annotator.services.write import service

    project = open_project(db_path)
    calls: list[tuple[bool, list[str]]] = []
    real = service.word_tokens_of

    def watched(texts: list[str]) -> object:
        con = sqlite3.connect(db_path, timeout=0)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.rollback()
            locked = False
        except sqlite3.OperationalError:
            locked = True
        finally:
            con.close()
        calls.append((locked, list(texts)))
        return real(texts)

    monkeypatch.setattr(service, "word_tokens_of", watched)
    other = "كلمة أخرى"
    try:
        project.write.add_documents([NewDocument(t[:4], t, text_sha256(t)) for t in (ODD, other)])
        project.write.add_documents([NewDocument("again", ODD, text_sha256(ODD))])
        ids = project.repo.document_ids()
        assert _stored(project, ids[1]) == _live(other)
    finally:
        project.close()
    assert calls == [(False, [ODD, other]), (False, [])]  # nothing for a known text


def test_a_text_tokenized_in_chunks_is_stored_as_one_call_would_store_it(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long text is tokenized a chunk at a time (bounded memory); the row is the same."""
    from annotator.core import tokens

    text = (ODD + " ") * 40
    source = tmp_path / "long.txt"
    source.write_text(text, encoding="utf-8")
    monkeypatch.setattr(tokens, "ONE_CALL", 37)  # a long text, for this test
    monkeypatch.setattr(tokens, "CHUNK", 37)  # chunks end inside runs of white space too
    project = open_project(db_path)
    try:
        project.documents.import_paths([source])
        (doc_id,) = project.repo.document_ids()
    finally:
        project.close()
    once = word_tokens(text, len(text))
    with sqlite3.connect(db_path) as con:
        row = con.execute(
            "SELECT count, words, starts, ends FROM document_tokens WHERE doc_id = ?", (doc_id,)
        ).fetchone()
    assert row[0] == len(once) > 37
    assert row[1] == " ".join(once.words)
    assert row[2] == once.starts.astype("<i4").tobytes()
    assert row[3] == once.ends.astype("<i4").tobytes()
