"""Session-level building blocks of the repository: row <-> core object, insert, delete.

Every function here works inside a transaction that the caller
(:class:`annotator.store.repository.Repository`) owns.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import numpy as np
from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.orm import Session

from annotator.core.model import (
    Argument,
    Bundle,
    Event,
    Relation,
    Span,
    remap_event,
    remap_relation,
)
from annotator.core.positions import CodePoint
from annotator.core.tokens import WordTokens
from annotator.store.models import ArgumentRow, EventRow, RelationRow, SpanRow

NameOf = Callable[[int], str]  # annotator id -> name


def attrs(raw: str | None) -> dict[str, str]:
    """Parse a stored attributes column."""
    return json.loads(raw) if raw and raw != "{}" else {}


def dump(values: dict[str, str]) -> str:
    """Serialize attributes for storage (stable key order)."""
    return json.dumps(values, ensure_ascii=False, sort_keys=True) if values else "{}"


_OFFSET = np.dtype("<i4")  # a document holds at most 64 MiB, so offsets fit in int32


def pack_tokens(tokens: WordTokens) -> tuple[int, str, bytes, bytes]:
    """A document's tokens as the columns ``count, words, starts, ends`` of ``document_tokens``."""
    return (
        len(tokens),
        tokens.joined(),
        tokens.starts.astype(_OFFSET).tobytes(),
        tokens.ends.astype(_OFFSET).tobytes(),
    )


def unpack_tokens(count: int, words: str, starts: bytes, ends: bytes) -> WordTokens | None:
    """The tokens stored by :func:`pack_tokens`, or None if the row does not hold ``count``."""
    if not count:
        empty = np.zeros(0, np.int64)
        return WordTokens([], empty, empty)
    split = words.split(" ")
    size = _OFFSET.itemsize * count
    if len(split) != count or len(starts) != size or len(ends) != size:
        return None
    first = np.frombuffer(starts, _OFFSET).astype(np.int64)
    return WordTokens(split, first, np.frombuffer(ends, _OFFSET).astype(np.int64))


def load_spans(s: Session, where: Any, name_of: NameOf) -> list[Span]:
    """Spans matching ``where``, by id."""
    return spans_of(s.scalars(select(SpanRow).where(where).order_by(SpanRow.id)), name_of)


def spans_of(rows: Iterable[SpanRow] | Iterable[Row[Any]], name_of: NameOf) -> list[Span]:
    """Span rows (ORM objects, or rows of the table's columns) as spans."""
    return [
        Span(
            r.id,
            r.doc_id,
            name_of(r.annotator_id),
            CodePoint(r.start),
            CodePoint(r.end),
            r.label,
            attrs(r.attributes),
        )
        for r in rows
    ]


def load_events(s: Session, where: Any, name_of: NameOf) -> list[Event]:
    """Events matching ``where`` with their arguments in slot order, by id."""
    rows = s.scalars(select(EventRow).where(where).order_by(EventRow.id)).all()
    args = load_arguments(s, [r.id for r in rows])
    return [
        Event(
            r.id,
            r.doc_id,
            name_of(r.annotator_id),
            r.type,
            r.trigger_span_id,
            tuple(args.get(r.id, ())),
            attrs(r.attributes),
        )
        for r in rows
    ]


def load_relations(s: Session, where: Any, name_of: NameOf) -> list[Relation]:
    """Relations matching ``where``, by id."""
    rows = s.scalars(select(RelationRow).where(where).order_by(RelationRow.id)).all()
    return [
        Relation(r.id, r.doc_id, name_of(r.annotator_id), r.type, r.arg1_span_id, r.arg2_span_id)
        for r in rows
    ]


def load_arguments(s: Session, event_ids: list[int]) -> dict[int, list[Argument]]:
    """Arguments of the given events, grouped by event id, in slot order."""
    out: dict[int, list[Argument]] = {}
    if not event_ids:
        return out
    rows = s.execute(
        select(ArgumentRow.event_id, ArgumentRow.role, ArgumentRow.span_id)
        .where(ArgumentRow.event_id.in_(event_ids))
        .order_by(ArgumentRow.event_id, ArgumentRow.position, ArgumentRow.id)
    )
    for event_id, role, span_id in rows:
        out.setdefault(event_id, []).append(Argument(role, span_id))
    return out


def _span_values(aid: int, sp: Span) -> dict[str, Any]:
    return {
        "doc_id": sp.doc_id,
        "annotator_id": aid,
        "start": sp.start,
        "end": sp.end,
        "label": sp.label,
        "attributes": dump(sp.attributes),
    }


def _event_values(aid: int, e: Event) -> dict[str, Any]:
    return {
        "doc_id": e.doc_id,
        "annotator_id": aid,
        "type": e.type,
        "trigger_span_id": e.trigger_id,
        "attributes": dump(e.attributes),
    }


def _relation_values(aid: int, r: Relation) -> dict[str, Any]:
    return {
        "doc_id": r.doc_id,
        "annotator_id": aid,
        "type": r.type,
        "arg1_span_id": r.arg1_id,
        "arg2_span_id": r.arg2_id,
    }


def _add_arguments(s: Session, event_id: int, e: Event) -> None:
    for pos, arg in enumerate(e.arguments):
        s.add(ArgumentRow(event_id=event_id, role=arg.role, span_id=arg.span_id, position=pos))


# run on the connection, it is a Core insert (no ORM bulk insert)
_INSERT_SPANS = insert(SpanRow).returning(SpanRow.id, sort_by_parameter_order=True)


def insert_spans(s: Session, spans: list[tuple[int, Span]]) -> list[Span]:
    """Insert many ``(annotator_id, span)``; returns them with their ids.

    Core statements on the session's connection (the ORM's bulk insert cost more than the
    rest of a one-span edit's writes): one for the spans that ask for a new id (id 0 or a
    placeholder), one for those that bring theirs (an undo puts a span back with its id).
    """
    new = [(k, _span_values(aid, sp)) for k, (aid, sp) in enumerate(spans) if sp.id <= 0]
    kept = [
        (k, {"id": sp.id, **_span_values(aid, sp)})
        for k, (aid, sp) in enumerate(spans)
        if sp.id > 0
    ]
    ids: dict[int, int] = {}
    conn = s.connection()
    for group in (new, kept):
        if group:
            found = conn.execute(_INSERT_SPANS, [values for _k, values in group]).scalars()
            ids.update(zip((k for k, _v in group), found.all(), strict=True))
    return [
        replace(sp, id=ids[k], attributes=dict(sp.attributes)) for k, (_aid, sp) in enumerate(spans)
    ]


def insert_event(s: Session, aid: int, e: Event) -> Event:
    """Insert an event and its arguments; id 0 asks for a new one."""
    row = EventRow(id=e.id or None, **_event_values(aid, e))
    s.add(row)
    s.flush()
    _add_arguments(s, row.id, e)
    return replace(e, id=row.id)


def insert_relation(s: Session, aid: int, r: Relation) -> Relation:
    """Insert a relation; id 0 asks for a new one."""
    row = RelationRow(id=r.id or None, **_relation_values(aid, r))
    s.add(row)
    s.flush()
    return replace(r, id=row.id)


def delete_bundle(s: Session, bundle: Bundle) -> None:
    """Delete the bundle's relations, events (with arguments) and spans, in that order."""
    if bundle.relations:
        s.execute(delete(RelationRow).where(RelationRow.id.in_([r.id for r in bundle.relations])))
    if bundle.events:
        ids = [e.id for e in bundle.events]
        s.execute(delete(ArgumentRow).where(ArgumentRow.event_id.in_(ids)))
        s.execute(delete(EventRow).where(EventRow.id.in_(ids)))
    if bundle.spans:
        s.execute(delete(SpanRow).where(SpanRow.id.in_([sp.id for sp in bundle.spans])))


def delete_arguments(s: Session, event_ids: Iterable[int]) -> None:
    """Delete the argument rows of these events (an update writes them again)."""
    ids = list(event_ids)
    if ids:
        s.execute(delete(ArgumentRow).where(ArgumentRow.event_id.in_(ids)))


def update_span(s: Session, aid: int, sp: Span) -> Span:
    """Change a stored span in place (rows that refer to it are untouched)."""
    s.execute(update(SpanRow).where(SpanRow.id == sp.id).values(**_span_values(aid, sp)))
    return replace(sp, attributes=dict(sp.attributes))


def update_event(s: Session, aid: int, e: Event) -> Event:
    """Change a stored event in place; its arguments are replaced."""
    s.execute(update(EventRow).where(EventRow.id == e.id).values(**_event_values(aid, e)))
    s.execute(delete(ArgumentRow).where(ArgumentRow.event_id == e.id))
    _add_arguments(s, e.id, e)
    s.flush()
    return e


def update_relation(s: Session, aid: int, r: Relation) -> Relation:
    """Change a stored relation in place."""
    s.execute(update(RelationRow).where(RelationRow.id == r.id).values(**_relation_values(aid, r)))
    return r


def apply_bundles(s: Session, remove: Bundle, add: Bundle, aid_of: Callable[[str], int]) -> Bundle:
    """Delete ``remove``, then write ``add`` (a row in both is updated in place); ``add``
    is returned with the ids used (id 0, or a negative span id, asks for a new one).

    Foreign keys are ``ON DELETE RESTRICT`` (migration 0008), so rows go in dependency
    order: the arguments of every event the edit removes or rewrites, then relations,
    events and spans. Rows kept in place are updated before new rows are inserted, so a
    relabel and a new span with the old label (or an event leaving a trigger that a new
    one takes) never meet in the unique indexes.
    """
    kept_s = {x.id for x in remove.spans} & {x.id for x in add.spans}
    kept_e = {x.id for x in remove.events} & {x.id for x in add.events}
    kept_r = {x.id for x in remove.relations} & {x.id for x in add.relations}
    delete_arguments(s, kept_e)
    delete_bundle(
        s,
        Bundle(
            tuple(x for x in remove.spans if x.id not in kept_s),
            tuple(x for x in remove.events if x.id not in kept_e),
            tuple(x for x in remove.relations if x.id not in kept_r),
        ),
    )
    updated = {
        sp.id: update_span(s, aid_of(sp.annotator), sp) for sp in add.spans if sp.id in kept_s
    }
    new = [(aid_of(sp.annotator), sp) for sp in add.spans if sp.id not in kept_s]
    fresh = iter(insert_spans(s, new))
    spans = tuple(updated[sp.id] if sp.id in kept_s else next(fresh) for sp in add.spans)
    ids = {old.id: done.id for old, done in zip(add.spans, spans, strict=True) if old.id <= 0}
    events = [remap_event(e, ids) for e in add.events]
    relations = [remap_relation(r, ids) for r in add.relations]
    done_e = {e.id: update_event(s, aid_of(e.annotator), e) for e in events if e.id in kept_e}
    done_r = {r.id: update_relation(s, aid_of(r.annotator), r) for r in relations if r.id in kept_r}
    return Bundle(
        spans,
        tuple(
            done_e[e.id] if e.id in kept_e else insert_event(s, aid_of(e.annotator), e)
            for e in events
        ),
        tuple(
            done_r[r.id] if r.id in kept_r else insert_relation(s, aid_of(r.annotator), r)
            for r in relations
        ),
    )
