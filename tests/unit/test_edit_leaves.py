"""The write path validates the state an edit leaves (issue 17), not only the rows it adds.

Removed and updated rows must belong to the edit's layer (cascade included); a relabelled
span is checked again under every event and relation that keeps using it (strict mode);
a move or relabel cannot make a span a duplicate. Real SQLite files throughout.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from annotator.core.errors import EventError, SpanError, StaleEditError
from annotator.core.location import Location
from annotator.core.model import Argument, Bundle, Edit, Event, Relation, Span, Status
from annotator.core.positions import CodePoint
from annotator.services.project import Project, open_project
from tests.backends import execute, query, snapshot
from tests.conftest import BOTH

BACKENDS = BOTH

TEXT = "قصفت الطائرات مدينة حماة أمس في 2024 🔥 ثم غادرت إلى دمشق."
ATTACK = "Conflict.Attack"


def _at(word: str) -> tuple[CodePoint, CodePoint]:
    start = TEXT.index(word)
    return CodePoint(start), CodePoint(start + len(word))


def _doc(project: Project) -> int:
    doc_id, _created = project.documents.add_text("leaves.txt", TEXT)
    return doc_id


def _span(project: Project, doc_id: int, annotator: str, word: str, label: str) -> Span:
    return project.annotations.create_span(doc_id, annotator, *_at(word), label).add.spans[0]


def _relabel(span: Span, label: str) -> Edit:
    """The edit a window makes to relabel ``span`` (what AnnotationService.relabel_span sends)."""
    return Edit(span.doc_id, span.annotator, Bundle((span,)), Bundle((replace(span, label=label),)))


def _strict(project: Project) -> None:
    project.schemas.apply(project.schemas.set_role_check("strict"))


# -- removed rows belong to the edit's layer ------------------------------------------------
def test_an_edit_for_amal_cannot_delete_badrs_span(project: Project, project_at: Location) -> None:
    doc_id = _doc(project)
    theirs = _span(project, doc_id, "badr", "حماة", "GPE")
    _span(project, doc_id, "amal", "دمشق", "GPE")
    before = snapshot(project_at)
    with pytest.raises(SpanError) as refused:
        project.annotations.apply(Edit(doc_id, "amal", remove=Bundle((theirs,))))
    assert str(refused.value) == (
        f"This edit changes 'amal''s layer in document {doc_id}, but it would also remove or "
        f"change a span of 'badr''s layer in document {doc_id}; nothing was changed."
    )
    assert snapshot(project_at) == before


def test_an_edit_cannot_move_badrs_span_into_amals_layer(
    project: Project, project_at: Location
) -> None:
    """The same id on both sides updates the row in place: here it would take badr's span."""
    doc_id = _doc(project)
    theirs = _span(project, doc_id, "badr", "حماة", "GPE")
    before = snapshot(project_at)
    taken = Edit(doc_id, "amal", Bundle((theirs,)), Bundle((replace(theirs, annotator="amal"),)))
    with pytest.raises(SpanError, match="would also remove or change a span of 'badr'"):
        project.annotations.apply(taken)
    assert snapshot(project_at) == before


def test_a_cascade_into_another_layer_is_refused(project: Project, project_at: Location) -> None:
    """A relation of badr's ending on amal's span (written by an older version, or by hand):
    deleting amal's span must not silently take badr's relation with it."""
    doc_id = _doc(project)
    mine = _span(project, doc_id, "amal", "حماة", "GPE")
    theirs = _span(project, doc_id, "badr", "دمشق", "GPE")
    ((badr,),) = query(project_at, "SELECT id FROM annotators WHERE name = 'badr'")
    execute(
        project_at,
        "INSERT INTO relations (doc_id, annotator_id, type, arg1_span_id, arg2_span_id,"
        " created_at) VALUES (:d, :b, 'PHYS', :t, :m, CURRENT_TIMESTAMP)",
        d=doc_id,
        b=badr,
        t=theirs.id,
        m=mine.id,
    )
    before = snapshot(project_at)
    with pytest.raises(SpanError, match="would also remove or change a relation of 'badr'"):
        project.annotations.delete_spans([mine.id])
    assert snapshot(project_at) == before


# -- strict types after a relabel -------------------------------------------------------------
def _attack_with_place(project: Project, doc_id: int) -> tuple[Event, Span]:
    trigger = _span(project, doc_id, "amal", "قصفت", ATTACK)
    place = _span(project, doc_id, "amal", "حماة", "GPE")
    event = Event(0, doc_id, "amal", ATTACK, trigger.id, (Argument("Place", place.id),))
    (stored,) = project.annotations.apply(
        Edit(doc_id, "amal", add=Bundle(events=(event,)))
    ).add.events
    return stored, place


def test_strict_mode_refuses_relabelling_a_place_argument_to_time(
    project: Project, project_at: Location
) -> None:
    doc_id = _doc(project)
    _event, place = _attack_with_place(project, doc_id)
    _strict(project)
    before = snapshot(project_at)
    with pytest.raises(EventError) as refused:
        project.annotations.relabel_span(place.id, "TIME")
    message = str(refused.value)
    assert message.startswith(f"Refused (strict role checks): Place of {ATTACK} allows ")
    assert message.endswith(", not TIME."), message
    assert snapshot(project_at) == before


def test_strict_mode_refuses_relabelling_a_part_whole_end_to_time(
    project: Project, project_at: Location
) -> None:
    doc_id = _doc(project)
    city = _span(project, doc_id, "amal", "حماة", "GPE")
    country = _span(project, doc_id, "amal", "دمشق", "GPE")
    rel = Relation(0, doc_id, "amal", "PART-WHOLE", city.id, country.id)
    project.annotations.apply(Edit(doc_id, "amal", add=Bundle(relations=(rel,))))
    _strict(project)
    before = snapshot(project_at)
    with pytest.raises(EventError) as refused:
        project.annotations.relabel_span(country.id, "TIME")
    assert str(refused.value).startswith("Refused (strict role checks): PART-WHOLE: its second end")
    assert str(refused.value).endswith(", not TIME.")
    assert snapshot(project_at) == before


def test_lenient_mode_still_accepts_those_relabels(project: Project) -> None:
    doc_id = _doc(project)
    event, place = _attack_with_place(project, doc_id)
    project.annotations.relabel_span(place.id, "TIME")
    assert project.annotations.events(doc_id, "amal") == [event]


def test_strict_mode_accepts_a_relabel_the_role_allows(project: Project) -> None:
    doc_id = _doc(project)
    _event, place = _attack_with_place(project, doc_id)
    _strict(project)
    project.annotations.relabel_span(place.id, "LOC")
    assert project.annotations.span(place.id) == replace(place, label="LOC")


# -- duplicates after a move or a relabel ---------------------------------------------------
def test_a_span_moved_onto_an_identical_twin_is_refused(
    project: Project, project_at: Location
) -> None:
    doc_id = _doc(project)
    _span(project, doc_id, "amal", "حماة", "GPE")
    other = _span(project, doc_id, "amal", "دمشق", "GPE")
    start, end = _at("حماة")
    before = snapshot(project_at)
    moved = Edit(doc_id, "amal", Bundle((other,)), Bundle((replace(other, start=start, end=end),)))
    with pytest.raises(SpanError, match="An identical GPE span"):
        project.annotations.apply(moved)
    assert snapshot(project_at) == before


def test_a_span_relabelled_into_its_twin_is_refused(project: Project, project_at: Location) -> None:
    doc_id = _doc(project)
    _span(project, doc_id, "amal", "حماة", "GPE")
    other = _span(project, doc_id, "amal", "حماة", "LOC")
    before = snapshot(project_at)
    with pytest.raises(SpanError, match="An identical GPE span"):
        project.annotations.apply(_relabel(other, "GPE"))
    assert snapshot(project_at) == before


def test_a_relation_updated_into_a_duplicate_is_refused(
    project: Project, project_at: Location
) -> None:
    doc_id = _doc(project)
    a = _span(project, doc_id, "amal", "حماة", "GPE")
    b = _span(project, doc_id, "amal", "دمشق", "GPE")
    rels = (
        Relation(0, doc_id, "amal", "PHYS", a.id, b.id),
        Relation(0, doc_id, "amal", "PART-WHOLE", a.id, b.id),
    )
    _phys, whole = project.annotations.apply(
        Edit(doc_id, "amal", add=Bundle(relations=rels))
    ).add.relations
    before = snapshot(project_at)
    edit = Edit(
        doc_id, "amal", Bundle(relations=(whole,)), Bundle(relations=(replace(whole, type="PHYS"),))
    )
    with pytest.raises(EventError, match="already related by PHYS"):
        project.annotations.apply(edit)
    assert snapshot(project_at) == before


def test_an_event_updated_onto_a_taken_trigger_is_refused(
    project: Project, project_at: Location
) -> None:
    doc_id = _doc(project)
    first = _span(project, doc_id, "amal", "قصفت", ATTACK)
    second = _span(project, doc_id, "amal", "غادرت", ATTACK)
    events = (
        Event(0, doc_id, "amal", ATTACK, first.id),
        Event(0, doc_id, "amal", ATTACK, second.id),
    )
    _one, two = project.annotations.apply(
        Edit(doc_id, "amal", add=Bundle(events=events))
    ).add.events
    before = snapshot(project_at)
    onto = Edit(
        doc_id, "amal", Bundle(events=(two,)), Bundle(events=(replace(two, trigger_id=first.id),))
    )
    with pytest.raises(EventError, match="already the trigger of a Conflict.Attack event"):
        project.annotations.apply(onto)
    assert snapshot(project_at) == before


# -- the change log names every layer a change touches -----------------------------------------
def _logged_since(project_at: Location, seen: int) -> set[tuple[int | None, str | None]]:
    return set(query(project_at, "SELECT doc_id, annotator FROM change_log WHERE id > :s", s=seen))


def _last_log(project_at: Location) -> int:
    return int(query(project_at, "SELECT max(id) FROM change_log")[0][0])


def test_deleting_a_document_logs_every_layer_on_it_and_undo_does_too(
    project: Project, project_at: Location
) -> None:
    """badr only marked the document done and wrote a note: his window must hear of it too."""
    doc_id = _doc(project)
    _span(project, doc_id, "amal", "حماة", "GPE")
    project.documents.set_status(doc_id, "badr", Status.DONE)
    project.annotations.set_document_note(doc_id, "salma", "راجعته")
    seen = _last_log(project_at)
    deleted = project.write.delete(doc_id)
    layers = {(doc_id, "amal"), (doc_id, "badr"), (doc_id, "salma")}
    assert layers <= _logged_since(project_at, seen)
    seen = _last_log(project_at)
    project.write.apply(deleted.inverse())
    assert layers <= _logged_since(project_at, seen)


def test_a_document_note_is_logged_for_its_layer_so_other_windows_hear_of_it(
    project: Project, project_at: Location
) -> None:
    """A note written in one window is in the change log under its document and annotator."""
    doc_id = _doc(project)
    seen = _last_log(project_at)
    project.annotations.set_document_note(doc_id, "salma", "راجعته 👍🏽\u00a0ZW\u200cNJ تـــم 2024")
    assert (doc_id, "salma") in _logged_since(project_at, seen)
    assert project.annotations.document_note(doc_id, "salma") == (
        "راجعته 👍🏽\u00a0ZW\u200cNJ تـــم 2024"
    )


def test_a_document_note_changed_by_another_window_since_it_was_read_is_not_overwritten(
    project: Project, project_at: Location
) -> None:
    """The note is the user's text: a note set from a stale reading is refused, not lost."""
    doc_id = _doc(project)
    project.annotations.set_document_note(doc_id, "salma", "أولى")
    other = open_project(project_at)
    try:
        other.annotations.set_document_note(doc_id, "salma", "ثانية من نافذة أخرى")
    finally:
        other.close()
    with pytest.raises(StaleEditError, match="document note"):
        project.annotations.set_document_note(doc_id, "salma", "ثالثة", before="أولى")
    assert project.annotations.document_note(doc_id, "salma") == "ثانية من نافذة أخرى"
