"""Events, role arguments and relations against a real SQLite project."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from annotator.core.location import Location
from annotator.core.model import Argument, Event
from annotator.services.events import EventError, EventService
from annotator.services.project import Project, open_project
from tests.conftest import BOTH

BACKENDS = BOTH

ANN = "amal"


def _seed000(project: Project) -> tuple[int, str]:
    summaries = project.documents.summaries(ANN)
    doc = next(s for s in summaries if s.name.startswith("000_"))
    return doc.id, project.documents.document(doc.id).text


def _at(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


def _service(project: Project) -> EventService:
    return EventService(project.annotations, lambda: project.schemas.schema)


def _strict(project: Project) -> None:
    project.schemas.apply(project.schemas.set_role_check("strict"))


def _attack(project: Project) -> tuple[EventService, int, str, Event]:
    svc = _service(project)
    doc_id, text = _seed000(project)
    edit = svc.create_event(doc_id, ANN, *_at(text, "هجوماً"), "Conflict.Attack")
    (event,) = edit.add.events
    return svc, doc_id, text, event


def test_create_event_makes_trigger_and_event_in_one_edit(
    project: Project, project_at: Location
) -> None:
    svc, doc_id, text, event = _attack(project)
    (trigger,) = project.annotations.spans(doc_id, ANN)
    assert trigger.label == "Conflict.Attack" and trigger.text_in(text) == "هجوماً"
    assert event.trigger_id == trigger.id and event.type == "Conflict.Attack"
    project.close()
    reopened = open_project(project_at)
    try:
        (stored,) = reopened.annotations.events(doc_id, ANN)
        assert (stored.id, stored.trigger_id, stored.arguments) == (event.id, trigger.id, ())
    finally:
        reopened.close()


def test_undo_of_create_event_removes_both_rows_and_redo_keeps_ids(project: Project) -> None:
    svc = _service(project)
    doc_id, text = _seed000(project)
    edit = svc.create_event(doc_id, ANN, *_at(text, "هجوماً"), "Conflict.Attack")
    project.annotations.apply(edit.inverse())
    assert project.annotations.spans(doc_id, ANN) == []
    assert project.annotations.events(doc_id, ANN) == []
    project.annotations.apply(edit)
    (event,) = project.annotations.events(doc_id, ANN)
    assert event == edit.add.events[0]


def test_arguments_new_and_existing_spans(project: Project) -> None:
    svc, doc_id, text, event = _attack(project)
    russia = project.annotations.create_span(doc_id, ANN, *_at(text, "روسيا"), "GPE").add.spans[0]
    out = svc.add_argument(event, "Attacker", russia.id)
    assert out.warning == ""
    out = svc.add_argument_new_span(event, "Instrument", *_at(text, "صواريخ"), "WEA")
    assert out.warning == ""
    (weapon,) = out.edit.add.spans
    assert weapon.id > 0 and weapon.text_in(text) == "صواريخ"
    (stored,) = project.annotations.events(doc_id, ANN)
    assert stored.arguments == (Argument("Attacker", russia.id), Argument("Instrument", weapon.id))

    project.annotations.apply(out.edit.inverse())  # one undo: span and argument both go
    (stored,) = project.annotations.events(doc_id, ANN)
    assert stored.arguments == (Argument("Attacker", russia.id),)
    assert project.annotations.span(weapon.id) is None

    svc.remove_argument(stored, "Attacker", russia.id)
    assert project.annotations.events(doc_id, ANN)[0].arguments == ()
    assert project.annotations.span(russia.id) is not None


def test_disallowed_role_type_warns_when_lenient(project: Project) -> None:
    svc, doc_id, text, event = _attack(project)
    place = project.annotations.create_span(doc_id, ANN, *_at(text, "حماة"), "WEA").add.spans[0]
    out = svc.add_argument(event, "Place", place.id)
    assert "Place of Conflict.Attack allows GPE, LOC, FAC, not WEA" in out.warning
    assert project.annotations.events(doc_id, ANN)[0].arguments == (Argument("Place", place.id),)


def test_disallowed_role_type_is_refused_when_strict(project: Project) -> None:
    svc, doc_id, text, event = _attack(project)
    _strict(project)
    place = project.annotations.create_span(doc_id, ANN, *_at(text, "حماة"), "WEA").add.spans[0]
    with pytest.raises(EventError, match="strict"):
        svc.add_argument(event, "Place", place.id)
    with pytest.raises(EventError, match="strict"):
        svc.add_argument_new_span(event, "Attacker", *_at(text, "صواريخ"), "WEA")
    assert project.annotations.events(doc_id, ANN)[0].arguments == ()
    assert len(project.annotations.spans(doc_id, ANN)) == 2  # trigger and «حماة» only
    ok = (
        svc.add_argument(
            event,
            "Place",
            svc.add_argument_new_span(event, "Place", *_at(text, "حماة", 1), "GPE")
            .edit.add.spans[0]
            .id,
        )
        if False
        else None
    )
    assert ok is None


def test_unknown_role_and_duplicates_are_refused(project: Project) -> None:
    svc, doc_id, text, event = _attack(project)
    gpe = project.annotations.create_span(doc_id, ANN, *_at(text, "روسيا"), "GPE").add.spans[0]
    with pytest.raises(EventError, match="no role"):
        svc.add_argument(event, "Buyer", gpe.id)
    svc.add_argument(event, "Attacker", gpe.id)
    with pytest.raises(EventError, match="already fills"):
        svc.add_argument(event, "Attacker", gpe.id)
    with pytest.raises(EventError, match="trigger"):
        svc.add_argument(event, "Target", event.trigger_id)


def test_relabel_trigger_changes_event_type_and_undo_restores(project: Project) -> None:
    svc, doc_id, text, event = _attack(project)
    gpe = project.annotations.create_span(doc_id, ANN, *_at(text, "روسيا"), "GPE").add.spans[0]
    place = project.annotations.create_span(doc_id, ANN, *_at(text, "حماة"), "GPE").add.spans[0]
    svc.add_argument(event, "Attacker", gpe.id)
    svc.add_argument(event, "Place", place.id)

    # Another event type: roles the new type lacks are dropped.
    edit = project.annotations.relabel_span(event.trigger_id, "Life.Die")
    (ev,) = project.annotations.events(doc_id, ANN)
    assert ev.type == "Life.Die" and ev.arguments == (Argument("Place", place.id),)
    project.annotations.apply(edit.inverse())
    (ev,) = project.annotations.events(doc_id, ANN)
    assert ev.type == "Conflict.Attack" and len(ev.arguments) == 2

    # An entity label: the span is no longer a trigger, so the event goes.
    edit = project.annotations.relabel_span(event.trigger_id, "ORG")
    assert project.annotations.events(doc_id, ANN) == []
    project.annotations.apply(edit.inverse())
    assert project.annotations.events(doc_id, ANN)[0].arguments == ev.arguments

    # Relabelling an argument span keeps the argument.
    project.annotations.relabel_span(gpe.id, "ORG")
    assert Argument("Attacker", gpe.id) in project.annotations.events(doc_id, ANN)[0].arguments


def test_change_type_and_create_event_on_existing_trigger(project: Project) -> None:
    svc, doc_id, text, event = _attack(project)
    start, end = _at(text, "هجوماً")
    edit = svc.create_event(doc_id, ANN, start, end, "Contact.Meet")  # same offsets: retype
    (ev,) = project.annotations.events(doc_id, ANN)
    assert (ev.id, ev.type) == (event.id, "Contact.Meet")
    assert project.annotations.span(ev.trigger_id).label == "Contact.Meet"  # type: ignore[union-attr]
    project.annotations.apply(edit.inverse())
    assert project.annotations.events(doc_id, ANN)[0].type == "Conflict.Attack"

    word = project.annotations.create_span(doc_id, ANN, *_at(text, "الضربة"), "ORG").add.spans[0]
    svc.create_event_on_span(word.id, "Conflict.Attack")
    assert project.annotations.span(word.id).label == "Conflict.Attack"  # type: ignore[union-attr]
    assert len(project.annotations.events(doc_id, ANN)) == 2


def test_delete_argument_span_and_trigger_cascade_with_summary(project: Project) -> None:
    svc, doc_id, text, event = _attack(project)
    gpe = project.annotations.create_span(doc_id, ANN, *_at(text, "روسيا"), "GPE").add.spans[0]
    place = project.annotations.create_span(doc_id, ANN, *_at(text, "حماة"), "GPE").add.spans[0]
    svc.add_argument(event, "Attacker", gpe.id)
    svc.create_relation("PHYS", gpe.id, place.id)
    assert svc.cascade_summary([gpe.id]) == "1 event argument, 1 relation"
    assert svc.cascade_summary([event.trigger_id]) == "1 event"
    assert svc.cascade_summary([place.id]) == "1 relation"
    before = project.annotations.events(doc_id, ANN)

    edit = project.annotations.delete_spans([gpe.id])
    assert project.annotations.events(doc_id, ANN)[0].arguments == ()
    assert project.annotations.relations(doc_id, ANN) == []
    project.annotations.apply(edit.inverse())
    assert project.annotations.events(doc_id, ANN) == before
    assert len(project.annotations.relations(doc_id, ANN)) == 1

    edit = svc.delete_event(event)
    assert project.annotations.events(doc_id, ANN) == []
    assert project.annotations.span(gpe.id) is not None
    project.annotations.apply(edit.inverse())
    assert project.annotations.events(doc_id, ANN) == before


def test_relations_typed_checked_and_listed(project: Project) -> None:
    svc = _service(project)
    doc_id, text = _seed000(project)
    ann = project.annotations
    org = ann.create_span(doc_id, ANN, *_at(text, "وزارة الدفاع الروسية"), "ORG").add.spans[0]
    gpe = ann.create_span(doc_id, ANN, *_at(text, "روسيا"), "GPE").add.spans[0]
    out = svc.create_relation("PART-WHOLE", org.id, gpe.id)
    assert out.warning == ""
    (rel,) = ann.relations(doc_id, ANN)
    assert (rel.type, rel.arg1_id, rel.arg2_id) == ("PART-WHOLE", org.id, gpe.id)
    assert svc.relations_of(gpe) == [rel] == svc.relations_of(org)

    warn = svc.create_relation("PER-SOC", org.id, gpe.id).warning
    assert "first end allows PER, not ORG" in warn and "second end allows PER, not GPE" in warn
    with pytest.raises(EventError, match="already related"):
        svc.create_relation("PART-WHOLE", org.id, gpe.id)
    with pytest.raises(EventError, match="two different"):
        svc.create_relation("PHYS", gpe.id, gpe.id)
    _strict(project)
    with pytest.raises(EventError, match="strict"):
        svc.create_relation("PER-SOC", gpe.id, org.id)

    edit = svc.delete_relation(rel)
    assert [r.type for r in ann.relations(doc_id, ANN)] == ["PER-SOC"]
    ann.apply(edit.inverse())
    assert rel in ann.relations(doc_id, ANN)


def test_bad_event_type_and_bad_offsets_leave_db_unchanged(project: Project) -> None:
    svc = _service(project)
    doc_id, _text = _seed000(project)
    with pytest.raises(EventError, match="not an event type"):
        svc.create_event(doc_id, ANN, 0, 4, "GPE")
    with pytest.raises(Exception, match="outside"):
        svc.create_event(doc_id, ANN, 5, 5, "Conflict.Attack")
    assert project.annotations.spans(doc_id, ANN) == []
    assert project.annotations.events(doc_id, ANN) == []
    stale = Event(999, doc_id, ANN, "Conflict.Attack", 1)
    with pytest.raises(EventError, match="no longer exists"):
        svc.add_argument(stale, "Attacker", 1)


# -- "does this span already have an event?" is decided inside the write transaction -----------
def test_create_event_in_two_windows_on_one_span_gives_one_event(
    project: Project, second_window_first: Callable[[Callable[[Project], object]], None]
) -> None:
    doc_id, text = _seed000(project)
    where = _at(text, "هجوماً")
    second_window_first(lambda p: _service(p).create_event(doc_id, ANN, *where, "Conflict.Attack"))
    edit = _service(project).create_event(doc_id, ANN, *where, "Conflict.Attack")
    (event,) = project.annotations.events(doc_id, ANN)
    assert [s.label for s in project.annotations.spans(doc_id, ANN)] == ["Conflict.Attack"]
    assert edit.remove.spans == edit.add.spans  # the first window retyped the event it found
    assert event.type == "Conflict.Attack"


def test_create_event_on_span_in_two_windows_gives_one_event(
    project: Project, second_window_first: Callable[[Callable[[Project], object]], None]
) -> None:
    doc_id, text = _seed000(project)
    span = project.annotations.create_span(doc_id, ANN, *_at(text, "هجوماً"), "Conflict.Attack")
    (trigger,) = span.add.spans
    second_window_first(lambda p: _service(p).create_event_on_span(trigger.id, "Conflict.Attack"))
    _service(project).create_event_on_span(trigger.id, "Life.Die")
    (event,) = project.annotations.events(doc_id, ANN)
    assert (event.trigger_id, event.type) == (trigger.id, "Life.Die")
