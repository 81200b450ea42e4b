"""Tests for mutants of the merge's write steps that the other tests let live (make mutate).

A merge of another project file (services/merge.py) ends in one call of
``WriteService.merge_layers`` with a :class:`MergeBatch`; these tests make that batch
themselves, so each merge takes milliseconds instead of the seconds a whole file takes (the
selection that ``make mutate`` runs for every mutant of the merge stays fast). A real
project file, the real write service; they check what the user sees: the layers, statuses
and notes stored, what the report says of each layer, the sentence of a refusal.

docs/mutation-testing.md lists the mutant each one kills.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from annotator.core.errors import MergeCancelled, SchemaError, StaleEditError
from annotator.core.merge import IncomingLayer, MergedLayer, Person, merge_key
from annotator.core.model import Bundle, Span, Status
from annotator.core.text import text_sha256
from annotator.services.project import Project, open_project
from annotator.services.write import MergeBatch, NewDocument
from tests.conftest import BOTH

BACKENDS = BOTH

TEXT = "قصفت الطائـــرات\u00a0مدينةَ حماة قرب حلب\u200cالشهباء 😀 في 2024 (Reuters)"
NAME = "حماة 😀.txt"
SHA = text_sha256(TEXT)
BADR = Person("badr", "human", "uid-badr")
CARL = Person("carl", "human", "uid-carl")


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def layer(
    *words: str, status: Status = Status.IN_PROGRESS, note: str = "", person: Person = BADR
) -> IncomingLayer:
    """``person``'s layer in the other file: a GPE span on each word (local ids 1, 2, ...)."""
    spans = tuple(Span(i, 1, person.name, *at(w), "GPE") for i, w in enumerate(words, 1))
    return IncomingLayer(SHA, NAME, person, Bundle(spans), status, note)


def batch(*layers: IncomingLayer, **other: object) -> MergeBatch:
    people = tuple(dict.fromkeys(la.person for la in layers))
    return MergeBatch((NewDocument(NAME, TEXT, SHA),), people, layers, **other)  # type: ignore[arg-type]


def words(proj: Project, doc: int, who: str = "badr") -> list[str]:
    return sorted(TEXT[s.start : s.end] for s in proj.annotations.spans(doc, who))


def test_a_merge_cancelled_at_its_second_layer_stores_nothing(proj: Project) -> None:
    asked: list[tuple[int, int, str]] = []

    def progress(index: int, total: int, doc_name: str) -> bool:
        asked.append((index, total, doc_name))
        return index < 1

    with pytest.raises(MergeCancelled) as cancelled:
        proj.write.merge_layers(batch(layer("حماة"), layer("حلب", person=CARL)), progress)
    assert str(cancelled.value) == "The merge was cancelled; this file was not merged."
    assert asked == [(0, 2, NAME), (1, 2, NAME)]
    assert (proj.documents.document_ids(), proj.annotators()) == ([], [])


def test_a_cancel_after_the_last_layer_is_asked_once_more_before_the_commit(
    proj: Project,
) -> None:
    asked: list[tuple[int, int, str]] = []

    def progress(index: int, total: int, doc_name: str) -> bool:
        asked.append((index, total, doc_name))
        return len(asked) <= 2  # Cancel pressed while the layers were validated

    with pytest.raises(MergeCancelled) as cancelled:
        proj.write.merge_layers(batch(layer("حماة"), layer("حلب", person=CARL)), progress)
    assert str(cancelled.value) == "The merge was cancelled; this file was not merged."
    assert asked == [(0, 2, NAME), (1, 2, NAME), (1, 2, NAME)]  # the last report again
    assert (proj.documents.document_ids(), proj.annotators()) == ([], [])


def test_a_newer_version_of_a_merged_layer_replaces_it_with_status_and_note(
    proj: Project,
) -> None:
    (first,) = proj.write.merge_layers(batch(layer("حماة", note="أولى"))).layers
    doc = first.doc_id
    assert first == MergedLayer(doc, NAME, "badr", "added", False)
    done = proj.write.merge_layers(batch(layer("حماة", "حلب", status=Status.DONE, note="ثانية")))
    assert done.layers == (MergedLayer(doc, NAME, "badr", "updated", False),)
    assert words(proj, doc) == sorted(["حماة", "حلب"])
    assert proj.documents.status(doc, "badr") is Status.DONE
    assert proj.annotations.document_note(doc, "badr") == "ثانية"


def test_a_newer_version_whose_note_alone_changed_replaces_the_note(proj: Project) -> None:
    (first,) = proj.write.merge_layers(batch(layer("حماة", note="أولى"))).layers
    done = proj.write.merge_layers(batch(layer("حماة", note="ثانية 📝")))
    assert [m.action for m in done.layers] == ["updated"]
    assert proj.annotations.document_note(first.doc_id, "badr") == "ثانية 📝"
    assert words(proj, first.doc_id) == ["حماة"]


def test_a_merge_records_the_version_under_the_persons_identity(proj: Project) -> None:
    (first,) = proj.write.merge_layers(batch(layer("حماة"), layer("حلب", person=CARL))).layers[:1]
    for uid in ("uid-badr", "uid-carl"):
        assert proj.repo.meta(merge_key(uid, first.doc_id)) is not None
    assert proj.repo.meta(merge_key("None", first.doc_id)) is None


def test_a_layer_here_equal_to_one_never_merged_is_the_same(proj: Project) -> None:
    doc, _created = proj.documents.add_text(NAME, TEXT)
    proj.annotations.create_span(doc, "badr", *at("حماة"), "GPE")  # badr starts the document
    (uid,) = [u for name, _kind, u in proj.repo.identities() if name == "badr"]
    done = proj.write.merge_layers(batch(layer("حماة", person=Person("badr", "human", uid))))
    assert done.layers == (MergedLayer(doc, NAME, "badr", "same", False),)
    assert done.change.is_empty()


def test_a_layer_holding_only_a_status_here_is_kept_against_one_never_merged(
    proj: Project,
) -> None:
    doc, _created = proj.documents.add_text(NAME, TEXT)
    proj.documents.set_status(doc, "badr", Status.DONE)
    (uid,) = [u for name, _kind, u in proj.repo.identities() if name == "badr"]
    done = proj.write.merge_layers(batch(layer("حماة", person=Person("badr", "human", uid))))
    assert done.layers == (MergedLayer(doc, NAME, "badr", "kept", False),)
    assert words(proj, doc) == []
    assert proj.documents.status(doc, "badr") is Status.DONE


STALE = (
    "The project changed while the merge was being planned (annotators were added); "
    "nothing of this file was merged. Run the merge again."
)


def test_a_merge_planned_for_a_name_taken_since_is_refused(proj: Project) -> None:
    doc, _created = proj.documents.add_text(NAME, TEXT)
    proj.documents.set_status(doc, "badr", Status.DONE)  # another badr, another identity
    with pytest.raises(StaleEditError) as refused:
        proj.write.merge_layers(batch(layer("حماة")))
    assert str(refused.value) == STALE
    assert words(proj, doc) == []


def test_a_merge_planned_for_a_person_renamed_since_is_refused(proj: Project) -> None:
    proj.write.merge_layers(batch(layer("حماة")))
    with pytest.raises(StaleEditError) as refused:
        proj.write.merge_layers(batch(layer("حلب", person=replace(BADR, name="bader"))))
    assert str(refused.value) == STALE
    assert [name for name, _kind in proj.annotators()] == ["badr"]


def test_a_gold_layer_merged_into_a_project_without_one_stays_gold(proj: Project) -> None:
    gold = Person("gold", "gold", "uid-gold")
    proj.write.merge_layers(batch(layer("حماة", status=Status.DONE, person=gold)))
    assert proj.annotators() == [("gold", "gold")]


def test_a_merge_stores_the_schema_it_planned(proj: Project) -> None:
    first = proj.write.schema
    proj.write.merge_layers(
        batch(layer("حماة"), schema_before=first, schema_after=replace(first, role_check="strict"))
    )
    assert proj.write.schema.role_check == "strict"
    again = open_project(proj.path)
    try:
        assert again.write.schema.role_check == "strict"
    finally:
        again.close()


def test_a_merge_planned_over_a_schema_changed_since_is_refused(proj: Project) -> None:
    first = proj.write.schema
    proj.write.replace_schema(replace(first, role_check="strict"))
    planned = batch(layer("حماة"), schema_before=first, schema_after=replace(first, name="x"))
    with pytest.raises(SchemaError, match="^The schema changed since this step was made"):
        proj.write.merge_layers(planned)
    assert proj.write.schema.role_check == "strict"
    assert proj.documents.document_ids() == []


def test_a_merge_is_logged_as_an_import_under_its_description(proj: Project) -> None:
    proj.foreign_changes()
    done = proj.write.merge_layers(batch(layer("حماة"), description="Merge laptop 2.sqlite"))
    doc = done.layers[0].doc_id
    assert proj.foreign_changes() == [
        ("import", doc, None, f"Add {NAME}"),
        ("import", doc, "badr", "Merge laptop 2.sqlite"),
    ]
    assert proj.documents.status(doc, "badr") is Status.IN_PROGRESS


def test_a_newer_version_over_a_layer_changed_here_says_it_replaced_local_work(
    proj: Project,
) -> None:
    (first,) = proj.write.merge_layers(batch(layer("حماة"))).layers
    proj.annotations.create_span(first.doc_id, "badr", *at("قصفت"), "GPE")  # badr, here
    done = proj.write.merge_layers(batch(layer("حماة", "حلب")))
    assert done.layers == (MergedLayer(first.doc_id, NAME, "badr", "updated", True),)
    assert words(proj, first.doc_id) == sorted(["حماة", "حلب"])


def test_an_older_copy_of_a_merged_layer_never_replaces_the_newer(proj: Project) -> None:
    (first,) = proj.write.merge_layers(batch(layer("حماة"))).layers
    proj.write.merge_layers(batch(layer("حماة", "حلب", status=Status.DONE)))
    older = proj.write.merge_layers(batch(layer("حماة")))  # a file made before the last merge
    assert older.layers == ()
    assert words(proj, first.doc_id) == sorted(["حماة", "حلب"])
    assert proj.documents.status(first.doc_id, "badr") is Status.DONE


def test_the_report_before_the_commit_names_the_last_layers_document(proj: Project) -> None:
    """The last progress report, given again just before the commit, names the document of
    the last layer, not another one (``merge_layers`` mutants 89 and 90: ``layers[+1]``,
    ``layers[-2]``; every other test's layers were all on one document)."""
    other_text = TEXT.replace("حماة", "حمص")
    other_name = "حمص 2024.txt"
    other_sha = text_sha256(other_text)
    start = other_text.index("حمص")
    on_other = IncomingLayer(
        other_sha,
        other_name,
        BADR,
        Bundle((Span(1, 1, "badr", start, start + 3, "GPE"),)),
        Status.IN_PROGRESS,
        "",
    )
    asked: list[tuple[int, int, str]] = []

    def progress(index: int, total: int, doc_name: str) -> bool:
        asked.append((index, total, doc_name))
        return True

    documents = (NewDocument(NAME, TEXT, SHA), NewDocument(other_name, other_text, other_sha))
    layers = (layer("حماة"), on_other, layer("حلب", person=CARL))
    proj.write.merge_layers(MergeBatch(documents, (BADR, CARL), layers), progress)
    assert asked == [(0, 3, NAME), (1, 3, other_name), (2, 3, NAME), (2, 3, NAME)]
    assert len(proj.documents.document_ids()) == 2
