"""WebAnno TSV export: UTF-16 offsets, INCEpTION's line rules, and write → read without loss.

The stress corpus (tests/export_corpus.py: emoji, NBSP, ZWNJ, tatweel,
diacritics, Latin, digits, an event with a repeated role, a relation, attributes
with spaces and Arabic) goes out through the export service and comes back
through the import service into another layer of the same real project.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from annotator.core.model import Argument, Document, Event, Relation, Span
from annotator.core.positions import CodePoint
from annotator.core.text import text_sha256
from annotator.formats.base import AnnotatedDocument, ReadOptions
from annotator.formats.tagging import WriteStats
from annotator.formats.webanno import dumps
from annotator.formats.webanno_map import to_document
from annotator.formats.webanno_read import parse
from annotator.services.project import Project
from annotator.services.transfer import (
    ExportRequest,
    ExportResult,
    ImportRequest,
    export_layer,
    import_annotations,
    load_layer,
)
from tests import export_corpus

_UNIT = re.compile(r"[0-9]+-[0-9]+(\.[0-9])?")


@pytest.fixture
def stress(tmp_path: Path) -> Project:
    project = export_corpus.build(tmp_path)
    yield project
    project.close()


def _layer(project: Project, layer: str) -> list[tuple[object, ...]]:
    """Every document's annotations by offsets (ids differ between layers)."""
    out: list[tuple[object, ...]] = []
    for summary in project.documents.summaries(layer):
        doc = load_layer(project, summary.id, layer)
        where = {s.id: (s.start, s.end, s.label) for s in doc.spans}
        spans = sorted((*where[s.id], sorted(s.attributes.items())) for s in doc.spans)
        events = sorted(
            (
                e.type,
                where[e.trigger_id],
                [(a.role, where[a.span_id]) for a in e.arguments],
                sorted(e.attributes.items()),
            )
            for e in doc.events
        )
        rels = sorted((r.type, where[r.arg1_id], where[r.arg2_id]) for r in doc.relations)
        out.append((doc.name, spans, events, rels))
    return out


def test_stress_corpus_round_trip(stress: Project, tmp_path: Path) -> None:
    out = tmp_path / "webanno"
    result = export_layer(stress, ExportRequest("webanno", out, annotator="amal"))
    assert result.documents == 3 and result.notes == [], result.summary()
    files = sorted(out.glob("*.tsv"))
    report = import_annotations(stress, ImportRequest(tuple(files), "webanno", "back"))
    assert [o.status for o in report.outcomes] == ["added"] * 3, report.outcomes
    assert all("Not imported" not in o.message for o in report.outcomes)
    original = _layer(stress, "amal")
    assert _layer(stress, "back") == original
    assert any(events for _, _, events, _ in original)  # the corpus has its event, and
    assert any(rels for _, _, _, rels in original)  # relations, that came back


def test_offsets_are_utf16_units_and_lines_follow_inception(
    stress: Project, tmp_path: Path
) -> None:
    """Every unit's text is the UTF-16 slice of the stored text (computed independently)."""
    out = tmp_path / "webanno"
    export_layer(stress, ExportRequest("webanno", out, annotator="amal"))
    texts = {
        s.name.removesuffix(".txt"): stress.documents.document(s.id).text
        for s in stress.documents.summaries("amal")
    }
    astral = 0
    for path in out.glob("*.tsv"):
        utf16 = texts[path.stem].encode("utf-16-le")
        lines = path.read_text("utf-8").split("\n")
        assert lines[0] == "#FORMAT=WebAnno TSV 3.3"
        head = [line for line in lines[1:] if line.startswith("#T_")]
        assert lines[1 + len(head) : 3 + len(head)] == ["", ""]  # two empty lines
        width = 3 + sum(line.count("|") + (line.count("|") == 0) for line in head)
        for line in lines[3 + len(head) :]:
            if not line or line.startswith("#Text="):
                continue
            fields = line.split("\t")
            assert _UNIT.fullmatch(fields[0]) and fields[-1] == "", line  # ends in a TAB
            assert len(fields) == width + 1, line
            begin, end = map(int, fields[1].split("-"))
            assert utf16[2 * begin : 2 * end].decode("utf-16-le") == fields[2]
            astral += len(fields[2].encode("utf-16-le")) // 2 != len(fields[2])
    assert astral >= 4  # the corpus's emoji tokens were checked


def test_stacked_sub_token_and_escaped_names_round_trip() -> None:
    """Stacked spans, sub-tokens, a relation between stacked ends, reserved characters."""
    text = (
        "قالــت_زيد [ب|ع] للصحفيين 😀 إنّ->الاجتماع; *انتهى*\\.\n"
        "ثم\u00a0غادر Reuters 12 حماة\u200cالسورية."
    )
    nasty = "ع|ل_[1]*;->\\ت"

    def span(ident: int, word: str, label: str, **attrs: str) -> Span:
        start = text.index(word)
        return Span(ident, 0, "", CodePoint(start), CodePoint(start + len(word)), label, attrs)

    spans = (
        span(1, "قالــت", "Say"),
        span(2, "زيد", "PER", **{"value": "v|1", "اسم": "_*_", "note": "a\tb\nc"}),
        span(3, "زيد", nasty),
        span(4, "للصحفيين", "PER"),
        span(5, "صحفيين", "ORG"),
        span(6, "😀 إنّ", "X"),
        span(7, "الاجتماع", "Meet"),
        span(8, "ثم\u00a0غادر Reuters 12", "PER"),
        span(9, "السورية", "GPE"),
    )
    events = (
        Event(1, 0, "", "Say", 1, (Argument("Speaker", 2), Argument("هدف", 5), Argument("x", 3))),
        Event(2, 0, "", "Meet", 7, (), {"type": "t", "Tense": "Past"}),
    )
    relations = (Relation(1, 0, "", "R|1", 3, 2), Relation(2, 0, "", "R", 5, 8))
    doc = AnnotatedDocument(
        Document(0, "n.txt", text, text_sha256(text)), "", spans, events, relations
    )
    stats = WriteStats()
    content = dumps(doc, frozenset({"Say", "Meet"}), stats)
    assert stats.notes == []
    opts = ReadOptions()
    back = to_document(parse(content, "n.tsv"), "n.txt", "n.tsv", opts)
    assert opts.summary.unkept == {}
    assert back.text == text

    def view(d: AnnotatedDocument) -> tuple[object, ...]:
        where = {s.id: (s.start, s.end, s.label) for s in d.spans}
        return (
            sorted((*where[s.id], sorted(s.attributes.items())) for s in d.spans),
            sorted(
                (e.type, where[e.trigger_id], [(a.role, where[a.span_id]) for a in e.arguments])
                for e in d.events
            ),
            sorted(sorted(e.attributes.items()) for e in d.events),
            sorted((r.type, where[r.arg1_id], where[r.arg2_id]) for r in d.relations),
        )

    assert view(back) == view(doc)


def test_import_names_what_it_left_out_and_a_bad_file_changes_nothing(
    stress: Project, tmp_path: Path
) -> None:
    data = Path(__file__).parent.parent / "data" / "webanno"
    request = ImportRequest((data / "example2.tsv",), "webanno", "ines", add_labels=True)
    (outcome,) = import_annotations(stress, request).outcomes
    assert outcome.status == "added", outcome.message
    assert "1 documents, 9 spans, 0 events, 0 relations imported" in outcome.message
    assert "Not imported: 86 × annotation of layer de.tudarmstadt" in outcome.message
    db = stress.path

    def dump() -> str:
        con = sqlite3.connect(db)
        try:
            return "\n".join(con.iterdump())
        finally:
            con.close()

    before = dump()
    export_layer(stress, ExportRequest("webanno", tmp_path / "out", annotator="amal"))
    good = (tmp_path / "out" / "أ-وثيقة.tsv").read_text("utf-8")
    line = good[: good.index("1-3;1-4[1];1-5.1")].count("\n") + 1
    bad = tmp_path / "bad.tsv"
    bad.write_text(good.replace("1-3;1-4[1];1-5.1", "1-3;1-4[9];1-5.1"), "utf-8")
    (outcome,) = import_annotations(stress, ImportRequest((bad,), "webanno", "ines")).outcomes
    assert outcome.status == "rejected"
    assert outcome.message == f"{bad}, line {line}: no annotation has the id [9]."
    assert dump() == before


def test_export_names_what_the_format_cannot_hold(tmp_path: Path) -> None:
    """Trigger attributes, a trigger as argument or relation end, non-space lead: named."""
    text = "\u00a0\u200cهاجم الجيش 😀 المدينــة Reuters 12 ثمّ انسحب."

    def span(ident: int, word: str, label: str, **attrs: str) -> Span:
        start = text.index(word)
        return Span(ident, 0, "", CodePoint(start), CodePoint(start + len(word)), label, attrs)

    spans = (
        span(1, "هاجم", "Attack", certainty="high"),
        span(2, "الجيش", "ORG"),
        span(3, "انسحب", "Move"),
        span(4, " المدينــة ", "LOC"),
    )
    events = (
        Event(1, 0, "", "Attack", 1, (Argument("Attacker", 2), Argument("Next", 3))),
        Event(2, 0, "", "Move", 3),
    )
    relations = (Relation(1, 0, "", "CAUSE", 1, 3),)
    doc = AnnotatedDocument(
        Document(0, "d.txt", text, text_sha256(text)), "", spans, events, relations
    )
    stats = WriteStats()
    dumps(doc, frozenset({"Attack", "Move"}), stats)
    assert stats.notes == [
        "d.txt: 1 × a span that starts or ends in white space, written without it: "
        "[14, 25) LOC « المدينــة »",
        "d.txt: 1 × attributes of the trigger span (events keep their own) of [2, 6) Attack «هاجم»",
        "d.txt: 1 × an argument that is not a written entity or value span: Attack Next",
        "d.txt: 1 × a relation whose ends are not both written entity or value spans: CAUSE",
        "d.txt: 1 × white space before the first token is read back as spaces: '\\xa0'",
    ]
    result = ExportResult(tmp_path, "amal")
    result.count(stats)
    assert result.summary().endswith("\n".join(stats.notes))
