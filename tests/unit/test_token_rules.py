"""Token formats: tokens from the text alone, the clitic rule, levels, losses reported."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest

from annotator.core.clitics import clitic_cuts
from annotator.core.model import Bundle, Edit, Span
from annotator.core.tokens import token_pieces
from annotator.formats.conllu import escape_space
from annotator.formats.segment import levels
from annotator.services.project import Project
from annotator.services.transfer import ExportRequest, export_layer
from tests.golden.seed000 import SEED_NAME, annotate_seed000


def _pieces(word: str, segment: str) -> list[str]:
    out, prev = [], 0
    for cut in [*clitic_cuts(word, segment), len(word)]:
        out.append(word[prev:cut])
        prev = cut
    return out


@pytest.mark.parametrize(
    ("word", "article", "clitics"),
    [
        ("وبالمدينة", "و|ب|ال|مدينة", "و|ب|ال|مدينة"),
        ("للحكومة", "ل|ل|حكومة", "ل|ل|حكومة"),  # ل + ال is spelt لل
        ("بمحافظة", "بمحافظة", "ب|محافظة"),
        ("وَبِالمَدينةِ", "وَ|بِ|ال|مَدينةِ", "وَ|بِ|ال|مَدينةِ"),  # harakat stay with their letter
        ("ولكن", "ولكن", "و|لكن"),
        ("وزارة", "وزارة", "و|زارة"),  # the cost of the bare rule, documented in ADR 0010
        ("كما", "كما", "كما"),  # stem too short
        ("ـبـمحافظة", "ـبـمحافظة", "ـبـمحافظة"),  # starts with tatweel: not a proclitic
        ("Latin", "Latin", "Latin"),
    ],
)
def test_clitic_rule(word: str, article: str, clitics: str) -> None:
    assert "|".join(_pieces(word, "article")) == article
    assert "|".join(_pieces(word, "clitics")) == clitics
    assert _pieces(word, "none") == [word]


def test_two_annotators_get_identical_token_columns(project: Project, tmp_path: Path) -> None:
    doc_id = annotate_seed000(project)
    text = project.documents.document(doc_id).text
    # a second layer whose spans start and end inside words and inside the first layer's spans
    odd = [Span(-k - 1, doc_id, "omar", a, a + 3, "PER") for k, a in enumerate(range(5, 900, 37))]
    project.annotations.apply(Edit(doc_id, "omar", add=Bundle(tuple(odd))))
    words, _, _ = token_pieces(text)
    for segment in ("none", "clitics"):
        columns = []
        for name in ("amal", "omar"):
            out = tmp_path / f"{name}-{segment}.conll"
            request = ExportRequest(
                "conll", out, annotator=name, docs=(SEED_NAME,), segment=segment
            )
            export_layer(project, request)
            rows = out.read_text("utf-8").split("\n")
            columns.append([r.split("\t")[0] for r in rows if r and "\t" in r][1:])
        assert columns[0] == columns[1]
        if segment == "none":  # exactly the camel-tools tokens of the raw text
            assert columns[0] == words


def test_spans_off_token_boundaries_are_reported_not_moved(
    project: Project, tmp_path: Path
) -> None:
    annotate_seed000(project)
    result = export_layer(project, ExportRequest("spacy", tmp_path / "x.jsonl", annotator="amal"))
    assert result.unaligned == 1
    assert "«محافظة»" in result.summary()
    (task,) = [json.loads(line) for line in (tmp_path / "x.jsonl").read_text("utf-8").splitlines()]
    written = [task["text"][s["start"] : s["end"]] for s in task["spans"]]
    assert written == ["وزارة الدفاع الروسية", "الروسية", "روسيا", "حماة", "صواريخ"]
    result = export_layer(
        project,
        ExportRequest("spacy", tmp_path / "y.jsonl", annotator="amal", segment="clitics"),
    )
    assert result.unaligned == 0


def _brute_inner(items: list[tuple[int, int]]) -> list[tuple[int, int]]:
    def contains(a: tuple[int, int], b: tuple[int, int]) -> bool:
        return a[0] <= b[0] and b[1] <= a[1] and a != b

    return sorted(x for x in set(items) if not any(contains(x, y) for y in items))


def test_innermost_level_matches_brute_force_and_is_fast() -> None:
    rng = random.Random(8)
    spans = []
    for k in range(300):
        a = rng.randrange(0, 200)
        spans.append(Span(k + 1, 1, "x", a, a + rng.randrange(1, 12), "PER"))
    items = [(s.start, s.end, s) for s in spans]
    (level,), _ = levels(items, "inner", 1)
    expected = _brute_inner([(s.start, s.end) for s in spans])
    # the inner level is the innermost spans, then resolved left to right without overlap
    assert {(i, j) for i, j, _ in level} <= set(expected)
    inner_only = [it for it in items if (it[0], it[1]) in set(expected)]
    kept_ends: list[int] = []
    for i, j, _ in sorted(inner_only, key=lambda it: (it[0], -it[1], it[2].id)):
        if not kept_ends or i >= kept_ends[-1]:
            kept_ends.append(j)
    assert len(level) == len(kept_ends)
    big = [(k, k + 2 + k % 3, Span(k + 1, 1, "x", k, k + 2, "PER")) for k in range(20_000)]
    started = time.process_time()
    levels(big, "inner", 1)
    assert time.process_time() - started < 1.0  # was 5.5 s (quadratic) before


def test_all_levels_are_separate_columns() -> None:
    outer = Span(1, 1, "x", 0, 10, "ORG")
    middle = Span(2, 1, "x", 2, 8, "GPE")
    inner = Span(3, 1, "x", 3, 4, "PER")
    items = [(s.start, s.end, s) for s in (inner, middle, outer)]
    chosen, left = levels(items, "all", 2)
    assert [[it[2].label for it in level] for level in chosen] == [["ORG"], ["GPE"]]
    assert left == 1


def test_misc_escapes_every_white_space_character() -> None:
    assert escape_space(" \t\n\r\u00a0\u2009|\\") == "\\s\\t\\n\\r\\u00A0\\u2009\\p\\\\"
