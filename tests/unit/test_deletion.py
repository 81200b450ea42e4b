"""Deleting a document or one annotator's layer through the write path, and undoing it.

Every table is compared row for row (a real SQLite file): the deletion removes
exactly that document's or layer's rows, and its undo brings back the same rows,
ids included.
"""

from __future__ import annotations

import pytest

from annotator.core.errors import SpanError, StaleEditError
from annotator.core.location import Location
from annotator.core.model import Status
from annotator.core.removal import removal
from annotator.services.events import EventService
from annotator.services.project import Project
from tests.backends import column_names, query
from tests.conftest import BOTH

BACKENDS = BOTH

TEXT = "😀 قصفتْ الطائرات\u00a0مدينة حماة قرب حلب في 2024"
OTHER = "نص آخر\u00a0عن دمشق 😀"
Rows = dict[str, list[tuple[object, ...]]]
DOC_COLUMN = {  # where the document id stands in a row of :func:`rows`
    "documents": 0,
    "document_tokens": 0,
    "document_status": 0,
    "spans": 1,
    "events": 1,
    "relations": 1,
}
TABLES = (
    "documents",
    "document_tokens",
    "document_status",
    "spans",
    "events",
    "event_arguments",
    "relations",
    "project_meta",
)


# columns the model does not hold, which undo (any undo, not only a deletion's) renews:
# when an annotation row or status was written, and an argument row's own id
RENEWED = {"created_at", "updated_at", "event_arguments.id"}


def rows(db: Location) -> Rows:
    """Every row of the tables a deletion may touch, sorted (without :data:`RENEWED`)."""
    found: Rows = {}
    for t in TABLES:
        names = column_names(db, t)
        keep = [n for n in names if n not in RENEWED and f"{t}.{n}" not in RENEWED]
        if t == "documents":
            keep.append("created_at")  # a document comes back exactly
        quoted = ", ".join(f'"{n}"' for n in keep)
        found[t] = sorted(query(db, f"SELECT {quoted} FROM {t}"), key=repr)
    return found


def at(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def fill(project: Project, doc_id: int, text: str, who: str) -> None:
    """Two spans, an event with an argument, a relation, a status and a note."""
    ann = project.annotations
    events = EventService(ann, lambda: project.schemas.schema)
    city = ann.create_span(doc_id, who, *at(text, "حماة"), "GPE").add.spans[0]
    other = ann.create_span(doc_id, who, *at(text, "حلب"), "GPE").add.spans[0]
    ev = events.create_event(doc_id, who, *at(text, "قصفتْ"), "Conflict.Attack").add.events[0]
    event = events.event(doc_id, who, ev.id)
    assert event is not None
    events.add_argument(event, "Place", city.id)
    events.create_relation("PHYS", city.id, other.id)
    project.documents.set_status(doc_id, who, Status.DONE)
    ann.set_document_note(doc_id, who, f"ملاحظة {who} 😀\u00a0")


@pytest.fixture
def two_docs(project: Project) -> tuple[int, int]:
    """Two documents, each with the layers of amal and badr."""
    doc, _ = project.documents.add_text("وثيقة 😀\u00a0أ.txt", TEXT)
    other, _ = project.documents.add_text("other.txt", OTHER)
    for who in ("amal", "badr"):
        fill(project, doc, TEXT, who)
    project.annotations.create_span(other, "amal", *at(OTHER, "دمشق"), "GPE")
    project.annotations.set_document_note(other, "amal", "keep me")
    return doc, other


def test_deleting_a_document_removes_its_rows_only_and_undo_restores_them(
    project: Project, project_at: Location, two_docs: tuple[int, int]
) -> None:
    doc, other = two_docs
    before = rows(project_at)
    plan = project.write.plan_deletion(doc)
    assert removal(plan).text() == "6 spans, 2 events, 2 relations, 2 notes"
    assert rows(project_at) == before  # planning writes nothing
    done = project.write.delete(doc, expected=plan)
    after = rows(project_at)
    for table, found in after.items():
        assert all(r in before[table] for r in found), table  # nothing new
    for table, col in DOC_COLUMN.items():  # exactly the document's rows went
        assert after[table] == [r for r in before[table] if r[col] != doc], table
    gone_events = {r[0] for r in before["events"] if r not in after["events"]}
    assert gone_events and all(r[1] == doc for r in before["events"] if r[0] in gone_events)
    assert [r for r in after["event_arguments"] if r[0] in gone_events] == []
    assert len(after["event_arguments"]) == len(before["event_arguments"]) - 2
    assert [d[0] for d in after["documents"]] == [d[0] for d in before["documents"] if d[0] != doc]
    assert not [r for r in after["spans"] if r[1] == doc]
    assert not [r for r in after["document_status"] if r[0] == doc]
    assert not [r for r in after["document_tokens"] if r[0] == doc]
    assert not [k for k, _v in after["project_meta"] if k.startswith(f"note/document/{doc}/")]
    assert project.annotations.document_note(other, "amal") == "keep me"
    project.write.apply(done.inverse())  # undo
    assert rows(project_at) == before
    project.write.apply(done.as_replay())  # redo
    assert rows(project_at) == after


def test_deleting_a_layer_removes_that_layer_only_and_undo_restores_it(
    project: Project, project_at: Location, two_docs: tuple[int, int]
) -> None:
    doc, _other = two_docs
    before = rows(project_at)
    plan = project.write.plan_deletion(doc, "badr")
    assert removal(plan).text() == "3 spans, 1 event, 1 relation, 1 note"
    done = project.write.delete(doc, "badr", expected=plan)
    assert project.annotations.spans(doc, "badr") == []
    assert project.annotations.document_note(doc, "badr") == ""
    assert project.documents.status(doc, "badr") is Status.NEW
    assert len(project.annotations.spans(doc, "amal")) == 3
    assert project.documents.status(doc, "amal") is Status.DONE
    after = rows(project_at)
    assert [r for r in before["documents"]] == after["documents"]
    changed = {t for t in TABLES if before[t] != after[t]}
    assert changed == {
        "spans",
        "events",
        "event_arguments",
        "relations",
        "project_meta",
        "document_status",
    }
    project.write.apply(done.inverse())
    assert rows(project_at) == before


def test_a_plan_that_no_longer_holds_deletes_nothing(
    project: Project, project_at: Location, two_docs: tuple[int, int]
) -> None:
    doc, _other = two_docs
    plan = project.write.plan_deletion(doc)
    project.annotations.create_span(doc, "salma", *at(TEXT, "مدينة"), "GPE")
    before = rows(project_at)
    with pytest.raises(StaleEditError, match="changed since"):
        project.write.delete(doc, expected=plan)
    assert rows(project_at) == before


def test_undo_of_a_document_deletion_is_refused_once_its_text_is_back(
    project: Project, project_at: Location, two_docs: tuple[int, int]
) -> None:
    doc, _other = two_docs
    done = project.write.delete(doc)
    project.documents.add_text("again.txt", TEXT)
    before = rows(project_at)
    with pytest.raises(StaleEditError, match="added to the project again"):
        project.write.apply(done.inverse())
    assert rows(project_at) == before


def test_an_empty_layer_or_a_missing_document_is_refused(
    project: Project, two_docs: tuple[int, int]
) -> None:
    doc, _other = two_docs
    with pytest.raises(SpanError, match="has nothing"):
        project.write.plan_deletion(doc, "nobody")
    with pytest.raises(SpanError, match="does not exist"):
        project.write.delete(10_000)
