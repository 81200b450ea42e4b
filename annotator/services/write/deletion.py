"""Deleting a document, or one annotator's layer in a document, and putting it back.

Only :mod:`annotator.services.write.service` calls the planners and steps here,
inside its write transaction. A deletion is an ordinary :class:`Change`: its
annotations go as edits that remove whole layers (validated and cascaded like any
edit), and the rows no edit covers go as a :class:`DocumentRecord` (the document,
its tokens, statuses and facts) or as status and note changes. Its inverse puts
every row back with its id; no ``ON DELETE CASCADE`` is relied on.
"""

from __future__ import annotations

from annotator.core.change import Change, DocumentRecord, NoteChange, StatusChange
from annotator.core.errors import SpanError, StaleEditError
from annotator.core.merge import MERGE_PREFIX
from annotator.core.model import Bundle, Edit, Status
from annotator.core.multiword import multiword_key
from annotator.services.write.requests import DOCUMENT_NOTE_PREFIX, document_note_key
from annotator.store.writer import WriteTx


def plan_document(tx: WriteTx, doc_id: int) -> Change:
    """The change that deletes a document with every layer, status, note and token on it."""
    record = _record(tx, doc_id)
    description = f"Delete document «{record.name}»"
    edits = tuple(
        Edit(doc_id, name, tx.layer(doc_id, name), Bundle(), description)
        for name in tx.layer_names(doc_id)
    )
    return Change(edits, description=description, removed_documents=(record,))


def plan_layer(tx: WriteTx, doc_id: int, annotator: str) -> Change:
    """The change that deletes ``annotator``'s annotations, status and note on a document.

    Raises:
        SpanError: the document does not exist, or the layer holds nothing there.
    """
    name = _record(tx, doc_id).name
    description = f"Delete {annotator}'s layer in «{name}»"
    layer, status = tx.layer(doc_id, annotator), tx.status(doc_id, annotator)
    note = tx.meta(document_note_key(doc_id, annotator)) or ""
    if layer.is_empty() and status is Status.NEW and not note:
        raise SpanError(f"{annotator!r} has nothing in «{name}» to delete.")
    edits = () if layer.is_empty() else (Edit(doc_id, annotator, layer, Bundle(), description),)
    statuses = (
        () if status is Status.NEW else (StatusChange(doc_id, annotator, status, Status.NEW),)
    )
    notes = (NoteChange(doc_id, annotator, note, ""),) if note else ()
    return Change(edits, statuses=statuses, description=description, notes=notes)


def _record(tx: WriteTx, doc_id: int) -> DocumentRecord:
    """The stored document with its facts (notes, merge records)."""
    record = tx.document_record(doc_id, _facts(tx, doc_id))
    if record is None:
        raise SpanError(f"Document {doc_id} does not exist (deleted elsewhere?).")
    return record


def restore_documents(tx: WriteTx, change: Change) -> None:
    """Put back the documents an undo restores (before their annotations).

    Raises:
        StaleEditError: the id is taken, or the same text was added again since.
    """
    for record in change.restored_documents:
        taken = tx.document_length(record.id) is not None
        if taken or tx.document_id_for_sha(record.sha256) is not None:
            raise StaleEditError(
                f"This step can no longer be undone: the text of «{record.name}» "
                "was added to the project again since."
            )
        tx.restore_document(record)


def remove_documents(tx: WriteTx, change: Change) -> None:
    """Delete the documents a change removes (after their annotations went).

    Raises:
        StaleEditError: the document, its statuses or facts are not as the change
            says, or a layer on it has annotations the change does not remove.
    """
    for record in change.removed_documents:
        if tx.document_record(record.id, _facts(tx, record.id)) != record:
            raise StaleEditError(f"«{record.name}» was changed elsewhere; it was not deleted.")
        if tx.has_annotations(record.id):
            raise StaleEditError(
                f"«{record.name}» has annotations made since this step; it was not deleted."
            )
        tx.delete_document(record)


def _facts(tx: WriteTx, doc_id: int) -> dict[str, str]:
    """The project facts about one document: every annotator's note, every merge record,
    its multiword tokens."""
    notes = tx.facts(f"{DOCUMENT_NOTE_PREFIX}{doc_id}/") | tx.facts(multiword_key(doc_id))
    return notes | tx.facts(MERGE_PREFIX, f"/{doc_id}")


def apply_notes(tx: WriteTx, change: Change) -> None:
    """Store a change's note changes; each note must be as the change found it.

    Raises:
        StaleEditError: a note was edited since (a note is the user's text: never lost).
    """
    for step in change.notes:
        key = document_note_key(step.doc_id, step.annotator)
        if (tx.meta(key) or "") != step.before:
            raise StaleEditError("A document note it changes was edited since; nothing was done.")
        if step.after:
            tx.set_meta(key, step.after)
        else:
            tx.delete_meta(key)
