"""Tests for mutants of the write service's deletions and schema steps that the other tests
let live (make mutate): a real project file, the real write service, what a user sees.

docs/mutation-testing.md lists the mutant each one kills.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core import schema_add
from annotator.core.change import Change, Origin
from annotator.core.errors import AnnotatorKindError, EventError, SpanError, StaleEditError
from annotator.core.location import Location
from annotator.core.merge import merge_key
from annotator.core.model import Argument, Bundle, Edit, Event, Relation, Span, Status
from annotator.core.multiword import MULTIWORD_PREFIX, Multiword, decode, multiword_key
from annotator.core.schema import NOTE, Label, Schema
from annotator.core.text import text_sha256
from annotator.core.tokens import WordTokens, tokenizer_id, word_tokens
from annotator.services.project import Project, open_project
from annotator.services.write import LayerImport, NewDocument
from tests.conftest import BOTH

BACKENDS = BOTH

TEXT = "قصفت الطائـــرات\u00a0مدينةَ حماة قرب حلب\u200cالشهباء 😀 في 2024 (Reuters)"
ATTACK = "Conflict.Attack"
OTHER = "وصل الوفـــد\u00a0إلى دمشقَ\u200cالشام 🚗 في 2025 (AFP)"


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def doc(proj: Project) -> int:
    doc_id, _created = proj.documents.add_text("حماة 😀.txt", TEXT)
    return doc_id


def tag(proj: Project, doc: int, word: str, who: str = "amal") -> None:
    proj.annotations.create_span(doc, who, *at(word), "GPE")


# -- deleting a document or a layer (service.delete, deletion.py) -------------------------------


def test_a_deletion_confirmed_before_the_document_changed_is_refused(
    proj: Project, doc: int
) -> None:
    tag(proj, doc, "حماة")
    confirmed = proj.write.plan_deletion(doc)
    tag(proj, doc, "حلب", who="badr")  # another window, while the dialog was open
    with pytest.raises(StaleEditError) as refused:
        proj.write.delete(doc, expected=confirmed)
    assert str(refused.value) == (
        "The document changed since the deletion was confirmed; nothing was deleted. "
        "Try again to see what would go now."
    )
    assert proj.documents.document(doc).text == TEXT
    assert len(proj.annotations.spans(doc, "badr")) == 1


def test_deleting_a_document_takes_its_merge_records_and_leaves_the_others(
    proj: Project, doc: int
) -> None:
    other, _created = proj.documents.add_text("دمشق.txt", OTHER)
    mine, theirs = merge_key("uid-badr", doc), merge_key("uid-badr", other)
    proj.write.set_meta(mine, "fingerprint-1")  # as a merge of badr's layers leaves them
    proj.write.set_meta(theirs, "fingerprint-2")
    done = proj.write.delete(doc)
    assert proj.repo.meta(mine) is None
    assert proj.repo.meta(theirs) == "fingerprint-2"
    proj.write.apply(done.inverse())
    assert (proj.repo.meta(mine), proj.repo.meta(theirs)) == ("fingerprint-1", "fingerprint-2")


def test_deleting_a_layer_that_holds_only_a_note_adds_no_annotator(proj: Project, doc: int) -> None:
    proj.annotations.set_document_note(doc, "amal", "نصٌّ غامض\u200cجدًّا")
    done = proj.write.delete(doc, "amal")
    assert proj.annotations.document_note(doc, "amal") == ""
    assert proj.annotators() == []
    assert done.statuses == ()
    assert proj.documents.status(doc, "amal") is Status.NEW


def test_redoing_a_layer_deletion_keeps_a_note_written_after_it(proj: Project, doc: int) -> None:
    tag(proj, doc, "حماة")  # a layer with a span and no note
    done = proj.write.delete(doc, "amal")
    proj.write.apply(done.inverse())
    proj.annotations.set_document_note(doc, "amal", "راجعتُه 👍")
    proj.write.apply(done.as_replay())  # redo
    assert proj.annotations.spans(doc, "amal") == []
    assert proj.annotations.document_note(doc, "amal") == "راجعتُه 👍"


def test_undoing_a_document_deletion_after_its_text_came_back_is_refused(
    proj: Project, doc: int
) -> None:
    done = proj.write.delete(doc)
    again, _created = proj.documents.add_text("نسخة.txt", TEXT)
    with pytest.raises(StaleEditError) as refused:
        proj.write.apply(done.inverse())
    assert str(refused.value) == (
        "This step can no longer be undone: the text of «حماة 😀.txt» "
        "was added to the project again since."
    )
    assert proj.documents.document_ids() == [again]


# -- statuses (service.set_status) -------------------------------------------------------------


def test_a_status_set_here_is_logged_as_a_status_step(proj: Project, doc: int) -> None:
    # a window's undo history ignores status steps (a status is not an undo step), and
    # drops its history for another origin that touches a layer it holds
    proj.foreign_changes()
    proj.write.set_status(doc, "amal", Status.DONE)
    assert proj.foreign_changes() == [("status", doc, "amal", "Done")]


# -- replacing the schema (service.replace_schema) ----------------------------------------------


def test_a_schema_replaced_here_is_reported_to_the_windows_undo_history(proj: Project) -> None:
    proj.foreign_changes()  # what opening the project wrote
    first = proj.write.schema
    proj.write.replace_schema(replace(first, role_check="strict"))
    proj.write.replace_schema(first, "Allow any role")
    assert proj.foreign_changes() == [
        ("schema", None, None, "Replace schema"),
        ("schema", None, None, "Allow any role"),
    ]


def test_undoing_a_schema_replacement_puts_the_old_schema_back(
    proj: Project, project_at: Location
) -> None:
    first = proj.write.schema
    done = proj.write.replace_schema(replace(first, role_check="strict"))
    assert proj.write.schema.role_check == "strict"
    proj.write.apply(done.inverse())
    assert proj.write.schema == first
    again = open_project(project_at)
    try:
        assert again.write.schema == first
    finally:
        again.close()


# -- importing one file's layer (service.import_layers) -----------------------------------------


def imported(*words: str, label: str = "GPE") -> LayerImport:
    spans = tuple(Span(i, 1, "x", *at(w), label) for i, w in enumerate(words, 1))
    return LayerImport(NewDocument("حماة 😀.txt", TEXT, text_sha256(TEXT)), Bundle(spans), "")


def test_an_import_is_logged_under_its_description(proj: Project, doc: int) -> None:
    proj.foreign_changes()
    proj.write.import_layers("amal", [imported("حماة")], replace_layer=False)
    proj.write.import_layers("badr", [imported("حلب")], replace_layer=False, description="Import x")
    assert proj.foreign_changes() == [
        ("import", doc, "amal", "Import"),
        ("import", doc, "badr", "Import x"),
    ]
    assert proj.annotators() == [("amal", "human"), ("badr", "human")]


def test_an_import_into_the_gold_layer_is_refused(proj: Project, doc: int) -> None:
    proj.write.set_status(doc, "gold", Status.IN_PROGRESS, gold=True)
    with pytest.raises(AnnotatorKindError, match="^The annotator 'gold' already exists as a gold"):
        proj.write.import_layers("gold", [imported("حماة")], replace_layer=False)
    assert proj.annotations.spans(doc, "gold") == []
    assert proj.annotators() == [("gold", "gold")]


def test_an_import_adds_the_labels_it_brings_to_the_schema(
    proj: Project, project_at: Location
) -> None:
    def with_weapon(schema: Schema) -> Schema:
        return schema.with_label(Label("سلاح‌ـجديد", "#aa5500"))

    assert proj.write.schema.label("سلاح‌ـجديد") is None
    proj.write.import_layers(
        "amal",
        [imported("الطائـــرات", label="سلاح‌ـجديد")],
        replace_layer=False,
        new_labels=with_weapon,
    )
    assert proj.write.schema.label("سلاح‌ـجديد") is not None
    (stored,) = proj.annotations.spans(1, "amal")
    assert (TEXT[stored.start : stored.end], stored.label) == ("الطائـــرات", "سلاح‌ـجديد")
    again = open_project(project_at)
    try:
        assert again.write.schema.label("سلاح‌ـجديد") is not None
    finally:
        again.close()


def test_an_import_that_adds_labels_reports_them_and_one_that_adds_none_names_no_schema(
    proj: Project, doc: int
) -> None:
    before = proj.write.schema

    def with_weapon(schema: Schema) -> Schema:
        return schema.with_label(Label("سلاح‌ـجديد", "#aa5500"))

    done = proj.write.import_layers(
        "amal",
        [imported("الطائـــرات", label="سلاح‌ـجديد")],
        replace_layer=False,
        new_labels=with_weapon,
    )
    assert done.schema_before == before and done.schema_after == proj.write.schema
    # what the import's report says (services.transfer): the labels the file added
    assert schema_add.summary(done.schema_before, done.schema_after) == (
        "Added to the schema: labels سلاح‌ـجديد."
    )
    plain = proj.write.import_layers("badr", [imported("حماة")], replace_layer=False)
    assert (plain.schema_before, plain.schema_after) == (None, None)


def test_an_import_stores_its_relations_and_refuses_one_to_a_span_not_in_the_file(
    proj: Project, doc: int
) -> None:
    city, town = imported("حماة", "حلب").bundle.spans
    near = Relation(0, 1, "x", "PHYS", city.id, town.id)
    item = replace(imported("حماة", "حلب"), bundle=Bundle((city, town), (), (near,)))
    proj.write.import_layers("amal", [item], replace_layer=False)
    (stored,) = proj.annotations.relations(doc, "amal")
    ends = {s.id: TEXT[s.start : s.end] for s in proj.annotations.spans(doc, "amal")}
    assert (stored.type, ends[stored.arg1_id], ends[stored.arg2_id]) == ("PHYS", "حماة", "حلب")
    dangling = replace(item, bundle=Bundle((town,), (), (replace(near, arg1_id=9),)))
    with pytest.raises(SpanError) as refused:
        proj.write.import_layers("badr", [dangling], replace_layer=False)
    assert str(refused.value) == "annotations refer to spans not in the file: [9]."
    assert proj.annotations.spans(doc, "badr") == []


def test_added_documents_are_announced_as_an_import(proj: Project, doc: int) -> None:
    heard: list[Change] = []
    proj.write.changed.connect(heard.append)
    text = "نصٌّ ثانٍ عن دمشق\u00a0الفيحاء 🌙 رقم 7 (SANA) وطن\u200cـنا"
    found = proj.write.add_documents(
        [
            NewDocument("again.txt", TEXT, text_sha256(TEXT)),
            NewDocument("b", text, text_sha256(text)),
        ]
    )
    new = found[1][0]
    assert found == [(doc, False), (new, True)]
    assert [(c.origin, c.new_documents) for c in heard] == [(Origin.IMPORT, (new,))]


# -- a new document's tokens (service._document_for, ADR 0015) ----------------------------------


def spans(tokens: WordTokens | str) -> list[tuple[str, int, int]]:
    """Each token with its offsets (of ``tokens``, or of the tokens made for a text)."""
    made = word_tokens(tokens) if isinstance(tokens, str) else tokens
    return list(zip(made.words, made.starts, made.ends, strict=True))


def test_a_document_added_after_a_deletion_gets_its_own_tokens(proj: Project, doc: int) -> None:
    second, _created = proj.documents.add_text("دمشق.txt", OTHER)
    proj.write.delete(second)  # the next document id (3) is no longer the next tokens row
    third = "مدينةٌ ثالثـــة\u00a0قرب\u200cالبحر 🌊 عام 1999 (Latin)"
    ((new, _created),) = proj.write.add_documents([NewDocument("3.txt", third, text_sha256(third))])
    stored = proj.repo.stored_tokens([doc, new], tokenizer_id())
    assert {d: spans(t) for d, t in stored.items()} == {doc: spans(TEXT), new: spans(third)}


@pytest.mark.sqlite_only("another program's BEGIN IMMEDIATE on the project file")
def test_a_document_deleted_after_its_tokens_were_skipped_gets_tokens_made_in_the_transaction(
    proj: Project, doc: int, db_path: Path
) -> None:
    # tokens are made ahead, outside the write lock, only for texts the project lacks: this
    # one is there when read ahead, and deleted by another program before the write begins
    other = open_project(db_path)
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN IMMEDIATE")

    def meanwhile(attempt: int) -> bool:
        holder.rollback()
        other.write.delete(doc)
        return attempt < 2

    proj.write.busy = meanwhile
    try:
        ((again, created),) = proj.write.add_documents(
            [NewDocument("حماة 😀.txt", TEXT, text_sha256(TEXT))]
        )
    finally:
        holder.close()
        other.close()
    assert created and again != doc
    stored = proj.repo.stored_tokens([again], tokenizer_id())
    assert {d: spans(t) for d, t in stored.items()} == {again: spans(TEXT)}


# -- one span twice in one role (core/validate.py: _check_event) --------------------------------


def test_one_span_twice_in_one_role_is_refused_by_validation(proj: Project, doc: int) -> None:
    (trigger,) = proj.annotations.create_span(doc, "amal", *at("قصفت"), "Conflict.Attack").add.spans
    tag(proj, doc, "حماة")
    (city,) = [s for s in proj.annotations.spans(doc, "amal") if s.label == "GPE"]
    twice = (Argument("Place", city.id), Argument("Place", city.id))
    event = Event(0, doc, "amal", "Conflict.Attack", trigger.id, twice)
    with pytest.raises(EventError) as refused:
        proj.annotations.apply(Edit(doc, "amal", add=Bundle(events=(event,))))
    assert str(refused.value) == "That span already fills Place."
    assert proj.annotations.events(doc, "amal") == []


def test_an_import_announces_the_documents_it_added(proj: Project) -> None:
    heard: list[Change] = []
    proj.write.changed.connect(heard.append)
    proj.write.import_layers("amal", [imported("حماة")], replace_layer=False)
    (doc,) = proj.documents.document_ids()
    assert [c.new_documents for c in heard] == [(doc,)]


def test_an_imported_treebank_document_keeps_its_multiword_tokens_under_its_own_id(
    proj: Project,
) -> None:
    proj.documents.add_text("أول.txt", OTHER)  # so the new document's id is not 1
    start, end = at("حماة")
    words = (Multiword(start, end, ("ح", "ماة\u200c")), Multiword(end + 1, end + 4, ("قر", "ب")))
    item = LayerImport(NewDocument("حماة 😀.conllu", TEXT, text_sha256(TEXT), words), Bundle(), "")
    proj.write.import_layers("amal", [item], replace_layer=False)
    (doc,) = proj.documents.ids_with_name("حماة 😀.conllu")
    assert doc != 1
    stored = proj.repo.metas(MULTIWORD_PREFIX)
    expected = f'[[{start},{end},["ح","ماة\u200c"]],[{end + 1},{end + 4},["قر","ب"]]]'
    assert stored == {multiword_key(doc): expected}
    assert decode(stored[multiword_key(doc)], len(TEXT)) == words


def test_a_note_on_a_span_whose_event_strict_mode_would_refuse_is_still_saved(
    proj: Project, doc: int
) -> None:
    # the event was made before strict mode; only relabelling the span checks it again
    (trigger,) = proj.annotations.create_span(doc, "amal", *at("قصفت"), "Conflict.Attack").add.spans
    (when,) = proj.annotations.create_span(doc, "amal", *at("2024"), "TIME").add.spans
    event = Event(0, doc, "amal", "Conflict.Attack", trigger.id, (Argument("Place", when.id),))
    proj.annotations.apply(Edit(doc, "amal", add=Bundle(events=(event,))))
    proj.write.replace_schema(replace(proj.write.schema, role_check="strict"))
    proj.annotations.set_note(when.id, "سنةٌ لا مكان 📅")
    stored = proj.annotations.span(when.id)
    assert stored is not None and stored.attributes == {NOTE: "سنةٌ لا مكان 📅"}


def attack_on(proj: Project, doc: int, trigger_word: str, place: Span) -> Event:
    (trigger,) = proj.annotations.create_span(doc, "amal", *at(trigger_word), ATTACK).add.spans
    event = Event(0, doc, "amal", ATTACK, trigger.id, (Argument("Place", place.id),))
    (stored,) = proj.annotations.apply(Edit(doc, "amal", add=Bundle(events=(event,)))).add.events
    return stored


def test_strict_mode_relabels_a_place_with_the_event_that_used_it_removed(
    proj: Project, doc: int
) -> None:
    (city,) = proj.annotations.create_span(doc, "amal", *at("حماة"), "GPE").add.spans
    event = attack_on(proj, doc, "قصفت", city)
    proj.write.replace_schema(replace(proj.write.schema, role_check="strict"))
    relabelled = replace(city, label="TIME")
    edit = Edit(doc, "amal", remove=Bundle((city,), (event,)), add=Bundle((relabelled,)))
    proj.annotations.apply(edit)
    assert [s.label for s in proj.annotations.spans(doc, "amal") if s.id == city.id] == ["TIME"]
    assert [e.id for e in proj.annotations.events(doc, "amal")] == []


def test_strict_mode_checks_every_kept_event_after_one_the_edit_removes(
    proj: Project, doc: int
) -> None:
    (city,) = proj.annotations.create_span(doc, "amal", *at("حماة"), "GPE").add.spans
    first = attack_on(proj, doc, "قصفت", city)
    second = attack_on(proj, doc, "الطائـــرات", city)
    proj.write.replace_schema(replace(proj.write.schema, role_check="strict"))
    edit = Edit(
        doc, "amal", remove=Bundle((city,), (first,)), add=Bundle((replace(city, label="TIME"),))
    )
    with pytest.raises(EventError) as refused:
        proj.annotations.apply(edit)
    assert str(refused.value) == (
        f"Refused (strict role checks): Place of {ATTACK} allows GPE, LOC, FAC, not TIME."
    )
    assert [e.id for e in proj.annotations.events(doc, "amal")] == [first.id, second.id]


def test_strict_mode_checks_only_the_relabelled_argument_of_a_kept_event(
    proj: Project, doc: int
) -> None:
    # the event was made before strict mode with a TIME span in Place; an edit that relabels
    # its Attacker checks the Attacker, and leaves the old Place as it is
    (city,) = proj.annotations.create_span(doc, "amal", *at("حماة"), "GPE").add.spans
    (when,) = proj.annotations.create_span(doc, "amal", *at("2024"), "TIME").add.spans
    (trigger,) = proj.annotations.create_span(doc, "amal", *at("قصفت"), ATTACK).add.spans
    args = (Argument("Attacker", city.id), Argument("Place", when.id))
    proj.annotations.apply(
        Edit(doc, "amal", add=Bundle(events=(Event(0, doc, "amal", ATTACK, trigger.id, args),)))
    )
    proj.write.replace_schema(replace(proj.write.schema, role_check="strict"))
    noted = replace(when, attributes={NOTE: "سنةٌ لا مكان 📅"})
    both = Edit(doc, "amal", Bundle((city, when)), Bundle((replace(city, label="ORG"), noted)))
    proj.annotations.apply(both)  # one edit: the Attacker relabelled, a note on the Place
    labels = {s.id: (s.label, s.attributes) for s in proj.annotations.spans(doc, "amal")}
    assert labels[city.id] == ("ORG", {})
    assert labels[when.id] == ("TIME", {NOTE: "سنةٌ لا مكان 📅"})


def test_strict_mode_leaves_an_older_relation_whose_end_only_moves(proj: Project, doc: int) -> None:
    # a PART-WHOLE to a TIME span, made before strict mode; one edit moves its first end (same
    # label) and relabels another span: only relations of the relabelled span are checked again
    (city,) = proj.annotations.create_span(doc, "amal", *at("حماة"), "GPE").add.spans
    (when,) = proj.annotations.create_span(doc, "amal", *at("2024"), "TIME").add.spans
    (near,) = proj.annotations.create_span(doc, "amal", *at("حلب"), "GPE").add.spans
    rel = Relation(0, doc, "amal", "PART-WHOLE", city.id, when.id)
    (rel,) = proj.annotations.apply(Edit(doc, "amal", add=Bundle(relations=(rel,)))).add.relations
    proj.write.replace_schema(replace(proj.write.schema, role_check="strict"))
    start, end = at("مدينةَ حماة")
    moved, loc = replace(city, start=start, end=end), replace(near, label="LOC")
    proj.annotations.apply(Edit(doc, "amal", Bundle((city, near)), Bundle((moved, loc))))
    spans = {s.id: (s.start, s.end, s.label) for s in proj.annotations.spans(doc, "amal")}
    assert spans[city.id] == (start, end, "GPE") and spans[near.id][2] == "LOC"
    assert proj.annotations.relations(doc, "amal") == [rel]


def test_strict_mode_checks_every_kept_relation_after_one_the_edit_removes(
    proj: Project, doc: int
) -> None:
    (city,) = proj.annotations.create_span(doc, "amal", *at("حماة"), "GPE").add.spans
    (near,) = proj.annotations.create_span(doc, "amal", *at("حلب"), "GPE").add.spans
    (whole,) = proj.annotations.create_span(doc, "amal", *at("الشهباء"), "GPE").add.spans
    first = Relation(0, doc, "amal", "PART-WHOLE", city.id, whole.id)
    second = Relation(0, doc, "amal", "PART-WHOLE", near.id, whole.id)
    made = proj.annotations.apply(Edit(doc, "amal", add=Bundle(relations=(first, second))))
    first, second = made.add.relations
    proj.write.replace_schema(replace(proj.write.schema, role_check="strict"))
    edit = Edit(
        doc,
        "amal",
        remove=Bundle((whole,), relations=(first,)),
        add=Bundle((replace(whole, label="TIME"),)),
    )
    with pytest.raises(EventError) as refused:
        proj.annotations.apply(edit)
    assert str(refused.value) == (
        "Refused (strict role checks): PART-WHOLE: its second end allows "
        "FAC, LOC, GPE, ORG, VEH, WEA, not TIME."
    )
    assert proj.annotations.relations(doc, "amal") == [first, second]


def test_strict_mode_checks_the_event_a_relabelled_trigger_takes_along(
    proj: Project, doc: int
) -> None:
    # the cascade gives the event the new type and keeps its Entity, which Demonstrate
    # allows only for people and organizations
    (city,) = proj.annotations.create_span(doc, "amal", *at("حماة"), "GPE").add.spans
    (trigger,) = proj.annotations.create_span(doc, "amal", *at("قرب"), "Contact.Meet").add.spans
    meet = Event(0, doc, "amal", "Contact.Meet", trigger.id, (Argument("Entity", city.id),))
    (meet,) = proj.annotations.apply(Edit(doc, "amal", add=Bundle(events=(meet,)))).add.events
    proj.write.replace_schema(replace(proj.write.schema, role_check="strict"))
    with pytest.raises(EventError) as refused:
        proj.annotations.relabel_span(trigger.id, "Conflict.Demonstrate")
    assert str(refused.value) == (
        "Refused (strict role checks): Entity of Conflict.Demonstrate allows PER, ORG, not GPE."
    )
    assert proj.annotations.events(doc, "amal") == [meet]


def test_deleting_a_place_with_one_of_its_events_leaves_the_other_event_without_it(
    proj: Project, doc: int
) -> None:
    (city,) = proj.annotations.create_span(doc, "amal", *at("حماة"), "GPE").add.spans
    first = attack_on(proj, doc, "قصفت", city)
    second = attack_on(proj, doc, "الطائـــرات", city)
    proj.annotations.apply(Edit(doc, "amal", remove=Bundle((city,), (first,))))
    assert proj.annotations.events(doc, "amal") == [replace(second, arguments=())]
    assert [s.label for s in proj.annotations.spans(doc, "amal")] == [ATTACK, ATTACK]
