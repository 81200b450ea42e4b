"""What a write transaction locks on a server (ADR 0023): the layers of a change that writes
nothing else, or the whole project; and the statement that takes those locks."""

from __future__ import annotations

from datetime import datetime

from annotator.core.change import Change, DocumentRecord, NoteChange, Origin, StatusChange
from annotator.core.model import Bundle, Edit, Span, Status
from annotator.core.schema import default_schema
from annotator.services.write.scope import layers_only
from annotator.store.engine import WRITE_LOCK_KEY, layer_lock_key, write_lock_sql

NAMES = ("amal", "نور\u200c", "😀dana", "zoë", "ـــ", "Ehsan 2")


def _edit(doc_id: int, who: str) -> Edit:
    span = Span(0, doc_id, who, 0, 4, "GPE")
    return Edit(doc_id, who, add=Bundle((span,)), description="Tag GPE")


def _record(doc_id: int) -> DocumentRecord:
    text = "😀 حماة\u00a0في 2024"
    return DocumentRecord(doc_id, "a.txt", text, "0" * 64, datetime(2026, 1, 1), None, (), ())


EDITS = Change(
    (_edit(1, "amal"), _edit(2, "نور\u200c")),
    statuses=(StatusChange(1, "zoë", Status.NEW, Status.DONE),),
    notes=(NoteChange(3, "😀dana", "", "note"),),
)


def test_an_edit_of_layers_locks_each_layer_it_writes_statuses_and_notes_included() -> None:
    assert layers_only(EDITS) == {(1, "amal"), (2, "نور\u200c"), (1, "zoë"), (3, "😀dana")}
    undo = EDITS.inverse()
    assert undo.origin is Origin.UNDO
    assert layers_only(undo) == layers_only(EDITS)


def test_a_change_that_writes_more_than_layers_locks_the_project() -> None:
    schema = default_schema()
    cases = {
        "gold": Change(EDITS.edits, gold=True),
        "schema": Change(EDITS.edits, schema, schema),
        "removed document": Change(EDITS.edits, removed_documents=(_record(1),)),
        "restored document": Change(EDITS.edits, restored_documents=(_record(1),)),
        "new document": Change(EDITS.edits, new_documents=(4,)),
        "nothing": Change(),
    }
    assert {name: layers_only(change) for name, change in cases.items()} == dict.fromkeys(cases)


def test_the_lock_statement_takes_the_projects_lock_alone_or_shared_with_sorted_layer_locks() -> (
    None
):
    assert write_lock_sql(None) == f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})"
    keys = sorted({layer_lock_key(n) for n in NAMES})
    assert len(keys) == len(NAMES)
    expected = f"SELECT pg_advisory_xact_lock_shared({WRITE_LOCK_KEY}), " + ", ".join(
        f"pg_advisory_xact_lock({WRITE_LOCK_KEY}, {k})" for k in keys
    )
    assert write_lock_sql([*reversed(NAMES), "amal"]) == expected


def test_a_layer_key_is_a_signed_32_bit_integer_fixed_by_the_name() -> None:
    keys = [layer_lock_key(n) for n in NAMES]
    assert all(-(2**31) <= k < 2**31 for k in keys)
    assert layer_lock_key("amal") == 0xDA33609C - 2**32  # CRC-32's upper half: below zero
    assert layer_lock_key("ـــ") == 0x323E4C33  # its lower half: as it is
