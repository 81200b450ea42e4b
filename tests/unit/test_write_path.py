"""The one write path: ids never reused, undo touches only its own rows, importers validated."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.change import Change, Origin
from annotator.core.errors import EventError, SpanError, StaleEditError
from annotator.core.location import Location
from annotator.core.model import Bundle, Edit, Span, Status
from annotator.core.schema import Label, Schema
from annotator.errorlog import log_path
from annotator.services.events import EventService
from annotator.services.project import Project, open_project
from annotator.services.transfer import ImportRequest, import_annotations
from tests.backends import snapshot
from tests.conftest import BOTH
from tests.unit.test_transfer_errors import _golden_line, _write_jsonl

BACKENDS = BOTH

ANN = "amal"
# astral, NBSP, ZWNJ, tatweel, diacritics, Latin, digits
TEXT = "😀 قصفتْ الطائـرات\u00a0مدينة\u200cحماة في 2024 عبر 𝐀𝐁 Reuters"


def _doc(project: Project, text: str = TEXT) -> int:
    doc_id, _created = project.documents.add_text("w.txt", text)
    return doc_id


def _at(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def test_ids_are_never_reused_after_a_delete(project: Project) -> None:
    doc_id = _doc(project)
    first = project.annotations.create_span(doc_id, ANN, *_at(TEXT, "حماة"), "GPE").add.spans[0]
    project.annotations.delete_spans([first.id])
    second = project.annotations.create_span(doc_id, ANN, *_at(TEXT, "حماة"), "GPE").add.spans[0]
    assert second.id > first.id


def test_undo_after_an_import_never_touches_the_imported_span(project: Project) -> None:
    doc_id = _doc(project)
    mine = project.annotations.create_span(doc_id, ANN, *_at(TEXT, "حماة"), "GPE")
    deleted = project.annotations.delete_spans([mine.add.spans[0].id])
    # a stranger's span arrives outside the undo stack, after the delete freed the id
    stranger = project.annotations.create_span(doc_id, "other", *_at(TEXT, "مدينة"), "GPE")
    stranger_span = stranger.add.spans[0]
    assert stranger_span.id != mine.add.spans[0].id
    project.annotations.apply(deleted.inverse(), Origin.UNDO)  # undo the delete
    project.annotations.apply(mine.inverse(), Origin.UNDO)  # undo the tag
    assert project.annotations.spans(doc_id, "other") == [stranger_span]
    assert project.annotations.spans(doc_id, ANN) == []


def test_two_windows_on_one_file_cannot_undo_each_others_spans(
    project: Project, project_at: Location
) -> None:
    doc_id = _doc(project)
    other = open_project(project_at)
    try:
        tag = project.annotations.create_span(doc_id, ANN, *_at(TEXT, "حماة"), "PER")
        project.annotations.apply(tag.inverse(), Origin.UNDO)  # window 1: undo "Tag PER"
        theirs = other.annotations.create_span(doc_id, "salma", *_at(TEXT, "حماة"), "GPE")
        project.annotations.apply(tag, Origin.UNDO)  # window 1: redo
        project.annotations.apply(tag.inverse(), Origin.UNDO)  # window 1: undo again
        assert other.annotations.spans(doc_id, "salma") == list(theirs.add.spans)
    finally:
        other.close()


def test_undo_is_refused_when_another_writer_changed_the_span(
    project: Project, project_at: Location
) -> None:
    doc_id = _doc(project)
    tag = project.annotations.create_span(doc_id, ANN, *_at(TEXT, "حماة"), "GPE")
    span = tag.add.spans[0]
    other = open_project(project_at)
    try:
        other.annotations.relabel_span(span.id, "LOC")
    finally:
        other.close()
    with pytest.raises(StaleEditError):
        project.annotations.apply(tag.inverse(), Origin.UNDO)
    (kept,) = project.annotations.spans(doc_id, ANN)
    assert (kept.id, kept.label) == (span.id, "LOC")


def test_undoing_a_relabel_is_refused_when_another_window_set_an_attribute(
    project: Project, project_at: Location
) -> None:
    """Two connections on one file: B's attribute on the relabelled span survives A's undo."""
    doc_id = _doc(project)
    span = project.annotations.create_span(doc_id, ANN, *_at(TEXT, "حماة"), "GPE").add.spans[0]
    relabel = project.annotations.relabel_span(span.id, "LOC")  # window A
    other = open_project(project_at)  # window B, its own connection and session
    try:
        other.annotations.set_attributes(span.id, {"mention": "NAM 😀\u00a0اسم"})
    finally:
        other.close()
    with pytest.raises(StaleEditError, match="a span it changes was changed elsewhere"):
        project.annotations.apply(relabel.inverse(), Origin.UNDO)
    (kept,) = project.annotations.spans(doc_id, ANN)
    assert (kept.label, kept.attributes) == ("LOC", {"mention": "NAM 😀\u00a0اسم"})


def test_undoing_a_trigger_relabel_is_refused_when_another_window_set_an_event_attribute(
    project: Project, project_at: Location
) -> None:
    """The relabel takes the event along; B then sets the event's attribute; A's undo keeps it."""
    doc_id = _doc(project)
    events = EventService(project.annotations, lambda: project.schemas.schema)
    made = events.create_event(doc_id, ANN, *_at(TEXT, "قصفتْ"), "Conflict.Attack")
    trigger = made.add.spans[0]
    relabel = project.annotations.relabel_span(trigger.id, "Life.Die")
    other = open_project(project_at)
    try:
        theirs = EventService(other.annotations, lambda: other.schemas.schema)
        (event,) = other.annotations.events(doc_id, ANN)
        theirs.set_attribute(event, "polarity", "NEG")
    finally:
        other.close()
    with pytest.raises(StaleEditError, match="an event it changes was changed elsewhere"):
        project.annotations.apply(relabel.inverse(), Origin.UNDO)
    (kept,) = project.annotations.events(doc_id, ANN)
    assert (kept.type, kept.attributes) == ("Life.Die", {"polarity": "NEG"})


def test_undo_is_refused_when_it_would_cascade_into_someone_elses_relation(
    project: Project, project_at: Location
) -> None:
    doc_id = _doc(project)
    a = project.annotations.create_span(doc_id, ANN, *_at(TEXT, "حماة"), "GPE")
    b = project.annotations.create_span(doc_id, ANN, *_at(TEXT, "مدينة"), "GPE")
    events = EventService(project.annotations, lambda: project.schemas.schema)
    rel = events.create_relation("PART-WHOLE", a.add.spans[0].id, b.add.spans[0].id)
    with pytest.raises(StaleEditError):
        project.annotations.apply(a.inverse(), Origin.UNDO)
    assert project.annotations.relations(doc_id, ANN) == list(rel.edit.add.relations)


def test_a_fresh_delete_cascades_but_its_undo_restores_everything(project: Project) -> None:
    doc_id = _doc(project)
    events = EventService(project.annotations, lambda: project.schemas.schema)
    trigger = events.create_event(doc_id, ANN, *_at(TEXT, "قصفتْ"), "Conflict.Attack")
    event = trigger.add.events[0]
    place = events.add_argument_new_span(event, "Place", *_at(TEXT, "حماة"), "GPE")
    place_id = place.edit.add.spans[-1].id
    before = (project.annotations.spans(doc_id, ANN), project.annotations.events(doc_id, ANN))
    gone = project.annotations.delete_spans([place_id])
    (left,) = project.annotations.events(doc_id, ANN)
    assert left.arguments == ()
    project.annotations.apply(gone.inverse(), Origin.UNDO)
    assert (
        project.annotations.spans(doc_id, ANN),
        project.annotations.events(doc_id, ANN),
    ) == before


def test_an_edit_across_two_layers_is_refused(project: Project) -> None:
    doc_id = _doc(project)
    span = Span(0, doc_id, "someone", 0, 1, "GPE")
    with pytest.raises(Exception, match="one document and layer"):
        project.annotations.apply(Edit(doc_id, ANN, add=Bundle(spans=(span,))))


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda o: o["events"][0].update(type="Life.Die"), "needs a trigger labelled"),
        (
            lambda o: o["events"][0]["arguments"].append({"role": "Victim", "span": 2}),
            "has no role 'Victim'",
        ),
        (lambda o: o["relations"][0].update(arg2=o["relations"][0]["arg1"]), "to itself"),
        (
            lambda o: o["events"][0]["arguments"].append(o["events"][0]["arguments"][0]),
            "argument twice",
        ),
    ],
    ids=["event-type-vs-trigger", "role-not-in-type", "self-relation", "argument-twice"],
)
def test_importers_refuse_what_the_services_refuse(
    project: Project, project_at: Location, tmp_path: Path, mutate: object, needle: str
) -> None:
    line = _golden_line()
    assert callable(mutate)
    mutate(line)
    path = _write_jsonl(tmp_path / "bad.jsonl", line)
    before = snapshot(project_at)
    report = import_annotations(project, ImportRequest((path,), "jsonl", "amal"))
    (outcome,) = report.outcomes
    assert outcome.status == "rejected", outcome.message
    assert str(path) in outcome.message and needle in outcome.message, outcome.message
    assert snapshot(project_at) == before


def test_a_crash_in_one_file_does_not_stop_the_batch(project: Project, tmp_path: Path) -> None:
    good = _write_jsonl(tmp_path / "b_good.jsonl", _golden_line())
    broken = tmp_path / "a_broken.jsonl"
    broken.write_text("[" * 100_000 + "\n", encoding="utf-8")  # crashed json.loads
    report = import_annotations(project, ImportRequest((broken, good), "jsonl", "amal"))
    assert [o.status for o in report.outcomes] == ["rejected", "added"]


def test_strict_mode_is_enforced_by_the_write_path_itself(project: Project) -> None:
    doc_id = _doc(project)
    project.schemas.apply(project.schemas.set_role_check("strict"))
    events = EventService(project.annotations, lambda: project.schemas.schema)
    event = events.create_event(doc_id, ANN, *_at(TEXT, "قصفتْ"), "Conflict.Attack").add.events[0]
    date = project.annotations.create_span(doc_id, ANN, *_at(TEXT, "2024"), "TIME").add.spans[0]
    bad = Edit(
        doc_id,
        ANN,
        remove=Bundle(events=(event,)),
        add=Bundle(events=(event.__class__(**{**event.__dict__, "arguments": ()}),)),
    )
    project.annotations.apply(bad)  # sanity: an empty argument list is fine
    from annotator.core.model import Argument

    fresh = project.annotations.events(doc_id, ANN)[0]
    with_place = Edit(
        doc_id,
        ANN,
        remove=Bundle(events=(fresh,)),
        add=Bundle(
            events=(
                fresh.__class__(**{**fresh.__dict__, "arguments": (Argument("Place", date.id),)}),
            )
        ),
    )
    with pytest.raises(EventError, match="strict"):
        project.annotations.apply(with_place)


def test_the_write_path_itself_refuses_a_self_relation_and_a_repeated_argument(
    project: Project,
) -> None:
    """The readers refuse these too; the validator must hold for every other caller."""
    from annotator.core.model import Argument, Relation

    doc_id = _doc(project)
    span = project.annotations.create_span(doc_id, ANN, *_at(TEXT, "حماة"), "GPE").add.spans[0]
    self_rel = Relation(0, doc_id, ANN, "PART-WHOLE", span.id, span.id)
    with pytest.raises(EventError, match="two different"):
        project.annotations.apply(Edit(doc_id, ANN, add=Bundle(relations=(self_rel,))))
    events = EventService(project.annotations, lambda: project.schemas.schema)
    event = events.create_event(doc_id, ANN, *_at(TEXT, "قصفتْ"), "Conflict.Attack").add.events[0]
    twice = (Argument("Place", span.id), Argument("Place", span.id))
    doubled = event.__class__(**{**event.__dict__, "arguments": twice})
    with pytest.raises(EventError, match="already fills"):
        project.annotations.apply(
            Edit(doc_id, ANN, remove=Bundle(events=(event,)), add=Bundle(events=(doubled,)))
        )
    assert project.annotations.relations(doc_id, ANN) == []
    assert project.annotations.events(doc_id, ANN)[0].arguments == ()


def test_a_failing_listener_is_logged_and_the_others_still_hear_of_the_change(
    project: Project,
) -> None:
    """The change is committed, so the caller gets its edit and every later listener runs."""
    heard: list[str] = []

    def broken(_change: object) -> None:
        raise RuntimeError("listener fault 😀")

    project.write.changed.connect(broken)
    project.write.changed.connect(lambda change: heard.append(change.description))
    project.annotations.changed.connect(broken)
    project.annotations.changed.connect(lambda edit: heard.append(f"edit {edit.description}"))
    doc_id = _doc(project)
    edit = project.annotations.create_span(doc_id, ANN, *_at(TEXT, "الطائـرات\u00a0مدينة"), "GPE")
    assert edit.add.spans[0].id > 0
    assert project.annotations.spans(doc_id, ANN) == list(edit.add.spans)
    assert "Tag GPE" in heard and "edit Tag GPE" in heard
    log = log_path().read_text("utf-8")
    assert "RuntimeError: listener fault 😀" in log and "Traceback" in log
    assert "telling " in log and "broken" in log


def test_a_schema_stored_by_another_program_is_announced_even_when_the_edit_is_refused(
    project: Project, project_at: Location
) -> None:
    """Views learn of the new label although the edit whose transaction read it was refused."""
    doc_id = _doc(project)
    announced: list[Schema] = []
    project.schemas.changed.connect(announced.append)
    other = open_project(project_at)  # another program: its own connection and session
    try:
        schema = other.schemas.schema
        other.schemas.replace(replace(schema, labels=(*schema.labels, Label("سلاح😀", "#123456"))))
    finally:
        other.close()
    with pytest.raises(SpanError):
        project.annotations.create_span(doc_id, ANN, 0, len(TEXT) + 1, "GPE")  # past the end
    assert [s.label("سلاح😀") is not None for s in announced] == [True]
    assert project.schemas.schema.label("سلاح😀") is not None


def test_undo_and_redo_leave_a_status_the_user_set_since(project: Project) -> None:
    doc_id = _doc(project)
    span = Span(-1, doc_id, ANN, *_at(TEXT, "حماة"), "GPE")
    edit = Edit(doc_id, ANN, Bundle(), Bundle((span,)), "Tag all")
    done = project.write.apply(Change((edit,), description="Tag all"))
    assert [(s.before, s.after) for s in done.statuses] == [(Status.NEW, Status.IN_PROGRESS)]
    project.write.set_status(doc_id, ANN, Status.DONE)  # Ctrl+D
    undone = project.write.apply(done.inverse())
    assert project.annotations.spans(doc_id, ANN) == []
    assert project.documents.status(doc_id, ANN) is Status.DONE and undone.statuses == ()
    project.write.apply(done.as_replay())  # redo
    assert project.annotations.spans(doc_id, ANN) == list(done.edits[0].add.spans)
    assert project.documents.status(doc_id, ANN) is Status.DONE
    project.write.set_status(doc_id, ANN, Status.IN_PROGRESS)  # as the step left it: undone
    project.write.apply(done.inverse())
    assert project.documents.status(doc_id, ANN) is Status.NEW
