"""Tests written for mutants of the write path that the other tests let live (make mutate).

Each names the behaviour a user would notice, on a real project file, through the real
write service. docs/mutation-testing.md lists the mutant each one kills.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from annotator.core.change import Change, Origin, StatusChange
from annotator.core.errors import (
    AnnotatorError,
    ProjectError,
    ReadOnlyError,
    SchemaError,
    SpanError,
    StaleEditError,
)
from annotator.core.location import Location, ServerUrl
from annotator.core.model import Argument, Bundle, Edit, Event, Relation, Span, Status
from annotator.core.text import text_sha256
from annotator.services.project import Project, open_project
from annotator.services.write import LayerImport, NewDocument, WriteService
from annotator.store.engine import write_lock_sql
from annotator.store.writer import Writer
from tests.conftest import BOTH

BACKENDS = BOTH

TEXT = "قصفت الطائرات\u00a0مدينة حماة قرب حلب 😀 في 2024"


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def doc(proj: Project) -> int:
    doc_id, _created = proj.documents.add_text("حماة 😀.txt", TEXT)
    return doc_id


# -- deleting one annotator's layer (services/write/deletion.py: plan_layer) --------------------


def test_deleting_a_layer_names_the_document_in_its_description(proj: Project, doc: int) -> None:
    proj.annotations.create_span(doc, "amal", *at("حماة"), "GPE")
    plan = proj.write.plan_deletion(doc, "amal")
    assert plan.description == "Delete amal's layer in «حماة 😀.txt»"


def test_a_layer_with_spans_but_no_note_can_be_deleted(proj: Project, doc: int) -> None:
    proj.annotations.create_span(doc, "amal", *at("حماة"), "GPE")
    proj.write.delete(doc, "amal")
    assert proj.annotations.spans(doc, "amal") == []
    assert proj.documents.status(doc, "amal") is Status.NEW


def test_a_layer_holding_only_a_status_can_be_deleted(proj: Project, doc: int) -> None:
    proj.documents.set_status(doc, "amal", Status.DONE)
    proj.write.delete(doc, "amal")
    assert proj.documents.status(doc, "amal") is Status.NEW


def test_a_layer_holding_nothing_is_refused_by_name(proj: Project, doc: int) -> None:
    with pytest.raises(SpanError, match="^'amal' has nothing in «حماة 😀.txt» to delete.$"):
        proj.write.delete(doc, "amal")


def span(doc: int, word: str, label: str = "GPE", sid: int = -1, who: str = "amal") -> Span:
    return Span(sid, doc, who, *at(word), label)


def tag(proj: Project, doc: int, word: str, label: str = "GPE", who: str = "amal") -> Span:
    return proj.annotations.create_span(doc, who, *at(word), label).add.spans[0]


# -- statuses that edits set (services/write/steps.py: started) ---------------------------------


def test_a_first_tag_starts_only_its_own_layer(proj: Project, doc: int) -> None:
    tag(proj, doc, "حماة")
    assert proj.documents.status(doc, "amal") is Status.IN_PROGRESS
    assert proj.documents.status(doc, "badr") is Status.NEW


def test_undo_and_redo_of_a_first_tag_move_its_document_back_and_forth(
    proj: Project, doc: int
) -> None:
    edit = Edit(doc, "amal", add=Bundle((span(doc, "حماة"),)))
    done = proj.write.apply(Change((edit,), description="Tag حماة"))
    assert proj.documents.status(doc, "amal") is Status.IN_PROGRESS
    proj.write.apply(done.inverse())
    assert proj.documents.status(doc, "amal") is Status.NEW
    proj.write.apply(done.as_replay())
    assert proj.documents.status(doc, "amal") is Status.IN_PROGRESS


def test_a_deletion_does_not_start_a_document(proj: Project, doc: int) -> None:
    city = tag(proj, doc, "حماة")
    proj.documents.set_status(doc, "amal", Status.NEW)
    proj.annotations.delete_spans([city.id])
    assert proj.documents.status(doc, "amal") is Status.NEW


def test_a_tag_leaves_a_done_document_done(proj: Project, doc: int) -> None:
    proj.documents.set_status(doc, "amal", Status.DONE)
    tag(proj, doc, "حماة")
    assert proj.documents.status(doc, "amal") is Status.DONE


def test_a_change_that_sets_the_status_itself_gets_no_second_step(proj: Project, doc: int) -> None:
    edit = Edit(doc, "amal", add=Bundle((span(doc, "حماة"),)))
    done = proj.write.apply(
        Change((edit,), statuses=(StatusChange(doc, "amal", Status.NEW, Status.DONE),))
    )
    assert [(s.before, s.after) for s in done.statuses] == [(Status.NEW, Status.DONE)]
    assert proj.documents.status(doc, "amal") is Status.DONE


def test_setting_the_status_a_document_has_writes_and_announces_nothing(
    proj: Project, doc: int
) -> None:
    heard: list[Change] = []
    proj.write.changed.connect(heard.append)
    before = proj.repo.last_seq()
    same = proj.write.set_status(doc, "amal", Status.NEW)
    assert same.is_empty() and heard == [] and proj.repo.last_seq() == before
    done = proj.write.set_status(doc, "amal", Status.DONE)
    assert done.statuses == (StatusChange(doc, "amal", Status.NEW, Status.DONE),)
    assert heard == [done] and done.description == "Done"


def test_a_gold_status_creates_a_gold_layer_and_refuses_a_persons_layer(
    proj: Project, doc: int
) -> None:
    proj.write.set_status(doc, "gold", Status.DONE, gold=True)
    assert proj.gold_annotator() == "gold"
    tag(proj, doc, "حماة")
    with pytest.raises(AnnotatorError, match="already exists as a human layer"):
        proj.write.set_status(doc, "amal", Status.DONE, gold=True)
    assert proj.documents.status(doc, "amal") is Status.IN_PROGRESS


# -- undo and redo that no longer fit (check_stored, revived) ----------------------------------


def test_undoing_a_deletion_twice_is_refused_the_second_time(proj: Project, doc: int) -> None:
    city = tag(proj, doc, "حماة")
    gone = proj.annotations.delete_spans([city.id])
    proj.annotations.apply(gone.inverse(), Origin.UNDO)
    with pytest.raises(StaleEditError) as refused:
        proj.annotations.apply(gone.inverse(), Origin.UNDO)
    assert str(refused.value) == (
        "This step can no longer be undone or redone: a row it would restore already exists."
    )
    assert proj.annotations.spans(doc, "amal") == [city]


@pytest.mark.parametrize("kind", ["event", "relation"])
def test_undoing_an_event_or_relation_deletion_twice_is_refused(
    proj: Project, doc: int, kind: str
) -> None:
    hama, aleppo = tag(proj, doc, "حماة"), tag(proj, doc, "حلب")
    if kind == "event":
        event = Event(
            0, doc, "amal", "Conflict.Attack", tag(proj, doc, "قصفت", "Conflict.Attack").id
        )
        made = proj.annotations.apply(Edit(doc, "amal", add=Bundle(events=(event,))))
        gone = proj.annotations.apply(Edit(doc, "amal", Bundle(events=made.add.events)))
    else:
        rel = Relation(0, doc, "amal", "PART-WHOLE", hama.id, aleppo.id)
        made = proj.annotations.apply(Edit(doc, "amal", add=Bundle(relations=(rel,))))
        gone = proj.annotations.apply(Edit(doc, "amal", Bundle(relations=made.add.relations)))
    proj.annotations.apply(gone.inverse(), Origin.UNDO)
    with pytest.raises(StaleEditError) as refused:
        proj.annotations.apply(gone.inverse(), Origin.UNDO)
    assert str(refused.value) == (
        "This step can no longer be undone or redone: a row it would restore already exists."
    )
    layer = (*proj.annotations.events(doc, "amal"), *proj.annotations.relations(doc, "amal"))
    assert layer == (*made.add.events, *made.add.relations)


@pytest.mark.parametrize("kind", ["event", "relation"])
def test_undo_of_a_row_another_window_deleted_is_refused(
    proj: Project, doc: int, project_at: Location, kind: str
) -> None:
    hama, aleppo = tag(proj, doc, "حماة"), tag(proj, doc, "حلب")
    trigger = tag(proj, doc, "قصفت", "Conflict.Attack")
    if kind == "event":
        obj: Event | Relation = Event(0, doc, "amal", "Conflict.Attack", trigger.id)
        made = proj.annotations.apply(Edit(doc, "amal", add=Bundle(events=(obj,))))
        row: Event | Relation = made.add.events[0]
        gone = Edit(doc, "amal", Bundle(events=(row,)))
    else:
        obj = Relation(0, doc, "amal", "PART-WHOLE", hama.id, aleppo.id)
        made = proj.annotations.apply(Edit(doc, "amal", add=Bundle(relations=(obj,))))
        row = made.add.relations[0]
        gone = Edit(doc, "amal", Bundle(relations=(row,)))
    other = open_project(project_at)
    try:
        other.annotations.apply(gone)
    finally:
        other.close()
    article = "an" if kind == "event" else "a"
    with pytest.raises(StaleEditError) as refused:
        proj.annotations.apply(made.inverse(), Origin.UNDO)
    assert str(refused.value) == (
        f"This step can no longer be undone or redone: {article} {kind} it changes "
        "was changed elsewhere."
    )
    with pytest.raises(StaleEditError, match=f"^This edit was not applied: {article} {kind}"):
        proj.annotations.apply(made.inverse())


def test_undoing_a_span_deletion_brings_back_the_relation_it_took(proj: Project, doc: int) -> None:
    hama, aleppo = tag(proj, doc, "حماة"), tag(proj, doc, "حلب")
    rel = Relation(0, doc, "amal", "PART-WHOLE", hama.id, aleppo.id)
    (rel,) = proj.annotations.apply(Edit(doc, "amal", add=Bundle(relations=(rel,)))).add.relations
    gone = proj.annotations.delete_spans([aleppo.id])
    assert proj.annotations.relations(doc, "amal") == []
    proj.annotations.apply(gone.inverse(), Origin.UNDO)
    assert proj.annotations.spans(doc, "amal") == [hama, aleppo]
    assert proj.annotations.relations(doc, "amal") == [rel]


def test_undo_of_a_span_a_relation_made_since_uses_is_refused(proj: Project, doc: int) -> None:
    # the undo would now also remove the relation (its cascade): only the removal differs
    made = proj.annotations.create_span(doc, "amal", *at("حماة"), "GPE")
    aleppo = tag(proj, doc, "حلب")
    rel = Relation(0, doc, "amal", "PART-WHOLE", made.add.spans[0].id, aleppo.id)
    (rel,) = proj.annotations.apply(Edit(doc, "amal", add=Bundle(relations=(rel,)))).add.relations
    with pytest.raises(StaleEditError) as refused:
        proj.annotations.apply(made.inverse(), Origin.UNDO)
    assert str(refused.value) == (
        "Annotations made since this step now depend on it, so it was not applied."
    )
    assert proj.annotations.relations(doc, "amal") == [rel]


@pytest.mark.parametrize("kind", ["a span", "an event", "a relation"])
def test_an_edit_of_one_layer_that_removes_a_row_of_another_is_refused(
    proj: Project, doc: int, kind: str
) -> None:
    hama, aleppo = tag(proj, doc, "حماة", who="badr"), tag(proj, doc, "حلب", who="badr")
    trigger = tag(proj, doc, "قصفت", "Conflict.Attack", who="badr")
    event = Event(0, doc, "badr", "Conflict.Attack", trigger.id)
    rel = Relation(0, doc, "badr", "PART-WHOLE", hama.id, aleppo.id)
    made = proj.annotations.apply(Edit(doc, "badr", add=Bundle(events=(event,), relations=(rel,))))
    theirs = {
        "a span": Bundle((hama,)),
        "an event": Bundle(events=made.add.events),
        "a relation": Bundle(relations=made.add.relations),
    }[kind]
    with pytest.raises(SpanError) as refused:
        proj.annotations.apply(Edit(doc, "amal", remove=theirs))
    assert str(refused.value) == (
        f"This edit changes 'amal''s layer in document {doc}, but it would also remove or "
        f"change {kind} of 'badr''s layer in document {doc}; nothing was changed."
    )
    assert len(proj.annotations.spans(doc, "badr")) == 3
    assert proj.annotations.events(doc, "badr") == list(made.add.events)


def test_an_edit_on_a_document_that_is_gone_is_refused(proj: Project, doc: int) -> None:
    with pytest.raises(SpanError, match=r"^Document 999 does not exist\.$"):
        proj.annotations.apply(Edit(999, "amal", add=Bundle((span(999, "حماة"),))))


# -- a read-only project, a locked file ---------------------------------------------------------


def test_a_read_only_service_refuses_every_change_with_one_sentence(
    proj: Project, doc: int
) -> None:
    reader = WriteService(Writer(proj.repo.engine), read_only=True)
    assert reader.schema == proj.write.schema
    with pytest.raises(ReadOnlyError) as refused:
        reader.set_status(doc, "amal", Status.DONE)
    assert str(refused.value) == (
        "This project is open read-only, so nothing can be changed. "
        "Export still works; copy the file somewhere writable to edit it."
    )
    assert proj.documents.status(doc, "amal") is Status.NEW


@pytest.mark.sqlite_only("another program's BEGIN IMMEDIATE on the project file")
def test_a_file_locked_by_another_program_is_retried_then_refused(db_path: Path, doc: int) -> None:
    project = open_project(db_path, busy_timeout_ms=20)
    asked: list[int] = []
    project.write.busy = lambda attempt: asked.append(attempt) or attempt < 3
    holder = sqlite3.connect(db_path)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(ProjectError) as refused:
            project.write.set_status(doc, "amal", Status.DONE)
    finally:
        holder.rollback()
        holder.close()
    assert asked == [1, 2, 3]
    assert str(refused.value) == (
        "The project file stayed locked by another program, so the change was not saved. "
        "Close the other program (or wait for it) and try again."
    )
    project.write.set_status(doc, "amal", Status.DONE)  # free again: it goes through
    assert project.documents.status(doc, "amal") is Status.DONE
    project.close()


# -- documents and imports (add_documents, import_layers) ---------------------------------------


def test_adding_documents_says_which_are_new(proj: Project, doc: int) -> None:
    text = "نص ثان عن دمشق"
    found = proj.write.add_documents(
        [
            NewDocument("again.txt", TEXT, text_sha256(TEXT)),
            NewDocument("b", text, text_sha256(text)),
        ]
    )
    assert found[0] == (doc, False)
    assert found[1][1] is True and found[1][0] != doc
    assert proj.documents.document(found[1][0]).text == text


def layer_import(status: str = "", *spans: Span) -> LayerImport:
    return LayerImport(NewDocument("حماة 😀.txt", TEXT, text_sha256(TEXT)), Bundle(spans), status)


def test_an_import_into_a_layer_with_spans_is_refused_without_replace(
    proj: Project, doc: int
) -> None:
    tag(proj, doc, "حماة")
    tag(proj, doc, "حلب")
    item = layer_import("", span(doc, "مدينة", sid=1))
    with pytest.raises(SpanError) as refused:
        proj.write.import_layers("amal", [item], replace_layer=False)
    assert str(refused.value) == (
        "document 'حماة 😀.txt' already has 2 spans by 'amal'. "
        "Import with --replace to overwrite them, or into another annotator."
    )
    proj.write.import_layers("amal", [item], replace_layer=True)
    assert [s.label for s in proj.annotations.spans(doc, "amal")] == ["GPE"]
    assert proj.annotations.spans(doc, "amal")[0].start == at("مدينة")[0]


@pytest.mark.parametrize(
    ("recorded", "before", "after"),
    [
        ("done", Status.NEW, Status.DONE),
        ("in_progress", Status.DONE, Status.IN_PROGRESS),
        ("", Status.NEW, Status.IN_PROGRESS),
        ("", Status.DONE, Status.DONE),
        ("hacked", Status.NEW, Status.IN_PROGRESS),
    ],
)
def test_an_import_sets_the_status_the_file_records_or_starts_the_document(
    proj: Project, doc: int, recorded: str, before: Status, after: Status
) -> None:
    if before is not Status.NEW:
        proj.documents.set_status(doc, "amal", before)
    done = proj.write.import_layers(
        "amal", [layer_import(recorded, span(doc, "حماة", sid=7))], replace_layer=False
    )
    assert proj.documents.status(doc, "amal") is after
    steps = [(s.before, s.after) for s in done.statuses]
    assert steps == ([] if before is after else [(before, after)])


def test_an_import_with_a_reference_to_a_span_not_in_the_file_is_refused(
    proj: Project, doc: int
) -> None:
    trigger = span(doc, "قصفت", "Conflict.Attack", sid=4)
    event = Event(0, doc, "amal", "Conflict.Attack", 4, (Argument("Place", 9),))
    item = LayerImport(
        NewDocument("x", TEXT, text_sha256(TEXT)), Bundle((trigger,), (event,)), "done"
    )
    with pytest.raises(SpanError, match=r"^annotations refer to spans not in the file: \[9\]\.$"):
        proj.write.import_layers("amal", [item], replace_layer=False)
    assert proj.annotations.spans(doc, "amal") == []


# -- many spans in one edit (twin_finder reads the layer once) ----------------------------------

WORDS = ("قصفت", "الطائرات", "مدينة", "حماة", "قرب", "حلب", "😀", "في", "2024")


def test_a_large_edit_refuses_a_span_the_layer_has_and_takes_another_label(
    proj: Project, doc: int
) -> None:
    tag(proj, doc, "حماة", "GPE")
    tag(proj, doc, "حلب", "GPE", who="badr")  # another layer's span is no twin
    many = tuple(span(doc, w, "LOC", sid=-(i + 1)) for i, w in enumerate(WORDS))
    assert len(many) > 8
    proj.annotations.apply(Edit(doc, "amal", add=Bundle(many)))
    assert len(proj.annotations.spans(doc, "amal")) == 10
    twin = tuple(span(doc, w, "ORG", sid=-(i + 1)) for i, w in enumerate(WORDS[:8]))
    twin += (span(doc, "حماة", "GPE", sid=-9),)
    with pytest.raises(SpanError, match=r"^An identical GPE span"):
        proj.annotations.apply(Edit(doc, "amal", add=Bundle(twin)))
    assert len(proj.annotations.spans(doc, "amal")) == 10


# -- a schema that changed under an undo step (_apply_in) ---------------------------------------


def test_a_schema_step_over_a_schema_changed_since_is_refused(proj: Project) -> None:
    first = proj.write.schema
    proj.write.replace_schema(replace(first, role_check="strict"))
    second = proj.write.schema
    step = Change(schema_before=first, schema_after=replace(first, name="x"))
    sentence = (
        "The schema changed since this step was made (another window or program edited it), "
        "so it was not applied."
    )
    with pytest.raises(StaleEditError) as stale:
        proj.write.apply(replace(step, origin=Origin.UNDO))
    with pytest.raises(SchemaError) as refused:
        proj.write.apply(replace(step, origin=Origin.SCHEMA))
    assert str(stale.value) == str(refused.value) == sentence
    assert proj.write.schema == second
    proj.write.apply(Change(schema_before=second, schema_after=first, origin=Origin.UNDO))
    assert proj.write.schema == first


# -- redoing a deletion over changes made since (deletion.py) -----------------------------------


def test_deleting_a_document_names_it(proj: Project, doc: int) -> None:
    assert proj.write.plan_deletion(doc).description == "Delete document «حماة 😀.txt»"


def test_redoing_a_document_deletion_after_its_note_changed_is_refused(
    proj: Project, doc: int
) -> None:
    tag(proj, doc, "حماة")
    done = proj.write.delete(doc)
    proj.write.apply(done.inverse())
    proj.annotations.set_document_note(doc, "amal", "ملاحظة جديدة")
    with pytest.raises(StaleEditError) as refused:
        proj.write.apply(done.as_replay())
    assert str(refused.value) == "«حماة 😀.txt» was changed elsewhere; it was not deleted."
    assert proj.documents.document(doc).text == TEXT


def test_redoing_a_document_deletion_after_a_new_layer_is_refused(proj: Project, doc: int) -> None:
    tag(proj, doc, "حماة")
    done = proj.write.delete(doc)
    proj.write.apply(done.inverse())
    # a script adds badr's span without starting the document: its record is as it was
    proj.annotations.apply(
        Edit(doc, "badr", add=Bundle((span(doc, "حلب", who="badr"),))), Origin.OTHER
    )
    with pytest.raises(StaleEditError) as refused:
        proj.write.apply(done.as_replay())
    assert str(refused.value) == (
        "«حماة 😀.txt» has annotations made since this step; it was not deleted."
    )
    assert len(proj.annotations.spans(doc, "badr")) == 1


def test_redoing_a_layer_deletion_after_its_note_was_edited_is_refused(
    proj: Project, doc: int
) -> None:
    proj.annotations.set_document_note(doc, "amal", "أولى")
    done = proj.write.delete(doc, "amal")
    assert proj.annotations.document_note(doc, "amal") == ""
    proj.write.apply(done.inverse())
    assert proj.annotations.document_note(doc, "amal") == "أولى"
    proj.annotations.set_document_note(doc, "amal", "ثانية")
    with pytest.raises(StaleEditError) as refused:
        proj.write.apply(done.as_replay())
    assert str(refused.value) == "A document note it changes was edited since; nothing was done."
    assert proj.annotations.document_note(doc, "amal") == "ثانية"


def test_a_small_edit_refuses_a_span_the_layer_has_with_the_validators_sentence(
    proj: Project, doc: int
) -> None:
    """An edit of up to 8 spans asks for twins span by span (steps.twin_finder): the twin is
    found by document, layer, start and end, so the validator refuses it with its own sentence
    before the database's unique index would (twin_finder mutants 4 to 7)."""
    tag(proj, doc, "حماة", "GPE")
    tag(proj, doc, "حماة", "GPE", who="badr")  # another layer's identical span is no twin
    again = span(doc, "حماة", "GPE", sid=-1)
    with pytest.raises(SpanError, match=r"^An identical GPE span \[\d+, \d+\) is already there"):
        proj.annotations.apply(Edit(doc, "amal", add=Bundle((again,))))
    assert len(proj.annotations.spans(doc, "amal")) == 1


# -- what a write transaction locks on a server (services/write/scope.py: layers_only, as
# WriteService.apply passes it on; ADR 0023). On a project file BEGIN IMMEDIATE locks the whole
# file whatever the change, so these run on the server only (pg_project_url, not ``backend``).


def _impatient(url: str) -> tuple[Project, list[int]]:
    """A project on the server whose writes give up after two busy tries (``tries``)."""
    project = open_project(ServerUrl(url), busy_timeout_ms=100)
    tries: list[int] = []
    project.write.busy = lambda attempt: tries.append(attempt) is None and attempt < 2
    return project, tries


@contextmanager
def _badr_writing(url: str) -> Iterator[None]:
    """Another client's edit of badr's layer, its transaction still open with its locks."""
    holder = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with holder.begin() as conn:
            conn.execute(sa.text(write_lock_sql(["badr"])))
            yield
    finally:
        holder.dispose()


def test_an_edit_of_a_layer_does_not_wait_for_a_writer_of_another_layer(
    pg_project_url: str,
) -> None:
    project, tries = _impatient(pg_project_url)
    try:
        doc_id, _created = project.documents.add_text("حماة 😀.txt", TEXT)
        with _badr_writing(pg_project_url):
            done = project.annotations.create_span(doc_id, "amal", *at("حماة"), "GPE")
        assert tries == []  # never waited
        assert [s.id for s in project.annotations.spans(doc_id, "amal")] == [done.add.spans[0].id]
    finally:
        project.close()


@pytest.mark.parametrize("kind", ["gold", "document restored"])
def test_a_change_beyond_layers_waits_for_every_layer_writer(
    pg_project_url: str, kind: str
) -> None:
    """A gold edit (the project has one gold layer) and the undo of a document's deletion
    take the project's lock alone: while badr's edit is open they wait, and give up."""
    project, tries = _impatient(pg_project_url)
    try:
        doc_id, _created = project.documents.add_text("حماة 😀.txt", TEXT)
        if kind == "gold":
            span = Span(0, doc_id, "gold", *at("حلب"), "GPE")
            change = Change((Edit(doc_id, "gold", add=Bundle((span,))),), gold=True)
        else:
            project.annotations.create_span(doc_id, "amal", *at("حماة"), "GPE")
            change = project.write.delete(doc_id).inverse()
        with _badr_writing(pg_project_url), pytest.raises(ProjectError):
            project.write.apply(change)
        assert tries == [1, 2]
        project.write.apply(change)  # badr's edit ended: it goes through
        assert tries == [1, 2]
    finally:
        project.close()


def test_a_window_polling_after_its_own_edit_sends_no_query(proj: Project, doc: int) -> None:
    """The write service keeps the feed number of its last commit (``last_logged``): a
    window's poll right after its own edit knows it saw everything up to it, and asks the
    database nothing (it polls after every edit). ``_transact`` mutants 22 and 23."""
    proj.foreign_changes()  # everything so far is seen
    proj.annotations.create_span(doc, "amal", *at("حماة"), "GPE")
    sent: list[str] = []

    def seen(*args: object) -> None:
        sent.append(str(args[2]))

    sa.event.listen(proj.repo.engine, "before_cursor_execute", seen)
    try:
        assert proj.foreign_changes() == []
    finally:
        sa.event.remove(proj.repo.engine, "before_cursor_execute", seen)
    assert sent == []
    other = open_project(proj.path)  # another window's edit: read from the feed
    try:
        other.annotations.create_span(doc, "badr", *at("حلب"), "LOC")
    finally:
        other.close()
    assert [c[2:] for c in proj.foreign_changes()] == [("badr", "Tag LOC")]


def test_a_change_the_database_refuses_is_not_retried_as_busy(
    proj: Project, doc: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a locked database is waited for: a change a constraint refuses (here the unique
    index of one event per trigger, with the write service's own check switched off) fails
    at once, without asking the busy handler (the GUI's "busy" notice, the CLI's 6 s of
    retries). ``_transact`` mutant 24."""
    from annotator.store.writer import WriteTx

    monkeypatch.setattr(WriteTx, "events_on", lambda _tx, _span_id: [])
    asked: list[int] = []
    proj.write.busy = lambda attempt: asked.append(attempt) is None and attempt < 3
    trigger = proj.annotations.create_span(doc, "amal", *at("قصفت"), "Conflict.Attack")
    (span,) = trigger.add.spans
    event = Event(0, doc, "amal", "Conflict.Attack", span.id)
    proj.annotations.apply(Edit(doc, "amal", add=Bundle(events=(event,))))
    with pytest.raises(AnnotatorError, match="already the trigger of an event"):
        proj.annotations.apply(Edit(doc, "amal", add=Bundle(events=(event,))))
    assert asked == []


def test_the_default_busy_handler_waits_a_fifth_of_a_second_thirty_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The CLI's (and any caller's that names no handler) wait for a locked database: 30
    tries a fifth of a second apart, about 6 s, then the change is refused. ``wait_and_retry``
    mutants 1 to 6."""
    from annotator.services.write import requests

    slept: list[float] = []
    monkeypatch.setattr(requests.time, "sleep", slept.append)
    busy = requests.wait_and_retry()
    assert [busy(attempt) for attempt in range(1, 32)] == [True] * 30 + [False]
    assert slept == [0.2] * 30
