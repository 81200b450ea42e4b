"""The repository: the only place that builds queries.

Every public method runs in its own transaction and commits before it
returns, so each edit is on disk as soon as the call ends.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from annotator.core.model import (
    Argument,
    Bundle,
    Document,
    DocumentSummary,
    Event,
    Relation,
    Span,
    Status,
)
from annotator.store.models import (
    AnnotatorRow,
    ArgumentRow,
    DocumentRow,
    EventRow,
    MetaRow,
    RelationRow,
    SchemaRow,
    SpanRow,
    StatusRow,
)


def _attrs(raw: str | None) -> dict[str, str]:
    return json.loads(raw) if raw and raw != "{}" else {}


def _dump(attrs: dict[str, str]) -> str:
    return json.dumps(attrs, ensure_ascii=False, sort_keys=True) if attrs else "{}"


def _remap_event(e: Event, ids: dict[int, int]) -> Event:
    """``e`` with placeholder span ids replaced by the ids just assigned."""
    if not ids:
        return e
    args = tuple(Argument(a.role, ids.get(a.span_id, a.span_id)) for a in e.arguments)
    return replace(e, trigger_id=ids.get(e.trigger_id, e.trigger_id), arguments=args)


def _remap_relation(r: Relation, ids: dict[int, int]) -> Relation:
    """``r`` with placeholder span ids replaced by the ids just assigned."""
    if not ids:
        return r
    return replace(r, arg1_id=ids.get(r.arg1_id, r.arg1_id), arg2_id=ids.get(r.arg2_id, r.arg2_id))


class Repository:
    """Typed access to one project database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._annotator_ids: dict[str, int] = {}
        self._annotator_names: dict[int, str] = {}

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()

    # -- project facts -------------------------------------------------------
    def meta(self, key: str) -> str | None:
        """A stored project fact, or None."""
        with self._tx() as s:
            row = s.get(MetaRow, key)
            return row.value if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a project fact."""
        with self._tx() as s:
            s.merge(MetaRow(key=key, value=value))

    def schema_json(self) -> str | None:
        """The project's schema as JSON, or None for a new project."""
        with self._tx() as s:
            row = s.get(SchemaRow, 1)
            return row.body if row else None

    def set_schema_json(self, body: str) -> None:
        """Replace the project's schema."""
        with self._tx() as s:
            s.merge(SchemaRow(id=1, body=body))

    # -- annotators ----------------------------------------------------------
    def annotator_id(self, name: str, kind: str = "human") -> int:
        """The id of annotator ``name``, created on first use."""
        if name in self._annotator_ids:
            return self._annotator_ids[name]
        with self._tx() as s:
            return self._aid(s, name, kind)

    def _aid(self, s: Session, name: str, kind: str = "human") -> int:
        if name not in self._annotator_ids:
            row = s.scalar(select(AnnotatorRow).where(AnnotatorRow.name == name))
            if row is None:
                row = AnnotatorRow(name=name, kind=kind)
                s.add(row)
                s.flush()
            self._annotator_ids[name] = row.id
            self._annotator_names[row.id] = name
        return self._annotator_ids[name]

    def find_annotator(self, name: str) -> int | None:
        """The id of annotator ``name`` if it exists (never creates one)."""
        if name in self._annotator_ids:
            return self._annotator_ids[name]
        with self._tx() as s:
            found = s.scalar(select(AnnotatorRow.id).where(AnnotatorRow.name == name))
        if found is not None:
            self._annotator_ids[name] = found
            self._annotator_names[found] = name
        return found

    def annotators(self) -> list[tuple[str, str]]:
        """Every annotator as ``(name, kind)``, in creation order."""
        with self._tx() as s:
            rows = s.execute(select(AnnotatorRow.name, AnnotatorRow.kind).order_by(AnnotatorRow.id))
            return [(n, k) for n, k in rows]

    def _name_of(self, s: Session, annotator_id: int) -> str:
        if annotator_id not in self._annotator_names:
            name = s.scalar(select(AnnotatorRow.name).where(AnnotatorRow.id == annotator_id))
            self._annotator_names[annotator_id] = str(name)
            self._annotator_ids[str(name)] = annotator_id
        return self._annotator_names[annotator_id]

    # -- documents -----------------------------------------------------------
    def document_id_for_sha(self, sha256: str) -> int | None:
        """The id of the document with this text hash, if any."""
        with self._tx() as s:
            return s.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == sha256))

    def add_document(self, name: str, text: str, sha256: str) -> int:
        """Store a new document and return its id."""
        with self._tx() as s:
            row = DocumentRow(name=name, text=text, sha256=sha256, length=len(text))
            s.add(row)
            s.flush()
            return row.id

    def document(self, doc_id: int) -> Document:
        """Load one document with its full text."""
        with self._tx() as s:
            row = s.get(DocumentRow, doc_id)
            if row is None:
                raise KeyError(doc_id)
            return Document(row.id, row.name, row.text, row.sha256)

    def document_length(self, doc_id: int) -> int:
        """Length of a document's text in code points, without loading the text."""
        with self._tx() as s:
            length = s.scalar(select(DocumentRow.length).where(DocumentRow.id == doc_id))
            if length is None:
                raise KeyError(doc_id)
            return int(length)

    def document_ids(self) -> list[int]:
        """Every document id in import order."""
        with self._tx() as s:
            return list(s.scalars(select(DocumentRow.id).order_by(DocumentRow.id)))

    def find_documents(self, names: Iterable[str]) -> dict[str, int]:
        """Map the given document names to ids (names that do not exist are absent)."""
        wanted = list(names)
        with self._tx() as s:
            rows = s.execute(
                select(DocumentRow.name, DocumentRow.id).where(DocumentRow.name.in_(wanted))
            )
            return {n: i for n, i in rows}

    def summaries(self, annotator: str) -> list[DocumentSummary]:
        """The document list for one annotator: status and span count per document."""
        aid = self.find_annotator(annotator) or -1  # unknown: every document is new
        with self._tx() as s:
            counts = (
                select(SpanRow.doc_id, func.count().label("n"))
                .where(SpanRow.annotator_id == aid)
                .group_by(SpanRow.doc_id)
                .subquery()
            )
            status = (
                select(StatusRow.doc_id, StatusRow.status)
                .where(StatusRow.annotator_id == aid)
                .subquery()
            )
            rows = s.execute(
                select(
                    DocumentRow.id,
                    DocumentRow.name,
                    DocumentRow.length,
                    status.c.status,
                    counts.c.n,
                )
                .outerjoin(counts, counts.c.doc_id == DocumentRow.id)
                .outerjoin(status, status.c.doc_id == DocumentRow.id)
                .order_by(DocumentRow.id)
            )
            return [
                DocumentSummary(i, n, Status(st or "new"), int(c or 0), int(ln))
                for i, n, ln, st, c in rows
            ]

    def status(self, doc_id: int, annotator: str) -> Status:
        """A document's status for one annotator."""
        aid = self.find_annotator(annotator)  # reading never creates an annotator
        if aid is None:
            return Status.NEW
        with self._tx() as s:
            row = s.get(StatusRow, (doc_id, aid))
            return Status(row.status) if row else Status.NEW

    def set_status(self, doc_id: int, annotator: str, status: Status) -> None:
        """Record a document's status for one annotator."""
        aid = self.annotator_id(annotator)
        with self._tx() as s:
            s.merge(StatusRow(doc_id=doc_id, annotator_id=aid, status=status.value))

    # -- spans ---------------------------------------------------------------
    def spans(self, doc_id: int, annotator: str) -> list[Span]:
        """All spans of one document in one annotator's layer, by start offset."""
        aid = self.find_annotator(annotator)  # reading never creates an annotator
        if aid is None:
            return []
        with self._tx() as s:
            rows = s.execute(
                select(SpanRow.id, SpanRow.start, SpanRow.end, SpanRow.label, SpanRow.attributes)
                .where(SpanRow.doc_id == doc_id, SpanRow.annotator_id == aid)
                .order_by(SpanRow.start, SpanRow.end, SpanRow.id)
            )
            return [Span(i, doc_id, annotator, a, b, lb, _attrs(at)) for i, a, b, lb, at in rows]

    def span(self, span_id: int) -> Span | None:
        """One span by id."""
        with self._tx() as s:
            row = s.get(SpanRow, span_id)
            if row is None:
                return None
            name = self._name_of(s, row.annotator_id)
            return Span(
                row.id, row.doc_id, name, row.start, row.end, row.label, _attrs(row.attributes)
            )

    def add_span(self, span: Span) -> Span:
        """Insert one span (id 0 means a new id) and return it with its id."""
        with self._tx() as s:
            return self._insert_span(s, span)

    # -- events and relations -------------------------------------------------
    def events(self, doc_id: int, annotator: str) -> list[Event]:
        """All events of one document in one annotator's layer."""
        aid = self.find_annotator(annotator)  # reading never creates an annotator
        if aid is None:
            return []
        with self._tx() as s:
            rows = s.scalars(
                select(EventRow)
                .where(EventRow.doc_id == doc_id, EventRow.annotator_id == aid)
                .order_by(EventRow.id)
            ).all()
            args = self._arguments(s, [r.id for r in rows])
            return [
                Event(
                    r.id,
                    doc_id,
                    annotator,
                    r.type,
                    r.trigger_span_id,
                    tuple(args.get(r.id, ())),
                    _attrs(r.attributes),
                )
                for r in rows
            ]

    def _arguments(self, s: Session, event_ids: list[int]) -> dict[int, list[Argument]]:
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

    def relations(self, doc_id: int, annotator: str) -> list[Relation]:
        """All relations of one document in one annotator's layer."""
        aid = self.find_annotator(annotator)  # reading never creates an annotator
        if aid is None:
            return []
        with self._tx() as s:
            rows = s.execute(
                select(
                    RelationRow.id,
                    RelationRow.type,
                    RelationRow.arg1_span_id,
                    RelationRow.arg2_span_id,
                )
                .where(RelationRow.doc_id == doc_id, RelationRow.annotator_id == aid)
                .order_by(RelationRow.id)
            )
            return [Relation(i, doc_id, annotator, t, a1, a2) for i, t, a1, a2 in rows]

    def _insert_event(self, s: Session, e: Event) -> Event:
        aid = self._aid(s, e.annotator)
        row = EventRow(
            id=e.id or None,
            doc_id=e.doc_id,
            annotator_id=aid,
            type=e.type,
            trigger_span_id=e.trigger_id,
            attributes=_dump(e.attributes),
        )
        s.add(row)
        s.flush()
        for pos, arg in enumerate(e.arguments):
            s.add(ArgumentRow(event_id=row.id, role=arg.role, span_id=arg.span_id, position=pos))
        return Event(row.id, e.doc_id, e.annotator, e.type, e.trigger_id, e.arguments, e.attributes)

    def _insert_relation(self, s: Session, r: Relation) -> Relation:
        aid = self._aid(s, r.annotator)
        row = RelationRow(
            id=r.id or None,
            doc_id=r.doc_id,
            annotator_id=aid,
            type=r.type,
            arg1_span_id=r.arg1_id,
            arg2_span_id=r.arg2_id,
        )
        s.add(row)
        s.flush()
        return Relation(row.id, r.doc_id, r.annotator, r.type, r.arg1_id, r.arg2_id)

    # -- edits: one transaction each, ids kept, so an edit's inverse undoes it --
    def touching(self, span_ids: Iterable[int]) -> tuple[list[Event], list[Relation]]:
        """Events whose trigger or arguments use these spans, and relations that do."""
        ids = list(span_ids)
        with self._tx() as s:
            ev_ids = set(s.scalars(select(EventRow.id).where(EventRow.trigger_span_id.in_(ids))))
            ev_ids |= set(
                s.scalars(select(ArgumentRow.event_id).where(ArgumentRow.span_id.in_(ids)))
            )
            rows = s.scalars(
                select(EventRow).where(EventRow.id.in_(ev_ids)).order_by(EventRow.id)
            ).all()
            args = self._arguments(s, [r.id for r in rows])
            events = [
                Event(
                    r.id,
                    r.doc_id,
                    self._name_of(s, r.annotator_id),
                    r.type,
                    r.trigger_span_id,
                    tuple(args.get(r.id, ())),
                    _attrs(r.attributes),
                )
                for r in rows
            ]
            rel_rows = s.scalars(
                select(RelationRow)
                .where((RelationRow.arg1_span_id.in_(ids)) | (RelationRow.arg2_span_id.in_(ids)))
                .order_by(RelationRow.id)
            ).all()
            relations = [
                Relation(
                    r.id,
                    r.doc_id,
                    self._name_of(s, r.annotator_id),
                    r.type,
                    r.arg1_span_id,
                    r.arg2_span_id,
                )
                for r in rel_rows
            ]
            return events, relations

    def apply(self, remove: Bundle, add: Bundle) -> Bundle:
        """Delete ``remove`` then insert ``add``, in one transaction.

        Ids in ``add`` are kept, so re-inserting what an earlier edit removed
        restores it exactly. Id 0 asks for a new id (only for spans that no
        event or relation in the same bundle refers to). A negative span id is
        a placeholder: the span gets a new id, and events and relations in the
        same bundle that refer to the placeholder get that id. Returns ``add``
        with the ids actually used.
        """
        with self._tx() as s:
            return self._apply(s, remove, add)

    def _apply(self, s: Session, remove: Bundle, add: Bundle) -> Bundle:
        self._delete(s, remove)
        spans = tuple(self._insert_span(s, sp) for sp in add.spans)
        ids = {old.id: new.id for old, new in zip(add.spans, spans, strict=True) if old.id < 0}
        events = tuple(self._insert_event(s, _remap_event(e, ids)) for e in add.events)
        relations = tuple(self._insert_relation(s, _remap_relation(r, ids)) for r in add.relations)
        return Bundle(spans, events, relations)

    def apply_with_schema(self, remove: Bundle, add: Bundle, schema_body: str) -> Bundle:
        """Like :meth:`apply`, and store a new schema in the same transaction."""
        with self._tx() as s:
            done = self._apply(s, remove, add)
            s.merge(SchemaRow(id=1, body=schema_body))
            return done

    def spans_with_labels(self, labels: Iterable[str]) -> list[Span]:
        """Every span, in any document and layer, whose label is one of ``labels``."""
        wanted = list(labels)
        with self._tx() as s:
            rows = s.scalars(
                select(SpanRow).where(SpanRow.label.in_(wanted)).order_by(SpanRow.id)
            ).all()
            return [
                Span(
                    r.id,
                    r.doc_id,
                    self._name_of(s, r.annotator_id),
                    r.start,
                    r.end,
                    r.label,
                    _attrs(r.attributes),
                )
                for r in rows
            ]

    def events_of_types(self, types: Iterable[str]) -> list[Event]:
        """Every event, in any document and layer, whose type is one of ``types``."""
        wanted = list(types)
        with self._tx() as s:
            rows = s.scalars(
                select(EventRow).where(EventRow.type.in_(wanted)).order_by(EventRow.id)
            ).all()
            args = self._arguments(s, [r.id for r in rows])
            return [
                Event(
                    r.id,
                    r.doc_id,
                    self._name_of(s, r.annotator_id),
                    r.type,
                    r.trigger_span_id,
                    tuple(args.get(r.id, ())),
                    _attrs(r.attributes),
                )
                for r in rows
            ]

    def relations_of_types(self, types: Iterable[str]) -> list[Relation]:
        """Every relation, in any document and layer, whose type is one of ``types``."""
        wanted = list(types)
        with self._tx() as s:
            rows = s.scalars(
                select(RelationRow).where(RelationRow.type.in_(wanted)).order_by(RelationRow.id)
            ).all()
            return [
                Relation(
                    r.id,
                    r.doc_id,
                    self._name_of(s, r.annotator_id),
                    r.type,
                    r.arg1_span_id,
                    r.arg2_span_id,
                )
                for r in rows
            ]

    def _delete(self, s: Session, bundle: Bundle) -> None:
        if bundle.relations:
            s.execute(
                delete(RelationRow).where(RelationRow.id.in_([r.id for r in bundle.relations]))
            )
        if bundle.events:
            ids = [e.id for e in bundle.events]
            s.execute(delete(ArgumentRow).where(ArgumentRow.event_id.in_(ids)))
            s.execute(delete(EventRow).where(EventRow.id.in_(ids)))
        if bundle.spans:
            s.execute(delete(SpanRow).where(SpanRow.id.in_([sp.id for sp in bundle.spans])))

    def _insert_span(self, s: Session, sp: Span) -> Span:
        row = SpanRow(
            id=sp.id if sp.id > 0 else None,
            doc_id=sp.doc_id,
            annotator_id=self._aid(s, sp.annotator),
            start=sp.start,
            end=sp.end,
            label=sp.label,
            attributes=_dump(sp.attributes),
        )
        s.add(row)
        s.flush()
        return Span(
            row.id, sp.doc_id, sp.annotator, sp.start, sp.end, sp.label, dict(sp.attributes)
        )

    def clear_layer(self, doc_id: int, annotator: str) -> None:
        """Delete every annotation of one annotator in one document."""
        aid = self.annotator_id(annotator)
        with self._tx() as s:
            ev_ids = select(EventRow.id).where(
                EventRow.doc_id == doc_id, EventRow.annotator_id == aid
            )
            s.execute(delete(ArgumentRow).where(ArgumentRow.event_id.in_(ev_ids)))
            s.execute(
                delete(EventRow).where(EventRow.doc_id == doc_id, EventRow.annotator_id == aid)
            )
            s.execute(
                delete(RelationRow).where(
                    RelationRow.doc_id == doc_id, RelationRow.annotator_id == aid
                )
            )
            s.execute(delete(SpanRow).where(SpanRow.doc_id == doc_id, SpanRow.annotator_id == aid))

    # -- bulk import (added for the import/export use cases) -------------------
    def import_layers(
        self, annotator: str, items: list[tuple[str, str, str, Bundle]], replace: bool
    ) -> list[int]:
        """Store several documents' annotations for one annotator in ONE transaction.

        Each item is ``(name, text, sha256, bundle)``. A document is matched by
        its SHA-256, or added. Span ids in ``bundle`` are local: spans get new
        ids, and events and relations are remapped to them. With ``replace``,
        the annotator's existing layer on each document is deleted first.
        Returns the document ids, in order. Nothing is written if anything fails.
        """
        self.annotator_id(annotator)  # created in its own transaction, so the cache stays valid
        with self._tx() as s:
            aid = self._aid(s, annotator)
            return [self._import_one(s, aid, annotator, item, replace) for item in items]

    def _import_one(
        self,
        s: Session,
        aid: int,
        annotator: str,
        item: tuple[str, str, str, Bundle],
        replace: bool,
    ) -> int:
        name, text, sha, bundle = item
        doc_id = s.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == sha))
        if doc_id is None:
            row = DocumentRow(name=name, text=text, sha256=sha, length=len(text))
            s.add(row)
            s.flush()
            doc_id = row.id
        if replace:
            self._clear_in(s, doc_id, aid)
        ids: dict[int, int] = {}
        for sp in bundle.spans:
            new = SpanRow(
                doc_id=doc_id,
                annotator_id=aid,
                start=sp.start,
                end=sp.end,
                label=sp.label,
                attributes=_dump(sp.attributes),
            )
            s.add(new)
            s.flush()
            ids[sp.id] = new.id
        for e in bundle.events:
            args = tuple(Argument(a.role, ids[a.span_id]) for a in e.arguments)
            event = Event(0, doc_id, annotator, e.type, ids[e.trigger_id], args, e.attributes)
            self._insert_event(s, event)
        for r in bundle.relations:
            rel = Relation(0, doc_id, annotator, r.type, ids[r.arg1_id], ids[r.arg2_id])
            self._insert_relation(s, rel)
        return int(doc_id)

    def _clear_in(self, s: Session, doc_id: int, aid: int) -> None:
        ev_ids = select(EventRow.id).where(EventRow.doc_id == doc_id, EventRow.annotator_id == aid)
        s.execute(delete(ArgumentRow).where(ArgumentRow.event_id.in_(ev_ids)))
        s.execute(delete(EventRow).where(EventRow.doc_id == doc_id, EventRow.annotator_id == aid))
        s.execute(
            delete(RelationRow).where(RelationRow.doc_id == doc_id, RelationRow.annotator_id == aid)
        )
        s.execute(delete(SpanRow).where(SpanRow.doc_id == doc_id, SpanRow.annotator_id == aid))
