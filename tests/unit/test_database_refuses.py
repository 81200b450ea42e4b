"""The database is the backstop of every rule (issue 17, migration 0008): with the write
service's own check switched off, the unique indexes and RESTRICT foreign keys still refuse,
and the user gets the project's own error with a sentence, never SQLite's text.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.core import validate
from annotator.core.errors import (
    AnnotatorError,
    AnnotatorKindError,
    EventError,
    SpanError,
    StaleEditError,
)
from annotator.core.model import Argument, Bundle, Edit, Event, Relation, Span, Status
from annotator.services.project import Project, open_project
from annotator.store.writer import WriteTx

ANN = "amal"
TEXT = "شنّت القوات هجوماً\u00a0على المدينة 🔥 أمس."


def _word(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def project(db_path: Path) -> Project:
    opened = open_project(db_path)
    opened.documents.add_text("nbsp-emoji.txt", TEXT)
    yield opened
    opened.close()


def _span(project: Project, word: str, label: str) -> Span:
    start, end = _word(word)
    (span,) = project.annotations.create_span(1, ANN, start, end, label).add.spans
    return span


def _refused(project: Project, edit: Edit) -> AnnotatorError:
    with pytest.raises(AnnotatorError) as refused:
        project.annotations.apply(edit)
    message = str(refused.value)
    assert "UNIQUE" not in message and "constraint" not in message.lower()
    assert "nothing was saved" in message
    return refused.value


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as con:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_an_identical_span_is_refused_by_the_database(
    project: Project, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.services.write import edits

    _span(project, "المدينة", "GPE")
    monkeypatch.setattr(edits, "twin_finder", lambda _tx, _edit: lambda _span: [])
    start, end = _word("المدينة")
    twin = Span(-1, 1, ANN, start, end, "GPE")
    error = _refused(project, Edit(1, ANN, add=Bundle((twin,))))
    assert isinstance(error, SpanError)
    assert str(error).startswith("An identical span (same offsets and label) is already there")
    assert _count(db_path, "spans") == 1


def test_a_second_relation_between_the_same_spans_is_refused_by_the_database(
    project: Project, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    army, city = _span(project, "القوات", "ORG"), _span(project, "المدينة", "GPE")
    relation = Relation(0, 1, ANN, "PHYS", army.id, city.id)
    project.annotations.apply(Edit(1, ANN, add=Bundle(relations=(relation,))))
    monkeypatch.setattr(WriteTx, "relations_between", lambda _tx, _a, _b: [])
    error = _refused(project, Edit(1, ANN, add=Bundle(relations=(relation,))))
    assert isinstance(error, EventError)
    assert str(error).startswith("These spans are already related by a relation of that type")
    assert _count(db_path, "relations") == 1


def test_one_span_filling_one_role_twice_is_refused_by_the_database(
    project: Project, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trigger = _span(project, "هجوماً", "Conflict.Attack")
    city = _span(project, "المدينة", "GPE")
    monkeypatch.setattr(validate, "_check_event", lambda _e, _schema, _span_of: None)
    twice = (Argument("Place", city.id), Argument("Place", city.id))
    event = Event(0, 1, ANN, "Conflict.Attack", trigger.id, twice)
    error = _refused(project, Edit(1, ANN, add=Bundle(events=(event,))))
    assert isinstance(error, EventError)
    assert str(error).startswith("That span already fills that role of the event")
    assert (_count(db_path, "events"), _count(db_path, "event_arguments")) == (0, 0)


def test_a_second_gold_layer_is_refused_by_the_write_service_and_by_the_database(
    project: Project, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.write.set_status(1, "gold", Status.DONE, gold=True)
    with pytest.raises(AnnotatorKindError, match="already has a gold layer named 'gold'"):
        project.write.set_status(1, "gold2", Status.DONE, gold=True)
    monkeypatch.setattr(WriteTx, "gold_layer", lambda _tx: None)
    with pytest.raises(AnnotatorKindError) as refused:
        project.write.set_status(1, "gold2", Status.DONE, gold=True)
    assert str(refused.value).startswith(
        "The project already has a gold layer, and a project has only one; nothing was saved."
    )
    assert project.annotators() == [("gold", "gold")]


def test_a_document_whose_statuses_are_left_behind_is_not_deleted(
    project: Project, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the write service deletes a document's statuses and tokens itself: without that,
    # RESTRICT refuses (ON DELETE CASCADE used to hide a lost delete)
    from sqlalchemy import delete as real_delete

    from annotator.store import writer
    from annotator.store.models import StatusRow, TokensRow

    _span(project, "المدينة", "GPE")  # amal's status becomes in progress
    kept = (StatusRow, TokensRow)

    def delete_but_statuses_and_tokens(table: object) -> object:
        statement = real_delete(table)
        return statement.where(False) if table in kept else statement

    monkeypatch.setattr(writer, "delete", delete_but_statuses_and_tokens)
    with pytest.raises(StaleEditError) as refused:
        project.write.delete(1)
    assert "the database refused it; nothing was saved" in str(refused.value)
    assert [d.name for d in project.documents.summaries(ANN)] == ["nbsp-emoji.txt"]
    assert (_count(db_path, "spans"), _count(db_path, "document_status")) == (1, 1)


def test_a_relabel_and_a_new_span_with_the_old_label_in_one_edit(
    project: Project, db_path: Path
) -> None:
    # the stored span is updated before the new one is inserted, so the two never meet in
    # ux_spans_identical; and an event losing its argument span keeps its other rows
    city = _span(project, "المدينة", "GPE")
    trigger = _span(project, "هجوماً", "Conflict.Attack")
    event = Event(0, 1, ANN, "Conflict.Attack", trigger.id, (Argument("Place", city.id),))
    (event,) = project.annotations.apply(Edit(1, ANN, add=Bundle(events=(event,)))).add.events
    relabelled = Span(city.id, 1, ANN, city.start, city.end, "LOC")
    new = Span(-1, 1, ANN, city.start, city.end, "GPE")
    edit = Edit(1, ANN, remove=Bundle((city,)), add=Bundle((relabelled, new)))
    done = project.annotations.apply(edit)
    labels = sorted((s.id == city.id, s.label) for s in project.annotations.spans(1, ANN))
    assert labels == [(False, "Conflict.Attack"), (False, "GPE"), (True, "LOC")]
    assert done.add.spans[1].id > trigger.id
    project.annotations.delete_spans([city.id])  # the event loses its Place argument
    (stored,) = project.annotations.events(1, ANN)
    assert (stored.id, stored.arguments) == (event.id, ())


def test_every_connection_the_app_makes_enforces_foreign_keys(project: Project) -> None:
    from sqlalchemy import text

    from annotator.store.engine import writer_engine

    engine = project.repo.engine
    for eng in (engine, writer_engine(engine)):
        with eng.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
