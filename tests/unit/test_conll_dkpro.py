"""CoNLL 2002/2003 as DKPro and INCEpTION write and read them.

Real files: DKPro's own test files (``tests/data/dkpro``, see ``tests/data/README.md``):
``ner2002_test.conll`` (``token TAG``) and ``en-orig.conll`` (``token POS chunk NE``, IOB1,
the file DKPro's Conll2003Writer reproduces). DKPro cannot run here (it needs Maven), so
its reader's rules are restated from its source (dkpro-core, b800fcc5):
``Conll2002Reader.readSentence`` (the line split on one space must give exactly 2 fields,
a blank line ends a sentence, no ``-DOCSTART-`` handling) and ``IobDecoder.decode`` (a
tag is split on ``-``; one that does not give exactly two parts is no chunk, and a chunk
starts at ``B``, at a new value, or after no chunk).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import Bundle, Edit, Span
from annotator.core.positions import CodePoint
from annotator.services.project import Project
from annotator.services.transfer import (
    ExportRequest,
    ImportRequest,
    TransferError,
    export_layer,
    import_annotations,
)
from tests import export_corpus
from tests.unit.test_transfer_errors import _rejects

DATA = Path(__file__).parent.parent / "data" / "dkpro"


@pytest.fixture
def corpus(tmp_path: Path) -> Any:
    project = export_corpus.build(tmp_path / "p")
    yield project
    project.close()


def _imported(project: Project, path: Path, layer: str, **kw: Any) -> list[tuple[str, str]]:
    report = import_annotations(project, ImportRequest((path,), "conll", layer, **kw))
    (outcome,) = report.outcomes
    assert outcome.status == "added", outcome.message
    (doc_id,) = [d.id for d in project.documents.summaries(layer) if d.worked_on]
    text = project.documents.document(doc_id).text
    return [(s.label, text[s.start : s.end]) for s in project.annotations.spans(doc_id, layer)]


def test_dkpro_conll2002_test_file(corpus: Project) -> None:
    found = _imported(corpus, DATA / "ner2002_test.conll", "dk")
    assert found == [
        ("PER", "Wolff"),
        ("LOC", "Argentina"),
        ("PER", "Del Bosque"),
        ("ORG", "Real Madrid"),
    ]


def test_dkpro_conll2003_file_reads_with_iob1(corpus: Project) -> None:
    path = DATA / "en-orig.conll"
    _rejects(corpus, corpus.path, path, "conll", "line 1", "--scheme iob1")
    found = _imported(corpus, path, "dk", scheme="iob1")
    assert found == [("ORG", "U.N."), ("PER", "Ekeus"), ("LOC", "Baghdad")]


def test_iob1_b_tag_parts_adjacent_spans_of_one_label(corpus: Project, tmp_path: Path) -> None:
    rows = [
        ("😀", "O"),
        ("وقالــت", "O"),
        ("مدينةَ", "I-LOC"),
        ("حماة\u200cالسورية", "I-LOC"),
        ("Reuters", "B-LOC"),
        ("12", "I-TIME"),
        ("آذار", "I-TIME"),
    ]
    path = tmp_path / "iob1.conll"
    path.write_text("".join(f"{t} NN I-NP {tag}\n" for t, tag in rows), encoding="utf-8")
    found = _imported(corpus, path, "dk", scheme="iob1")
    assert found == [
        ("LOC", "مدينةَ حماة\u200cالسورية"),
        ("LOC", "Reuters"),
        ("TIME", "12 آذار"),
    ]


def _java_split(line: str, sep: str) -> list[str]:
    fields = line.split(sep)
    while fields and fields[-1] == "":  # Java's String.split drops trailing empty strings
        fields.pop()
    return fields


def _dkpro_conll2002(content: str) -> list[list[tuple[str, str]]]:
    """Sentences of (token, tag) as Conll2002Reader.readSentence reads them."""
    sentences: list[list[tuple[str, str]]] = [[]]
    for line in content.split("\n"):
        if not line.strip():
            if sentences[-1]:
                sentences.append([])
            continue
        fields = _java_split(line, " ")
        assert len(fields) == 2, f"DKPro: Line needs to have 2 space-separated fields: [{line}]"
        sentences[-1].append((fields[0], fields[1]))
    return [s for s in sentences if s]


def _dkpro_decode(tags: list[str]) -> list[tuple[int, int, str]]:
    """IobDecoder.decode: (first, end, value) per chunk."""
    out: list[tuple[int, int, str]] = []
    open_chunk: str | None = None
    start = end = 0
    for i, tag in enumerate(tags):
        fields = _java_split(tag, "-")
        flag = fields[0] if len(fields) == 2 else "NONE"
        chunk = fields[1] if len(fields) == 2 else None
        if chunk is None or chunk != open_chunk or flag == "B":
            if open_chunk is not None:
                out.append((start, end, open_chunk))
            open_chunk = None if flag == "O" else chunk
            start = i
        end = i + 1
    if open_chunk is not None:
        out.append((start, end, open_chunk))
    return out


def test_conll2002_export_reads_in_dkpro_rules_and_comes_back(
    corpus: Project, tmp_path: Path
) -> None:
    doc_id = corpus.documents.find_by_names(["أ-وثيقة.txt"])["أ-وثيقة.txt"]
    text = corpus.documents.document(doc_id).text
    at = text.index("Reuters")
    span = Span(-1, doc_id, "amal", CodePoint(at), CodePoint(at + 7), "JOB-TITLE")
    corpus.annotations.apply(Edit(doc_id, "amal", add=Bundle((span,))))
    out = tmp_path / "inception.conll"
    export_layer(corpus, ExportRequest("conll2002", out, annotator="amal", nested="inner"))
    content = out.read_text("utf-8")
    assert "DOCSTART" not in content
    chunks = set()
    for sentence in _dkpro_conll2002(content):
        words = [w for w, _ in sentence]
        for i, j, value in _dkpro_decode([t for _, t in sentence]):
            chunks.add((value, " ".join(words[i:j])))
    assert {("JOB_TITLE", "Reuters"), ("GPE", "روسيا"), ("ORG", "وزارة الدفاع")} <= chunks
    assert ("PER", "👩‍👩‍👧") in chunks and ("TIME", "12 آذار") in chunks
    side = tmp_path / "inception.labels.tsv"
    assert side.read_text("utf-8") == "JOB_TITLE\tJOB-TITLE\n"
    found = _imported(corpus, out, "back")
    assert ("JOB-TITLE", "Reuters") in found and ("GPE", "روسيا") in found


@pytest.mark.parametrize("options", [{"scheme": "bioes"}, {"nested": "all"}])
def test_conll2002_refuses_what_its_one_iob2_column_cannot_hold(
    corpus: Project, tmp_path: Path, options: dict[str, str]
) -> None:
    out = tmp_path / "x.conll"
    with pytest.raises(TransferError, match="one IOB2 column"):
        export_layer(corpus, ExportRequest("conll2002", out, annotator="amal", **options))
    assert not out.exists()
