"""What the write service announces (``WriteService.changed``), for mutants of ``__init__``,
``_commit`` and ``steps.outside_schema_change`` that the other tests let live, or that were read
as likely to before a run reached them (make mutate).

A real project file or PostgreSQL database (BACKENDS = BOTH), the real write service, and
what a listener hears: the other windows' views and every service built on ``changed`` learn
of a schema only from these announcements.

docs/mutation-testing.md lists the mutant each one kills.
"""

from __future__ import annotations

from dataclasses import replace

from annotator.core.change import Change, Origin
from annotator.core.location import Location
from annotator.core.schema import Label, Schema
from annotator.errorlog import log_path
from annotator.services.project import Project, open_project
from tests.backends import query
from tests.conftest import BOTH

BACKENDS = BOTH

TEXT = "قصفت الطائـــرات\u00a0مدينةَ حماة قرب حلب\u200cالشهباء 😀 في 2024 (Reuters)"
WEAPON = "سلاح😀"


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def with_weapon(schema: Schema) -> Schema:
    return replace(schema, labels=(*schema.labels, Label(WEAPON, "#123456")))


def test_a_schema_another_program_stored_is_announced_as_its_change(
    proj: Project, project_at: Location
) -> None:
    doc, _created = proj.documents.add_text("حماة 😀.txt", TEXT)
    before = proj.write.schema
    heard: list[Change] = []
    proj.write.changed.connect(heard.append)
    other = open_project(project_at)  # another program: its own connection and session
    try:
        other.schemas.replace(with_weapon(other.schemas.schema))
    finally:
        other.close()
    proj.annotations.create_span(doc, "amal", *at("حماة"), "GPE")  # the next write notices it
    news, tagged = heard
    assert news.description == "Schema changed by another program"
    assert news.origin is Origin.OTHER
    assert news.schema_before == before and news.schema_before.label(WEAPON) is None
    assert news.schema_after is not None and news.schema_after.label(WEAPON) is not None
    assert news.edits == () and news.statuses == ()
    assert tagged.description == "Tag GPE" and tagged.schema_after is None


def test_a_schema_this_service_stored_is_announced_once(proj: Project) -> None:
    doc, _created = proj.documents.add_text("حماة 😀.txt", TEXT)
    heard: list[str] = []
    schemas: list[Schema] = []
    proj.write.changed.connect(lambda change: heard.append(change.description))
    proj.schemas.changed.connect(schemas.append)
    proj.schemas.replace(with_weapon(proj.schemas.schema))
    proj.annotations.create_span(doc, "amal", *at("حلب"), WEAPON)
    proj.annotations.create_span(doc, "amal", *at("حماة"), "GPE")
    assert heard == ["Replace schema", f"Tag {WEAPON}", "Tag GPE"]
    assert [s.label(WEAPON) is not None for s in schemas] == [True]


def test_a_listener_of_the_write_service_that_fails_is_written_to_the_log(proj: Project) -> None:
    """The change is committed and the next listener hears it; the fault is in the log file."""
    doc, _created = proj.documents.add_text("حماة 😀.txt", TEXT)
    heard: list[str] = []

    def broken_view(_change: Change) -> None:
        raise RuntimeError("عرض معطّل 🚗 at 2024")

    proj.write.changed.connect(broken_view)  # only here: no other service's signal fails
    proj.write.changed.connect(lambda change: heard.append(change.description))
    proj.annotations.create_span(doc, "amal", *at("حماة"), "GPE")
    assert heard == ["Tag GPE"]
    assert [s.label for s in proj.annotations.spans(doc, "amal")] == ["GPE"]
    log = log_path().read_text("utf-8")
    assert "telling test_a_listener_of_the_write_service_that_fails_is_written_to_the_log." in log
    assert "<locals>.broken_view of a change" in log
    assert "RuntimeError: عرض معطّل 🚗 at 2024" in log and "Traceback" in log


def test_a_deleted_and_a_restored_document_are_logged_under_its_id(
    proj: Project, project_at: Location
) -> None:
    """The change log's row for the document itself (no layer) carries the document's id: a
    window that shows the document without a layer on it learns from that row that it went
    (``_apply_in`` mutant 98 logged it with no id)."""
    doc_id, _created = proj.documents.add_text("حماة 😀.txt", TEXT)
    proj.annotations.create_span(doc_id, "amal", *at("حماة"), "GPE")

    def logged_since(seen: int) -> set[tuple[int | None, str | None]]:
        rows = query(project_at, "SELECT doc_id, annotator FROM change_log WHERE id > :s", s=seen)
        return set(rows)

    def last() -> int:
        ((newest,),) = query(project_at, "SELECT max(id) FROM change_log")
        return int(newest)

    seen = last()
    deleted = proj.write.delete(doc_id)
    assert logged_since(seen) == {(doc_id, "amal"), (doc_id, None)}
    seen = last()
    proj.write.apply(deleted.inverse())
    assert logged_since(seen) == {(doc_id, "amal"), (doc_id, None)}


def test_changes_a_worker_committed_are_announced_here_in_order_and_not_again(
    proj: Project, project_at: Location
) -> None:
    """A merge runs in a worker process with a write service of its own (ADR 0017); the
    window's service adopts what it committed (``adopt``): each change is announced in order,
    the schema it set becomes this service's, and the next write does not announce that schema
    again as another program's. ``adopt`` mutants 1 to 5 (no test reached it in-process)."""
    doc, _created = proj.documents.add_text("حماة 😀.txt", TEXT)
    heard: list[Change] = []
    proj.write.changed.connect(heard.append)
    worker = open_project(project_at)  # the worker's own connection and write service
    committed: list[Change] = []
    worker.write.changed.connect(committed.append)
    try:
        worker.annotations.create_span(doc, "amal", *at("حلب"), "GPE")
        worker.schemas.replace(with_weapon(worker.schemas.schema))
    finally:
        worker.close()
    assert [c.description for c in committed] == ["Tag GPE", "Replace schema"]
    proj.write.adopt(committed)
    assert heard == committed
    assert proj.write.schema.label(WEAPON) is not None
    proj.annotations.create_span(doc, "amal", *at("حماة"), WEAPON)
    assert [c.description for c in heard[2:]] == [f"Tag {WEAPON}"]
