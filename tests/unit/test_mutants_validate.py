"""The validator and the cascade, as the write path applies them to edits that no dialog
pre-checked (another window, an importer, a script): tests written for mutants of
core/validate.py and core/cascade.py that the other tests let live (make mutate).

Every edit goes through the real write service into a real project file or PostgreSQL
database (BACKENDS = BOTH); each test
checks what a user would see: the sentence of a refusal, or the rows that are stored.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from annotator.core.change import Origin
from annotator.core.errors import EventError, SpanError
from annotator.core.model import Argument, Bundle, Edit, Event, Relation, Span
from annotator.core.schema import EventType, RelationType, Role
from annotator.services.project import Project
from tests.conftest import BOTH

BACKENDS = BOTH

ANN = "amal"
TEXT = "قصفت الطائرات\u00a0مدينة حماة قرب حلب 😀 في 2024"
ATTACK = "Conflict.Attack"


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def doc(proj: Project) -> int:
    doc_id, _created = proj.documents.add_text("حماة.txt", TEXT)
    return doc_id


def tag(proj: Project, doc: int, word: str, label: str, who: str = ANN) -> Span:
    return proj.annotations.create_span(doc, who, *at(word), label).add.spans[0]


def add(proj: Project, doc: int, *objs: Span | Event | Relation, who: str = ANN) -> Edit:
    """Apply an edit that adds ``objs`` (as a window that pre-checked nothing would)."""
    spans = tuple(o for o in objs if isinstance(o, Span))
    events = tuple(o for o in objs if isinstance(o, Event))
    relations = tuple(o for o in objs if isinstance(o, Relation))
    return proj.annotations.apply(Edit(doc, who, add=Bundle(spans, events, relations)))


def rewrite(proj: Project, before: Event, after: Event) -> Edit:
    return proj.annotations.apply(
        Edit(before.doc_id, before.annotator, Bundle(events=(before,)), Bundle(events=(after,)))
    )


def strict(proj: Project) -> None:
    proj.schemas.apply(proj.schemas.set_role_check("strict"))


# -- spans -------------------------------------------------------------------------------------


def test_a_span_may_start_at_0_and_end_at_the_last_character(proj: Project, doc: int) -> None:
    first = add(proj, doc, Span(-1, doc, ANN, 0, 4, "ORG"))
    last = add(proj, doc, Span(-1, doc, ANN, len(TEXT) - 4, len(TEXT), "TIME"))
    stored = [(s.start, s.end) for s in proj.annotations.spans(doc, ANN)]
    assert stored == [(0, 4), (len(TEXT) - 4, len(TEXT))]
    assert first.add.spans[0].id > 0 and last.add.spans[0].id > 0


@pytest.mark.parametrize(("start", "end"), [(3, 3), (-1, 2), (5, len(TEXT) + 1)])
def test_an_empty_or_outside_span_is_refused_with_its_offsets(
    proj: Project, doc: int, start: int, end: int
) -> None:
    with pytest.raises(SpanError) as refused:
        add(proj, doc, Span(-1, doc, ANN, start, end, "GPE"))
    assert str(refused.value) == (
        f"The span [{start}, {end}) is outside the document (0 to {len(TEXT)}) or empty."
    )
    assert proj.annotations.spans(doc, ANN) == []


def test_an_unknown_label_is_refused_by_name(proj: Project, doc: int) -> None:
    with pytest.raises(SpanError, match=r"^The label 'CITY' is not in the project's schema\.$"):
        add(proj, doc, Span(-1, doc, ANN, *at("حماة"), "CITY"))


def test_two_identical_spans_in_one_edit_are_refused(proj: Project, doc: int) -> None:
    one = Span(-1, doc, ANN, *at("حماة"), "GPE")
    with pytest.raises(SpanError) as refused:
        add(proj, doc, one, replace(one, id=-2))
    start, end = at("حماة")
    assert str(refused.value) == (
        f"An identical GPE span [{start}, {end}) is already there; a second one was not added."
    )
    assert proj.annotations.spans(doc, ANN) == []


def test_the_same_offsets_with_another_label_are_a_second_span(proj: Project, doc: int) -> None:
    tag(proj, doc, "حماة", "GPE")
    add(proj, doc, Span(-1, doc, ANN, *at("حماة"), "LOC"), Span(-2, doc, ANN, *at("حلب"), "GPE"))
    assert sorted(s.label for s in proj.annotations.spans(doc, ANN)) == ["GPE", "GPE", "LOC"]


def test_a_span_replaced_by_its_twin_in_one_edit_is_accepted(proj: Project, doc: int) -> None:
    """What an import with --replace does: the old span goes, an identical new one comes."""
    old = tag(proj, doc, "حماة", "GPE")
    done = proj.annotations.apply(
        Edit(doc, ANN, Bundle((old,)), Bundle((Span(-1, doc, ANN, *at("حماة"), "GPE"),)))
    )
    (new,) = proj.annotations.spans(doc, ANN)
    assert new == done.add.spans[0] and new.id != old.id


def test_a_span_of_another_layer_in_the_edit_is_refused(proj: Project, doc: int) -> None:
    stranger = Span(-1, doc, "badr", *at("حماة"), "GPE")
    with pytest.raises(SpanError) as refused:
        proj.annotations.apply(Edit(doc, ANN, add=Bundle((stranger,))))
    assert str(refused.value) == (
        "An edit can only change one document and layer; "
        f"got document {doc} of 'badr' in an edit of document {doc} of 'amal'."
    )


# -- events ------------------------------------------------------------------------------------


def test_two_new_events_on_one_trigger_in_one_edit_are_refused(proj: Project, doc: int) -> None:
    trigger = tag(proj, doc, "قصفت", ATTACK)
    event = Event(0, doc, ANN, ATTACK, trigger.id)
    with pytest.raises(EventError) as refused:
        add(proj, doc, event, event)
    assert str(refused.value) == (
        "«قصفت» is already the trigger of a Conflict.Attack event; "
        "a span can trigger only one event, so the new one was not added."
    )
    assert proj.annotations.events(doc, ANN) == []


def test_an_event_type_starting_with_a_vowel_is_named_with_an(proj: Project, doc: int) -> None:
    schema = proj.schemas.schema
    proj.schemas.replace(
        replace(
            schema,
            events=(*schema.events, EventType("Attack", "#123456", roles=())),
        )
    )
    trigger = tag(proj, doc, "قصفت", "Attack")
    add(proj, doc, Event(0, doc, ANN, "Attack", trigger.id))
    with pytest.raises(EventError, match=r"^«قصفت» is already the trigger of an Attack event;"):
        add(proj, doc, Event(0, doc, ANN, "Attack", trigger.id))


def test_rewriting_the_first_event_keeps_it_on_its_trigger(proj: Project, doc: int) -> None:
    """Event ids start at 1: the rewrite of event 1 replaces it, it is no second event."""
    trigger = tag(proj, doc, "قصفت", ATTACK)
    place = tag(proj, doc, "حماة", "GPE")
    (event,) = add(proj, doc, Event(0, doc, ANN, ATTACK, trigger.id)).add.events
    assert event.id == 1
    rewrite(proj, event, replace(event, arguments=(Argument("Place", place.id),)))
    (stored,) = proj.annotations.events(doc, ANN)
    assert (stored.id, stored.arguments) == (1, (Argument("Place", place.id),))


def test_an_event_replaced_by_a_new_one_on_its_trigger_in_one_edit_is_accepted(
    proj: Project, doc: int
) -> None:
    """What an import with --replace does to an event: the old one goes, a new one comes."""
    trigger = tag(proj, doc, "قصفت", ATTACK)
    (old,) = add(proj, doc, Event(0, doc, ANN, ATTACK, trigger.id)).add.events
    fresh = Event(0, doc, ANN, ATTACK, trigger.id, attributes={"Polarity": "NEGATIVE"})
    proj.annotations.apply(Edit(doc, ANN, Bundle(events=(old,)), Bundle(events=(fresh,))))
    (stored,) = proj.annotations.events(doc, ANN)
    assert stored.id != old.id and stored.attributes == {"Polarity": "NEGATIVE"}


def test_an_event_with_an_unknown_type_is_refused(proj: Project, doc: int) -> None:
    trigger = tag(proj, doc, "قصفت", "GPE")
    with pytest.raises(EventError, match=r"^GPE is not an event type of the project's schema\.$"):
        add(proj, doc, Event(0, doc, ANN, "GPE", trigger.id))


def test_an_event_whose_trigger_has_another_label_is_refused(proj: Project, doc: int) -> None:
    trigger = tag(proj, doc, "قصفت", "Life.Die")
    with pytest.raises(EventError) as refused:
        add(proj, doc, Event(0, doc, ANN, ATTACK, trigger.id))
    assert str(refused.value) == (
        "An event of type Conflict.Attack needs a trigger labelled Conflict.Attack, not Life.Die."
    )


def test_a_trigger_of_another_layer_is_refused(proj: Project, doc: int) -> None:
    theirs = tag(proj, doc, "قصفت", ATTACK, who="badr")
    with pytest.raises(EventError) as refused:
        add(proj, doc, Event(0, doc, ANN, ATTACK, theirs.id))
    assert str(refused.value) == "The trigger must be a span of the same document and layer."
    assert proj.annotations.events(doc, "badr") == []


def test_an_argument_of_another_layer_is_refused(proj: Project, doc: int) -> None:
    trigger = tag(proj, doc, "قصفت", ATTACK)
    theirs = tag(proj, doc, "حماة", "GPE", who="badr")
    event = Event(0, doc, ANN, ATTACK, trigger.id, (Argument("Place", theirs.id),))
    with pytest.raises(EventError) as refused:
        add(proj, doc, event)
    assert str(refused.value) == (
        "The argument Place must be a span of the same document and layer."
    )


def test_an_argument_the_same_edit_deletes_is_refused(proj: Project, doc: int) -> None:
    trigger = tag(proj, doc, "قصفت", ATTACK)
    place = tag(proj, doc, "حماة", "GPE")
    event = Event(0, doc, ANN, ATTACK, trigger.id, (Argument("Place", place.id),))
    edit = Edit(doc, ANN, Bundle((place,)), Bundle(events=(event,)))
    with pytest.raises(EventError, match="^The argument Place must be a span of the same"):
        proj.annotations.apply(edit)
    assert proj.annotations.spans(doc, ANN) == [trigger, place]


def test_an_unknown_role_is_refused_by_name(proj: Project, doc: int) -> None:
    trigger = tag(proj, doc, "قصفت", ATTACK)
    place = tag(proj, doc, "حماة", "GPE")
    event = Event(0, doc, ANN, ATTACK, trigger.id, (Argument("Victim", place.id),))
    with pytest.raises(EventError, match=r"^Conflict\.Attack has no role 'Victim'\.$"):
        add(proj, doc, event)


def test_a_trigger_as_its_own_argument_is_refused(proj: Project, doc: int) -> None:
    trigger = tag(proj, doc, "قصفت", ATTACK)
    event = Event(0, doc, ANN, ATTACK, trigger.id, (Argument("Place", trigger.id),))
    with pytest.raises(EventError) as refused:
        add(proj, doc, event)
    assert str(refused.value) == "An event's trigger cannot also be one of its arguments."


def test_one_span_may_fill_two_roles_and_a_role_may_have_two_spans(proj: Project, doc: int) -> None:
    trigger = tag(proj, doc, "قصفت", ATTACK)
    hama, aleppo = tag(proj, doc, "حماة", "GPE"), tag(proj, doc, "حلب", "GPE")
    args = (Argument("Place", hama.id), Argument("Place", aleppo.id), Argument("Target", hama.id))
    add(proj, doc, Event(0, doc, ANN, ATTACK, trigger.id, args))
    (stored,) = proj.annotations.events(doc, ANN)
    assert stored.arguments == args


def test_strict_mode_names_the_role_what_it_allows_and_what_it_got(proj: Project, doc: int) -> None:
    strict(proj)
    trigger = tag(proj, doc, "قصفت", ATTACK)
    date = tag(proj, doc, "2024", "TIME")
    with pytest.raises(EventError) as refused:
        add(proj, doc, Event(0, doc, ANN, ATTACK, trigger.id, (Argument("Place", date.id),)))
    assert str(refused.value) == (
        "Refused (strict role checks): Place of Conflict.Attack allows GPE, LOC, FAC, not TIME."
    )


def test_strict_mode_accepts_an_allowed_label_and_any_label_for_an_open_role(
    proj: Project, doc: int
) -> None:
    schema = proj.schemas.schema
    proj.schemas.replace(
        replace(
            schema,
            role_check="strict",
            events=(*schema.events, EventType("Strike", "#123456", roles=(Role("Any", ()),))),
        )
    )
    trigger = tag(proj, doc, "قصفت", "Strike")
    date = tag(proj, doc, "2024", "TIME")
    add(proj, doc, Event(0, doc, ANN, "Strike", trigger.id, (Argument("Any", date.id),)))
    attack = tag(proj, doc, "الطائرات", ATTACK)
    city = tag(proj, doc, "حماة", "GPE")
    add(proj, doc, Event(0, doc, ANN, ATTACK, attack.id, (Argument("Place", city.id),)))
    assert len(proj.annotations.events(doc, ANN)) == 2


def test_lenient_mode_stores_an_argument_the_role_does_not_list(proj: Project, doc: int) -> None:
    trigger = tag(proj, doc, "قصفت", ATTACK)
    date = tag(proj, doc, "2024", "TIME")
    add(proj, doc, Event(0, doc, ANN, ATTACK, trigger.id, (Argument("Place", date.id),)))
    (stored,) = proj.annotations.events(doc, ANN)
    assert stored.arguments == (Argument("Place", date.id),)


# -- relations ---------------------------------------------------------------------------------


def test_two_identical_relations_in_one_edit_are_refused(proj: Project, doc: int) -> None:
    hama, aleppo = tag(proj, doc, "حماة", "GPE"), tag(proj, doc, "حلب", "GPE")
    rel = Relation(0, doc, ANN, "PART-WHOLE", hama.id, aleppo.id)
    with pytest.raises(EventError, match=r"^These spans are already related by PART-WHOLE\.$"):
        add(proj, doc, rel, rel)
    assert proj.annotations.relations(doc, ANN) == []


def test_a_stored_relation_is_not_added_twice_but_its_reverse_is(proj: Project, doc: int) -> None:
    hama, aleppo = tag(proj, doc, "حماة", "GPE"), tag(proj, doc, "حلب", "GPE")
    add(proj, doc, Relation(0, doc, ANN, "PART-WHOLE", hama.id, aleppo.id))
    with pytest.raises(EventError, match="already related by PART-WHOLE"):
        add(proj, doc, Relation(0, doc, ANN, "PART-WHOLE", hama.id, aleppo.id))
    add(proj, doc, Relation(0, doc, ANN, "PART-WHOLE", aleppo.id, hama.id))
    add(proj, doc, Relation(0, doc, ANN, "PHYS", hama.id, aleppo.id))
    stored = {(r.type, r.arg1_id) for r in proj.annotations.relations(doc, ANN)}
    assert stored == {("PART-WHOLE", hama.id), ("PART-WHOLE", aleppo.id), ("PHYS", hama.id)}


def test_a_relation_replaced_by_its_twin_in_one_edit_is_accepted(proj: Project, doc: int) -> None:
    hama, aleppo = tag(proj, doc, "حماة", "GPE"), tag(proj, doc, "حلب", "GPE")
    (old,) = add(proj, doc, Relation(0, doc, ANN, "PART-WHOLE", hama.id, aleppo.id)).add.relations
    fresh = replace(old, id=0)
    proj.annotations.apply(Edit(doc, ANN, Bundle(relations=(old,)), Bundle(relations=(fresh,))))
    (stored,) = proj.annotations.relations(doc, ANN)
    assert (stored.arg1_id, stored.arg2_id) == (hama.id, aleppo.id) and stored.id != old.id


def test_a_relation_from_a_span_to_itself_is_refused(proj: Project, doc: int) -> None:
    hama = tag(proj, doc, "حماة", "GPE")
    with pytest.raises(EventError) as refused:
        add(proj, doc, Relation(0, doc, ANN, "PART-WHOLE", hama.id, hama.id))
    assert str(refused.value) == "A relation needs two different spans."
    assert proj.annotations.relations(doc, ANN) == []


def test_an_unknown_relation_type_is_refused(proj: Project, doc: int) -> None:
    hama, aleppo = tag(proj, doc, "حماة", "GPE"), tag(proj, doc, "حلب", "GPE")
    with pytest.raises(EventError, match=r"^NEAR is not a relation type of the project's schema"):
        add(proj, doc, Relation(0, doc, ANN, "NEAR", hama.id, aleppo.id))


@pytest.mark.parametrize("end", ["first", "second"])
def test_a_relation_end_of_another_layer_is_refused(proj: Project, doc: int, end: str) -> None:
    mine = tag(proj, doc, "حماة", "GPE")
    theirs = tag(proj, doc, "حلب", "GPE", who="badr")
    ends = (mine.id, theirs.id) if end == "second" else (theirs.id, mine.id)
    with pytest.raises(EventError) as refused:
        add(proj, doc, Relation(0, doc, ANN, "PART-WHOLE", *ends))
    assert str(refused.value) == (
        f"The {end} end of a relation must be a span of the same document and layer."
    )


def test_strict_mode_names_both_ends_a_relation_type_refuses(proj: Project, doc: int) -> None:
    strict(proj)
    date, money = tag(proj, doc, "2024", "TIME"), tag(proj, doc, "حلب", "MONEY")
    with pytest.raises(EventError) as refused:
        add(proj, doc, Relation(0, doc, ANN, "PHYS", date.id, money.id))
    assert str(refused.value) == (
        "Refused (strict role checks): PHYS: its first end allows PER, FAC, LOC, GPE, not TIME; "
        "its second end allows FAC, LOC, GPE, not MONEY."
    )


def test_strict_mode_names_only_the_end_that_is_wrong(proj: Project, doc: int) -> None:
    strict(proj)
    city, date = tag(proj, doc, "حماة", "GPE"), tag(proj, doc, "2024", "TIME")
    with pytest.raises(EventError) as refused:
        add(proj, doc, Relation(0, doc, ANN, "PHYS", city.id, date.id))
    assert str(refused.value) == (
        "Refused (strict role checks): PHYS: its second end allows FAC, LOC, GPE, not TIME."
    )


def test_strict_mode_accepts_allowed_ends_and_any_end_of_an_open_type(
    proj: Project, doc: int
) -> None:
    schema = proj.schemas.schema
    proj.schemas.replace(
        replace(
            schema,
            role_check="strict",
            relations=(*schema.relations, RelationType("SAME", "#654321")),
        )
    )
    city, date = tag(proj, doc, "حماة", "GPE"), tag(proj, doc, "2024", "TIME")
    add(proj, doc, Relation(0, doc, ANN, "SAME", date.id, city.id))
    person = tag(proj, doc, "الطائرات", "PER")
    add(proj, doc, Relation(0, doc, ANN, "PHYS", person.id, city.id))
    assert {r.type for r in proj.annotations.relations(doc, ANN)} == {"SAME", "PHYS"}


def test_lenient_mode_stores_a_relation_the_type_does_not_list(proj: Project, doc: int) -> None:
    date, money = tag(proj, doc, "2024", "TIME"), tag(proj, doc, "حلب", "MONEY")
    add(proj, doc, Relation(0, doc, ANN, "PHYS", date.id, money.id))
    assert [r.type for r in proj.annotations.relations(doc, ANN)] == ["PHYS"]


# -- the cascade (core/cascade.py) ------------------------------------------------------------


def attack(proj: Project, doc: int) -> tuple[Event, Span, Span]:
    """A Conflict.Attack event on «قصفت» with Target «الطائرات» (ORG) and Place «حماة» (GPE)."""
    trigger = tag(proj, doc, "قصفت", ATTACK)
    target, place = tag(proj, doc, "الطائرات", "ORG"), tag(proj, doc, "حماة", "GPE")
    args = (Argument("Target", target.id), Argument("Place", place.id))
    (event,) = add(proj, doc, Event(0, doc, ANN, ATTACK, trigger.id, args)).add.events
    return event, target, place


def test_a_trigger_relabelled_to_another_event_type_takes_its_event_along(
    proj: Project, doc: int
) -> None:
    event, _target, place = attack(proj, doc)
    edit = proj.annotations.relabel_span(event.trigger_id, "Life.Die")
    (stored,) = proj.annotations.events(doc, ANN)
    # Life.Die has a Place but no Target
    assert (stored.id, stored.type, stored.arguments) == (
        event.id,
        "Life.Die",
        (Argument("Place", place.id),),
    )
    assert edit.remove.events == (event,) and edit.add.events == (stored,)


def test_a_trigger_relabelled_to_an_entity_label_loses_its_event(proj: Project, doc: int) -> None:
    event, _target, _place = attack(proj, doc)
    edit = proj.annotations.relabel_span(event.trigger_id, "ORG")
    assert proj.annotations.events(doc, ANN) == []
    assert edit.remove.events == (event,) and edit.add.events == ()
    proj.annotations.apply(edit.inverse(), Origin.UNDO)
    assert proj.annotations.events(doc, ANN) == [event]


def test_new_attributes_on_a_trigger_leave_its_event_alone(proj: Project, doc: int) -> None:
    event, _target, _place = attack(proj, doc)
    edit = proj.annotations.set_attributes(event.trigger_id, {"note": "غارة 😀"})
    assert edit.remove.events == () and edit.add.events == ()
    assert proj.annotations.events(doc, ANN) == [event]


def test_a_relabelled_argument_stays_an_argument(proj: Project, doc: int) -> None:
    event, _target, place = attack(proj, doc)
    edit = proj.annotations.relabel_span(place.id, "LOC")
    assert edit.remove.events == () and proj.annotations.events(doc, ANN) == [event]


def test_deleting_an_argument_and_relabelling_the_trigger_in_one_edit(
    proj: Project, doc: int
) -> None:
    event, target, place = attack(proj, doc)
    trigger = proj.annotations.span(event.trigger_id)
    assert trigger is not None
    edit = Edit(
        doc, ANN, Bundle((trigger, place)), Bundle((replace(trigger, label="Life.Injure"),))
    )
    proj.annotations.apply(edit)
    (stored,) = proj.annotations.events(doc, ANN)
    # Life.Injure has no Target either: both arguments are gone, the event stays
    assert (stored.type, stored.arguments) == ("Life.Injure", ())
    assert [s.id for s in proj.annotations.spans(doc, ANN)] == [trigger.id, target.id]


@pytest.mark.parametrize("end", [0, 1])
def test_deleting_either_end_of_a_relation_deletes_the_relation(
    proj: Project, doc: int, end: int
) -> None:
    hama, aleppo = tag(proj, doc, "حماة", "GPE"), tag(proj, doc, "حلب", "GPE")
    (rel,) = add(proj, doc, Relation(0, doc, ANN, "PART-WHOLE", hama.id, aleppo.id)).add.relations
    gone = proj.annotations.delete_spans([(hama, aleppo)[end].id])
    assert gone.remove.relations == (rel,)
    assert proj.annotations.relations(doc, ANN) == []


def test_deleting_both_ends_of_a_relation_removes_it_once_and_undo_restores_it(
    proj: Project, doc: int
) -> None:
    hama, aleppo = tag(proj, doc, "حماة", "GPE"), tag(proj, doc, "حلب", "GPE")
    (rel,) = add(proj, doc, Relation(0, doc, ANN, "PART-WHOLE", hama.id, aleppo.id)).add.relations
    gone = proj.annotations.delete_spans([hama.id, aleppo.id])
    assert gone.remove.relations == (rel,)
    proj.annotations.apply(gone.inverse(), Origin.UNDO)
    assert proj.annotations.relations(doc, ANN) == [rel]


def test_an_edit_that_removes_a_trigger_and_its_event_itself_is_not_doubled(
    proj: Project, doc: int
) -> None:
    event, target, place = attack(proj, doc)
    trigger = proj.annotations.span(event.trigger_id)
    assert trigger is not None
    hama_rel = Relation(0, doc, ANN, "PART-WHOLE", place.id, target.id)
    (rel,) = add(proj, doc, hama_rel).add.relations
    edit = Edit(doc, ANN, Bundle((trigger, place), (event,), (rel,)))
    done = proj.annotations.apply(edit)
    assert (done.remove.events, done.remove.relations) == ((event,), (rel,))
    proj.annotations.apply(done.inverse(), Origin.UNDO)
    assert proj.annotations.events(doc, ANN) == [event]
    assert proj.annotations.relations(doc, ANN) == [rel]


def test_an_edit_that_removes_one_event_itself_still_cascades_into_the_next(
    proj: Project, doc: int
) -> None:
    """Removing event 1 with its trigger and the Place of event 2: event 2 loses its Place."""
    first = tag(proj, doc, "قرب", ATTACK)
    (one,) = add(proj, doc, Event(0, doc, ANN, ATTACK, first.id)).add.events
    event, _target, place = attack(proj, doc)
    assert one.id < event.id
    done = proj.annotations.apply(Edit(doc, ANN, Bundle((first, place), (one,))))
    (left,) = proj.annotations.events(doc, ANN)
    assert (left.id, [a.role for a in left.arguments]) == (event.id, ["Target"])
    proj.annotations.apply(done.inverse(), Origin.UNDO)
    assert proj.annotations.events(doc, ANN) == [one, event]
