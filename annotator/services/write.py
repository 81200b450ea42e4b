"""The one write path: every change to annotations, schema, status or documents goes here.

:class:`WriteService` is the only caller of :mod:`annotator.store.writer` (an
import-linter contract checks it). For each change it:

1. opens ONE ``BEGIN IMMEDIATE`` transaction, re-reading the schema inside it;
2. checks that the rows the change removes are stored exactly as the change
   says (so an undo step only ever touches rows it created or removed itself);
3. adds the cascade (:mod:`annotator.core.cascade`) to a fresh change, or, for an
   undo/redo replay, refuses if a cascade would be needed;
4. validates every invariant (:mod:`annotator.core.validate`);
5. writes, logs the change in the change log, commits, and only then emits
   :attr:`WriteService.changed`.

A locked database is retried through the ``busy`` callback (the GUI keeps
painting and shows what is happening); other database errors become a
:class:`ProjectError` with a sentence, never a traceback.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from sqlalchemy.exc import DBAPIError

from annotator.core import cascade, validate
from annotator.core import schema as schema_io
from annotator.core.change import Annotation, Change, Origin, StatusChange
from annotator.core.errors import (
    AnnotatorError,
    ProjectError,
    ReadOnlyError,
    SchemaError,
    SpanError,
    StaleEditError,
)
from annotator.core.model import Bundle, Edit, Span, Status, remap_event, remap_relation
from annotator.core.schema import Schema
from annotator.core.signal import Signal
from annotator.store.writer import Writer, WriteTx

# busy(attempt) -> True to try again; attempt counts from 1
BusyHandler = Callable[[int], bool]


def wait_and_retry(attempts: int = 30, pause: float = 0.2) -> BusyHandler:
    """A busy handler for the CLI: sleep a little, give up after ``attempts`` tries."""

    def busy(attempt: int) -> bool:
        if attempt > attempts:
            return False
        time.sleep(pause)
        return True

    return busy


DOCUMENT_NOTE_PREFIX = "note/document/"


def document_note_key(doc_id: int, annotator: str) -> str:
    """The project fact (``project_meta`` key) that holds one annotator's note on a document.

    Document notes are per annotator: ``note/document/<doc id>/<annotator>``.
    """
    return f"{DOCUMENT_NOTE_PREFIX}{doc_id}/{annotator}"


@dataclass(frozen=True)
class NewDocument:
    """A document to store: name, normalized text and its SHA-256."""

    name: str
    text: str
    sha256: str


@dataclass(frozen=True)
class LayerImport:
    """One document's annotations from an imported file (span ids local to the file).

    ``status`` is the status the file records ("in_progress" or "done"), if any.
    """

    document: NewDocument
    bundle: Bundle
    status: str = ""
    note: str = ""  # the annotator's note on the document, if the file has one


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
        self.changed: Signal[Change] = Signal()
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
        return self._commit(lambda tx, schema: self._apply_in(tx, schema, change))

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

        def run(tx: WriteTx, _schema: Schema) -> Change:
            out.clear()
            new: list[int] = []
            for doc in docs:
                doc_id = tx.document_id_for_sha(doc.sha256)
                if doc_id is None:
                    doc_id = tx.add_document(doc.name, doc.text, doc.sha256)
                    new.append(doc_id)
                    tx.log(self.session, Origin.IMPORT, doc_id, None, f"Add {doc.name}")
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

        def run(tx: WriteTx, schema: Schema) -> Change:
            after = new_labels(schema) if new_labels is not None else schema
            edits: list[Edit] = []
            statuses: list[StatusChange] = []
            new_docs: list[int] = []
            for item in items:
                doc_id = self._document_for(tx, item.document, new_docs)
                remove = self._existing_layer(tx, doc_id, annotator, item, replace_layer)
                add = _as_placeholders(item.bundle, doc_id, annotator)
                edits.append(Edit(doc_id, annotator, remove, add, description))
                now = tx.status(doc_id, annotator)
                wanted = _imported_status(item.status, now)
                if wanted is not now:
                    statuses.append(StatusChange(doc_id, annotator, now, wanted))
                if item.note:
                    tx.set_meta(document_note_key(doc_id, annotator), item.note)
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

    # -- inside the transaction -------------------------------------------------------
    def _document_for(self, tx: WriteTx, doc: NewDocument, new_docs: list[int]) -> int:
        doc_id = tx.document_id_for_sha(doc.sha256)
        if doc_id is None:
            doc_id = tx.add_document(doc.name, doc.text, doc.sha256)
            new_docs.append(doc_id)
            tx.log(self.session, Origin.IMPORT, doc_id, None, f"Add {doc.name}")
        return doc_id

    @staticmethod
    def _existing_layer(
        tx: WriteTx, doc_id: int, annotator: str, item: LayerImport, replace_layer: bool
    ) -> Bundle:
        if replace_layer:
            return tx.layer(doc_id, annotator)
        count = tx.layer_span_count(doc_id, annotator)
        if count:
            raise SpanError(
                f"document {item.document.name!r} already has {count} spans by {annotator!r}. "
                "Import with --replace to overwrite them, or into another annotator."
            )
        return Bundle()

    def _apply_in(self, tx: WriteTx, schema: Schema, change: Change) -> Change:
        exact = change.origin is Origin.UNDO
        kind = _layer_kind(change)
        if kind is not None:  # create the layers with their kind, or refuse a mismatch
            for _doc_id, annotator in sorted(change.layers()):
                tx.annotator_id(annotator, kind)
        if change.origin is Origin.USER:
            change = replace(change, statuses=change.statuses + _started(tx, change))
        if change.schema_before is not None and change.schema_after is not None:
            if schema_io.to_json(change.schema_before) != schema_io.to_json(schema):
                raise (StaleEditError if exact else SchemaError)(
                    "The schema changed since this step was made (another window or "
                    "program edited it), so it was not applied."
                )
            schema_io.validate(change.schema_after)
        after = change.schema_after or schema
        edits = tuple(self._apply_edit(tx, e, after, exact) for e in change.edits)
        for step in change.statuses:
            if exact and tx.status(step.doc_id, step.annotator) is not step.before:
                raise StaleEditError("The document's status changed since this step.")
            tx.set_status(step.doc_id, step.annotator, step.after)
        if change.schema_after is not None:
            body = schema_io.to_json(change.schema_after)
            tx.set_schema_body(body)
            tx.log(self.session, change.origin, None, None, change.description)
        for doc_id, annotator in sorted(change.layers()):
            tx.log(self.session, change.origin, doc_id, annotator, change.description)
        return replace(change, edits=edits)

    def _apply_edit(self, tx: WriteTx, edit: Edit, schema: Schema, exact: bool) -> Edit:
        _check_stored(tx, edit, exact)
        events, relations = tx.touching(s.id for s in edit.remove.spans)
        remove, add = cascade.expand(edit.remove, edit.add, events, relations, schema)
        if exact and (remove != edit.remove or add != edit.add):
            raise StaleEditError(
                "Annotations made since this step now depend on it, so it was not applied."
            )
        full = replace(edit, remove=remove, add=add)
        length = tx.document_length(edit.doc_id)
        if length is None:
            raise SpanError(f"Document {edit.doc_id} does not exist.")
        referenced = {e.trigger_id for e in add.events}
        referenced |= {a.span_id for e in add.events for a in e.arguments}
        referenced |= {r.arg1_id for r in add.relations} | {r.arg2_id for r in add.relations}
        stored = tx.spans(referenced)
        validate.check_edit(
            full,
            schema,
            length,
            stored.get,
            lambda r: tx.relations_between(r.arg1_id, r.arg2_id),
            _twin_finder(tx, full),
        )
        return replace(full, add=tx.apply(remove, add))

    # -- transactions, retries, errors -------------------------------------------------
    def _commit(self, run: Callable[[WriteTx, Schema], Change]) -> Change:
        attempt = 0
        while True:
            attempt += 1
            try:
                with self._writer.transaction() as tx:
                    previous = self._fresh_schema(tx)
                    outside = _outside_schema_change(previous, self.schema)
                    done = run(tx, self.schema)
                break
            except DBAPIError as exc:
                if _is_locked(exc) and self.busy(attempt):
                    continue
                raise _project_error(exc) from None
        if done.schema_after is not None:
            self._schema_body = schema_io.to_json(done.schema_after)
            self._schema = done.schema_after
        if outside is not None:
            self.changed.emit(outside)
        if not done.is_empty() or done.new_documents:
            self.changed.emit(done)
        return done

    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            raise ReadOnlyError(
                "This project is open read-only, so nothing can be changed. "
                "Export still works; copy the file somewhere writable to edit it."
            )


def _twin_finder(tx: WriteTx, edit: Edit) -> Callable[[Span], list[Span]]:
    """Stored spans with the same offsets: one query per span, or one for a large edit."""
    if len(edit.add.spans) <= 8:
        return lambda sp: tx.spans_at(sp.doc_id, sp.annotator, sp.start, sp.end)
    by_range: dict[tuple[int, int], list[Span]] = {}
    for sp in tx.layer_spans(edit.doc_id, edit.annotator):
        by_range.setdefault((sp.start, sp.end), []).append(sp)
    return lambda sp: by_range.get((sp.start, sp.end), [])


def _layer_kind(change: Change) -> str | None:
    """The annotator kind a change must write: gold changes gold, imports a person's layer.

    None: any existing layer (a curator edits gold directly); a new one is a person's.
    """
    if change.gold:
        return "gold"
    return "human" if change.origin is Origin.IMPORT else None


def _imported_status(recorded: str, now: Status) -> Status:
    """The status after an import: the file's own (in progress or done), else started."""
    if recorded in (Status.IN_PROGRESS.value, Status.DONE.value):
        return Status(recorded)
    return Status.IN_PROGRESS if now is Status.NEW else now


def _started(tx: WriteTx, change: Change) -> tuple[StatusChange, ...]:
    """A user's first edit on a document moves it from "new" to "in progress"."""
    layers = {(e.doc_id, e.annotator) for e in change.edits if not e.add.is_empty()}
    layers -= {(s.doc_id, s.annotator) for s in change.statuses}
    return tuple(
        StatusChange(doc_id, annotator, Status.NEW, Status.IN_PROGRESS)
        for doc_id, annotator in sorted(layers)
        if tx.status(doc_id, annotator) is Status.NEW
    )


def _outside_schema_change(previous: Schema | None, current: Schema) -> Change | None:
    """A change announcing that another program replaced the schema."""
    if previous is None:
        return None
    return Change(
        schema_before=previous,
        schema_after=current,
        description="Schema changed by another program",
        origin=Origin.OTHER,
    )


def _check_stored(tx: WriteTx, edit: Edit, exact: bool) -> None:
    """Refuse an edit whose removed rows are not stored exactly as it says."""
    rm, add = edit.remove, edit.add
    spans = tx.spans(s.id for s in (*rm.spans, *add.spans))
    events = tx.events(e.id for e in (*rm.events, *add.events))
    relations = tx.relations(r.id for r in (*rm.relations, *add.relations))
    what = "This step can no longer be undone or redone" if exact else "This edit was not applied"
    for old in rm.spans:
        now = spans.get(old.id)
        if now is None or now != old or now.attributes != old.attributes:
            raise StaleEditError(f"{what}: a span it changes was changed elsewhere.")
    for ev in rm.events:
        cur = events.get(ev.id)
        if cur is None or cur != ev or cur.attributes != ev.attributes:
            raise StaleEditError(f"{what}: an event it changes was changed elsewhere.")
    for rel in rm.relations:
        if relations.get(rel.id) != rel:
            raise StaleEditError(f"{what}: a relation it changes was changed elsewhere.")
    if (
        _revived(spans, add.spans, rm.spans)
        or _revived(events, add.events, rm.events)
        or _revived(relations, add.relations, rm.relations)
    ):
        raise StaleEditError(f"{what}: a row it would restore already exists.")


def _revived(
    stored: Iterable[int], added: Iterable[Annotation], removed: Iterable[Annotation]
) -> bool:
    """True if a row the edit adds by id is stored already and not removed by the edit."""
    return bool(set(stored) & {a.id for a in added} - {r.id for r in removed})


def _as_placeholders(bundle: Bundle, doc_id: int, annotator: str) -> Bundle:
    """A file's local span ids as placeholders (negative), in document ``doc_id``."""
    ids = {sp.id: -(i + 1) for i, sp in enumerate(bundle.spans)}
    used = {e.trigger_id for e in bundle.events} | {
        a.span_id for e in bundle.events for a in e.arguments
    }
    used |= {r.arg1_id for r in bundle.relations} | {r.arg2_id for r in bundle.relations}
    if not used <= ids.keys():
        raise SpanError(f"annotations refer to spans not in the file: {sorted(used - ids.keys())}.")

    spans = tuple(
        replace(sp, id=ids[sp.id], doc_id=doc_id, annotator=annotator) for sp in bundle.spans
    )
    events = tuple(
        replace(remap_event(e, ids), id=0, doc_id=doc_id, annotator=annotator)
        for e in bundle.events
    )
    relations = tuple(
        replace(remap_relation(r, ids), id=0, doc_id=doc_id, annotator=annotator)
        for r in bundle.relations
    )
    return Bundle(spans, events, relations)


def _is_locked(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text


def _project_error(exc: DBAPIError) -> AnnotatorError:
    text = str(exc.orig).lower()
    if _is_locked(exc):
        return ProjectError(
            "The project file stayed locked by another program, so the change was not saved. "
            "Close the other program (or wait for it) and try again."
        )
    if "full" in text:
        return ProjectError("The disk is full, so the change was not saved. Free some space.")
    if "readonly" in text or "read-only" in text:
        return ReadOnlyError("The project file cannot be written (read-only); nothing was saved.")
    return ProjectError(f"The project database refused the change ({exc.orig}); nothing was saved.")
