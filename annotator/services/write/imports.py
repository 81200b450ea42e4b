"""An imported file's documents and layers, planned inside the import's one transaction.

Only :mod:`annotator.services.write.service` calls these. A treebank brings hundreds
of documents in one file (issue 19): what the plan reads for each of them (is the
text here? does the layer have spans? which status?) is read for all of them at
once, a few queries per 500 documents instead of several per document, and a new
document is stored with a few Core inserts. What it checks is unchanged: the edits
and statuses it returns are applied and validated by the write service like any
other change.
"""

from __future__ import annotations

from annotator.core import multiword
from annotator.core.change import Origin, StatusChange
from annotator.core.errors import SpanError
from annotator.core.model import Bundle, Edit, Status
from annotator.core.tokens import WordTokens, tokenizer_id, word_tokens
from annotator.services.write.requests import LayerImport, NewDocument, document_note_key
from annotator.services.write.steps import as_placeholders, imported_status
from annotator.store.writer import WriteTx


def store_document(tx: WriteTx, doc: NewDocument, tokens: WordTokens | None, session: str) -> int:
    """Add a document the project lacks, with its tokens (ADR 0015: ``tokens`` made
    ahead, or made now if None) and its multiword tokens (ADR 0021); log it."""
    doc_id = tx.add_document(doc.name, doc.text, doc.sha256)
    tx.lengths_read[doc_id] = len(doc.text)  # known: the edit's check need not read it
    tx.set_tokens(doc_id, tokenizer_id(), word_tokens(doc.text) if tokens is None else tokens)
    if doc.words:
        tx.set_meta(multiword.multiword_key(doc_id), multiword.encode(doc.words))
    tx.log(session, Origin.IMPORT, doc_id, None, f"Add {doc.name}")
    return doc_id


def plan_layers(
    tx: WriteTx,
    annotator: str,
    items: list[LayerImport],
    replace_layer: bool,
    made: dict[str, WordTokens],
    session: str,
    description: str,
) -> tuple[list[Edit], list[StatusChange], list[int]]:
    """Each item's document (matched by SHA-256, or added), and the edit and status step
    that put its layer in; returns (edits, status steps, ids of the documents added).

    Raises:
        SpanError: without ``replace_layer``, a document where the layer has spans.
    """
    ids = tx.document_ids(item.document.sha256 for item in items)
    new_docs: list[int] = []
    for item in items:
        doc = item.document
        if doc.sha256 not in ids:
            ids[doc.sha256] = store_document(tx, doc, made.get(doc.sha256), session)
            new_docs.append(ids[doc.sha256])
    doc_ids = [ids[item.document.sha256] for item in items]
    counts = {} if replace_layer else tx.span_counts(doc_ids, annotator)
    now = tx.statuses(doc_ids, annotator)
    edits: list[Edit] = []
    statuses: list[StatusChange] = []
    for item, doc_id in zip(items, doc_ids, strict=True):
        remove = tx.layer(doc_id, annotator) if replace_layer else Bundle()
        if counts.get(doc_id):
            raise SpanError(
                f"document {item.document.name!r} already has {counts[doc_id]} spans by "
                f"{annotator!r}. Import with --replace to overwrite them, or into another "
                "annotator."
            )
        add = as_placeholders(item.bundle, doc_id, annotator)
        edits.append(Edit(doc_id, annotator, remove, add, description))
        before = now.get(doc_id, Status.NEW)
        wanted = imported_status(item.status, before)
        if wanted is not before:
            statuses.append(StatusChange(doc_id, annotator, before, wanted))
        if item.note:
            tx.set_meta(document_note_key(doc_id, annotator), item.note)
    return edits, statuses, new_docs
