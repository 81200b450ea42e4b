"""A large import's tokens are made in a child process while the file is read (ADR 0027).

The child is only a speed-up: what it makes must be exactly what this process makes, a
child that dies must cost nothing but time, and texts waiting for it stay bounded.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from annotator.core.prepared_tokens import prepared
from annotator.core.tokens import WordTokens, word_tokens, word_tokens_of
from annotator.services import tokens_ahead
from annotator.services.project import open_project
from annotator.services.tokens_ahead import TokensAhead
from annotator.services.transfer import ImportRequest, import_annotations

# emoji (astral and joined), NBSP, ZWNJ, tatweel, diacritics, Latin, digits, tabs, blank lines
ODD = "وقالــت 😀 الوزارةُ\u00a0إنّ حماة\u200cالسورية\tقصفت، Reuters 2024!\n\n  👩‍👩‍👧 آخر."
TEXTS = [ODD, "كلمة", "I haven't a clue.", f"{ODD} {ODD}", "١٦ x-ray, 3.5%"]
DATA = Path(__file__).resolve().parent.parent / "data" / "ud"

# a document with the odd corpus's characters, its white space in MISC the UD way
ODD_CONLLU = """# newdoc id = odd
1\tوقالــت\t_\t_\t_\t_\t_\t_\t_\t_
2\t😀\t_\t_\t_\t_\t_\t_\t_\t_
3\tالوزارةُ\t_\t_\t_\t_\t_\t_\t_\tSpacesAfter=\\u00A0
4\tإنّ\t_\t_\t_\t_\t_\t_\t_\t_
5\tحماة\u200cالسورية\t_\t_\t_\t_\t_\t_\t_\t_
6\tReuters\t_\t_\t_\t_\t_\t_\t_\t_
7\t2024\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No
8\t!\t_\t_\t_\t_\t_\t_\t_\t_

"""


def _plain(tokens: WordTokens) -> tuple[list[str], list[int], list[int]]:
    return tokens.words, tokens.starts.tolist(), tokens.ends.tolist()


def test_the_child_makes_the_tokens_made_here() -> None:
    with TokensAhead() as ahead:
        for text in TEXTS:
            ahead.submit(text)
        made = [ahead.get(text) for text in TEXTS]
        assert ahead.get("never submitted") is None
    assert all(m is not None for m in made)
    got = [_plain(m) for m in made if m is not None]
    assert got == [_plain(word_tokens(text)) for text in TEXTS]
    assert got[0][0][:3] == ["وقالــت", "😀", "الوزارةُ"]
    assert "حماة\u200cالسورية" in got[0][0]


def test_a_child_that_died_leaves_the_tokens_to_this_process() -> None:
    with TokensAhead() as ahead:
        ahead.submit(TEXTS[0])
        process = ahead._process  # noqa: SLF001 - the test kills the real child
        assert process is not None
        process.kill()
        for text in TEXTS[1:]:
            ahead.submit(text)
        with prepared(ahead):
            got = word_tokens_of(TEXTS)
    assert [_plain(t) for t in got] == [_plain(word_tokens(t)) for t in TEXTS]


def test_texts_waiting_for_the_child_stay_within_the_limit() -> None:
    """The child needs about a second to start; the texts submitted meanwhile wait here
    only up to the limit, then the caller waits for the child."""
    limit = 2_000
    with TokensAhead(limit=limit) as ahead:
        most = 0
        texts = [f"{ODD} {k}" for k in range(200)]  # about 60 code points each
        for text in texts:
            ahead.submit(text)
            most = max(most, ahead.waiting)
        assert most < limit + len(texts[-1])
        assert all(ahead.get(t) is not None for t in texts)
        assert ahead.made == len(texts)


def _treebank(folder: Path) -> Path:
    padt = (DATA / "padt.conllu").read_text(encoding="utf-8")
    path = folder / "bank.conllu"
    path.write_text(ODD_CONLLU + "# newdoc id = padt\n" + padt, encoding="utf-8")
    return path


def _import(folder: Path, source: Path) -> list[tuple[object, ...]]:
    db = folder / "p.db"
    project = open_project(db)
    try:
        request = ImportRequest((source,), "conllu", "ud")
        report = import_annotations(project, request)
        assert [o.status for o in report.outcomes] == ["added"], report.outcomes
    finally:
        project.close()
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT d.name, d.text, t.tokenizer, t.count, t.words, t.starts, t.ends "
            "FROM documents d JOIN document_tokens t ON t.doc_id = d.id ORDER BY d.id"
        ).fetchall()
    conn.close()
    return rows


class _Counted(TokensAhead):
    """The real child, counting how many texts it made (to know it was used)."""

    made_in_all: list[int] = []

    def close(self, wait: bool = True) -> None:
        self.made_in_all.append(self.made)
        super().close(wait)


def test_an_import_through_the_child_stores_the_tokens_made_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _treebank(tmp_path)
    (tmp_path / "here").mkdir()
    (tmp_path / "child").mkdir()
    here = _import(tmp_path / "here", source)
    monkeypatch.setattr(tokens_ahead, "AHEAD_BYTES", 0)
    monkeypatch.setenv(tokens_ahead.SWITCH, "always")  # whatever the machine's load
    monkeypatch.setattr(tokens_ahead, "TokensAhead", _Counted)
    _Counted.made_in_all = []
    child = _import(tmp_path / "child", source)
    assert _Counted.made_in_all == [len(here)]  # every document's tokens came from the child
    assert child == here
    assert here[0][1].startswith("وقالــت 😀 الوزارةُ\u00a0إنّ حماة\u200cالسورية")
    assert len(here) == 3  # the odd document and PADT's two


def test_the_switch_and_the_size_decide_whether_a_child_is_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _treebank(tmp_path)
    monkeypatch.setattr(tokens_ahead, "AHEAD_BYTES", 0)
    monkeypatch.setattr(tokens_ahead, "core_free", lambda: True)  # an idle machine
    monkeypatch.setenv(tokens_ahead.SWITCH, "never")
    with tokens_ahead.tokens_ahead(source) as ahead:
        assert ahead is None
    monkeypatch.setattr(tokens_ahead, "core_free", lambda: False)  # a saturated machine
    monkeypatch.setenv(tokens_ahead.SWITCH, "always")
    with tokens_ahead.tokens_ahead(source) as ahead:
        assert isinstance(ahead, TokensAhead)
    monkeypatch.delenv(tokens_ahead.SWITCH)
    with tokens_ahead.tokens_ahead(source) as ahead:
        assert ahead is None
    monkeypatch.setattr(tokens_ahead, "AHEAD_BYTES", source.stat().st_size + 1)
    with tokens_ahead.tokens_ahead(source) as ahead:
        assert ahead is None  # a small file: started even "always" would cost more


def test_a_child_started_from_a_worker_thread_makes_the_tokens() -> None:
    """The window imports on a job thread, where no signal handler may be changed."""
    got: list[object] = []

    def work() -> None:
        try:
            with TokensAhead() as ahead:
                ahead.submit(ODD)
                made = ahead.get(ODD)
            got.append(None if made is None else _plain(made))
        except Exception as exc:  # noqa: BLE001 - handed to the test's thread
            got.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(120)
    assert got == [_plain(word_tokens(ODD))]
