"""Span edits against a real SQLite project: create, relabel, delete, undo via inverse."""

from __future__ import annotations

import pytest

from annotator.core.errors import SpanError
from annotator.core.location import Location
from annotator.core.model import Argument, Bundle, Edit, Event, Relation
from annotator.services.project import Project, open_project
from tests.conftest import BOTH

BACKENDS = BOTH


def _first_doc(project: Project) -> int:
    return project.documents.document_ids()[0]


def test_create_span_is_persisted_and_survives_reopen(
    project: Project, project_at: Location
) -> None:
    doc_id = _first_doc(project)
    text = project.documents.document(doc_id).text
    start = text.index("حماة")
    edit = project.annotations.create_span(doc_id, "amal", start, start + 4, "GPE")
    span = edit.add.spans[0]
    assert span.id > 0
    project.close()
    reopened = open_project(project_at)
    try:
        (stored,) = reopened.annotations.spans(doc_id, "amal")
        assert (stored.start, stored.end, stored.label) == (start, start + 4, "GPE")
        assert stored.text_in(reopened.documents.document(doc_id).text) == "حماة"
    finally:
        reopened.close()


def test_bad_offsets_and_unknown_labels_are_refused(project: Project) -> None:
    doc_id = _first_doc(project)
    with pytest.raises(SpanError, match="outside"):
        project.annotations.create_span(doc_id, "amal", 5, 5, "PER")
    with pytest.raises(SpanError, match="outside"):
        project.annotations.create_span(doc_id, "amal", 0, 10**7, "PER")
    with pytest.raises(SpanError, match="not in the project's schema"):
        project.annotations.create_span(doc_id, "amal", 0, 4, "NOPE")
    assert project.annotations.spans(doc_id, "amal") == []


def test_delete_cascades_and_inverse_restores_everything(project: Project) -> None:
    ann = project.annotations
    doc_id = _first_doc(project)
    trig = ann.create_span(doc_id, "amal", 50, 55, "Conflict.Attack").add.spans[0]
    att = ann.create_span(doc_id, "amal", 0, 4, "GPE").add.spans[0]
    place = ann.create_span(doc_id, "amal", 10, 14, "GPE").add.spans[0]
    event = Event(
        0,
        doc_id,
        "amal",
        "Conflict.Attack",
        trig.id,
        (Argument("Attacker", att.id), Argument("Place", place.id)),
    )
    rel = Relation(0, doc_id, "amal", "PHYS", att.id, place.id)
    ann.apply(Edit(doc_id, "amal", add=Bundle(events=(event,), relations=(rel,))))

    deleted = ann.delete_spans([att.id])
    (ev,) = ann.events(doc_id, "amal")
    assert ev.arguments == (Argument("Place", place.id),)
    assert ann.relations(doc_id, "amal") == []

    ann.apply(deleted.inverse())
    (ev,) = ann.events(doc_id, "amal")
    assert ev.arguments == (Argument("Attacker", att.id), Argument("Place", place.id))
    assert len(ann.relations(doc_id, "amal")) == 1
    assert {s.id for s in ann.spans(doc_id, "amal")} == {trig.id, att.id, place.id}

    ann.delete_spans([trig.id])
    assert ann.events(doc_id, "amal") == []


def test_relabel_keeps_id_and_references(project: Project) -> None:
    ann = project.annotations
    doc_id = _first_doc(project)
    a = ann.create_span(doc_id, "amal", 0, 4, "GPE").add.spans[0]
    b = ann.create_span(doc_id, "amal", 10, 14, "GPE").add.spans[0]
    ann.apply(
        Edit(
            doc_id, "amal", add=Bundle(relations=(Relation(0, doc_id, "amal", "PHYS", a.id, b.id),))
        )
    )
    edit = ann.relabel_span(a.id, "PER")
    assert ann.span(a.id).label == "PER"  # type: ignore[union-attr]
    assert len(ann.relations(doc_id, "amal")) == 1
    ann.apply(edit.inverse())
    assert ann.span(a.id).label == "GPE"  # type: ignore[union-attr]
    assert len(ann.relations(doc_id, "amal")) == 1
