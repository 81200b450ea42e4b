"""What the one write path applies: a :class:`Change` is one user action or one imported file.

A change holds annotation edits (per document and layer), optionally a schema
edit and document status changes. :class:`~annotator.services.write.WriteService`
validates it, adds the cascade, applies it in ONE transaction and announces it.
``inverse()`` undoes it exactly, because ids are kept and never reused.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from annotator.core.model import Bundle, Edit, Event, Relation, Span, Status
from annotator.core.schema import Schema

Annotation = Span | Event | Relation

DOCUMENT_NOTE_PREFIX = "note/document/"
"""Project facts under this prefix are document notes: ``note/document/<doc id>/<annotator>``."""


class Origin(StrEnum):
    """Where a change came from; the undo stack owns only USER and UNDO changes."""

    USER = "user"  # a GUI action that goes on the undo stack (also its redo)
    UNDO = "undo"  # an undo-stack replay: applied exactly, never cascaded
    IMPORT = "import"  # text or annotation import (not undoable)
    SCHEMA = "schema"  # a schema edit made outside the undo stack (e.g. --add-labels)
    STATUS = "status"  # a document status change
    OTHER = "other"  # another process (seen in the change log)


@dataclass(frozen=True)
class StatusChange:
    """A document's status for one annotator, before and after."""

    doc_id: int
    annotator: str
    before: Status
    after: Status

    def inverse(self) -> StatusChange:
        """The status change that undoes this one."""
        return StatusChange(self.doc_id, self.annotator, self.after, self.before)


@dataclass(frozen=True)
class NoteChange:
    """One annotator's note on a document, before and after ("" is no note)."""

    doc_id: int
    annotator: str
    before: str
    after: str

    def inverse(self) -> NoteChange:
        """The note change that undoes this one."""
        return NoteChange(self.doc_id, self.annotator, self.after, self.before)


@dataclass(frozen=True)
class DocumentRecord:
    """A document and the rows that belong to it alone, as stored (annotations apart).

    What deleting a document removes besides its annotations, and what undoing
    that deletion puts back exactly, ids included.

    Attributes:
        tokens: the ``document_tokens`` row (tokenizer, count, words, starts, ends), or None.
        statuses: (annotator, status) of every stored status row.
        facts: the project facts (key, value) about this document: notes, merge records.
    """

    id: int
    name: str
    text: str
    sha256: str
    created_at: datetime
    tokens: tuple[str, int, str, bytes, bytes] | None
    statuses: tuple[tuple[str, Status], ...]
    facts: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Change:
    """One transaction's worth of changes.

    Attributes:
        edits: annotation edits, each on one document and layer.
        schema_before: the schema this change expects to find (with ``schema_after``).
        schema_after: the schema to store, or None to leave it alone.
        statuses: document status changes.
        description: the undo-menu text.
        origin: who asked for it (see :class:`Origin`).
        new_documents: ids of documents the transaction added (imports).
        gold: the change writes the adjudicated layer: every layer it touches
            is (or is created as) of kind "gold", and a person's layer is refused.
        notes: document note changes.
        removed_documents: documents deleted (after their annotations, in ``edits``).
        restored_documents: documents put back (before their annotations), by undo.
    """

    edits: tuple[Edit, ...] = ()
    schema_before: Schema | None = None
    schema_after: Schema | None = None
    statuses: tuple[StatusChange, ...] = ()
    description: str = ""
    origin: Origin = Origin.USER
    new_documents: tuple[int, ...] = field(default=())
    gold: bool = False
    notes: tuple[NoteChange, ...] = ()
    removed_documents: tuple[DocumentRecord, ...] = ()
    restored_documents: tuple[DocumentRecord, ...] = ()

    def inverse(self) -> Change:
        """The change that undoes this one (document additions by import are not undone)."""
        return Change(
            tuple(e.inverse() for e in reversed(self.edits)),
            self.schema_after,
            self.schema_before,
            tuple(s.inverse() for s in reversed(self.statuses)),
            self.description,
            Origin.UNDO,
            gold=self.gold,
            notes=tuple(n.inverse() for n in reversed(self.notes)),
            removed_documents=self.restored_documents,
            restored_documents=self.removed_documents,
        )

    def as_replay(self) -> Change:
        """The same change, to be applied again exactly (redo)."""
        return replace(self, origin=Origin.UNDO, new_documents=())

    def layers(self) -> set[tuple[int, str]]:
        """The (document, annotator) layers this change touches, each logged in the change log.

        Besides the layers of its edits, statuses and notes: every layer with a status
        or a note on a document it removes or restores.
        """
        found = {(e.doc_id, e.annotator) for e in self.edits}
        found |= {(s.doc_id, s.annotator) for s in self.statuses}
        found |= {(n.doc_id, n.annotator) for n in self.notes}
        for record in (*self.removed_documents, *self.restored_documents):
            found |= {(record.id, annotator) for annotator, _status in record.statuses}
            prefix = f"{DOCUMENT_NOTE_PREFIX}{record.id}/"
            found |= {
                (record.id, k[len(prefix) :]) for k, _v in record.facts if k.startswith(prefix)
            }
        return found

    def documents(self) -> set[int]:
        """The documents this change removes or restores."""
        return {d.id for d in (*self.removed_documents, *self.restored_documents)}

    def is_empty(self) -> bool:
        """True if applying the change would write nothing."""
        no_edits = all(e.remove.is_empty() and e.add.is_empty() for e in self.edits)
        unchanged = not (self.statuses or self.notes or self.documents())
        return no_edits and self.schema_after is None and unchanged


def split_by_layer(remove: Bundle, add: Bundle, description: str) -> tuple[Edit, ...]:
    """Cut a project-wide (remove, add) pair into one :class:`Edit` per document and layer."""
    groups: dict[tuple[int, str], tuple[list[Annotation], list[Annotation]]] = {}
    for side, bundle in ((0, remove), (1, add)):
        objs: tuple[Annotation, ...] = (*bundle.spans, *bundle.events, *bundle.relations)
        for obj in objs:
            groups.setdefault((obj.doc_id, obj.annotator), ([], []))[side].append(obj)
    return tuple(
        Edit(doc_id, annotator, _bundle(removed), _bundle(added), description)
        for (doc_id, annotator), (removed, added) in sorted(groups.items())
    )


def _bundle(objects: list[Annotation]) -> Bundle:
    return Bundle(
        tuple(o for o in objects if isinstance(o, Span)),
        tuple(o for o in objects if isinstance(o, Event)),
        tuple(o for o in objects if isinstance(o, Relation)),
    )
