"""The one write path: every change to annotations, schema, status or documents goes here.

:class:`WriteService` is the only caller of :mod:`annotator.store.writer` (an
import-linter contract checks it). For each change it:

1. opens ONE ``BEGIN IMMEDIATE`` transaction, re-reading the schema inside it
   (and, for :meth:`WriteService.apply_planned`, running the caller's plan there,
   so what it reads to decide the change still holds when it is written);
2. checks that the rows the change removes are stored exactly as the change
   says (so an undo step only ever touches rows it created or removed itself);
3. adds the cascade (:mod:`annotator.core.cascade`) to a fresh change, or, for an
   undo/redo replay, refuses if a cascade would be needed;
4. validates every invariant of the state the change leaves, removed and
   updated rows included (:mod:`annotator.core.validate`);
5. writes, logs the change in the change log, commits, and only then emits
   :attr:`WriteService.changed`.

A locked database is retried through the ``busy`` callback (the GUI keeps
painting and shows what is happening); other database errors become a
:class:`ProjectError` with a sentence, never a traceback.
"""

from annotator.core.errors import MergeCancelled
from annotator.services.write.requests import (
    DOCUMENT_NOTE_PREFIX,
    MERGE_HISTORY,
    BusyHandler,
    LayerImport,
    MergeBatch,
    MergeResult,
    NewDocument,
    Plan,
    Reads,
    document_note_key,
    wait_and_retry,
)
from annotator.services.write.service import WriteService

__all__ = [
    "BusyHandler",
    "DOCUMENT_NOTE_PREFIX",
    "LayerImport",
    "MERGE_HISTORY",
    "MergeBatch",
    "MergeCancelled",
    "MergeResult",
    "NewDocument",
    "Plan",
    "Reads",
    "WriteService",
    "document_note_key",
    "wait_and_retry",
]
