"""Real tools read the exports: seqeval, the conllu package and spaCy."""

from __future__ import annotations

import json

import conllu
import spacy
from seqeval.metrics.sequence_labeling import get_entities
from spacy.tokens import Doc

from tests.golden.seed000 import GOLDEN

EXPECTED_OUTER = [
    ("ORG", "وزارة الدفاع الروسية"),
    ("GPE", "روسيا"),
    ("GPE", "محافظة"),
    ("GPE", "حماة"),
    ("WEA", "صواريخ"),
]


def _conll_sentences(name: str) -> list[list[list[str]]]:
    sentences: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in (GOLDEN / name).read_text("utf-8").split("\n"):
        if line == "-DOCSTART-":
            continue
        if not line:
            if current:
                sentences.append(current)
            current = []
            continue
        current.append(line.split("\t"))
    return sentences


def _entities(name: str, column: int) -> list[tuple[str, str]]:
    found = []
    for sentence in _conll_sentences(name):
        tokens = [row[0] for row in sentence]
        tags = [row[column] for row in sentence]
        for label, first, last in get_entities(tags):
            found.append((label, " ".join(tokens[first : last + 1])))
    return found


def test_seqeval_extracts_exactly_the_expected_entities_iob2() -> None:
    assert _entities("seed000.conll", 1) == EXPECTED_OUTER


def test_seqeval_extracts_the_same_entities_from_bioes() -> None:
    assert _entities("seed000.bioes.conll", 1) == EXPECTED_OUTER
    tags = [row[1] for s in _conll_sentences("seed000.bioes.conll") for row in s]
    assert "S-GPE" in tags and "E-ORG" in tags


def test_seqeval_reads_the_inner_level_and_the_trigger_column() -> None:
    inner = _entities("seed000.inner.conll", 1)
    assert ("GPE", "الروسية") in inner and ("ORG", "وزارة الدفاع الروسية") not in inner
    assert _entities("seed000.events.conll", 2) == [("Conflict.Attack", "هجوماً")]


def test_conllu_package_parses_mwt_and_ner_in_misc() -> None:
    sentences = conllu.parse((GOLDEN / "seed000.conllu").read_text("utf-8"))
    assert sentences[0].metadata["sent_id"] == "000_dfbb423181b2695a.txt-1"
    assert sentences[0].metadata["text"].startswith("أكدت وزارة الدفاع الروسية")
    mwts = [(s, t) for s in sentences for t in s if isinstance(t["id"], tuple)]
    assert len(mwts) == 1
    sentence, mwt = mwts[0]
    assert mwt["form"] == "بمحافظة" and mwt["id"][1] == "-"
    first, _, last = mwt["id"]
    parts = [t for t in sentence if isinstance(t["id"], int) and first <= t["id"] <= last]
    assert [p["form"] for p in parts] == ["ب", "محافظة"]
    assert parts[1]["misc"]["NER"] == "B-GPE"
    tags = [t["misc"]["NER"] for s in sentences for t in s if isinstance(t["id"], int)]
    assert tags.count("B-GPE") == 3 and tags.count("B-ORG") == 1


def _spacy_doc(vocab: spacy.vocab.Vocab, task: dict) -> tuple[Doc, list[int]]:
    """A Doc with exactly the task's text; extra white space becomes its own token,
    as spaCy's tokenizer does. Returns the doc and each task token's index in it."""
    text, toks = task["text"], task["tokens"]
    words: list[str] = []
    spaces: list[bool] = []
    index: list[int] = []
    for i, tok in enumerate(toks):
        index.append(len(words))
        words.append(tok["text"])
        nxt = toks[i + 1]["start"] if i + 1 < len(toks) else len(text)
        gap = text[tok["end"] : nxt]
        spaces.append(gap.startswith(" "))
        gap = gap[1:] if gap.startswith(" ") else gap
        if gap:
            words.append(gap)
            spaces.append(False)
    return Doc(vocab, words=words, spaces=spaces), index


def test_spacy_builds_docs_and_every_span_aligns_strictly() -> None:
    nlp = spacy.blank("ar")
    lines = (GOLDEN / "seed000.spacy.jsonl").read_text("utf-8").splitlines()
    assert lines
    for line in lines:
        task = json.loads(line)
        doc, index = _spacy_doc(nlp.vocab, task)
        assert doc.text == task["text"]
        assert len(task["spans"]) == 7
        for span in task["spans"]:
            made = doc.char_span(
                span["start"], span["end"], label=span["label"], alignment_mode="strict"
            )
            assert made is not None, span
            assert made.start == index[span["token_start"]]
            assert made.end - 1 == index[span["token_end"]]
        texts = {doc.text[s["start"] : s["end"]] for s in task["spans"]}
        assert "محافظة" in texts
