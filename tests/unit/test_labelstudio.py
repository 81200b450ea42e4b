"""Label Studio tasks JSON: code-point offsets, round trips, its own converter, its own files.

Real readers and files: label-studio-converter (Label Studio's converter, a dev
dependency) reads our export with the labeling config we write beside it; its CoNLL
output (``token -X- _ TAG``) is read back by our CoNLL reader; and a tasks file from
Label Studio's own test suite (``tests/data/labelstudio``, see ``tests/data/README.md``)
is imported with what it holds that we cannot represent named by task and line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from label_studio_converter import Converter

from annotator.core.model import Bundle, Edit, Span
from annotator.services.project import Project, open_project
from annotator.services.transfer import (
    ExportRequest,
    ImportRequest,
    export_layer,
    import_annotations,
)
from tests import export_corpus
from tests.unit.test_transfer_errors import _rejects

DATA = Path(__file__).parent.parent / "data" / "labelstudio"


@pytest.fixture
def corpus(tmp_path: Path) -> Any:
    project = export_corpus.build(tmp_path / "p")
    yield project
    project.close()


def _export(project: Project, out: Path, layer: str = "amal") -> list[dict[str, Any]]:
    export_layer(project, ExportRequest("labelstudio", out, annotator=layer))
    tasks = json.loads(out.read_text("utf-8"))
    assert isinstance(tasks, list)
    return tasks


def test_offsets_count_code_points_as_label_studio_exports_them(tmp_path: Path) -> None:
    project = open_project(tmp_path / "p.sqlite")
    try:
        doc_id, _ = project.documents.add_text("h.txt", "😀 قصف مدينة حماة")
        span = Span(-1, doc_id, "amal", 12, 16, "GPE")
        project.annotations.apply(Edit(doc_id, "amal", add=Bundle((span,))))
        (task,) = _export(project, tmp_path / "t.json")
    finally:
        project.close()
    (region,) = task["annotations"][0]["result"]
    assert region["value"] == {"start": 12, "end": 16, "text": "حماة", "labels": ["GPE"]}
    assert (region["from_name"], region["to_name"], region["type"]) == ("label", "text", "labels")


def test_round_trip_on_the_stress_corpus_keeps_spans_events_relations(
    corpus: Project, tmp_path: Path
) -> None:
    first = _export(corpus, tmp_path / "a.json")
    report = import_annotations(corpus, ImportRequest((tmp_path / "a.json",), "labelstudio", "ls"))
    assert [o.status for o in report.outcomes] == ["added"], report.outcomes[0].message
    second = _export(corpus, tmp_path / "b.json", layer="ls")
    for task in second:
        task["data"]["annotator"] = "amal"
    assert second == first
    assert (tmp_path / "a.json").read_text("utf-8").replace('"amal"', '"ls"') == (
        tmp_path / "b.json"
    ).read_text("utf-8")
    results = [r for t in first for r in t["annotations"][0]["result"]]
    links = sorted(r["labels"][0] for r in results if r["type"] == "relation")
    assert links == ["Attacker", "PART-WHOLE", "PHYS", "Place", "Place"]


def test_label_studio_converter_reads_the_export_with_our_config(
    corpus: Project, tmp_path: Path
) -> None:
    tasks = _export(corpus, tmp_path / "t.json")
    config = (tmp_path / "t.config.xml").read_text("utf-8")
    converter = Converter(config=config, project_dir=None)
    converter.convert_to_json_min(str(tmp_path / "t.json"), str(tmp_path / "min"), is_dir=False)
    rows = json.loads((tmp_path / "min" / "result.json").read_text("utf-8"))
    for task, row in zip(tasks, rows, strict=True):
        ours = [r["value"] for r in task["annotations"][0]["result"] if r["type"] == "labels"]
        assert row.get("label", []) == ours  # every region reached its <Labels> by from_name
        for value in ours:
            assert row["text"][value["start"] : value["end"]] == value["text"]


def test_our_conll_reader_reads_label_studio_converter_conll(
    corpus: Project, tmp_path: Path
) -> None:
    _export(corpus, tmp_path / "t.json")
    config = (tmp_path / "t.config.xml").read_text("utf-8")
    converter = Converter(config=config, project_dir=None)
    converter.convert_to_conll2003(str(tmp_path / "t.json"), str(tmp_path / "c"), is_dir=False)
    conll = tmp_path / "c" / "result.conll"
    assert conll.read_text("utf-8").startswith("-DOCSTART- -X- O\n")
    report = import_annotations(corpus, ImportRequest((conll,), "conll", "lsconll"))
    (outcome,) = report.outcomes
    assert outcome.status == "added", outcome.message
    assert "columns 2, 3 hold no IOB tags" in outcome.message
    (doc_id,) = [d.id for d in corpus.documents.summaries("lsconll") if d.worked_on]
    text = corpus.documents.document(doc_id).text
    found = {(s.label, text[s.start : s.end]) for s in corpus.annotations.spans(doc_id, "lsconll")}
    assert {("GPE", "دمشق"), ("ORG", "وزارة الدفاع"), ("my_label.x", "Reuters")} <= found
    events = corpus.annotations.events(doc_id, "lsconll")
    assert [e.type for e in events] == ["Conflict.Attack"]


def test_a_real_label_studio_file_names_what_it_could_not_represent(corpus: Project) -> None:
    path = DATA / "tasks_annotations_predictions.json"
    report = import_annotations(corpus, ImportRequest((path,), "labelstudio", "ls"))
    (outcome,) = report.outcomes
    assert outcome.status == "added", outcome.message
    assert "6 documents, 0 spans" in outcome.message
    assert "task 2 (line 44): 2 annotations; only the first was imported." in outcome.message
    assert "task 1 (line 2): a 'choices' result is not a text region; skipped." in outcome.message
    assert "task 3 (line 101)" in outcome.message
    assert "data 'int_field' (tasks 1, 2, 3, 6) not imported." in outcome.message
    names = set(corpus.documents.ids_named(["tasks_annotations_predictions.json:task4"])[0])
    assert names  # a task without "data" is its own data, as Label Studio reads it
    report = import_annotations(
        corpus, ImportRequest((path,), "labelstudio", "model", predictions=True)
    )
    message = report.outcomes[0].message
    assert "task 6 (line " in message and "'choices' result" in message
    assert "2 predictions" not in message and "task 4" not in message


def test_a_region_whose_text_differs_is_refused_naming_the_line(
    corpus: Project, tmp_path: Path
) -> None:
    tasks = _export(corpus, tmp_path / "t.json")
    tasks[1]["annotations"][0]["result"][0]["value"]["text"] = "غير"
    bad = tmp_path / "bad.json"
    bad.write_text("[\n" + ",\n".join(json.dumps(t) for t in tasks) + "\n]\n", encoding="utf-8")
    _rejects(corpus, corpus.path, bad, "labelstudio", "line 3", "does not match")


def test_a_json_min_file_is_read_as_text_with_a_note(corpus: Project, tmp_path: Path) -> None:
    text = "😀 قصف مدينة حماة\u200cالسورية يوم 12 آذار وقالــت Reuters\u00a0أمس"
    region = {"start": 12, "end": 16, "text": "حماة", "labels": ["GPE"]}
    path = tmp_path / "min.json"
    path.write_text(json.dumps([{"text": text, "label": [region]}]), encoding="utf-8")
    report = import_annotations(corpus, ImportRequest((path,), "labelstudio", "ls"))
    message = report.outcomes[0].message
    assert "1 documents, 0 spans" in message
    assert "task 1 (line 1): no 'data' object" in message and "'label' is not read" in message


@pytest.mark.parametrize(
    ("content", "where", "reason"),
    [
        ('[\n{"data": {"text": "حماة\u200c 😀"}}\n] tail', "line 3", "extra data after the tasks"),
        ('{"data": {"text": "قالــت"}}\n{"data": {"text": "12"}}', "line 2", "extra data"),
        (
            '[\n{"data": {"text": "a"}},\n{"data": {"text": "b", "name": "\\ud800"}}]',
            "line 3",
            "name",
        ),
    ],
)
def test_bad_json_is_refused_naming_the_line(
    corpus: Project, tmp_path: Path, content: str, where: str, reason: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    _rejects(corpus, corpus.path, bad, "labelstudio", where, reason)
