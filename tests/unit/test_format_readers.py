"""Real tools read the exports: seqeval, the conllu package and spaCy."""

from __future__ import annotations

import json

import conllu
import pytest
import spacy
from seqeval.metrics.sequence_labeling import get_entities
from spacy.tokens import Doc

from tests.golden.seed000 import GOLDEN

# seed 000's outer level in word tokens: «محافظة» inside «بمحافظة» is not on token
# boundaries, so the default export leaves it out (and says so)
EXPECTED_OUTER = [
    ("ORG", "وزارة الدفاع الروسية"),
    ("GPE", "روسيا"),
    ("GPE", "حماة"),
    ("WEA", "صواريخ"),
]


def _conll_sentences(name: str) -> list[list[list[str]]]:
    sentences: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in (GOLDEN / name).read_text("utf-8").split("\n"):
        if line.startswith("-DOCSTART-"):
            continue
        if not line:
            if current:
                sentences.append(current)
            current = []
            continue
        current.append(line.split("\t") if "\t" in line else line.split(" "))
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


def test_seqeval_reads_every_level_of_the_clitic_export() -> None:
    outer = _entities("seed000.clitics.conll", 1)
    assert [label for label, _ in outer] == ["ORG", "GPE", "GPE", "GPE", "WEA"]
    assert ("GPE", "محافظة") in outer
    assert _entities("seed000.clitics.conll", 2) == [("GPE", "ال روسية")]
    assert _entities("seed000.clitics.conll", 3) == [("Conflict.Attack", "هجوماً")]


def test_space_separated_conll_has_the_same_entities() -> None:
    assert _entities("seed000.space.conll", 1) == EXPECTED_OUTER
    assert (
        (GOLDEN / "seed000.space.conll").read_text("utf-8").startswith("-DOCSTART- -X- -X- O\n\n")
    )


def test_conllu_package_parses_mwt_and_ne_in_misc() -> None:
    sentences = conllu.parse((GOLDEN / "seed000.clitics.conllu").read_text("utf-8"))
    assert sentences[0].metadata["sent_id"] == "000_dfbb423181b2695a.txt-1"
    assert sentences[0].metadata["text"].startswith("أكدت وزارة الدفاع الروسية")
    mwts = [(s, t) for s in sentences for t in s if isinstance(t["id"], tuple)]
    sentence, mwt = next((s, t) for s, t in mwts if t["form"] == "بمحافظة")
    first, _, last = mwt["id"]
    parts = [t for t in sentence if isinstance(t["id"], int) and first <= t["id"] <= last]
    assert [p["form"] for p in parts] == ["ب", "محافظة"]
    assert parts[1]["misc"]["NE"] == "B-GPE"
    tags = [t["misc"]["NE"] for s in sentences for t in s if isinstance(t["id"], int)]
    assert tags.count("B-GPE") == 3 and tags.count("B-ORG") == 1
    inner = [t["misc"]["NE2"] for s in sentences for t in s if isinstance(t["id"], int)]
    assert inner.count("B-GPE") == 1


@pytest.mark.parametrize(
    ("name", "entities", "triggers"),
    [("seed000.spacy.jsonl", 5, 1), ("seed000.clitics.spacy.jsonl", 6, 1)],
)
def test_spacy_builds_docs_and_every_span_aligns_strictly(
    name: str, entities: int, triggers: int
) -> None:
    nlp = spacy.blank("ar")
    lines = (GOLDEN / name).read_text("utf-8").splitlines()
    assert lines
    for line in lines:
        task = json.loads(line)
        words = [t["text"] for t in task["tokens"]]
        doc = Doc(nlp.vocab, words=words, spaces=[t["ws"] for t in task["tokens"]])
        assert doc.text == task["text"]
        assert (len(task["spans"]), len(task["triggers"])) == (entities, triggers)
        for span in task["spans"] + task["triggers"]:
            made = doc.char_span(
                span["start"], span["end"], label=span["label"], alignment_mode="strict"
            )
            assert made is not None, span
            assert (made.start, made.end - 1) == (span["token_start"], span["token_end"])
        assert [doc.text[s["start"] : s["end"]] for s in task["triggers"]] == ["هجوماً"]
