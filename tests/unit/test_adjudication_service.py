"""The gold layer in a real SQLite project: kind, pre-merge, accept and undo, curation."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from annotator.core.adjudicate import AdjudicationError, Strategy, UnitKind
from annotator.core.errors import AnnotatorKindError
from annotator.core.model import Bundle, Edit, Span
from annotator.core.positions import CodePoint
from annotator.services import adjudication as adj
from annotator.services.project import Project, open_project
from annotator.services.write import LayerImport, NewDocument
from tests.adjudication_corpus import ARMY, ATTACK, TEXT, at, store


@pytest.fixture
def team(db_path: Path) -> Iterator[Project]:
    project = open_project(db_path)
    store(project)
    yield project
    project.close()


def _doc(project: Project) -> int:
    return project.documents.find_by_names(["adjud_001"])["adjud_001"]


def _kinds(db_path: Path) -> dict[str, str]:
    with sqlite3.connect(db_path) as con:
        return dict(con.execute("SELECT name, kind FROM annotators").fetchall())


def _gold_spans(project: Project, doc_id: int) -> set[tuple[int, int, str]]:
    return {(s.start, s.end, s.label) for s in project.annotations.spans(doc_id, "gold")}


def test_premerge_creates_a_gold_kind_layer_in_the_database(team: Project, db_path: Path) -> None:
    doc_id = _doc(team)
    report = adj.premerge(team, [doc_id], Strategy.parse("majority:2"))
    assert _kinds(db_path) == {"amal": "human", "badr": "human", "carim": "human", "gold": "gold"}
    assert team.gold_annotator() == "gold"
    (doc,) = report.documents
    assert doc.added[UnitKind.SPAN] == 5 and doc.added[UnitKind.ARGUMENT] == 2
    assert len(doc.left) == 1
    (event,) = team.annotations.events(doc_id, "gold")
    assert {a.role for a in event.arguments} == {"Attacker", "Instrument"}
    assert len(team.annotations.relations(doc_id, "gold")) == 1


def test_premerge_twice_adds_nothing_the_second_time(team: Project) -> None:
    doc_id = _doc(team)
    adj.premerge(team, [doc_id], Strategy.parse("unanimous"))
    first = _gold_spans(team, doc_id)
    again = adj.premerge(team, [doc_id], Strategy.parse("unanimous"))
    assert again.change is None and again.documents[0].total_added == 0
    assert _gold_spans(team, doc_id) == first and len(first) == 4


def test_gold_name_of_a_person_is_refused(team: Project) -> None:
    with pytest.raises(AdjudicationError, match="person's layer"):
        adj.premerge(team, [_doc(team)], Strategy(), gold="amal")


def test_store_refuses_a_gold_change_into_a_persons_layer(team: Project, db_path: Path) -> None:
    doc_id = _doc(team)
    span = Span(-1, doc_id, "amal", CodePoint(0), CodePoint(3), "PER")
    from annotator.core.change import Change

    change = Change((Edit(doc_id, "amal", Bundle(), Bundle((span,))),), gold=True)
    with pytest.raises(AnnotatorKindError, match="'amal' already exists as a human layer"):
        team.write.apply(change)
    assert all(s.start != 0 for s in team.annotations.spans(doc_id, "amal"))


def test_import_into_the_gold_layer_is_refused(team: Project) -> None:
    doc_id = _doc(team)
    adj.premerge(team, [doc_id], Strategy())
    doc = team.documents.document(doc_id)
    span = Span(1, doc_id, "gold", CodePoint(0), CodePoint(3), "PER")
    item = LayerImport(NewDocument(doc.name, doc.text, doc.sha256), Bundle((span,)))
    with pytest.raises(AnnotatorKindError, match="'gold' already exists as a gold layer"):
        team.write.import_layers("gold", [item], replace_layer=True)
    assert len(_gold_spans(team, doc_id)) == 4


def test_accept_each_kind_and_undo_with_the_inverse(team: Project) -> None:
    doc_id = _doc(team)
    adj.premerge(team, [doc_id], Strategy.parse("unanimous"))
    before = adj.layer(team, doc_id, "gold")
    found = adj.document_disagreements(team, doc_id)
    army = next(d for d in found if d.kind is UnitKind.SPAN and d.start == at(TEXT, ARMY)[0])
    change = adj.accept(team, doc_id, army, "carim")
    assert (*at(TEXT, ARMY), "GPE") in _gold_spans(team, doc_id)
    place = next(d for d in found if d.kind is UnitKind.ARGUMENT and "Place" in d.describe())
    adj.accept(team, doc_id, place, "badr")
    (event,) = team.annotations.events(doc_id, "gold")
    assert [a.role for a in event.arguments] == ["Place"]
    assert (*at(TEXT, "حماة"), "GPE") in _gold_spans(team, doc_id)  # the argument's span came too
    rel = next(d for d in found if d.kind is UnitKind.RELATION and "ORG-AFF" in d.describe())
    adj.accept(team, doc_id, rel, "amal")  # brings the ORG army span along
    assert len(team.annotations.relations(doc_id, "gold")) == 1
    team.write.apply(change.inverse())  # undo the first accept only
    assert (*at(TEXT, ARMY), "GPE") not in _gold_spans(team, doc_id)
    assert before != adj.layer(team, doc_id, "gold")


def test_accept_nothing_removes_golds_version(team: Project) -> None:
    doc_id = _doc(team)
    adj.premerge(team, [doc_id], Strategy.parse("majority:2"))
    hama = next(
        d
        for d in adj.document_disagreements(team, doc_id)
        if d.kind is UnitKind.SPAN and d.start == at(TEXT, "حماة")[0]
    )
    change = adj.accept(team, doc_id, hama, "amal")  # amal has nothing there
    assert (*at(TEXT, "حماة"), "GPE") not in _gold_spans(team, doc_id)
    team.write.apply(change.inverse())
    assert (*at(TEXT, "حماة"), "GPE") in _gold_spans(team, doc_id)
    (event,) = team.annotations.events(doc_id, "gold")
    assert event.type == ATTACK


def test_finish_agreed_marks_only_documents_without_disagreement(team: Project) -> None:
    doc_id = _doc(team)
    same = "كلمة 😀 Latin 2024"
    other, _ = team.documents.add_text("agreed", same)
    for name in ("amal", "badr", "carim"):
        span = Span(-1, other, name, CodePoint(0), CodePoint(4), "PER")
        team.annotations.apply(Edit(other, name, Bundle(), Bundle((span,))))
    adj.premerge(team, [doc_id, other], Strategy.parse("unanimous"))
    assert adj.finish_agreed(team) == ["agreed"]
    statuses = adj.curation_statuses(team)
    assert statuses[other] is adj.CurationStatus.CURATED
    assert statuses[doc_id] is adj.CurationStatus.OPEN
    assert adj.finish_agreed(team) == []


def test_accept_an_event_trigger_then_its_argument(team: Project) -> None:
    doc_id = _doc(team)
    (event,) = team.annotations.events(doc_id, "carim")
    team.annotations.apply(Edit(doc_id, "carim", Bundle(events=(event,)), Bundle()))
    adj.premerge(team, [doc_id], Strategy.parse("unanimous"))
    assert team.annotations.events(doc_id, "gold") == []
    found = adj.document_disagreements(team, doc_id)
    trigger = next(d for d in found if d.kind is UnitKind.EVENT)
    assert [v.annotators for v in trigger.versions] == [("amal", "badr"), ("carim",)]
    adj.accept(team, doc_id, trigger, "amal")
    (gold_event,) = team.annotations.events(doc_id, "gold")
    assert gold_event.type == ATTACK and gold_event.arguments == ()
    attacker = next(d for d in found if d.kind is UnitKind.ARGUMENT and "Attacker" in d.describe())
    adj.accept(team, doc_id, attacker, "badr")
    (gold_event,) = team.annotations.events(doc_id, "gold")
    (arg,) = gold_event.arguments
    army = team.annotations.span(arg.span_id)
    assert army is not None and (army.start, army.end, army.label) == (*at(TEXT, ARMY), "ORG")


def test_a_second_gold_layer_name_is_refused(team: Project, db_path: Path) -> None:
    doc_id = _doc(team)
    adj.premerge(team, [doc_id], Strategy(), gold="adjudicated")
    with pytest.raises(AdjudicationError, match="already has a gold layer named 'adjudicated'"):
        adj.premerge(team, [doc_id], Strategy(), gold="gold")
    assert _kinds(db_path)["adjudicated"] == "gold" and "gold" not in _kinds(db_path)
    assert adj.curation_status(team, doc_id) is adj.CurationStatus.OPEN
    adj.set_curation_status(team, doc_id, adj.CurationStatus.CURATED)
    assert adj.curation_status(team, doc_id) is adj.CurationStatus.CURATED
    assert team.documents.status(doc_id, "adjudicated").value == "done"


# -- what gold lacks, and whether a gold layer exists, are decided in the write transaction -----
def test_premerge_in_two_windows_adds_each_unit_once(
    team: Project, second_window_first: Callable[[Callable[[Project], object]], None]
) -> None:
    doc_id = _doc(team)
    rule = Strategy.parse("unanimous")
    second_window_first(lambda p: adj.premerge(p, [doc_id], rule))
    report = adj.premerge(team, [doc_id], rule)
    assert report.change is None and report.documents[0].total_added == 0
    assert len(_gold_spans(team, doc_id)) == 4


def test_accept_in_two_windows_is_done_once(
    team: Project, second_window_first: Callable[[Callable[[Project], object]], None]
) -> None:
    doc_id = _doc(team)
    first = adj.document_disagreements(team, doc_id)[0]
    second_window_first(lambda p: adj.accept(p, doc_id, first, "amal"))
    adj.accept(team, doc_id, first, "amal")
    spans = team.annotations.spans(doc_id, "gold")
    assert len({(s.start, s.end, s.label) for s in spans}) == len(spans)


def test_a_second_gold_layer_made_meanwhile_is_refused(
    team: Project,
    db_path: Path,
    second_window_first: Callable[[Callable[[Project], object]], None],
) -> None:
    doc_id = _doc(team)
    second_window_first(lambda p: adj.premerge(p, [doc_id], Strategy(), gold="adjudicated"))
    with pytest.raises(AnnotatorKindError, match="already has a gold layer named 'adjudicated'"):
        adj.premerge(team, [doc_id], Strategy())
    assert [n for n, kind in _kinds(db_path).items() if kind == "gold"] == ["adjudicated"]
