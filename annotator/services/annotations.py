"""Annotation use cases: create, relabel and delete spans, as undoable edits.

Each method builds the smallest :class:`Edit` that says what the user asked
for and hands it to the write service, which adds the cascade, validates and
applies it. The returned edit (cascade and real ids included) is what an undo
stack replays: ``edit.inverse()`` to undo, the edit itself to redo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from annotator import errorlog
from annotator.core import cascade, validate
from annotator.core.change import Change, NoteChange, Origin
from annotator.core.errors import SpanError
from annotator.core.model import Bundle, Edit, Event, Relation, Span
from annotator.core.positions import CodePoint
from annotator.core.schema import NOTE, Schema
from annotator.core.signal import Signal
from annotator.services.write import Reads, WriteService, document_note_key
from annotator.store.repository import Repository


class AnnotationService:
    """Reads and edits one project's annotations (every write goes through ``write``).

    Signals:
        changed: each committed :class:`Edit`, relayed from the write service.
    """

    def __init__(self, repo: Repository, write: WriteService) -> None:
        self._repo = repo
        self._write = write
        self._lengths: dict[int, int] = {}
        self.changed: Signal[Edit] = Signal(errorlog.record)
        write.changed.connect(self._relay)

    def _relay(self, change: Change) -> None:
        for edit in change.edits:
            self.changed.emit(edit)

    def _schema(self) -> Schema:
        return self._write.schema

    # -- reading -------------------------------------------------------------
    def spans(self, doc_id: int, annotator: str) -> list[Span]:
        """Spans of one document in one annotator's layer, sorted by offsets."""
        return self._repo.spans(doc_id, annotator)

    def spans_before(self, doc_id: int, annotator: str, offset: int) -> list[Span]:
        """The layer's spans that start before ``offset`` (what a first screen can show)."""
        return self._repo.spans(doc_id, annotator, before=offset)

    def span(self, span_id: int) -> Span | None:
        """One span by id, or None."""
        return self._repo.span(span_id)

    def events(self, doc_id: int, annotator: str) -> list[Event]:
        """Events of one document in one annotator's layer."""
        return self._repo.events(doc_id, annotator)

    def relations(self, doc_id: int, annotator: str) -> list[Relation]:
        """Relations of one document in one annotator's layer."""
        return self._repo.relations(doc_id, annotator)

    def dependents(self, span_id: int) -> tuple[list[Event], list[Relation]]:
        """Events and relations that use a span (what deleting it would touch)."""
        return self._repo.touching([span_id])

    def preview(self, edit: Edit) -> Edit:
        """``edit`` with the cascade it would get, without applying it (for confirmations)."""
        events, relations = self._repo.touching([s.id for s in edit.remove.spans])
        remove, add = cascade.expand(edit.remove, edit.add, events, relations, self._schema())
        return replace(edit, remove=remove, add=add)

    # -- editing -------------------------------------------------------------
    def apply(self, edit: Edit, origin: Origin = Origin.USER) -> Edit:
        """Apply an edit through the write service; return it with cascade and real ids."""
        return self._write.apply_edit(edit, origin)

    def apply_planned(self, plan: Callable[[Reads, Schema], Edit]) -> Edit:
        """Apply the edit ``plan`` makes inside the write transaction (origin USER).

        For an edit that depends on what is stored (see :class:`Reads`): the plan
        reads through the transaction that writes its edit, so what it found
        still holds. Returns the applied edit, cascade and real ids included.
        """
        done: list[Edit] = []

        def change(reads: Reads, schema: Schema) -> Change:
            edit = plan(reads, schema)
            done.append(edit)
            return Change((edit,), description=edit.description, origin=Origin.USER)

        applied = self._write.apply_planned(change)
        return applied.edits[0] if applied.edits else done[-1]

    def check_span(self, doc_id: int, start: CodePoint, end: CodePoint, label: str) -> None:
        """Raise :class:`SpanError` unless ``[start, end)`` and ``label`` are acceptable."""
        validate.check_span(
            Span(0, doc_id, "", start, end, label), self._length(doc_id), self._schema()
        )

    def create_span(
        self, doc_id: int, annotator: str, start: CodePoint, end: CodePoint, label: str
    ) -> Edit:
        """Create a span and return the applied edit."""
        span = Span(0, doc_id, annotator, start, end, label)
        return self.apply(
            Edit(doc_id, annotator, add=Bundle(spans=(span,)), description=f"Tag {label}")
        )

    def relabel_span(self, span_id: int, label: str) -> Edit:
        """Give a span a new label, keeping its id; a relabelled trigger takes its event along."""
        old = self._require(span_id)
        edit = Edit(
            old.doc_id,
            old.annotator,
            remove=Bundle((old,)),
            add=Bundle((replace(old, label=label),)),
            description=f"Relabel {old.label} → {label}",
        )
        return self.apply(edit)

    def delete_spans(self, span_ids: list[int]) -> Edit:
        """Delete spans with their cascade, as one edit.

        Events triggered by a deleted span go too; events that only use it as
        an argument lose that argument; relations touching it go.
        """
        if not span_ids:
            raise SpanError("No span is selected, so nothing was deleted.")
        spans = [self._require(i) for i in span_ids]
        first = spans[0]
        edit = Edit(
            first.doc_id,
            first.annotator,
            remove=Bundle(tuple(spans)),
            description="Delete span" if len(spans) == 1 else f"Delete {len(spans)} spans",
        )
        return self.apply(edit)

    def set_attributes(self, span_id: int, attributes: dict[str, str]) -> Edit:
        """Give a span new attributes (empty values are dropped, except brat flag attributes,
        stored with no value, which are kept as they are), keeping its id and label.

        The edit removes and re-adds the same span, which the write service
        updates in place, so events and relations that use it are untouched.
        """
        old = self._require(span_id)
        attrs = {
            k: v for k, v in sorted(attributes.items()) if v or (old.attributes.get(k) == v == "")
        }  # "" removes a value; an attribute stored with no value (a brat flag) stays
        if attrs == old.attributes:
            raise SpanError("The span already has these attributes, so nothing was changed.")
        names = ", ".join(
            sorted(
                k
                for k in attrs.keys() | old.attributes.keys()
                if attrs.get(k) != old.attributes.get(k)
            )
        )
        edit = Edit(
            old.doc_id,
            old.annotator,
            remove=Bundle((old,)),
            add=Bundle((replace(old, attributes=attrs),)),
            description=f"Set {names} of {old.label}",
        )
        return self.apply(edit)

    def set_attribute(self, span_id: int, name: str, value: str) -> Edit:
        """Set one attribute of a span ("" removes it); see :meth:`set_attributes`."""
        old = self._require(span_id)
        return self.set_attributes(span_id, {**old.attributes, name: value})

    def set_note(self, span_id: int, note: str) -> Edit:
        """Set a span's free-text note (its ``note`` attribute; "" removes it)."""
        return self.set_attribute(span_id, NOTE, note.strip())

    def document_note(self, doc_id: int, annotator: str) -> str:
        """One annotator's note on a document ("" if none)."""
        return self._repo.meta(document_note_key(doc_id, annotator)) or ""

    def set_document_note(
        self, doc_id: int, annotator: str, note: str, *, before: str | None = None
    ) -> None:
        """Store one annotator's note on a document (a project fact; not on the undo stack).

        It goes through the write service as a note change, so the change log names the
        document and annotator and every window showing that layer hears of it.
        ``before``: the note as the caller last read it (default: as stored now).

        Raises:
            StaleEditError: the note is no longer ``before`` (another window changed it).
        """
        found = self.document_note(doc_id, annotator) if before is None else before
        step = NoteChange(doc_id, annotator, found, note.strip())
        self._write.apply(Change(notes=(step,), description="Document note"))

    def _require(self, span_id: int) -> Span:
        span = self._repo.span(span_id)
        if span is None:
            raise SpanError(f"Span {span_id} no longer exists.")
        return span

    def _length(self, doc_id: int) -> int:
        if doc_id not in self._lengths:
            self._lengths[doc_id] = self._repo.document_length(doc_id)
        return self._lengths[doc_id]
