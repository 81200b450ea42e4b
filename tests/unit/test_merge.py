"""Merging laptop projects into a team project: real SQLite files, built through the services."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.core.merge import bundle_key
from annotator.core.model import Bundle, Status
from annotator.services.merge import MergeError, merge_sources, read_sources
from annotator.services.merge_report import MergeReport
from annotator.services.project import Project, open_project
from tests.merge_corpus import TEXTS, dump, laptop, rich_layer, span_layer


def _merge(team: Path, *others: Path, mode: str = "stop") -> MergeReport:
    sources = read_sources(list(others), team)
    project = open_project(team)
    try:
        return merge_sources(project, sources, mode)
    finally:
        project.close()


def _layer(project: Project, doc_name: str, annotator: str) -> str:
    doc_id = project.documents.find_by_names([doc_name])[doc_name]
    ann = project.annotations
    bundle = Bundle(
        tuple(ann.spans(doc_id, annotator)),
        tuple(ann.events(doc_id, annotator)),
        tuple(ann.relations(doc_id, annotator)),
    )
    return bundle_key(bundle)


def _layer_of(path: Path, doc_name: str, annotator: str) -> str:
    project = open_project(path, create=False)
    try:
        return _layer(project, doc_name, annotator)
    finally:
        project.close()


@pytest.fixture
def laptops(tmp_path: Path) -> tuple[Path, Path]:
    """ali on laptop1 (docs a, b) and bob on laptop2 (docs b, c: ids differ from the team's)."""
    one = laptop(tmp_path / "laptop1.db", "ali", [rich_layer("a.txt"), span_layer("b.txt", 3)])
    two = laptop(
        tmp_path / "laptop2.db",
        "bob",
        [rich_layer("c.txt", status="in_progress", note="bob's note"), span_layer("b.txt", 4)],
        docs=("c.txt", "b.txt"),
    )
    return one, two


def test_merging_the_same_files_twice_changes_no_row(
    tmp_path: Path, laptops: tuple[Path, Path]
) -> None:
    team = tmp_path / "team.db"
    first = _merge(team, *laptops)
    assert not first.failed and not first.nothing_new
    assert [len(f.new_documents) for f in first.files] == [2, 1]
    before = dump(team)
    second = _merge(team, *laptops)
    assert second.nothing_new and second.summary() == "Nothing new: every file was merged before."
    assert [f.lines()[0] for f in second.files] == [
        "laptop1.db: nothing new.",
        "laptop2.db: nothing new.",
    ]
    assert dump(team) == before


def test_layers_statuses_notes_and_attributes_arrive_with_translated_ids(
    tmp_path: Path, laptops: tuple[Path, Path]
) -> None:
    team = tmp_path / "team.db"
    _merge(team, *laptops)
    project = open_project(team)
    try:
        ids = project.documents.find_by_names(["a.txt", "b.txt", "c.txt"])
        assert ids == {"a.txt": 1, "b.txt": 2, "c.txt": 3}  # laptop2 has c=1, b=2
        assert [(n, k) for n, k in project.annotators()] == [("ali", "human"), ("bob", "human")]
        assert project.documents.status(ids["a.txt"], "ali") is Status.DONE
        assert project.documents.status(ids["c.txt"], "bob") is Status.IN_PROGRESS
        assert project.annotations.document_note(ids["c.txt"], "bob") == "bob's note"
        assert project.annotations.document_note(ids["a.txt"], "ali") == "ملاحظة 😀 note"
        assert project.repo.meta("note/document/1/bob") is None  # bob's c.txt is 1 on laptop2
        events = project.annotations.events(ids["c.txt"], "bob")
        assert events[0].attributes == {"Polarity": "POSITIVE"}
        assert [a.role for a in events[0].arguments] == ["Attacker", "Place"]
        place = project.annotations.span(events[0].arguments[1].span_id)
        assert place is not None
        assert place.attributes == {"MentionType": "NOM", "note": "حـرف\u200c"}
        assert place.text_in(TEXTS["c.txt"]) == TEXTS["c.txt"].split()[3]
        assert _layer(project, "c.txt", "bob") == _layer_of(laptops[1], "c.txt", "bob")
        assert _layer(project, "a.txt", "ali") == _layer_of(laptops[0], "a.txt", "ali")
        uids = {n: u for n, _k, u in project.repo.identities()}
    finally:
        project.close()
    source = open_project(laptops[0], create=False)
    assert {n: u for n, _k, u in source.repo.identities()}["ali"] == uids["ali"]
    source.close()


def test_a_document_matched_by_text_keeps_our_name_and_one_only_there_is_added(
    tmp_path: Path,
) -> None:
    team = laptop(tmp_path / "team.db", "lead", [span_layer("a.txt", 2)])
    renamed = rich_layer("a.txt")
    renamed = type(renamed)(
        type(renamed.document)("a-renamed.txt", renamed.document.text, renamed.document.sha256),
        renamed.bundle,
        renamed.status,
    )
    other = laptop(tmp_path / "laptop.db", "ali", [renamed], docs=("c.txt",))
    report = _merge(team, other)
    outcome = report.files[0]
    assert outcome.matched == [("a-renamed.txt", "a.txt")]
    assert '"a-renamed.txt" is "a.txt" here (same text).' in outcome.lines()
    project = open_project(team)
    try:
        names = [s.name for s in project.documents.summaries("ali")]
        assert names == ["a.txt", "c.txt"]
        assert project.documents.document(2).text == TEXTS["c.txt"]
    finally:
        project.close()


def test_two_people_sharing_a_name_are_kept_apart_and_reported(tmp_path: Path) -> None:
    team = tmp_path / "team.db"
    one = laptop(tmp_path / "laptop1.db", "ali", [span_layer("a.txt", 2)])
    two = laptop(tmp_path / "laptop2.db", "ali", [span_layer("a.txt", 3, "ORG")])
    report = _merge(team, one, two)
    assert report.files[1].clashes == [("ali", "ali (laptop2)")]
    assert (
        'Name clash: "ali" in laptop2.db is a different person from "ali" here; '
        'their work is kept apart as "ali (laptop2)".'
    ) in report.text()
    assert "1 name clash." in report.summary()
    assert _layer_of(team, "a.txt", "ali") == _layer_of(one, "a.txt", "ali")
    assert _layer_of(team, "a.txt", "ali (laptop2)") == _layer_of(two, "a.txt", "ali")
    again = _merge(team, two, one)  # known by identity now, whatever the order
    assert again.nothing_new and all(not f.clashes for f in again.files)


def test_a_layer_changed_on_the_laptop_replaces_the_merged_one_and_an_older_copy_never_does(
    tmp_path: Path,
) -> None:
    team = tmp_path / "team.db"
    one = laptop(tmp_path / "laptop1.db", "ali", [span_layer("a.txt", 2)])
    old = tmp_path / "laptop1-old.db"
    shutil.copyfile(one, old)
    _merge(team, one)
    laptop(one, "ali", [rich_layer("a.txt")])  # ali kept working
    report = _merge(team, one)
    assert [(m.annotator, m.action) for m in report.files[0].layers] == [("ali", "updated")]
    assert "Updated: ali on a.txt, with the newer version from laptop1.db." in report.text()
    assert _layer_of(team, "a.txt", "ali") == _layer_of(one, "a.txt", "ali")
    assert _merge(team, old).nothing_new  # a version merged before
    assert _layer_of(team, "a.txt", "ali") == _layer_of(one, "a.txt", "ali")
    with sqlite3.connect(team) as con:
        logged = con.execute(
            "SELECT origin, annotator, description FROM change_log WHERE doc_id = 1"
        ).fetchall()
    assert logged[-1] == ("import", "ali", "Merge laptop1.db")


def test_a_layer_never_merged_that_differs_here_is_kept_and_reported(tmp_path: Path) -> None:
    one = laptop(tmp_path / "laptop1.db", "ali", [span_layer("a.txt", 2)])
    team = tmp_path / "team.db"
    shutil.copyfile(one, team)  # the same person, ali, works in both files
    laptop(team, "ali", [span_layer("a.txt", 3)])
    before = _layer_of(team, "a.txt", "ali")
    report = _merge(team, one)
    assert report.nothing_new
    assert "Not merged: ali on a.txt differs here and in laptop1.db" in report.text()
    assert _layer_of(team, "a.txt", "ali") == before


def test_annotator_kinds_come_along(tmp_path: Path) -> None:
    other = laptop(tmp_path / "laptop.db", "curator", [span_layer("b.txt", 2)])
    with sqlite3.connect(other) as con:
        con.execute("UPDATE annotators SET kind = 'gold' WHERE name = 'curator'")
    team = tmp_path / "team.db"
    _merge(team, other)
    project = open_project(team)
    try:
        assert project.annotators() == [("curator", "gold")]
    finally:
        project.close()


def test_a_second_gold_layer_comes_in_as_a_persons_layer(tmp_path: Path) -> None:
    team = laptop(tmp_path / "team.db", "gold", [span_layer("a.txt", 2)])
    other = laptop(tmp_path / "lead2.db", "gold", [span_layer("a.txt", 4, "ORG")])
    for path in (team, other):  # two leads adjudicated on their own: two gold layers
        with sqlite3.connect(path) as con:
            con.execute("UPDATE annotators SET kind = 'gold' WHERE name = 'gold'")
    report = _merge(team, other)
    project = open_project(team)
    try:
        assert project.annotators() == [("gold", "gold"), ("gold (lead2)", "human")]
        assert project.gold_annotator() == "gold"
    finally:
        project.close()
    assert _layer_of(team, "a.txt", "gold (lead2)") == _layer_of(other, "a.txt", "gold")
    assert (
        'Gold layer "gold" of lead2.db came in as the ordinary layer "gold (lead2)"'
        in report.text()
    )
    assert _merge(team, other).nothing_new  # and it is recognised the next time


def _custom(tmp_path: Path) -> Path:
    """A laptop whose schema has a DRUG label, used by one of ali's spans."""
    other = tmp_path / "custom.db"
    project = open_project(other)
    try:
        from annotator.core.schema import Label

        schema = project.write.schema.with_label(Label("DRUG", "#123456"))
        project.write.replace_schema(schema)
        layer = span_layer("b.txt", 2, "DRUG")
        project.write.import_layers("ali", [layer, span_layer("a.txt", 2)], replace_layer=True)
    finally:
        project.close()
    return other


def test_schema_stop_lists_the_differences_and_changes_nothing(tmp_path: Path) -> None:
    team = laptop(tmp_path / "team.db", "lead", [span_layer("a.txt", 3)])
    other = _custom(tmp_path)
    before = team.read_bytes()
    with pytest.raises(MergeError) as refused:
        _merge(team, other, mode="stop")
    assert "The schemas differ, so nothing was merged" in str(refused.value)
    assert "custom.db:\n  Only in theirs: label DRUG" in str(refused.value)
    assert team.read_bytes() == before


def test_schema_union_adds_their_label_and_their_span(tmp_path: Path) -> None:
    team = laptop(tmp_path / "team.db", "lead", [span_layer("a.txt", 3)])
    report = _merge(team, _custom(tmp_path), mode="union")
    assert report.files[0].schema_changed and not report.files[0].dropped
    project = open_project(team)
    try:
        assert project.schemas.schema.label("DRUG") is not None
        doc = project.documents.find_by_names(["b.txt"])["b.txt"]
        assert [s.label for s in project.annotations.spans(doc, "ali")] == ["DRUG"]
    finally:
        project.close()


def test_schema_ours_skips_what_does_not_fit_and_says_so(tmp_path: Path) -> None:
    team = laptop(tmp_path / "team.db", "lead", [span_layer("a.txt", 3)])
    report = _merge(team, _custom(tmp_path), mode="ours")
    outcome = report.files[0]
    assert not outcome.schema_changed
    assert dict(outcome.dropped) == {"span DRUG": 1}
    assert "Skipped (the schema kept has no place for them): span DRUG ×1." in report.text()
    project = open_project(team)
    try:
        assert project.schemas.schema.label("DRUG") is None
        doc = project.documents.find_by_names(["b.txt"])["b.txt"]
        assert project.annotations.spans(doc, "ali") == []
        assert _layer(project, "a.txt", "ali") != bundle_key(Bundle())
    finally:
        project.close()


def test_an_empty_team_project_takes_the_first_files_schema(tmp_path: Path) -> None:
    team = tmp_path / "team.db"
    report = _merge(team, _custom(tmp_path), mode="stop")
    assert "This project was empty, so it takes the schema of custom.db." in report.text()
    project = open_project(team)
    try:
        assert project.schemas.schema.label("DRUG") is not None
    finally:
        project.close()


def test_an_older_project_file_is_merged_without_being_changed(tmp_path: Path) -> None:
    from tests.unit.test_migrations import TEXT, _project_at_0001

    old = tmp_path / "old-laptop.sqlite"
    _project_at_0001(old)
    before = old.read_bytes()
    team = tmp_path / "team.db"
    report = _merge(team, old)
    assert old.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old-laptop.sqlite", "team.db"]
    assert report.files[0].count("added") == 2
    project = open_project(team)
    try:
        assert project.documents.document(1).text == TEXT
        assert [s.label for s in project.annotations.spans(1, "amal")] == [
            "Conflict.Attack",
            "GPE",
            "GPE",
        ]
        assert project.documents.status(1, "amal") is Status.DONE
    finally:
        project.close()
    assert _merge(team, old).nothing_new  # its upgraded copy gives the same identities again


def test_a_layer_whose_note_alone_changed_is_logged_so_open_windows_hear_of_it(
    tmp_path: Path,
) -> None:
    team = tmp_path / "team.db"
    one = laptop(tmp_path / "laptop1.db", "ali", [rich_layer("a.txt", note="first")])
    _merge(team, one)
    laptop(one, "ali", [rich_layer("a.txt", note="second")])  # only the note changed
    with sqlite3.connect(team) as con:
        seen = con.execute("SELECT max(id) FROM change_log").fetchone()[0]
    report = _merge(team, one)
    assert [(m.annotator, m.action) for m in report.files[0].layers] == [("ali", "updated")]
    with sqlite3.connect(team) as con:
        logged = con.execute(
            "SELECT origin, doc_id, annotator FROM change_log WHERE id > ?", (seen,)
        ).fetchall()
        note = con.execute("SELECT value FROM project_meta WHERE key LIKE 'note/document/%'")
        assert note.fetchall() == [("second",)]
    assert ("import", 1, "ali") in logged
