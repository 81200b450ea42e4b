"""doccano export: UTF-16 offsets, both layouts, doccano's overlap rule, and round trips.

doccano itself (a Django server) cannot run in the tests, so its import rules
are restated here from its source (github.com/doccano/doccano,
``backend/data_import/pipeline``): ``label.py`` ``SpanLabel`` (non-negative
offsets, start < end, a non-empty label) and ``RelationLabel`` (``from_id``,
``to_id``, ``type``), ``labels.py`` ``Spans.clean`` (without "allow
overlapping", a span is kept only if it starts at or after the end of the
last kept one, in start order), and the example files
``examples/sequence_labeling/example.jsonl`` and
``examples/relation_extraction/example.jsonl`` for the field names.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.services.project import Project
from annotator.services.transfer import (
    ExportRequest,
    ImportRequest,
    export_layer,
    import_annotations,
)
from tests import export_corpus


@pytest.fixture
def corpus(tmp_path: Path) -> Any:
    project = export_corpus.build(tmp_path / "p")
    yield project
    project.close()


def _export(project: Project, out: Path, **options: Any) -> list[dict[str, Any]]:
    export_layer(project, ExportRequest("doccano", out, annotator="amal", **options))
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def _named(lines: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (line,) = (line for line in lines if line["name"] == name)
    return line


def _utf16(text: str, i: int) -> int:
    return len(text[:i].encode("utf-16-le")) // 2


def _triples(line: dict[str, Any]) -> list[tuple[int, int, str]]:
    if "entities" in line:
        return [(e["start_offset"], e["end_offset"], e["label"]) for e in line["entities"]]
    return [tuple(item) for item in line["label"]]  # type: ignore[misc]


def _expected(project: Project, name: str, unit: str) -> list[tuple[int, int, str]]:
    doc_id = project.documents.find_by_names([name])[name]
    text = project.documents.document(doc_id).text
    triggers = {e.trigger_id for e in project.annotations.events(doc_id, "amal")}
    spans = [s for s in project.annotations.spans(doc_id, "amal") if s.id not in triggers]
    conv = (lambda i: _utf16(text, i)) if unit == "utf16" else (lambda i: i)
    return sorted((conv(s.start), conv(s.end), s.label) for s in spans)


@pytest.mark.parametrize("layout", ["label", "relation"])
def test_default_offsets_are_utf16_units_after_emoji(
    corpus: Project, tmp_path: Path, layout: str
) -> None:
    lines = _export(corpus, tmp_path / "d.jsonl", layout=layout)
    first = _named(lines, "أ-وثيقة.txt")
    assert first["offsets"] == "utf16"
    assert sorted(_triples(first)) == _expected(corpus, "أ-وثيقة.txt", "utf16")
    units = first["text"].encode("utf-16-le")
    shown = {units[2 * a : 2 * b].decode("utf-16-le") for a, b, _ in _triples(first)}
    assert {"Reuters", "12 آذار", "🚀"} <= shown  # after one emoji: shifted by one unit
    second = _named(lines, "b doc.txt")
    assert sorted(_triples(second)) == _expected(corpus, "b doc.txt", "utf16")


def test_codepoint_option_writes_stored_offsets(corpus: Project, tmp_path: Path) -> None:
    lines = _export(corpus, tmp_path / "d.jsonl", offsets="codepoints")
    for line in lines:
        assert line["offsets"] == "codepoints"
        assert sorted(_triples(line)) == _expected(corpus, line["name"], "codepoints")


def test_relation_layout_has_doccanos_fields(corpus: Project, tmp_path: Path) -> None:
    lines = _export(corpus, tmp_path / "d.jsonl", layout="relation")
    relations = 0
    for line in lines:
        ids = set()
        for ent in line["entities"]:
            assert set(ent) == {"id", "label", "start_offset", "end_offset"}
            assert 0 <= ent["start_offset"] < ent["end_offset"] and ent["label"]
            ids.add(ent["id"])
        for rel in line["relations"]:
            assert set(rel) == {"id", "from_id", "to_id", "type"}
            assert rel["from_id"] in ids and rel["to_id"] in ids and rel["type"]
            relations += 1
        assert {line["annotator"], line["status"]} <= {"amal", "done", "in_progress"}
    assert relations == 2


def _doccano_clean(triples: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """labels.py Spans.clean for a project without "allow overlapping"."""
    kept, last = [], -1
    for t in sorted(triples, key=lambda t: t[0]):
        if t[0] >= last:
            kept.append(t)
            last = t[1]
    return kept


def test_nested_outer_is_exactly_what_doccano_keeps(corpus: Project, tmp_path: Path) -> None:
    everything = _export(corpus, tmp_path / "all.jsonl")
    outer = _export(corpus, tmp_path / "outer.jsonl", nested="outer")
    first_all = _triples(_named(everything, "أ-وثيقة.txt"))
    first_outer = _triples(_named(outer, "أ-وثيقة.txt"))
    assert len(_doccano_clean(first_all)) < len(first_all)  # doccano would drop some
    assert _doccano_clean(first_outer) == first_outer  # nothing left for doccano to drop
    inner = [t for t in first_all if t not in first_outer]
    assert inner == [(21, 25, "GPE")]  # «حماة» inside «مدينةَ حماة‌السورية»


def test_triggers_only_with_events(corpus: Project, tmp_path: Path) -> None:
    plain = _export(corpus, tmp_path / "a.jsonl")
    with_events = _export(corpus, tmp_path / "b.jsonl", events=True)
    assert "Conflict.Attack" not in {t[2] for t in _triples(_named(plain, "أ-وثيقة.txt"))}
    assert (0, 4, "Conflict.Attack") in _triples(_named(with_events, "أ-وثيقة.txt"))


@pytest.mark.parametrize("layout", ["label", "relation"])
@pytest.mark.parametrize("offsets", ["utf16", "codepoints"])
def test_export_import_export_is_identical(
    corpus: Project, tmp_path: Path, layout: str, offsets: str
) -> None:
    first = tmp_path / "first.jsonl"
    export_layer(
        corpus, ExportRequest("doccano", first, annotator="amal", layout=layout, offsets=offsets)
    )
    fresh = export_corpus.build(tmp_path / "q")
    try:
        report = import_annotations(fresh, ImportRequest((first,), "doccano", "amal", replace=True))
        assert not report.rejected, report.rejected[0].message
        second = tmp_path / "second.jsonl"
        export_layer(
            fresh,
            ExportRequest("doccano", second, annotator="amal", layout=layout, offsets=offsets),
        )
    finally:
        fresh.close()
    assert second.read_bytes() == first.read_bytes()


def test_reader_takes_utf16_by_default_and_refuses_half_a_character() -> None:
    from annotator.formats import doccano
    from annotator.formats.base import FormatError, ReadOptions

    text = "😀 حماة"
    line = {"text": text, "label": [[_utf16(text, 2), _utf16(text, 6), "GPE"]]}
    (doc,) = doccano.read(json.dumps(line), "x.jsonl", ReadOptions())
    assert [(s.start, s.end) for s in doc.spans] == [(2, 6)]
    line["label"] = [[1, 3, "GPE"]]  # unit 1 is the emoji's second half
    with pytest.raises(FormatError, match="inside a character"):
        doccano.read(json.dumps(line), "x.jsonl", ReadOptions())
