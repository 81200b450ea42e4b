"""What a write transaction reads: the queries behind :class:`annotator.store.writer.WriteTx`.

:class:`TxReads` reads inside one open write transaction (or the read-only transaction of
:meth:`annotator.store.writer.Writer.reading`), and remembers what the transaction may not see
change: an annotator's id and kind, the schema, a status, whether a document exists. Only the
writer uses it; what changes rows is in :mod:`annotator.store.writer`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, func, select, text, union
from sqlalchemy.orm import Session

from annotator.core.change import DocumentRecord
from annotator.core.model import Bundle, Event, Relation, Span, Status
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
    TokensRow,
)
from annotator.store.roundtrips import pyformat, run_together

_IN_BATCH = 500  # ids or hashes in one IN (...) list
_META = select(MetaRow.value).where(MetaRow.key == bindparam("b_key"))
STATUS_KEY = (StatusRow.doc_id == bindparam("b_doc_id")) & (
    StatusRow.annotator_id == bindparam("b_aid")
)
_STATUS = select(StatusRow.status).where(STATUS_KEY)
# the queries of every one-span edit, built once (building one costs more than running it)
_DOCUMENT_ID = select(DocumentRow.id).where(DocumentRow.id == bindparam("doc_id"))
_SPANS_AT = (
    select(*SpanRow.__table__.c)
    .where(
        (SpanRow.doc_id == bindparam("doc_id"))
        & (SpanRow.annotator_id == bindparam("aid"))
        & (SpanRow.start == bindparam("start"))
        & (SpanRow.end == bindparam("end"))
    )
    .order_by(SpanRow.id)
)
# what every one-layer edit reads first, in one statement (:meth:`WriteTx.prime`)
_PRIME = text(
    "SELECT (SELECT s.body FROM annotation_schema s WHERE s.id = 1) AS body, a.id, a.kind, "
    "(SELECT st.status FROM document_status st "
    "WHERE st.doc_id = :doc_id AND st.annotator_id = a.id) AS status, "
    "(SELECT d.id FROM documents d WHERE d.id = :doc_id) AS doc "
    "FROM (SELECT 1 AS one) o LEFT JOIN annotators a ON a.name = :name"
)
_PRIME_PG = pyformat(str(_PRIME))
_UNREAD = object()


class TxReads:
    """Reads inside one open transaction, answered from what it read before where they can be
    (the caches are valid for this transaction only)."""

    def __init__(self, session: Session, lengths: dict[int, int] | None = None) -> None:
        self.s = session
        self._committed_lengths = lengths if lengths is not None else {}
        self.lengths_read: dict[int, int] = {}
        """Lengths read in this transaction (:meth:`Writer.transaction` keeps them on commit)."""
        self._names: dict[int, str] = {}
        self._ids: dict[str, int] = {}  # valid for this transaction only
        self._kinds: dict[str, str] = {}
        # read ahead by :meth:`prime`, and kept up to date by this transaction's writes
        self._schema: object = _UNREAD
        self._statuses: dict[tuple[int, int], Status] = {}
        self._documents: set[int] = set()

    def prime(self, doc_id: int, annotator: str, lock: str | None = None) -> None:
        """Read in one statement what an edit of one layer reads first: the schema, the
        annotator's id and kind, its status on the document and whether the document exists.

        Run right after the transaction's locks are taken (so what it reads holds until the
        commit); the reads that follow answer from it. ``lock``: the statement that takes
        them (PostgreSQL), sent with the read in one round trip
        (:func:`annotator.store.roundtrips.run_together`), the lock first.
        """
        params = {"doc_id": doc_id, "name": annotator}
        if lock is None:
            row = tuple(self.s.execute(_PRIME, params).one())
        else:
            _locked, (row,) = run_together(self.s.connection(), [lock, _PRIME_PG], params)
        body, aid, kind, status, doc = row
        self._schema = body
        if doc is not None:
            self._documents.add(doc_id)
        if aid is not None:
            self._ids[annotator], self._kinds[annotator] = aid, kind
            self._names[aid] = annotator
            self._statuses[doc_id, aid] = Status(status) if status else Status.NEW

    # -- reading inside the transaction ----------------------------------------
    def name_of(self, annotator_id: int) -> str:
        """An annotator's name by id."""
        if annotator_id not in self._names:
            name = self.s.scalar(select(AnnotatorRow.name).where(AnnotatorRow.id == annotator_id))
            self._names[annotator_id] = str(name)
        return self._names[annotator_id]

    def find_annotator(self, name: str) -> int | None:
        """An annotator's id, or None."""
        if name not in self._ids:
            found = self.s.execute(
                select(AnnotatorRow.id, AnnotatorRow.kind).where(AnnotatorRow.name == name)
            ).first()
            if found is None:
                return None
            self._ids[name] = found.id
            self._kinds[name] = found.kind
        return self._ids[name]

    def meta(self, key: str) -> str | None:
        """A stored project fact, or None."""
        return self.s.scalar(_META, {"b_key": key})

    def document_length(self, doc_id: int) -> int | None:
        """A document's length in code points, or None if it does not exist.

        Whether it exists is asked every time, by id alone: the ``length`` column comes
        after the text in the row, so reading it walks every overflow page of a long text
        (600 pages for 200,000 words, on each edit). The length of a committed id is
        remembered instead: ids are never reused (AUTOINCREMENT), no text is ever
        updated, and a deleted document comes back with its own text and id.
        """
        if doc_id not in self._documents:  # known to exist: primed, added or read here
            if self.s.scalar(_DOCUMENT_ID, {"doc_id": doc_id}) is None:
                return None
            self._documents.add(doc_id)
        length = self._committed_lengths.get(doc_id, self.lengths_read.get(doc_id))
        if length is None:
            found = self.s.execute(select(DocumentRow.length).where(DocumentRow.id == doc_id))
            length = self.lengths_read[doc_id] = found.scalar_one()
        return length

    def spans(self, ids: Iterable[int]) -> dict[int, Span]:
        """Stored spans by id (missing ids are absent)."""
        wanted = [i for i in set(ids) if i > 0]
        if not wanted:
            return {}
        found = rows.load_spans(self.s, SpanRow.id.in_(wanted), self.name_of)
        return {sp.id: sp for sp in found}

    def events(self, ids: Iterable[int]) -> dict[int, Event]:
        """Stored events by id."""
        wanted = [i for i in set(ids) if i > 0]
        if not wanted:
            return {}
        return {e.id: e for e in rows.load_events(self.s, EventRow.id.in_(wanted), self.name_of)}

    def relations(self, ids: Iterable[int]) -> dict[int, Relation]:
        """Stored relations by id."""
        wanted = [i for i in set(ids) if i > 0]
        if not wanted:
            return {}
        found = rows.load_relations(self.s, RelationRow.id.in_(wanted), self.name_of)
        return {r.id: r for r in found}

    def touching(self, span_ids: Iterable[int]) -> tuple[list[Event], list[Relation]]:
        """Stored events and relations that use any of these spans."""
        ids = [i for i in set(span_ids) if i > 0]
        if not ids:
            return [], []
        used_as_arg = select(ArgumentRow.event_id).where(ArgumentRow.span_id.in_(ids))
        ev_where = EventRow.trigger_span_id.in_(ids) | EventRow.id.in_(used_as_arg)
        rel_where = RelationRow.arg1_span_id.in_(ids) | RelationRow.arg2_span_id.in_(ids)
        return (
            rows.load_events(self.s, ev_where, self.name_of),
            rows.load_relations(self.s, rel_where, self.name_of),
        )

    def spans_with_labels(self, labels: Iterable[str]) -> list[Span]:
        """Every span, in any document and layer, whose label is one of ``labels``."""
        return rows.load_spans(self.s, SpanRow.label.in_(list(labels)), self.name_of)

    def events_of_types(self, types: Iterable[str]) -> list[Event]:
        """Every event, in any document and layer, whose type is one of ``types``."""
        return rows.load_events(self.s, EventRow.type.in_(list(types)), self.name_of)

    def relations_of_types(self, types: Iterable[str]) -> list[Relation]:
        """Every relation, in any document and layer, whose type is one of ``types``."""
        return rows.load_relations(self.s, RelationRow.type.in_(list(types)), self.name_of)

    def events_on(self, trigger_id: int) -> list[Event]:
        """Stored events whose trigger is span ``trigger_id`` (at most one, by the index)."""
        if trigger_id <= 0:
            return []
        return rows.load_events(self.s, EventRow.trigger_span_id == trigger_id, self.name_of)

    def span_text(self, span: Span) -> str:
        """The text a span covers, read from its document (code points, as stored)."""
        piece = func.substr(DocumentRow.text, span.start + 1, span.end - span.start)
        return self.s.scalar(select(piece).where(DocumentRow.id == span.doc_id)) or ""

    def layer_spans(self, doc_id: int, annotator: str) -> list[Span]:
        """Every stored span of one layer on one document."""
        aid = self.find_annotator(annotator)
        if aid is None:
            return []
        where = (SpanRow.doc_id == doc_id) & (SpanRow.annotator_id == aid)
        return rows.load_spans(self.s, where, self.name_of)

    def spans_at(self, doc_id: int, annotator: str, start: int, end: int) -> list[Span]:
        """Stored spans of one layer with exactly these offsets."""
        aid = self.find_annotator(annotator)
        if aid is None:
            return []
        params = {"doc_id": doc_id, "aid": aid, "start": start, "end": end}
        # columns on the connection: no ORM objects to build for a check that reads a row
        return rows.spans_of(self.s.connection().execute(_SPANS_AT, params), self.name_of)

    def relations_between(self, arg1_id: int, arg2_id: int) -> list[Relation]:
        """Stored relations from ``arg1_id`` to ``arg2_id``."""
        where = (RelationRow.arg1_span_id == arg1_id) & (RelationRow.arg2_span_id == arg2_id)
        return rows.load_relations(self.s, where, self.name_of)

    def layer(self, doc_id: int, annotator: str) -> Bundle:
        """One annotator's whole layer on one document."""
        aid = self.find_annotator(annotator)
        if aid is None:
            return Bundle()
        spans = rows.load_spans(
            self.s, (SpanRow.doc_id == doc_id) & (SpanRow.annotator_id == aid), self.name_of
        )
        events = rows.load_events(
            self.s, (EventRow.doc_id == doc_id) & (EventRow.annotator_id == aid), self.name_of
        )
        relations = rows.load_relations(
            self.s,
            (RelationRow.doc_id == doc_id) & (RelationRow.annotator_id == aid),
            self.name_of,
        )
        return Bundle(tuple(spans), tuple(events), tuple(relations))

    def layer_span_count(self, doc_id: int, annotator: str) -> int:
        """How many spans an annotator has on a document."""
        aid = self.find_annotator(annotator)
        if aid is None:
            return 0
        return int(
            self.s.scalar(
                select(func.count())
                .select_from(SpanRow)
                .where(SpanRow.doc_id == doc_id, SpanRow.annotator_id == aid)
            )
            or 0
        )

    def span_counts(self, doc_ids: Iterable[int], annotator: str) -> dict[int, int]:
        """How many spans an annotator has on each of these documents (absent: none)."""
        aid = self.find_annotator(annotator)
        wanted = list(dict.fromkeys(doc_ids))
        found: dict[int, int] = {}
        for at in range(0, len(wanted), _IN_BATCH) if aid is not None else ():
            where = (SpanRow.annotator_id == aid) & SpanRow.doc_id.in_(wanted[at : at + _IN_BATCH])
            query = select(SpanRow.doc_id, func.count()).where(where).group_by(SpanRow.doc_id)
            found.update((doc_id, int(n)) for doc_id, n in self.s.execute(query))
        return found

    def statuses(self, doc_ids: Iterable[int], annotator: str) -> dict[int, Status]:
        """Each of these documents' status for one annotator (absent: "new")."""
        aid = self.find_annotator(annotator)
        wanted = list(dict.fromkeys(doc_ids))
        found: dict[int, Status] = {}
        for at in range(0, len(wanted), _IN_BATCH) if aid is not None else ():
            where = (StatusRow.annotator_id == aid) & StatusRow.doc_id.in_(
                wanted[at : at + _IN_BATCH]
            )
            query = select(StatusRow.doc_id, StatusRow.status).where(where)
            found.update((doc_id, Status(status)) for doc_id, status in self.s.execute(query))
        return found

    def document_ids(self, shas: Iterable[str]) -> dict[str, int]:
        """The ids of the documents with these text hashes (those the project has)."""
        wanted = list(dict.fromkeys(shas))
        found: dict[str, int] = {}
        for at in range(0, len(wanted), _IN_BATCH):
            where = DocumentRow.sha256.in_(wanted[at : at + _IN_BATCH])
            query = select(DocumentRow.sha256, DocumentRow.id).where(where)
            found.update((sha, doc_id) for sha, doc_id in self.s.execute(query))
        return found

    def document_id_for_sha(self, sha256: str) -> int | None:
        """The id of the document with this text hash, if any."""
        return self.s.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == sha256))

    def known_shas(self, shas: Iterable[str]) -> set[str]:
        """Which of these text hashes the project's documents have."""
        wanted = list(shas)
        found: set[str] = set()
        for at in range(0, len(wanted), 500):
            where = DocumentRow.sha256.in_(wanted[at : at + 500])
            found.update(self.s.scalars(select(DocumentRow.sha256).where(where)))
        return found

    def schema_body(self) -> str | None:
        """The stored schema JSON."""
        if self._schema is _UNREAD:
            row = self.s.get(SchemaRow, 1)
            self._schema = row.body if row else None
        return self._schema if isinstance(self._schema, str) else None

    def status(self, doc_id: int, annotator: str) -> Status:
        """A document's status for one annotator."""
        aid = self.find_annotator(annotator)
        if aid is not None and (doc_id, aid) in self._statuses:
            return self._statuses[doc_id, aid]
        found = (
            self.s.scalar(_STATUS, {"b_doc_id": doc_id, "b_aid": aid}) if aid is not None else None
        )
        return Status(found) if found else Status.NEW

    def layer_names(self, doc_id: int) -> list[str]:
        """The annotators with spans, events or relations on a document, by name."""
        ids = union(
            select(SpanRow.annotator_id).where(SpanRow.doc_id == doc_id),
            select(EventRow.annotator_id).where(EventRow.doc_id == doc_id),
            select(RelationRow.annotator_id).where(RelationRow.doc_id == doc_id),
        ).subquery()
        names = self.s.scalars(select(AnnotatorRow.name).where(AnnotatorRow.id.in_(select(ids))))
        return sorted(names)

    def facts(self, prefix: str, suffix: str = "") -> dict[str, str]:
        """The project facts whose key starts with ``prefix`` and ends with ``suffix``."""
        where = MetaRow.key.startswith(prefix, autoescape=True)
        if suffix:
            where &= MetaRow.key.endswith(suffix, autoescape=True)
        query = select(MetaRow.key, MetaRow.value).where(where)
        return {key: value for key, value in self.s.execute(query)}

    def document_record(self, doc_id: int, facts: dict[str, str]) -> DocumentRecord | None:
        """A document with its tokens and statuses (and the given ``facts``), or None."""
        doc = self.s.get(DocumentRow, doc_id)
        if doc is None:
            return None
        tok = self.s.get(TokensRow, doc_id)
        tokens = (
            None if tok is None else (tok.tokenizer, tok.count, tok.words, tok.starts, tok.ends)
        )
        found = self.s.execute(
            select(StatusRow.annotator_id, StatusRow.status).where(StatusRow.doc_id == doc_id)
        )
        statuses = sorted((self.name_of(aid), Status(status)) for aid, status in found)
        return DocumentRecord(
            doc.id,
            doc.name,
            doc.text,
            doc.sha256,
            doc.created_at,
            tokens,
            tuple(statuses),
            tuple(sorted(facts.items())),
        )

    def has_annotations(self, doc_id: int) -> bool:
        """True if any layer has a span, event or relation on the document."""
        return bool(self.layer_names(doc_id))
