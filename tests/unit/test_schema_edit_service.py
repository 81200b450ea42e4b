"""Schema edits that reach annotations: rename, delete with counts, hotkeys, files."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.errors import SchemaError
from annotator.core.location import Location
from annotator.core.model import Argument
from annotator.core.schema import EventType, Label, RelationType, Role, Schema
from annotator.services.events import EventService
from annotator.services.project import Project, open_project
from annotator.services.schema_edit import Target
from tests.backends import state
from tests.conftest import BOTH

BACKENDS = BOTH

ANN = "amal"


def _at(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def _build(project: Project) -> dict[str, int]:
    """On seed 000: an Attack with Attacker, Place; a PHYS relation; a loose GPE span."""
    doc = next(s for s in project.documents.summaries(ANN) if s.name.startswith("000_"))
    text = project.documents.document(doc.id).text
    svc = EventService(project.annotations, lambda: project.schemas.schema)
    event = svc.create_event(doc.id, ANN, *_at(text, "هجوماً"), "Conflict.Attack").add.events[0]
    ann = project.annotations
    russia = ann.create_span(doc.id, ANN, *_at(text, "روسيا"), "GPE").add.spans[0]
    hama = ann.create_span(doc.id, ANN, *_at(text, "حماة"), "GPE").add.spans[0]
    ann.create_span(doc.id, ANN, *_at(text, "آستانة"), "GPE")
    svc.add_argument(event, "Attacker", russia.id)
    svc.add_argument(event, "Place", hama.id)
    svc.create_relation("PHYS", russia.id, hama.id)
    return {"doc": doc.id, "event": event.id, "trigger": event.trigger_id, "russia": russia.id}


def _snapshot(project: Project, doc_id: int) -> tuple[object, ...]:
    ann = project.annotations
    return (
        sorted((s.id, s.start, s.end, s.label) for s in ann.spans(doc_id, ANN)),
        ann.events(doc_id, ANN),
        ann.relations(doc_id, ANN),
    )


def test_rename_label_updates_spans_schema_refs_and_undo(
    project: Project, project_at: Location
) -> None:
    ids = _build(project)
    before = _snapshot(project, ids["doc"])
    change = project.schemas.plan_rename(Target("label", "GPE"), "GeoPol")
    assert change.removed_count() == 0
    project.schemas.apply(change)
    labels = sorted(s.label for s in project.annotations.spans(ids["doc"], ANN))
    assert labels == ["Conflict.Attack", "GeoPol", "GeoPol", "GeoPol"]
    schema = project.schemas.schema
    assert schema.label("GPE") is None and schema.label("GeoPol") is not None
    assert "GeoPol" in schema.event_type("Conflict.Attack").role("Attacker").allowed  # type: ignore[union-attr]
    assert "GeoPol" in schema.relation_type("PHYS").arg2  # type: ignore[union-attr]
    (ev,) = project.annotations.events(ids["doc"], ANN)
    assert len(ev.arguments) == 2 and len(project.annotations.relations(ids["doc"], ANN)) == 1

    project.close()
    reopened = open_project(project_at)  # the rename is stored
    try:
        assert reopened.schemas.schema.label("GeoPol") is not None
        reopened.schemas.apply(change.inverse())
        assert _snapshot(reopened, ids["doc"]) == before
        assert reopened.schemas.schema.label("GPE") is not None
    finally:
        reopened.close()


def test_rename_event_type_role_and_relation_type(project: Project) -> None:
    ids = _build(project)
    schemas, ann = project.schemas, project.annotations
    schemas.apply(schemas.plan_rename(Target("event", "Conflict.Attack"), "Conflict.Strike"))
    (ev,) = ann.events(ids["doc"], ANN)
    assert ev.type == "Conflict.Strike"
    assert ann.span(ids["trigger"]).label == "Conflict.Strike"  # type: ignore[union-attr]

    schemas.apply(schemas.plan_rename(Target("role", "Attacker", "Conflict.Strike"), "Striker"))
    (ev,) = ann.events(ids["doc"], ANN)
    assert Argument("Striker", ids["russia"]) in ev.arguments
    assert schemas.schema.event_type("Conflict.Strike").role("Striker") is not None  # type: ignore[union-attr]

    change = schemas.plan_rename(Target("relation", "PHYS"), "LOCATED")
    schemas.apply(change)
    assert [r.type for r in ann.relations(ids["doc"], ANN)] == ["LOCATED"]
    schemas.apply(change.inverse())
    assert [r.type for r in ann.relations(ids["doc"], ANN)] == ["PHYS"]


def test_rename_refuses_clashes(project: Project) -> None:
    _build(project)
    with pytest.raises(SchemaError, match="used twice"):
        project.schemas.plan_rename(Target("label", "GPE"), "LOC")
    with pytest.raises(SchemaError, match="already has a role"):
        project.schemas.plan_rename(Target("role", "Attacker", "Conflict.Attack"), "Target")
    with pytest.raises(SchemaError, match="no label"):
        project.schemas.plan_rename(Target("label", "NOPE"), "X")


def test_delete_label_counts_then_removes_and_undo_restores(project: Project) -> None:
    ids = _build(project)
    before = _snapshot(project, ids["doc"])
    change = project.schemas.plan_delete(Target("label", "GPE"))
    # 3 GPE spans, 2 arguments that use them, 1 relation between them.
    assert change.removed_count() == 6
    assert _snapshot(project, ids["doc"]) == before  # planning changes nothing
    project.schemas.apply(change)
    ann = project.annotations
    assert [s.label for s in ann.spans(ids["doc"], ANN)] == ["Conflict.Attack"]
    (ev,) = ann.events(ids["doc"], ANN)
    assert ev.arguments == () and ann.relations(ids["doc"], ANN) == []
    assert project.schemas.schema.label("GPE") is None
    project.schemas.apply(change.inverse())
    assert _snapshot(project, ids["doc"]) == before


def test_delete_event_type_role_and_relation_type_counts(project: Project) -> None:
    ids = _build(project)
    schemas = project.schemas
    assert schemas.plan_delete(Target("role", "Place", "Conflict.Attack")).removed_count() == 1
    assert schemas.plan_delete(Target("relation", "PHYS")).removed_count() == 1
    assert schemas.plan_delete(Target("event", "Contact.Meet")).removed_count() == 0
    change = schemas.plan_delete(Target("event", "Conflict.Attack"))
    assert change.removed_count() == 2  # the trigger span and the event
    schemas.apply(change)
    assert project.annotations.events(ids["doc"], ANN) == []
    assert len(project.annotations.spans(ids["doc"], ANN)) == 3
    assert schemas.schema.event_type("Conflict.Attack") is None


def _per(schema: Schema) -> Label:
    label = schema.label("PER")
    assert label is not None
    return label


def test_hotkey_clash_refused_and_add_recolour_rekey(project: Project) -> None:
    schemas = project.schemas
    with pytest.raises(SchemaError, match="hotkey G"):
        schemas.plan_put(Label("DATE", "#123456", "G", kind="value"))
    with pytest.raises(SchemaError, match="hotkey"):
        schemas.plan_put(replace(_per(schemas.schema), hotkey="Shift+A"))
    schemas.apply(schemas.plan_put(Label("DATE", "#123456", "Shift+Z", kind="value")))
    schemas.apply(schemas.plan_put(replace(_per(schemas.schema), color="#000000", hotkey="Y")))
    per = _per(schemas.schema)
    assert per is not None and (per.color, per.hotkey) == ("#000000", "Y")
    assert schemas.schema.labels[0].name == "PER"  # edited in place, order kept
    schemas.apply(schemas.plan_put(Role("Weapon", ("WEA",)), parent="Conflict.Attack"))
    schemas.apply(schemas.plan_put(EventType("Conflict.Siege", "#880000", "Shift+S")))
    schemas.apply(schemas.plan_put(RelationType("NEAR", "#008800", "Ctrl+7")))
    schema = schemas.schema
    assert schema.event_type("Conflict.Attack").role("Weapon") is not None  # type: ignore[union-attr]
    assert schema.hotkeys()["Shift+S"] == "Conflict.Siege"
    assert schema.hotkeys()["Ctrl+7"] == "NEAR"


def test_role_check_setting_is_stored(project: Project, project_at: Location) -> None:
    project.schemas.apply(project.schemas.set_role_check("strict"))
    with pytest.raises(SchemaError):
        project.schemas.set_role_check("sometimes")
    project.close()
    reopened = open_project(project_at)
    try:
        assert reopened.schemas.schema.role_check == "strict"
    finally:
        reopened.close()


def test_export_import_schema_file(project: Project, tmp_path: Path) -> None:
    schemas = project.schemas
    schemas.apply(schemas.plan_put(Label("DATE", "#123456", "Shift+Z", kind="value")))
    path = tmp_path / "team.json"
    schemas.export_to(path)
    original = schemas.schema
    schemas.apply(schemas.plan_delete(Target("label", "DATE")))
    change = schemas.plan_import(path)
    schemas.apply(change)
    assert schemas.schema == original
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"labels": [{"name": "A", "color": "#fff", "hotkey": "x"},'
        ' {"name": "B", "color": "#fff", "hotkey": "X"}]}',
        encoding="utf-8",
    )
    with pytest.raises(SchemaError, match=r"bad\.json: .*hotkey"):
        schemas.plan_import(bad)
    assert schemas.schema == original


@pytest.mark.parametrize(
    ("target", "new", "reason"),
    [
        (Target("label", "GPE"), "مدينة\u00a0😀" + "G" * 194, "201 characters long"),
        (Target("role", "Attacker", "Conflict.Attack"), "Att\x1b[2Jacker", "U+001B"),
        (Target("relation", "PHYS"), "PHYS\nLOCATED", "U+000A"),
        (Target("event", "Conflict.Attack"), "\u200c\u200f", "no visible character"),
    ],
)
def test_schema_names_follow_the_name_rule(
    project: Project, project_at: Location, target: Target, new: str, reason: str
) -> None:
    """A label, role, event or relation type fits its column and prints safely (core/names)."""
    _build(project)
    before = state(project_at)
    with pytest.raises(SchemaError, match=re.escape(reason)):
        project.schemas.plan_rename(target, new)
    assert state(project_at) == before
    # the longest allowed name is taken: 200 code points, an emoji and an NBSP counting one each
    longest = "مدينة\u00a0😀" + "G" * 193
    assert len(longest) == 200
    project.schemas.apply(project.schemas.plan_rename(Target("label", "GPE"), longest))
    assert project.schemas.schema.label(longest) is not None


# -- which annotations a rename or delete changes is checked inside the write transaction -------
def test_a_label_deleted_while_another_window_tags_with_it_is_refused(
    project: Project, second_window_first: Callable[[Callable[[Project], object]], None]
) -> None:
    doc = next(s for s in project.documents.summaries(ANN) if s.name.startswith("000_"))
    text = project.documents.document(doc.id).text
    change = project.schemas.plan_delete(Target("label", "VEH"))
    assert change.removed_count() == 0  # what the user confirms: no annotation goes
    second_window_first(
        lambda p: p.annotations.create_span(doc.id, "badr", *_at(text, "حماة"), "VEH")
    )
    with pytest.raises(SchemaError, match="changed since"):
        project.schemas.apply(change)
    assert project.schemas.schema.label("VEH") is not None
    assert [s.label for s in project.annotations.spans(doc.id, "badr")] == ["VEH"]


def test_a_rename_while_another_window_tags_with_the_new_name_is_refused(
    project: Project, second_window_first: Callable[[Callable[[Project], object]], None]
) -> None:
    doc = next(s for s in project.documents.summaries(ANN) if s.name.startswith("000_"))
    text = project.documents.document(doc.id).text
    change = project.schemas.plan_rename(Target("label", "VEH"), "Vehicle")
    second_window_first(
        lambda p: p.annotations.create_span(doc.id, "badr", *_at(text, "حماة"), "VEH")
    )
    with pytest.raises(SchemaError, match="changed since"):
        project.schemas.apply(change)
    assert project.schemas.schema.label("Vehicle") is None
