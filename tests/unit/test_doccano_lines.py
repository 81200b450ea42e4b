"""doccano import: bad lines (all-or-nothing, or --skip-bad-lines), repeated spans, graphemes.

The files under ``tests/data/doccano`` are doccano's own test files (see
``tests/data/README.md``): ``example.jsonl`` has a third line without ``text``, which
doccano's import skips and lists; ``example_overlapping.jsonl`` gives one span twice.
A doccano project created with "Count grapheme clusters as one character"
(``enableGraphemeMode``) counts offsets in extended grapheme clusters (its v-annotator
uses grapheme-splitter, UAX #29); ``--offsets graphemes`` writes and reads that unit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import regex

from annotator.core.model import Bundle, Edit, Span
from annotator.formats import doccano
from annotator.formats.base import ReadOptions
from annotator.services.project import Project, open_project
from annotator.services.transfer import (
    ExportRequest,
    ImportRequest,
    export_layer,
    import_annotations,
)
from tests import export_corpus
from tests.unit.test_transfer_errors import _rejects

DATA = Path(__file__).parent.parent / "data" / "doccano"


@pytest.fixture
def corpus(tmp_path: Path) -> Any:
    project = export_corpus.build(tmp_path / "p")
    yield project
    project.close()


def test_a_bad_line_refuses_the_file_by_default(corpus: Project) -> None:
    path = DATA / "example.jsonl"
    _rejects(corpus, corpus.path, path, "doccano", "line 3", "'text' is missing", add_labels=True)


def test_skip_bad_lines_imports_the_good_lines_and_names_the_bad_one(corpus: Project) -> None:
    path = DATA / "example.jsonl"
    request = ImportRequest((path,), "doccano", "dc", add_labels=True, skip_bad_lines=True)
    (outcome,) = import_annotations(corpus, request).outcomes
    assert outcome.status == "added", outcome.message
    assert "2 documents, 1 spans" in outcome.message
    assert "line 3 skipped: 'text' is missing or not a string." in outcome.message
    assert "'meta' (lines 1, 2) not imported." in outcome.message  # doccano's metadata


def test_a_repeated_span_is_kept_once_and_noted(corpus: Project) -> None:
    path = DATA / "example_overlapping.jsonl"
    report = import_annotations(corpus, ImportRequest((path,), "doccano", "dc", add_labels=True))
    (outcome,) = report.outcomes
    assert outcome.status == "added", outcome.message
    assert "1 documents, 1 spans" in outcome.message
    assert "line 1: the span [0, 1) LOC appears twice; kept once." in outcome.message


def test_doccano_relation_example_reads_entities_and_relations() -> None:
    path = DATA / "relation_example.jsonl"
    (doc,) = doccano.read(path.read_text("utf-8"), str(path), ReadOptions())
    assert [doc.text[s.start : s.end] for s in doc.spans] == [
        "Google",
        "September 4, 1998",
        "Larry Page",
        "Sergey Brin",
    ]
    assert [(r.type, r.arg1_id, r.arg2_id) for r in doc.relations] == [
        ("foundedAt", 1, 2),
        ("foundedBy", 1, 3),
        ("foundedBy", 1, 4),
    ]


def _clusters(text: str, cp: int) -> int:
    return len(regex.findall(r"\X", text[:cp]))


def test_grapheme_offsets_count_harakat_and_emoji_with_their_base(tmp_path: Path) -> None:
    text = "قصفَ 👩‍👩‍👧 مدينةَ حماةٌ."
    project = open_project(tmp_path / "p.sqlite")
    try:
        doc_id, _ = project.documents.add_text("g.txt", text)
        spans = tuple(
            Span(-k, doc_id, "amal", text.index(w), text.index(w) + len(w), label)
            for k, (w, label) in enumerate(
                [("مدينةَ حماةٌ", "LOC"), ("حماةٌ", "GPE"), ("👩‍👩‍👧", "PER"), ("مدينة", "FAC")], 1
            )
        )
        project.annotations.apply(Edit(doc_id, "amal", add=Bundle(spans)))
        out = tmp_path / "g.jsonl"
        request = ExportRequest("doccano", out, annotator="amal", offsets="graphemes")
        result = export_layer(project, request)
    finally:
        project.close()
    line = json.loads(out.read_text("utf-8"))
    assert line["offsets"] == "graphemes"
    # by hand: قصفَ is clusters 0-2, a space, the family emoji 4, a space, مدينةَ 6-10
    # (5 clusters: the fatha rides on its letter), a space, حماةٌ 12-15
    assert sorted(line["label"]) == [[4, 5, "PER"], [6, 16, "LOC"], [12, 16, "GPE"]]
    assert sorted(line["label"]) == sorted(
        [_clusters(text, s.start), _clusters(text, s.end), s.label] for s in spans[:3]
    )
    # «مدينة» without its fatha ends inside the cluster «ةَ»: left out, and named
    assert "FAC «مدينة» starts or ends inside a grapheme cluster" in result.summary()


def test_grapheme_round_trip_on_the_stress_corpus(corpus: Project, tmp_path: Path) -> None:
    first = tmp_path / "a.jsonl"
    result = export_layer(
        corpus, ExportRequest("doccano", first, annotator="amal", offsets="graphemes")
    )
    assert "GPE «حماة» starts or ends inside a grapheme cluster" in result.summary()  # ZWNJ
    report = import_annotations(corpus, ImportRequest((first,), "doccano", "g", add_labels=True))
    assert report.outcomes[0].status == "added", report.outcomes[0].message
    second = tmp_path / "b.jsonl"
    export_layer(corpus, ExportRequest("doccano", second, annotator="g", offsets="graphemes"))
    a = [json.loads(x) for x in first.read_text("utf-8").splitlines()]
    b = [json.loads(x) for x in second.read_text("utf-8").splitlines()]
    for line in b:
        line["annotator"] = "amal"
        line["status"] = next(x["status"] for x in a if x["name"] == line["name"])
    assert b == a


def test_import_offsets_graphemes_reads_lines_without_the_key(
    corpus: Project, tmp_path: Path
) -> None:
    text = "قصفَ 👩‍👩‍👧 حماةٌ."
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps({"text": text, "label": [[6, 10, "GPE"]]}) + "\n", "utf-8")
    request = ImportRequest((path,), "doccano", "g", offsets="graphemes")
    (outcome,) = import_annotations(corpus, request).outcomes
    assert outcome.status == "added", outcome.message
    (doc_id,) = corpus.documents.ids_named(["g.jsonl:1"])[0]
    (span,) = corpus.annotations.spans(doc_id, "g")
    assert text[span.start : span.end] == "حماةٌ"


def test_a_skipped_line_adds_nothing_to_the_schema() -> None:
    """The label of a line that is skipped later in its reading (here: a repeated text) is not
    added to the schema by --add-labels; the labels of the lines that came in are."""
    text = "قصف\u00a0مدينة حماة 😀 في 2024"
    start = text.index("حماة")
    good = {"text": text, "label": [[start, start + 4, "GPE"]]}
    repeat = {"text": text, "label": [[start, start + 4, "مدينة\u200cجديدة"]]}
    content = "\n".join(json.dumps(line, ensure_ascii=False) for line in (good, repeat))
    opts = ReadOptions(span_labels=frozenset(), add_labels=True, skip_bad_lines=True)
    docs = doccano.read(content, "two.jsonl", opts)
    assert len(docs) == 1
    assert opts.additions.labels == {"GPE"}
    assert opts.summary.notes == ["line 2 skipped: the same text as line 1."]
