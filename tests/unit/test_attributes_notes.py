"""Span and event attributes and notes: set through the services, kept by jsonl and brat."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.change import Origin
from annotator.core.errors import SpanError
from annotator.core.schema import NOTE, default_schema, from_json, to_json
from annotator.services.events import EventService
from annotator.services.project import Project
from annotator.services.transfer import (
    ExportRequest,
    ImportRequest,
    export_layer,
    import_annotations,
)
from tests.golden.seed000 import ANNOTATOR, annotate_seed000

# a note with emoji, NBSP, ZWNJ, tatweel, diacritics, Latin and digits
NOTE_TEXT = "راجِع: «حمـاة» ‌ 😀 GPE 2024"


def _annotate(project: Project) -> int:
    doc_id = annotate_seed000(project)
    spans = project.annotations.spans(doc_id, ANNOTATOR)
    org = next(s for s in spans if s.label == "ORG")
    gpe = next(s for s in spans if s.label == "GPE")
    project.annotations.set_attribute(org.id, "MentionType", "NAM")
    project.annotations.set_note(gpe.id, NOTE_TEXT)
    events = EventService(project.annotations, lambda: project.schemas.schema)
    (event,) = project.annotations.events(doc_id, ANNOTATOR)
    events.set_attributes(event, {"Polarity": "NEGATIVE", "Tense": "FUTURE", NOTE: "event note"})
    project.annotations.set_document_note(doc_id, ANNOTATOR, NOTE_TEXT)
    return doc_id


def test_default_schema_describes_ace_attributes() -> None:
    schema = default_schema()
    assert [a.name for a in schema.span_attributes("PER")] == ["MentionType"]
    assert schema.span_attributes("TIME") == ()
    assert [a.name for a in schema.event_attributes()] == [
        "Polarity",
        "Modality",
        "Tense",
        "Genericity",
    ]
    assert from_json(to_json(schema)) == schema


def test_a_schema_without_attributes_loads_and_saves_as_before() -> None:
    text = '{"name": "old", "labels": [{"name": "PER", "color": "#ff0000"}]}'
    schema = from_json(text)
    assert schema.attributes == ()
    assert "attributes" not in to_json(schema)


def test_set_attributes_updates_in_place_and_undoes(project: Project) -> None:
    doc_id = annotate_seed000(project)
    span = next(s for s in project.annotations.spans(doc_id, ANNOTATOR) if s.label == "ORG")
    events_before = project.annotations.events(doc_id, ANNOTATOR)
    edit = project.annotations.set_attribute(span.id, "MentionType", "PRO")
    stored = project.annotations.span(span.id)
    assert stored is not None and stored.attributes == {"MentionType": "PRO", "mention": "NAM"}
    assert project.annotations.events(doc_id, ANNOTATOR) == events_before
    project.annotations.apply(edit.inverse(), Origin.UNDO)
    stored = project.annotations.span(span.id)
    assert stored is not None and stored.attributes == {"mention": "NAM"}
    with pytest.raises(SpanError):
        project.annotations.set_attributes(span.id, {"mention": "NAM"})


def test_document_note_is_per_annotator(project: Project) -> None:
    doc_id = project.documents.document_ids()[0]
    project.annotations.set_document_note(doc_id, "amal", NOTE_TEXT)
    assert project.annotations.document_note(doc_id, "amal") == NOTE_TEXT
    assert project.annotations.document_note(doc_id, "omar") == ""


@pytest.mark.parametrize("fmt", ["jsonl", "brat"])
def test_attributes_and_notes_survive_a_round_trip(
    project: Project, tmp_path: Path, fmt: str
) -> None:
    _annotate(project)
    first = tmp_path / f"first.{fmt}"
    export_layer(project, ExportRequest(fmt, first, annotator=ANNOTATOR))
    report = import_annotations(project, ImportRequest((first,), fmt, "other"))
    assert not report.rejected, report.rejected[0].message
    second = tmp_path / f"second.{fmt}"
    export_layer(project, ExportRequest(fmt, second, annotator="other"))
    files = sorted(p.name for p in first.iterdir()) if fmt == "brat" else [""]
    for name in files:
        expected = (
            (first / name).read_text("utf-8").replace('"annotator": "amal"', '"annotator": "other"')
        )
        assert (second / name).read_text("utf-8") == expected, name
    doc_id = project.documents.find_by_names(["000_dfbb423181b2695a.txt"])[
        "000_dfbb423181b2695a.txt"
    ]
    notes = [s.attributes.get(NOTE) for s in project.annotations.spans(doc_id, "other")]
    assert NOTE_TEXT in notes
    (event,) = project.annotations.events(doc_id, "other")
    assert event.attributes == {"Polarity": "NEGATIVE", "Tense": "FUTURE", NOTE: "event note"}
    if fmt == "jsonl":  # brat has no place for a note on a whole document
        assert project.annotations.document_note(doc_id, "other") == NOTE_TEXT
        assert f'"note": "{NOTE_TEXT}"' in first.read_text("utf-8")
    if fmt == "brat":
        ann = next(first.glob("000_*.ann")).read_text("utf-8")
        assert "AnnotatorNotes T" in ann and NOTE_TEXT in ann
        assert "\tnote " not in ann
