"""The repository: the only place that builds queries (with :mod:`annotator.store.rows`).

Every public method runs in its own transaction and commits before it
returns, so each edit is on disk as soon as the call ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from annotator.core.model import Bundle, Document, DocumentSummary, Event, Relation, Span, Status
from annotator.store import rows
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
            found = s.execute(
                select(SpanRow.id, SpanRow.start, SpanRow.end, SpanRow.label, SpanRow.attributes)
                .where(SpanRow.doc_id == doc_id, SpanRow.annotator_id == aid)
                .order_by(SpanRow.start, SpanRow.end, SpanRow.id)
            )
            return [
                Span(i, doc_id, annotator, a, b, lb, rows.attrs(at)) for i, a, b, lb, at in found
            ]

    def span(self, span_id: int) -> Span | None:
        """One span by id."""
        with self._tx() as s:
            found = rows.load_spans(s, SpanRow.id == span_id, self._namer(s))
            return found[0] if found else None

    # -- events and relations -------------------------------------------------
    def events(self, doc_id: int, annotator: str) -> list[Event]:
        """All events of one document in one annotator's layer."""
        aid = self.find_annotator(annotator)  # reading never creates an annotator
        if aid is None:
            return []
        with self._tx() as s:
            where = (EventRow.doc_id == doc_id) & (EventRow.annotator_id == aid)
            return rows.load_events(s, where, self._namer(s))

    def relations(self, doc_id: int, annotator: str) -> list[Relation]:
        """All relations of one document in one annotator's layer."""
        aid = self.find_annotator(annotator)  # reading never creates an annotator
        if aid is None:
            return []
        with self._tx() as s:
            where = (RelationRow.doc_id == doc_id) & (RelationRow.annotator_id == aid)
            return rows.load_relations(s, where, self._namer(s))

    def layers_of(
        self, doc_ids: list[int], annotator: str
    ) -> list[tuple[Document, list[Span], list[Event], list[Relation]]]:
        """Documents and one layer's spans, events and relations, in a few queries.

        For exports of many small documents: one query per table for the whole
        batch instead of four per document. Spans come in (start, end, id) order.
        """
        aid = self.find_annotator(annotator)
        with self._tx() as s:
            conn = s.connection()  # plain rows: no ORM loading for thousands of spans
            docs = conn.execute(
                select(
                    DocumentRow.id, DocumentRow.name, DocumentRow.text, DocumentRow.sha256
                ).where(DocumentRow.id.in_(doc_ids))
            ).all()
            spans: dict[int, list[Span]] = {d: [] for d in doc_ids}
            events: dict[int, list[Event]] = {d: [] for d in doc_ids}
            relations: dict[int, list[Relation]] = {d: [] for d in doc_ids}
            if aid is not None:
                found = conn.execute(
                    select(
                        SpanRow.id,
                        SpanRow.doc_id,
                        SpanRow.start,
                        SpanRow.end,
                        SpanRow.label,
                        SpanRow.attributes,
                    )
                    .where(SpanRow.doc_id.in_(doc_ids), SpanRow.annotator_id == aid)
                    .order_by(SpanRow.doc_id, SpanRow.start, SpanRow.end, SpanRow.id)
                ).all()
                attrs = rows.attrs
                for i, d, a, b, lb, at in found:
                    spans[d].append(Span(i, d, annotator, a, b, lb, attrs(at)))
                namer = self._namer(s)
                where = EventRow.doc_id.in_(doc_ids) & (EventRow.annotator_id == aid)
                for e in rows.load_events(s, where, namer):
                    events[e.doc_id].append(e)
                where = RelationRow.doc_id.in_(doc_ids) & (RelationRow.annotator_id == aid)
                for r in rows.load_relations(s, where, namer):
                    relations[r.doc_id].append(r)
        by_id = {row[0]: Document(*row) for row in docs}
        return [(by_id[d], spans[d], events[d], relations[d]) for d in doc_ids if d in by_id]

    # -- edits: one transaction each, ids kept, so an edit's inverse undoes it --
    def touching(self, span_ids: Iterable[int]) -> tuple[list[Event], list[Relation]]:
        """Events whose trigger or arguments use these spans, and relations that do."""
        ids = list(span_ids)
        with self._tx() as s:
            used_as_arg = select(ArgumentRow.event_id).where(ArgumentRow.span_id.in_(ids))
            ev_where = EventRow.trigger_span_id.in_(ids) | EventRow.id.in_(used_as_arg)
            rel_where = RelationRow.arg1_span_id.in_(ids) | RelationRow.arg2_span_id.in_(ids)
            namer = self._namer(s)
            return rows.load_events(s, ev_where, namer), rows.load_relations(s, rel_where, namer)

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
        rows.delete_bundle(s, remove)
        spans = tuple(rows.insert_span(s, self._aid(s, sp.annotator), sp) for sp in add.spans)
        ids = {old.id: new.id for old, new in zip(add.spans, spans, strict=True) if old.id < 0}
        events = tuple(
            rows.insert_event(s, self._aid(s, e.annotator), rows.remap_event(e, ids))
            for e in add.events
        )
        relations = tuple(
            rows.insert_relation(s, self._aid(s, r.annotator), rows.remap_relation(r, ids))
            for r in add.relations
        )
        return Bundle(spans, events, relations)

    def apply_with_schema(self, remove: Bundle, add: Bundle, schema_body: str) -> Bundle:
        """Like :meth:`apply`, and store a new schema in the same transaction."""
        with self._tx() as s:
            done = self._apply(s, remove, add)
            s.merge(SchemaRow(id=1, body=schema_body))
            return done

    def spans_with_labels(self, labels: Iterable[str]) -> list[Span]:
        """Every span, in any document and layer, whose label is one of ``labels``."""
        with self._tx() as s:
            return rows.load_spans(s, SpanRow.label.in_(list(labels)), self._namer(s))

    def events_of_types(self, types: Iterable[str]) -> list[Event]:
        """Every event, in any document and layer, whose type is one of ``types``."""
        with self._tx() as s:
            return rows.load_events(s, EventRow.type.in_(list(types)), self._namer(s))

    def relations_of_types(self, types: Iterable[str]) -> list[Relation]:
        """Every relation, in any document and layer, whose type is one of ``types``."""
        with self._tx() as s:
            return rows.load_relations(s, RelationRow.type.in_(list(types)), self._namer(s))

    # -- bulk import -----------------------------------------------------------
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
        replace_: bool,
    ) -> int:
        name, text, sha, bundle = item
        doc_id = s.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == sha))
        if doc_id is None:
            row = DocumentRow(name=name, text=text, sha256=sha, length=len(text))
            s.add(row)
            s.flush()
            doc_id = row.id
        if replace_:
            rows.clear_layer(s, doc_id, aid)
        self._apply(s, Bundle(), _as_placeholders(bundle, int(doc_id), annotator))
        return int(doc_id)

    def _namer(self, s: Session) -> rows.NameOf:
        return lambda annotator_id: self._name_of(s, annotator_id)


def _as_placeholders(bundle: Bundle, doc_id: int, annotator: str) -> Bundle:
    """Rewrite a file's local span ids as placeholders (negative) for :meth:`Repository.apply`."""
    ids = {sp.id: -(i + 1) for i, sp in enumerate(bundle.spans)}
    used = {e.trigger_id for e in bundle.events} | {
        a.span_id for e in bundle.events for a in e.arguments
    }
    used |= {r.arg1_id for r in bundle.relations} | {r.arg2_id for r in bundle.relations}
    if not used <= ids.keys():
        raise ValueError(f"annotations refer to spans not in the file: {sorted(used - ids.keys())}")
    spans = tuple(
        replace(sp, id=ids[sp.id], doc_id=doc_id, annotator=annotator) for sp in bundle.spans
    )
    events = tuple(
        replace(rows.remap_event(e, ids), id=0, doc_id=doc_id, annotator=annotator)
        for e in bundle.events
    )
    relations = tuple(
        replace(rows.remap_relation(r, ids), id=0, doc_id=doc_id, annotator=annotator)
        for r in bundle.relations
    )
    return Bundle(spans, events, relations)
