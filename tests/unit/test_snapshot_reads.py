"""Reads that belong together see one state of the project (issue 17, item 3).

A second connection to the same real project (a file, or a database on the server)
commits a trigger and its event in the middle of a read: right after the read has loaded
the spans and before it loads the events.
A read from one snapshot sees neither; split reads saw an event whose trigger they lacked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event

from annotator.core.location import Location
from annotator.core.positions import CodePoint
from annotator.services import adjudication
from annotator.services.agreement import AgreementRequest, gather
from annotator.services.events import EventService
from annotator.services.project import Project, open_project
from tests.conftest import BOTH

BACKENDS = BOTH

TEXT = "قال الرئيس 😀 إنّ الجيش شنّ هجوماً على\u00a0مواقع في حماة يوم 12 مارس."


def _at(word: str) -> tuple[CodePoint, CodePoint]:
    start = TEXT.index(word)
    return CodePoint(start), CodePoint(start + len(word))


@pytest.fixture
def two_layers(project_at: Location) -> Iterator[Project]:
    """Two annotators' layers on TEXT, each with a PER span."""
    project = open_project(project_at)
    doc_id, _ = project.documents.add_text("t.txt", TEXT)
    for name in ("amal", "badr"):
        project.annotations.create_span(doc_id, name, *_at("الرئيس"), "PER")
    yield project
    project.close()


def _commit_midway(project: Project, write: Callable[[Project], object]) -> list[bool]:
    """Have another connection run ``write`` when this project first reads the events table."""
    other = open_project(project.path)
    done: list[bool] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if not done and "FROM events" in statement:
            done.append(True)
            write(other)

    event.listen(project.repo.engine, "before_cursor_execute", before)
    return done


def _add_event(doc_id: int, annotator: str) -> Callable[[Project], object]:
    def write(other: Project) -> None:
        service = EventService(other.annotations, lambda: other.schemas.schema)
        service.create_event(doc_id, annotator, *_at("هجوماً"), "Conflict.Attack")
        other.close()

    return write


def test_a_layer_is_read_from_one_snapshot(two_layers: Project) -> None:
    project = two_layers
    doc_id = project.documents.document_ids()[0]
    done = _commit_midway(project, _add_event(doc_id, "amal"))
    bundle = adjudication.layer(project, doc_id, "amal")
    assert done  # the other connection did commit in the middle of the read
    assert {e.trigger_id for e in bundle.events} <= {s.id for s in bundle.spans}
    assert [s.label for s in bundle.spans] == ["PER"] and not bundle.events  # as it was
    after = adjudication.layer(project, doc_id, "amal")
    assert len(after.events) == 1 and len(after.spans) == 2  # the next read sees it all


def test_agreement_reads_every_layer_from_one_snapshot(two_layers: Project) -> None:
    project = two_layers
    doc_id = project.documents.document_ids()[0]
    done = _commit_midway(project, _add_event(doc_id, "badr"))
    gathered = gather(project, AgreementRequest(annotators=("amal", "badr")))
    assert done
    for layer in gathered.docs[0].layers:
        spans = {s.id for s in layer.spans}
        assert {e.trigger_id for e in layer.events} <= spans, layer.annotator
    assert all(not layer.events for layer in gathered.docs[0].layers)
