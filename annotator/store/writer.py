"""Write transactions: the only code that changes rows.

Only :class:`annotator.services.write.WriteService` uses this module (an
import-linter contract checks it). Each :meth:`Writer.transaction` is one
``BEGIN IMMEDIATE`` transaction: it takes the write lock first, so checks made
inside it ("does this layer have spans?", "what is the schema now?") still
hold when it writes, whatever other processes do.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy import Engine, Insert, Update, bindparam, delete, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from annotator.core.change import DocumentRecord
from annotator.core.errors import AnnotatorKindError
from annotator.core.model import Bundle, Status
from annotator.core.tokens import WordTokens
from annotator.store import bigvalues, feed, rows
from annotator.store.engine import (
    LOCKS_WITH_FIRST_READ,
    WRITE_LAYERS,
    write_lock_sql,
    writer_engine,
)
from annotator.store.models import (
    AnnotatorRow,
    DocumentRow,
    MetaRow,
    SchemaRow,
    StatusRow,
    TokensRow,
    now,
)
from annotator.store.txreads import STATUS_KEY, TxReads

# built once; their compiled forms are cached, so each row costs one execute
_INSERT_TOKENS = insert(TokensRow)
_INSERT_DOCUMENT = insert(DocumentRow)
_UPDATE_META = update(MetaRow).where(MetaRow.key == bindparam("b_key"))
_UPDATE_META = _UPDATE_META.values(value=bindparam("b_value"))
_INSERT_META = insert(MetaRow).values(key=bindparam("b_key"), value=bindparam("b_value"))
_UPDATE_STATUS = update(StatusRow).where(STATUS_KEY).values(status=bindparam("b_status"))
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


class WriteTx(TxReads):
    """Reads (:class:`TxReads`) and writes inside one open write transaction.

    ``writing``: the transaction holds the change feed's lock (:meth:`Writer.transaction`),
    so it may log; ``seq`` is its feed number once it has logged a change.
    """

    def __init__(
        self, session: Session, writing: bool = False, lengths: dict[int, int] | None = None
    ) -> None:
        super().__init__(session, lengths)
        self.writing = writing
        self.seq: int | None = None
        self._log: list[feed.LogRow] = []

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
        the last statement before the commit, so the feed's lock is held for the commit alone.

        On PostgreSQL the same message commits (:func:`annotator.store.feed.take_and_commit`):
        the server does not wait for the client between the number and the commit. Pending
        ORM rows are written first, so nothing is left for a commit after it.
        """
        if not self._log:
            return
        self.s.flush()
        conn = self.s.connection()
        if conn.dialect.name == "postgresql":
            self.seq = feed.take_and_commit(conn, self._log)
        else:
            self.seq = feed.take(conn, self._log)
        self._log = []


class Writer:
    """Opens write transactions on one project database."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(writer_engine(engine), expire_on_commit=False)
        self._readers = sessionmaker(engine, expire_on_commit=False)
        self._server = engine.dialect.name == "postgresql"
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
        (:meth:`WriteTx.prime`; on PostgreSQL the locks and that read go in one round trip).
        None: it may write anything, and locks the whole project. Its change-log rows take
        the feed's next number just before the commit (:meth:`WriteTx.take_number`).
        """
        with self._sessions.begin() as session:
            lock = None
            if layers is not None:
                names = tuple(sorted({annotator for _doc_id, annotator in layers}))
                options: dict[str, object] = {WRITE_LAYERS: names}
                if self._server and len(layers) == 1:
                    lock = write_lock_sql(names)  # sent by prime, with its read
                    options[LOCKS_WITH_FIRST_READ] = True
                session.connection(execution_options=options)
            tx = WriteTx(session, writing=True, lengths=self._lengths)
            if layers is not None and len(layers) == 1:
                tx.prime(*next(iter(layers)), lock=lock)
            yield tx
            tx.take_number()
        self._lengths.update(tx.lengths_read)
