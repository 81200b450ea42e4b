"""Tests written for mutants of the write path that the other tests let live (make mutate).

Each names the behaviour a user would notice, on a real project file, through the real
write service. docs/mutation-testing.md lists the mutant each one kills.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.errors import SpanError
from annotator.core.model import Status
from annotator.services.project import Project, open_project

TEXT = "قصفت الطائرات\u00a0مدينة حماة قرب حلب 😀 في 2024"


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def proj(db_path: Path) -> Iterator[Project]:
    """A fresh project file (no seeds: these tests must run fast)."""
    project = open_project(db_path)
    yield project
    project.close()


@pytest.fixture
def doc(proj: Project) -> int:
    doc_id, _created = proj.documents.add_text("حماة 😀.txt", TEXT)
    return doc_id


# -- deleting one annotator's layer (services/write/deletion.py: plan_layer) --------------------


def test_deleting_a_layer_names_the_document_in_its_description(proj: Project, doc: int) -> None:
    proj.annotations.create_span(doc, "amal", *at("حماة"), "GPE")
    plan = proj.write.plan_deletion(doc, "amal")
    assert plan.description == "Delete amal's layer in «حماة 😀.txt»"


def test_a_layer_with_spans_but_no_note_can_be_deleted(proj: Project, doc: int) -> None:
    proj.annotations.create_span(doc, "amal", *at("حماة"), "GPE")
    proj.write.delete(doc, "amal")
    assert proj.annotations.spans(doc, "amal") == []
    assert proj.documents.status(doc, "amal") is Status.NEW


def test_a_layer_holding_only_a_status_can_be_deleted(proj: Project, doc: int) -> None:
    proj.documents.set_status(doc, "amal", Status.DONE)
    proj.write.delete(doc, "amal")
    assert proj.documents.status(doc, "amal") is Status.NEW


def test_a_layer_holding_nothing_is_refused_by_name(proj: Project, doc: int) -> None:
    with pytest.raises(SpanError, match="^'amal' has nothing in «حماة 😀.txt» to delete.$"):
        proj.write.delete(doc, "amal")
