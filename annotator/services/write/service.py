"""The write service itself; see the package docstring (:mod:`annotator.services.write`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace

from sqlalchemy.exc import DBAPIError

from annotator import errorlog
from annotator.core import schema as schema_io
from annotator.core.change import Change, NoteChange, Origin, StatusChange
from annotator.core.errors import (
    MergeCancelled,
    ReadOnlyError,
    SchemaError,
    StaleEditError,
)
from annotator.core.merge import (
    MergedLayer,
)
from annotator.core.model import Edit, Status
from annotator.core.schema import Schema
from annotator.core.signal import Signal
from annotator.core.tokens import WordTokens, word_tokens_of
from annotator.services.write import deletion, imports
from annotator.services.write.edits import apply_edit
from annotator.services.write.requests import (
    BusyHandler,
    LayerImport,
    MergeBatch,
    MergeResult,
    NewDocument,
    Plan,
    wait_and_retry,
)
from annotator.services.write.scope import layers_only
from annotator.services.write.steps import (
    is_locked,
    merge_layer,
    outside_schema_change,
    place_layers,
    place_person,
    project_error,
    replayed_statuses,
    started,
)
from annotator.store.writer import Writer, WriteTx


class WriteService:
    """Validates, cascades, applies and announces every change.

    Args:
        writer: the store's write transactions.
        read_only: refuse every change (the project was opened read-only).
        busy: called when the database is locked by another program.

    Signals:
        changed: emitted with every committed :class:`Change`, ids filled in.
    """

    def __init__(
        self, writer: Writer, read_only: bool = False, busy: BusyHandler | None = None
    ) -> None:
        self._writer = writer
        self.read_only = read_only
        self.busy: BusyHandler = busy or wait_and_retry()
        self.session = uuid.uuid4().hex
        self._schema_body: str | None = None
        self._schema: Schema | None = None
        self.changed: Signal[Change] = Signal(errorlog.record)
        self.last_logged: tuple[int, Origin] | None = None
        """The feed number and origin of this service's last committed change that logged."""
        self.gate: Callable[[], None] = _try_every_change
        """Asked before every change (and deletion plan) is tried; raises to refuse it: a
        server that cannot be reached now (:class:`annotator.services.online.ServerLink`)."""
        self._load_schema()

    # -- the schema the project has ---------------------------------------------
    @property
    def schema(self) -> Schema:
        """The project's schema as of the last transaction."""
        assert self._schema is not None
        return self._schema

    def _load_schema(self) -> None:
        if self.read_only:  # no write transaction on a read-only file
            with self._writer.reading() as tx:
                self._fresh_schema(tx)
            return

        def store_default(tx: WriteTx, _schema: Schema) -> Change:
            if tx.schema_body() is None:  # a new project starts with the default schema
                tx.set_schema_body(schema_io.to_json(schema_io.default_schema()))
                self._fresh_schema(tx)
            return Change(origin=Origin.OTHER)

        self._commit(store_default)

    def _fresh_schema(self, tx: WriteTx) -> Schema | None:
        """The stored schema; returns the previous one if another program changed it."""
        body = tx.schema_body()
        if body is None:
            self._schema = self._schema or schema_io.default_schema()
            return None
        if body == self._schema_body:
            return None
        before = self._schema
        self._schema_body, self._schema = body, schema_io.from_json(body)
        return before

    # -- changes ---------------------------------------------------------------------
    def apply(self, change: Change) -> Change:
        """Validate and apply ``change`` in one transaction; return it with real ids.

        A change with origin UNDO is applied exactly as given (undo and redo);
        any other gets its cascade added first.

        Raises:
            SpanError, EventError, SchemaError: an invariant would break.
            StaleEditError: stored rows differ from what the change expects.
            ProjectError: the database refused (locked too long, disk full, ...).
        """
        self._refuse_if_read_only()
        return self._commit(
            lambda tx, schema: self._apply_in(tx, schema, change), layers_only(change)
        )

    def apply_planned(self, plan: Plan) -> Change:
        """Make a change inside the write transaction from what is stored now, and apply it.

        ``plan`` reads the stored rows it depends on through :class:`Reads` (the
        transaction), so a check such as "does this span already have an event?"
        and the write it decides are one transaction. Raises what :meth:`apply`
        raises, and whatever ``plan`` raises (nothing is written then).
        """
        self._refuse_if_read_only()
        return self._commit(lambda tx, schema: self._apply_in(tx, schema, plan(tx, schema)))

    def apply_edit(self, edit: Edit, origin: Origin = Origin.USER) -> Edit:
        """Apply one annotation edit (a one-edit :class:`Change`); return it with ids."""
        done = self.apply(Change((edit,), description=edit.description, origin=origin))
        return done.edits[0] if done.edits else edit

    def set_status(
        self, doc_id: int, annotator: str, status: Status, *, gold: bool = False
    ) -> Change:
        """Record a document's status for one annotator (a no-op if it already has it).

        ``gold``: ``annotator`` is the adjudicated layer (created as kind gold if
        new; refused if it is a person's layer).
        """
        self._refuse_if_read_only()

        def run(tx: WriteTx, schema: Schema) -> Change:
            before = tx.status(doc_id, annotator)
            if before is status:
                return Change(origin=Origin.STATUS, gold=gold)
            step = StatusChange(doc_id, annotator, before, status)
            return self._apply_in(
                tx,
                schema,
                Change(
                    statuses=(step,), description=status.display, origin=Origin.STATUS, gold=gold
                ),
            )

        return self._commit(run)

    def plan_deletion(self, doc_id: int, annotator: str | None = None) -> Change:
        """What deleting a document (or ``annotator``'s layer in it) would remove; nothing
        is written. Count it with :func:`annotator.core.removal.removal`."""
        self.gate()  # a deletion that could not be made is not planned either
        with self._writer.reading() as tx:
            return self._plan_deletion(tx, doc_id, annotator)

    def delete(
        self, doc_id: int, annotator: str | None = None, expected: Change | None = None
    ) -> Change:
        """Delete a document, or ``annotator``'s layer in it, in one transaction.

        The deletion is planned again inside the transaction; if ``expected`` (the
        plan the user confirmed) differs from it, nothing is deleted.

        Raises:
            SpanError: no such document, or the layer is empty there.
            StaleEditError: the document changed since ``expected`` was planned.
        """
        self._refuse_if_read_only()

        def run(tx: WriteTx, schema: Schema) -> Change:
            change = self._plan_deletion(tx, doc_id, annotator)
            if expected is not None and change != expected:
                raise StaleEditError(
                    "The document changed since the deletion was confirmed; nothing was "
                    "deleted. Try again to see what would go now."
                )
            return self._apply_in(tx, schema, change)

        return self._commit(run)

    @staticmethod
    def _plan_deletion(tx: WriteTx, doc_id: int, annotator: str | None) -> Change:
        if annotator is None:
            return deletion.plan_document(tx, doc_id)
        return deletion.plan_layer(tx, doc_id, annotator)

    def replace_schema(self, schema: Schema, description: str = "Replace schema") -> Change:
        """Store a new schema (annotations are left as they are)."""
        self._refuse_if_read_only()
        schema_io.validate(schema)
        return self._commit(
            lambda tx, current: self._apply_in(
                tx,
                current,
                Change(
                    schema_before=current,
                    schema_after=schema,
                    description=description,
                    origin=Origin.SCHEMA,
                ),
            )
        )

    def set_meta(self, key: str, value: str) -> None:
        """Store a project fact."""
        self._refuse_if_read_only()

        def run(tx: WriteTx, _schema: Schema) -> Change:
            tx.set_meta(key, value)
            return Change(origin=Origin.OTHER)

        self._commit(run)

    def add_documents(self, docs: list[NewDocument]) -> list[tuple[int, bool]]:
        """Store documents whose text is not in the project yet, in one transaction.

        Returns ``(doc_id, created)`` for each, in order.
        """
        self._refuse_if_read_only()
        out: list[tuple[int, bool]] = []
        made = self._tokens_ahead(docs)

        def run(tx: WriteTx, _schema: Schema) -> Change:
            out.clear()
            new: list[int] = []
            for doc in docs:
                doc_id = self._document_for(tx, doc, new, made)
                out.append((doc_id, doc_id in new))
            return Change(origin=Origin.IMPORT, new_documents=tuple(new))

        self._commit(run)
        return list(out)

    def import_layers(
        self,
        annotator: str,
        items: list[LayerImport],
        *,
        replace_layer: bool,
        new_labels: Callable[[Schema], Schema] | None = None,
        description: str = "Import",
    ) -> Change:
        """Store one file's annotations for ``annotator`` in ONE transaction.

        Documents are matched by SHA-256, or added. Without ``replace_layer``
        a document on which the layer already has spans is refused; with it,
        the layer's annotations there are removed first. ``new_labels`` may
        extend the schema (read inside the transaction, so no label is lost to
        another process). Documents still "new" for the annotator become "in
        progress". Every annotation is validated like a GUI edit.
        """
        self._refuse_if_read_only()
        made = self._tokens_ahead(item.document for item in items)

        def run(tx: WriteTx, schema: Schema) -> Change:
            tx.annotator_id(annotator, "human")  # an import never writes into gold
            after = new_labels(schema) if new_labels is not None else schema
            edits, statuses, new_docs = imports.plan_layers(
                tx, annotator, items, replace_layer, made, self.session, description
            )
            change = Change(
                tuple(edits),
                schema if after is not schema else None,
                after if after is not schema else None,
                tuple(statuses),
                description,
                Origin.IMPORT,
            )
            done = self._apply_in(tx, schema, change)
            return replace(done, new_documents=tuple(new_docs))

        return self._commit(run)

    # -- merging another project file (ADR 0012) ------------------------------------------
    def merge_layers(
        self, batch: MergeBatch, progress: Callable[[int, int, str], bool] | None = None
    ) -> MergeResult:
        """Store one other project file's documents and layers in ONE transaction.

        Documents are matched by SHA-256, or added. Each incoming layer is
        compared with the versions that earlier merges of that person and
        document recorded: one of them is skipped (so merging a file twice
        changes nothing); a new version replaces the layer here, with its status
        and note. A layer never merged before that differs from a non-empty
        layer here is not taken ("kept": nobody can tell which is newer). Every
        annotation is validated like a GUI edit, and every layer is logged
        (origin IMPORT), so open windows drop undo history that refers to it.
        ``progress`` returning False cancels: nothing of the file is stored
        (:class:`MergeCancelled`). It is asked per layer, and once more (the last report
        again) when everything is validated, just before the commit.
        """
        self._refuse_if_read_only()
        merged: list[MergedLayer] = []
        made = self._tokens_ahead(batch.documents)

        def run(tx: WriteTx, schema: Schema) -> Change:
            merged.clear()
            new_docs: list[int] = []
            ids = {d.sha256: self._document_for(tx, d, new_docs, made) for d in batch.documents}
            for person in batch.people:
                place_person(tx, person)
            edits: list[Edit] = []
            statuses: list[StatusChange] = []
            notes: list[NoteChange] = []
            total = len(batch.layers)
            for index, layer in enumerate(batch.layers):
                if progress is not None and not progress(index, total, layer.doc_name):
                    raise MergeCancelled("The merge was cancelled; this file was not merged.")
                doc_id = ids[layer.sha256]
                fresh = doc_id in new_docs  # added by this transaction: nothing to read
                done = merge_layer(
                    tx, doc_id, layer, edits, statuses, notes, batch.description, fresh
                )
                if done is not None:
                    merged.append(done)
            change = Change(
                tuple(edits),
                batch.schema_before if batch.schema_after is not None else None,
                batch.schema_after,
                tuple(statuses),
                batch.description,
                Origin.IMPORT,
                notes=tuple(notes),
            )
            done_change = self._apply_in(tx, schema, change)
            if progress is not None and batch.layers:  # once more before the commit: the
                last = batch.layers[-1].doc_name  # last report again (ADR 0017)
                if not progress(total - 1, total, last):
                    raise MergeCancelled("The merge was cancelled; this file was not merged.")
            return replace(done_change, new_documents=tuple(new_docs))

        change = self._commit(run)
        return MergeResult(change, tuple(merged))

    # -- inside the transaction -------------------------------------------------------
    def _tokens_ahead(self, docs: Iterable[NewDocument]) -> dict[str, WordTokens]:
        """The tokens of the documents the project lacks, by SHA-256, made before the write
        lock is taken: a long text takes seconds to tokenize, and other writers would wait."""
        texts = {d.sha256: d.text for d in docs}
        with self._writer.reading() as tx:
            known = tx.known_shas(texts)
        new = {sha: text for sha, text in texts.items() if sha not in known}
        return dict(zip(new, word_tokens_of(list(new.values())), strict=True))

    def _document_for(
        self, tx: WriteTx, doc: NewDocument, new_docs: list[int], made: dict[str, WordTokens]
    ) -> int:
        """The id of the document with ``doc``'s text; a new document is added, with its
        tokens (ADR 0015: ``made`` ahead, or made now) and multiword tokens (ADR 0021), and
        its id appended to ``new_docs``."""
        doc_id = tx.document_id_for_sha(doc.sha256)
        if doc_id is None:
            doc_id = imports.store_document(tx, doc, made.get(doc.sha256), self.session)
            new_docs.append(doc_id)
        return doc_id

    def _apply_in(self, tx: WriteTx, schema: Schema, change: Change) -> Change:
        exact = change.origin is Origin.UNDO
        place_layers(tx, change)  # created with their kind, or a mismatch refused
        if change.origin is Origin.USER:
            change = replace(change, statuses=change.statuses + started(tx, change))
        elif exact:  # a status the user set since this step stays, and is no reason to refuse
            change = replace(change, statuses=replayed_statuses(tx, change))
        if change.schema_before is not None and change.schema_after is not None:
            if schema_io.to_json(change.schema_before) != schema_io.to_json(schema):
                raise (StaleEditError if exact else SchemaError)(
                    "The schema changed since this step was made (another window or "
                    "program edited it), so it was not applied."
                )
            schema_io.validate(change.schema_after)
        after = change.schema_after or schema
        deletion.restore_documents(tx, change)
        edits = tuple(apply_edit(tx, e, after, exact) for e in change.edits)
        for step in change.statuses:
            tx.set_status(step.doc_id, step.annotator, step.after)
        deletion.apply_notes(tx, change)
        deletion.remove_documents(tx, change)
        if change.schema_after is not None:
            body = schema_io.to_json(change.schema_after)
            tx.set_schema_body(body)
            tx.log(self.session, change.origin, None, None, change.description)
        for doc_id, annotator in sorted(change.layers()):
            tx.log(self.session, change.origin, doc_id, annotator, change.description)
        for doc_id in sorted(change.documents()):
            tx.log(self.session, change.origin, doc_id, None, change.description)
        return replace(change, edits=edits)

    def adopt(self, changes: Iterable[Change]) -> None:
        """Announce ``changes`` that a write service of this project in a worker process
        committed under this service's session (a merge, ADR 0017), as if committed here:
        the schema they set becomes this service's, and ``changed`` is emitted for each, in
        order. Nothing is written."""
        for change in changes:
            if change.schema_after is not None:
                self._schema_body = schema_io.to_json(change.schema_after)
                self._schema = change.schema_after
            self.changed.emit(change)

    # -- transactions, retries, errors -------------------------------------------------
    def _commit(
        self,
        run: Callable[[WriteTx, Schema], Change],
        layers: frozenset[tuple[int, str]] | None = None,
    ) -> Change:
        """Run ``run`` in a write transaction (retried while locked), then announce.

        ``layers``: the only layers ``run`` writes (:func:`scope.layers_only`), or None.

        A schema another program stored is announced even when ``run`` is
        refused or the transaction fails: it was read from committed data, and
        this service already uses it, so views must learn of it now.
        """
        outside: list[Change] = []
        try:
            done = self._transact(run, outside, layers)
        finally:
            for change in outside:
                self.changed.emit(change)
        if done.schema_after is not None:
            self._schema_body = schema_io.to_json(done.schema_after)
            self._schema = done.schema_after
        if not done.is_empty() or done.new_documents:
            self.changed.emit(done)
        return done

    def _transact(
        self,
        run: Callable[[WriteTx, Schema], Change],
        outside: list[Change],
        layers: frozenset[tuple[int, str]] | None,
    ) -> Change:
        """One transaction (retried while locked); ``outside`` gets another program's schema."""
        attempt = 0
        while True:
            attempt += 1
            try:
                with self._writer.transaction(layers) as tx:
                    previous = self._fresh_schema(tx)
                    found = outside_schema_change(previous, self.schema)
                    if found is not None:
                        outside.append(found)
                    done = run(tx, self.schema)
                if tx.seq is not None:
                    self.last_logged = (tx.seq, done.origin)
                return done
            except DBAPIError as exc:
                if is_locked(exc) and self.busy(attempt):
                    continue
                raise project_error(exc) from None

    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            raise ReadOnlyError(
                "This project is open read-only, so nothing can be changed. "
                "Export still works; copy the file somewhere writable to edit it."
            )
        self.gate()


def _try_every_change() -> None:
    """The write service's gate by default: every change is tried."""
