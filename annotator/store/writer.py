"""Write transactions: the only code that changes rows.

Only :class:`annotator.services.write.WriteService` uses this module (an
import-linter contract checks it). Each :meth:`Writer.transaction` is one
``BEGIN IMMEDIATE`` transaction: it takes the write lock first, so checks made
inside it ("does this layer have spans?", "what is the schema now?") still
hold when it writes, whatever other processes do.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy import (
    Engine,
    Insert,
    Update,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    union,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from annotator.core.change import DocumentRecord
from annotator.core.errors import AnnotatorKindError
from annotator.core.model import Bundle, Event, Relation, Span, Status
from annotator.core.tokens import WordTokens
from annotator.store import bigvalues, feed, rows
from annotator.store.engine import WRITE_LAYERS, writer_engine
from annotator.store.models import (
    AnnotatorRow,
    ArgumentRow,
    ChangeRow,
    DocumentRow,
    EventRow,
    MetaRow,
    RelationRow,
    SchemaRow,
    SpanRow,
    StatusRow,
    TokensRow,
    now,
)

# built once; their compiled forms are cached, so each row costs one execute
_INSERT_TOKENS = insert(TokensRow)
_INSERT_CHANGE = insert(ChangeRow)
_INSERT_DOCUMENT = insert(DocumentRow)
_IN_BATCH = 500  # ids or hashes in one IN (...) list
_META = select(MetaRow.value).where(MetaRow.key == bindparam("b_key"))
_UPDATE_META = update(MetaRow).where(MetaRow.key == bindparam("b_key"))
_UPDATE_META = _UPDATE_META.values(value=bindparam("b_value"))
_INSERT_META = insert(MetaRow).values(key=bindparam("b_key"), value=bindparam("b_value"))
_STATUS_KEY = (StatusRow.doc_id == bindparam("b_doc_id")) & (
    StatusRow.annotator_id == bindparam("b_aid")
)
_STATUS = select(StatusRow.status).where(_STATUS_KEY)
_UPDATE_STATUS = update(StatusRow).where(_STATUS_KEY).values(status=bindparam("b_status"))
_INSERT_STATUS = insert(StatusRow).values(
    doc_id=bindparam("b_doc_id"), annotator_id=bindparam("b_aid"), status=bindparam("b_status")
)
# SQLite: the same in one statement (an import sets a status and a fact on each document)
_UPSERT_META = sqlite_insert(MetaRow).values(key=bindparam("b_key"), value=bindparam("b_value"))
_UPSERT_META = _UPSERT_META.on_conflict_do_update(
    index_elements=[MetaRow.key], set_={"value": _UPSERT_META.excluded.value}
)
_UPSERT_STATUS = sqlite_insert(StatusRow).values(
    doc_id=bindparam("b_doc_id"), annotator_id=bindparam("b_aid"), status=bindparam("b_status")
)
_UPSERT_STATUS = _UPSERT_STATUS.on_conflict_do_update(
    index_elements=[StatusRow.doc_id, StatusRow.annotator_id],
    set_={
        "status": _UPSERT_STATUS.excluded.status,
        "updated_at": _UPSERT_STATUS.excluded.updated_at,
    },
)
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
_UNREAD = object()


class WriteTx:
    """Reads and writes inside one open write transaction.

    ``writing``: the transaction holds the change feed's lock (:meth:`Writer.transaction`),
    so it may log; ``seq`` is its feed number once it has logged a change.
    """

    def __init__(
        self, session: Session, writing: bool = False, lengths: dict[int, int] | None = None
    ) -> None:
        self.s = session
        self.writing = writing
        self.seq: int | None = None
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
        self._log: list[feed.LogRow] = []

    def prime(self, doc_id: int, annotator: str) -> None:
        """Read in one statement what an edit of one layer reads first: the schema, the
        annotator's id and kind, its status on the document and whether the document exists.

        Run right after the transaction's locks are taken (so what it reads holds until the
        commit); the reads that follow answer from it.
        """
        row = self.s.execute(_PRIME, {"doc_id": doc_id, "name": annotator}).one()
        self._schema = row.body
        if row.doc is not None:
            self._documents.add(doc_id)
        if row.id is not None:
            self._ids[annotator], self._kinds[annotator] = row.id, row.kind
            self._names[row.id] = annotator
            self._statuses[doc_id, row.id] = Status(row.status) if row.status else Status.NEW

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

    def annotator_id(self, name: str, kind: str | None = None) -> int:
        """An annotator's id, created (kind ``kind``, or "human" if None) if needed.

        Raises:
            AnnotatorKindError: ``kind`` is given and the name exists with another
                kind (a person's layer never receives gold, nor gold a person's edit).
        """
        found = self.find_annotator(name)
        if found is not None:
            if kind is not None and self._kinds[name] != kind:
                raise AnnotatorKindError(
                    f"The annotator {name!r} already exists as a {self._kinds[name]} layer, so "
                    f"it cannot take a {kind} change; nothing was saved. Choose another name "
                    "(for adjudication: --gold-name)."
                )
            return found
        return self._add(AnnotatorRow(name=name, kind=kind or "human"))  # uid: a fresh one

    def annotator_by_uid(self, uid: str) -> str | None:
        """The name of the annotator with this identity (``annotators.uid``), or None."""
        return self.s.scalar(select(AnnotatorRow.name).where(AnnotatorRow.uid == uid))

    def add_annotator(self, name: str, kind: str, uid: str) -> int:
        """Create an annotator with a given identity (a merge keeps the source's uid)."""
        return self._add(AnnotatorRow(name=name, kind=kind, uid=uid))

    def gold_layer(self) -> str | None:
        """The name of the project's gold layer, if it has one."""
        return self.s.scalar(select(AnnotatorRow.name).where(AnnotatorRow.kind == "gold"))

    def _add(self, row: AnnotatorRow) -> int:
        """Store a new annotator row and remember its id and kind for this transaction.

        Raises:
            AnnotatorKindError: the row is a second gold layer (a project has one).
        """
        if row.kind == "gold":
            other = self.gold_layer()
            if other is not None:
                raise AnnotatorKindError(
                    f"The project already has a gold layer named {other!r}, and a project "
                    f"has only one, so {row.name!r} was not made; nothing was saved. Use "
                    f"{other!r} (for adjudication: --gold-name {other})."
                )
        self.s.add(row)
        self.s.flush()
        self._ids[row.name] = row.id
        self._kinds[row.name] = row.kind
        return row.id

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

    # -- writing ---------------------------------------------------------------
    def delete_document(self, record: DocumentRecord) -> None:
        """Delete a document's facts, statuses, tokens and row (its annotations are gone)."""
        s = self.s
        keys = [key for key, _value in record.facts]
        if keys:
            s.execute(delete(MetaRow).where(MetaRow.key.in_(keys)))
        s.execute(delete(StatusRow).where(StatusRow.doc_id == record.id))
        s.execute(delete(TokensRow).where(TokensRow.doc_id == record.id))
        s.execute(delete(DocumentRow).where(DocumentRow.id == record.id))
        self._documents.discard(record.id)
        self._statuses = {k: v for k, v in self._statuses.items() if k[0] != record.id}

    def restore_document(self, record: DocumentRecord) -> None:
        """Put a deleted document back exactly: its row (same id), tokens, statuses, facts."""
        self.s.add(
            DocumentRow(
                id=record.id,
                name=record.name,
                text=record.text,
                sha256=record.sha256,
                length=len(record.text),
                created_at=record.created_at,
            )
        )
        self.s.flush()
        if record.tokens is not None:
            self._insert_tokens(record.id, *record.tokens)
        for annotator, status in record.statuses:
            self.set_status(record.id, annotator, status)
        for key, value in record.facts:
            self.set_meta(key, value)

    def delete_meta(self, key: str) -> None:
        """Forget a project fact (nothing if it is not stored)."""
        self.s.execute(delete(MetaRow).where(MetaRow.key == key))

    def apply(self, remove: Bundle, add: Bundle) -> Bundle:
        """Delete ``remove`` then insert ``add``; return ``add`` with the ids used.

        A row in both (same id) is updated in place, so nothing that refers to
        it is touched. Id 0 or a negative span id (a placeholder that events
        and relations in ``add`` may refer to) asks for a new id. The order of the
        writes is :func:`annotator.store.rows.apply_bundles`'.
        """
        return rows.apply_bundles(self.s, remove, add, self.annotator_id)

    def add_document(self, name: str, text: str, sha256: str) -> int:
        """Store a new document; return its id. A long text is written in pieces
        (:mod:`annotator.store.bigvalues`), never bound whole."""
        conn = self.s.connection()
        if len(text) >= bigvalues.LONG and bigvalues.fits(conn):
            doc_id = bigvalues.insert_text(conn, name, text, sha256)
        else:
            # a Core insert on the connection: no flush of pending rows, no ORM unit of work
            # (an import adds hundreds of documents in its one transaction)
            values = {"name": name, "text": text, "sha256": sha256, "length": len(text)}
            key = conn.execute(_INSERT_DOCUMENT, values).inserted_primary_key
            assert key is not None  # a single-row insert
            doc_id = int(key[0])
        self._documents.add(doc_id)  # exists: document_length need not ask
        return doc_id

    def set_tokens(self, doc_id: int, tokenizer: str, tokens: WordTokens) -> None:
        """Store a document's tokens, made by ``tokenizer`` (ADR 0015); the words and
        offsets of many tokens are written in pieces (:mod:`annotator.store.bigvalues`)."""
        conn = self.s.connection()
        if len(tokens) >= bigvalues.MANY and bigvalues.fits(conn):
            bigvalues.insert_tokens(conn, doc_id, tokenizer, tokens)
            return
        self._insert_tokens(doc_id, tokenizer, *rows.pack_tokens(tokens))

    def _insert_tokens(
        self, doc_id: int, tokenizer: str, count: int, words: str, starts: bytes, ends: bytes
    ) -> None:
        # a document without tokens yet: a Core insert on the connection (no flush of
        # pending rows, no ORM unit of work: this runs once per document of an import)
        values = {"count": count, "words": words, "starts": starts, "ends": ends}
        self.s.connection().execute(
            _INSERT_TOKENS, {"doc_id": doc_id, "tokenizer": tokenizer, **values}
        )

    def set_status(self, doc_id: int, annotator: str, status: Status) -> None:
        """Record a document's status for one annotator."""
        aid = self.annotator_id(annotator)
        values = {"b_doc_id": doc_id, "b_aid": aid, "b_status": status.value}
        self._upsert(_UPDATE_STATUS, _INSERT_STATUS, values, _UPSERT_STATUS)
        self._statuses[doc_id, aid] = status

    def set_schema_body(self, body: str) -> None:
        """Replace the stored schema."""
        self.s.merge(SchemaRow(id=1, body=body))
        self._schema = body

    def set_meta(self, key: str, value: str) -> None:
        """Store a project fact."""
        self._upsert(_UPDATE_META, _INSERT_META, {"b_key": key, "b_value": value}, _UPSERT_META)

    def _upsert(
        self, update_row: Update, insert_row: Insert, values: Mapping[str, object], upsert: Insert
    ) -> None:
        """Update a row, or insert it if there is none: Core statements on the connection.

        Facts and statuses are never loaded as objects in a write transaction (their
        reads select columns), so no object in the session can hold an older value; an
        ORM ``merge`` cost a query, a flush and the unit of work for each row, twice per
        document of an import. On SQLite it is one statement (``upsert``: INSERT ... ON
        CONFLICT DO UPDATE, the same row and timestamp): each statement costs more in
        SQLAlchemy than in SQLite, and an import of 588 documents made 1,176 of them. On
        PostgreSQL it stays an UPDATE then an INSERT (the team's row policies, ADR 0024,
        were written and tested for those two).
        """
        conn = self.s.connection()
        if conn.dialect.name == "sqlite":
            conn.execute(upsert, values)
        elif conn.execute(update_row, values).rowcount == 0:
            conn.execute(insert_row, values)

    def log(
        self, session: str, origin: str, doc_id: int | None, annotator: str | None, text: str
    ) -> None:
        """Record a change in the change log, under this transaction's feed number (taken,
        with the rows written, just before the commit: :meth:`take_number`)."""
        if not self.writing:
            raise RuntimeError("A read-only transaction cannot log a change.")
        self._log.append(feed.LogRow(session, origin, doc_id, annotator, text[:500], now()))

    def take_number(self) -> None:
        """Write the logged rows under the feed's next number (``seq``), if anything was logged:
        the last statement before the commit, so the feed's lock is held for the commit alone."""
        if self._log:
            self.seq = feed.take(self.s.connection(), self._log)
            self._log = []


class Writer:
    """Opens write transactions on one project database."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(writer_engine(engine), expire_on_commit=False)
        self._readers = sessionmaker(engine, expire_on_commit=False)
        # lengths of committed documents by id (:meth:`WriteTx.document_length`); a length
        # read in a transaction that rolls back is not kept: its id may be given again
        self._lengths: dict[int, int] = {}

    @contextmanager
    def reading(self) -> Iterator[WriteTx]:
        """A read-only transaction with the same API (for a project opened read-only)."""
        with self._readers() as session:
            yield WriteTx(session)
            session.rollback()

    @contextmanager
    def transaction(self, layers: Collection[tuple[int, str]] | None = None) -> Iterator[WriteTx]:
        """One BEGIN IMMEDIATE transaction: committed if the block ends normally.

        ``layers``: the (document, annotator) layers the transaction writes, if it writes
        nothing else (no schema, no document, no other layer); on PostgreSQL it then locks
        only these annotators' layers, with the project's lock shared (ADR 0023), and a
        one-layer transaction reads what an edit reads first in one statement
        (:meth:`WriteTx.prime`). None: it may write anything, and locks the whole project.
        Its change-log rows take the feed's next number just before the commit
        (:meth:`WriteTx.take_number`).
        """
        with self._sessions.begin() as session:
            if layers is not None:
                names = tuple(sorted({annotator for _doc_id, annotator in layers}))
                session.connection(execution_options={WRITE_LAYERS: names})
            tx = WriteTx(session, writing=True, lengths=self._lengths)
            if layers is not None and len(layers) == 1:
                tx.prime(*next(iter(layers)))
            yield tx
            tx.take_number()
        self._lengths.update(tx.lengths_read)
