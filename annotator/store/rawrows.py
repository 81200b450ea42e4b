"""The rows of another project file exactly as stored, for checking before they are trusted.

SQLite keeps whatever value a program wrote, whatever the column's declared
type: a span's ``start`` may be 163.5, a text or a blob, a status may be
"hacked", attributes may be bad JSON. The repository turns rows into core
objects and would fail on such values, or quietly skip rows that refer to
nothing; :mod:`annotator.services.merge_check` reads them from here instead,
unconverted (ADR 0012).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Executable, select

from annotator.store.models import (
    AnnotatorRow,
    ArgumentRow,
    DocumentRow,
    EventRow,
    MetaRow,
    RelationRow,
    SpanRow,
    StatusRow,
)

Row = tuple[Any, ...]


@dataclass(frozen=True)
class RawRows:
    """Every row a merge reads, column values as SQLite returned them, ordered by id.

    Attributes:
        documents: ``(id, name, sha256, text, length)``.
        annotators: ``(id, name, kind, uid)``.
        statuses: ``(doc_id, annotator_id, status)``.
        spans: ``(id, doc_id, annotator_id, start, end, label, attributes)``.
        events: ``(id, doc_id, annotator_id, type, trigger_span_id, attributes)``.
        arguments: ``(id, event_id, role, span_id)``.
        relations: ``(id, doc_id, annotator_id, type, arg1_span_id, arg2_span_id)``.
        metas: ``(key, value)`` of the project facts whose key starts with the prefix asked.
    """

    documents: list[Row]
    annotators: list[Row]
    statuses: list[Row]
    spans: list[Row]
    events: list[Row]
    arguments: list[Row]
    relations: list[Row]
    metas: list[Row]


def read_rows(engine: Engine, meta_prefix: str) -> RawRows:
    """Read every row of the tables a merge takes, in one read transaction."""
    d, a, st, sp, ev, ar, rel = (
        DocumentRow,
        AnnotatorRow,
        StatusRow,
        SpanRow,
        EventRow,
        ArgumentRow,
        RelationRow,
    )
    queries: list[Executable] = [
        select(d.id, d.name, d.sha256, d.text, d.length).order_by(d.id),
        select(a.id, a.name, a.kind, a.uid).order_by(a.id),
        select(st.doc_id, st.annotator_id, st.status).order_by(st.doc_id, st.annotator_id),
        select(
            sp.id, sp.doc_id, sp.annotator_id, sp.start, sp.end, sp.label, sp.attributes
        ).order_by(sp.id),
        select(
            ev.id, ev.doc_id, ev.annotator_id, ev.type, ev.trigger_span_id, ev.attributes
        ).order_by(ev.id),
        select(ar.id, ar.event_id, ar.role, ar.span_id).order_by(ar.id),
        select(
            rel.id, rel.doc_id, rel.annotator_id, rel.type, rel.arg1_span_id, rel.arg2_span_id
        ).order_by(rel.id),
        select(MetaRow.key, MetaRow.value)
        .where(MetaRow.key.startswith(meta_prefix, autoescape=True))
        .order_by(MetaRow.key),
    ]
    with engine.connect() as conn, conn.begin():
        found = [[tuple(row) for row in conn.execute(q)] for q in queries]
    return RawRows(*found)
