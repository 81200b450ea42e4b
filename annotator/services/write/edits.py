"""One annotation edit inside the write transaction: checked, cascaded, validated, written.

Only :mod:`annotator.services.write.service` calls :func:`apply_edit`.
"""

from __future__ import annotations

from dataclasses import replace

from annotator.core import cascade, validate
from annotator.core.errors import SpanError, StaleEditError
from annotator.core.model import Edit
from annotator.core.schema import Schema
from annotator.services.write.steps import check_stored, twin_finder
from annotator.store.writer import WriteTx


def apply_edit(tx: WriteTx, edit: Edit, schema: Schema, exact: bool) -> Edit:
    """Apply one edit in ``tx``; return it with its cascade and real ids.

    The removed rows must be stored as the edit says; a fresh edit (``exact``
    False) gets its cascade, a replay must need none; then the state the edit
    leaves is validated (:func:`annotator.core.validate.check_edit`), reading the
    stored rows it depends on through ``tx``, and the edit is written.

    Raises:
        StaleEditError: stored rows differ from what the edit expects.
        SpanError, EventError: an invariant would break.
    """
    check_stored(tx, edit, exact)
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
    # the other end of a kept relation whose end is relabelled (check_kept reads it)
    referenced |= {r.arg1_id for r in relations} | {r.arg2_id for r in relations}
    stored = tx.spans(referenced)
    validate.check_edit(
        full,
        schema,
        length,
        validate.Stored(
            span=stored.get,
            relations=lambda r: tx.relations_between(r.arg1_id, r.arg2_id),
            twins=twin_finder(tx, full),
            events_on=tx.events_on,
            quote=tx.span_text,
            users=(events, relations),
        ),
    )
    return replace(full, add=tx.apply(remove, add))
