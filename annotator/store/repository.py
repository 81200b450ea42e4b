"""The repository: reads only (with :mod:`annotator.store.rows`).

Every change goes through :mod:`annotator.store.writer`, used only by the
write service. Each read runs in its own short (deferred) transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from annotator.core.model import Document, DocumentSummary, Event, Relation, Span, Status
from annotator.core.positions import CodePoint
from annotator.core.tokens import WordTokens
from annotator.store import feed, rows
from annotator.store.feed import LoggedChange
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
    TokensRow,
)


class Repository:
    """Typed access to one project database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # PostgreSQL's READ COMMITTED gives each statement its own snapshot; a read transaction
        # must see one state throughout (:meth:`snapshot`), as SQLite's does
        server = engine.dialect.name == "postgresql"
        reads = engine.execution_options(isolation_level="REPEATABLE READ") if server else engine
        self._sessions = sessionmaker(reads, expire_on_commit=False)
        self._annotator_ids: dict[str, int] = {}
        self._annotator_names: dict[int, str] = {}
        self._reading = threading.local()  # the thread's snapshot session, if one is open

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read of this thread inside sees one state of the database.

        The reads share one read transaction, so a write that another window or
        program commits meanwhile is seen by all of them or by none. Only for reads:
        nothing is written through the repository. Nested snapshots join the outer one.
        """
        if getattr(self._reading, "session", None) is not None:
            yield
            return
        with self._sessions.begin() as session:
            self._reading.session = session
            try:
                yield
            finally:
                self._reading.session = None

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        current = getattr(self._reading, "session", None)
        if current is not None:
            yield current
            return
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

    def metas(self, prefix: str) -> dict[str, str]:
        """Every stored project fact whose key starts with ``prefix``."""
        with self._tx() as s:
            found = s.execute(
                select(MetaRow.key, MetaRow.value).where(MetaRow.key.startswith(prefix))
            )
            return {k: v for k, v in found}

    def schema_json(self) -> str | None:
        """The project's schema as JSON, or None for a new project."""
        with self._tx() as s:
            row = s.get(SchemaRow, 1)
            return row.body if row else None

    # -- annotators ----------------------------------------------------------
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

    def identities(self) -> list[tuple[str, str, str]]:
        """Every annotator as ``(name, kind, uid)``, in creation order (for merges)."""
        with self._tx() as s:
            found = s.execute(
                select(AnnotatorRow.name, AnnotatorRow.kind, AnnotatorRow.uid).order_by(
                    AnnotatorRow.id
                )
            )
            return [(n, k, u) for n, k, u in found]

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

    def stored_tokens(self, doc_ids: list[int], tokenizer: str) -> dict[int, WordTokens]:
        """The tokens stored for these documents by ``tokenizer`` (ADR 0015).

        A document is missing from the result when it has no tokens from that
        tokenizer (an older camel-tools made them, say): its tokens must be made again.
        """
        with self._tx() as s:
            found = s.connection().execute(
                select(
                    TokensRow.doc_id,
                    TokensRow.count,
                    TokensRow.words,
                    TokensRow.starts,
                    TokensRow.ends,
                ).where(TokensRow.doc_id.in_(doc_ids), TokensRow.tokenizer == tokenizer)
            )
            out = {}
            for doc_id, count, words, starts, ends in found:
                tokens = rows.unpack_tokens(count, words, starts, ends)
                if tokens is not None:
                    out[doc_id] = tokens
            return out

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

    def document_ids_named(self, name: str) -> list[int]:
        """The ids of every document with exactly this name (names need not be unique)."""
        with self._tx() as s:
            where = DocumentRow.name == name
            return list(s.scalars(select(DocumentRow.id).where(where).order_by(DocumentRow.id)))

    def summaries(
        self, annotator: str, ids: Collection[int] | None = None
    ) -> list[DocumentSummary]:
        """The document list for one annotator: status and span count per document (only
        the documents ``ids``, when given: a few rows of a long list are read as such)."""
        aid = self.find_annotator(annotator) or -1  # unknown: every document is new
        only = [] if ids is None else list(ids)
        with self._tx() as s:
            counted = select(SpanRow.doc_id, func.count().label("n"))
            counted = counted.where(SpanRow.annotator_id == aid)
            marked = select(StatusRow.doc_id, StatusRow.status)
            marked = marked.where(StatusRow.annotator_id == aid)
            listed = select(DocumentRow.id, DocumentRow.name, DocumentRow.length)
            if ids is not None:
                counted = counted.where(SpanRow.doc_id.in_(only))
                marked = marked.where(StatusRow.doc_id.in_(only))
                listed = listed.where(DocumentRow.id.in_(only))
            counts = counted.group_by(SpanRow.doc_id).subquery()
            status = marked.subquery()
            rows = s.execute(
                listed.add_columns(status.c.status, counts.c.n)
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

    # -- spans ---------------------------------------------------------------
    def spans(self, doc_id: int, annotator: str, before: int | None = None) -> list[Span]:
        """All spans of one document in one annotator's layer, by start offset.

        With ``before``, only the spans that start before that offset (a cheap
        range read on the layer's start index, e.g. for the first screen).
        """
        aid = self.find_annotator(annotator)  # reading never creates an annotator
        if aid is None:
            return []
        where = (SpanRow.doc_id == doc_id) & (SpanRow.annotator_id == aid)
        if before is not None:
            where = where & (SpanRow.start < before)
        with self._tx() as s:
            found = s.execute(
                select(SpanRow.id, SpanRow.start, SpanRow.end, SpanRow.label, SpanRow.attributes)
                .where(where)
                .order_by(SpanRow.start, SpanRow.end, SpanRow.id)
            )
            return [
                Span(i, doc_id, annotator, CodePoint(a), CodePoint(b), lb, rows.attrs(at))
                for i, a, b, lb, at in found
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
                    spans[d].append(
                        Span(i, d, annotator, CodePoint(a), CodePoint(b), lb, attrs(at))
                    )
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

    # -- the change log ---------------------------------------------------------------
    def last_seq(self) -> int:
        """The feed number of the newest committed write transaction (0 if none)."""
        with self._tx() as s:
            return feed.last(s)

    def changes_since(self, seq: int) -> list[LoggedChange]:
        """Change-log entries of transactions after feed number ``seq``, in commit order."""
        with self._tx() as s:
            return feed.changes_since(s, seq)

    def _namer(self, s: Session) -> rows.NameOf:
        return lambda annotator_id: self._name_of(s, annotator_id)
