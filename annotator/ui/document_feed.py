"""The document list follows committed changes, in batches while a job runs (ADR 0017).

A change made on the GUI thread (a status, an undo) is shown at once, as before. While a
worker commits (an import commits a file every few milliseconds, a merge thousands of
documents at once), what the changes do to the list is gathered and shown at most every
:data:`BATCH_MS`: new documents are read by id, :data:`SLICE` at a time with a turn of the
event loop in between, and appended to the list; statuses are set in place. Nothing reloads
or resets the whole list, which for thousands of documents took the GUI thread a few hundred
ms each time (profiled with ``benchmarks/bench_frames.py``). Deleted or restored documents
still reload the list.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from PySide6.QtCore import QObject, QTimer

from annotator.core.change import Change
from annotator.core.model import DocumentSummary, Status
from annotator.ui.gui_thread import GuiThread
from annotator.ui.panels.models import DocumentListModel

BATCH_MS = 100
"""How often a worker's changes reach the document list."""
SLICE = 250
"""New documents read and added per turn of the event loop."""

# read(annotator, ids) -> those documents' rows, in id order
Reader = Callable[[str, Collection[int]], list[DocumentSummary]]


class DocumentFeed(QObject):
    """Applies committed changes to a :class:`DocumentListModel`.

    Args:
        model: the document list's model.
        read: reads the rows of some documents for an annotator (the document service).
        annotator: the annotator whose list is shown (asked at each change).
        gui: the window's :class:`GuiThread` (tells a worker's changes from its own).
        reload: reloads the whole list (documents were deleted or restored).
        applied: called after rows were added or changed (the window re-selects its row).
    """

    def __init__(
        self,
        model: DocumentListModel,
        read: Reader,
        annotator: Callable[[], str],
        gui: GuiThread,
        reload: Callable[[], None],
        applied: Callable[[], None],
    ) -> None:
        super().__init__(model)
        self._model = model
        self._read = read
        self._annotator = annotator
        self._gui = gui
        self._reload = reload
        self._applied = applied
        self._new: dict[int, None] = {}  # ids of new documents not yet listed, in order
        self._statuses: dict[int, Status] = {}
        self._whole = False  # reload the whole list
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self.flush(SLICE))

    def take(self, change: Change) -> None:
        """Note what ``change`` does to the list and show it: now for a change made on this
        thread, within :data:`BATCH_MS` for one a worker made."""
        annotator = self._annotator()
        self._whole |= bool(change.removed_documents or change.restored_documents)
        self._new.update(dict.fromkeys(change.new_documents))
        self._statuses.update(
            (s.doc_id, s.after) for s in change.statuses if s.annotator == annotator
        )
        if not self.pending():
            return
        if not self._gui.from_worker:
            self._timer.stop()
            self.flush()
        elif not self._timer.isActive():
            self._timer.start(BATCH_MS)

    def pending(self) -> bool:
        """True while some change is not shown yet."""
        return bool(self._whole or self._new or self._statuses)

    def clear(self) -> None:
        """Forget what is pending: the whole list was just read and shown."""
        self._timer.stop()
        self._new.clear()
        self._statuses.clear()
        self._whole = False

    def flush(self, limit: int | None = None) -> None:
        """Show what is pending; with ``limit``, read at most that many new documents now and
        the rest after the event loop has turned."""
        if self._whole:
            self.clear()
            self._reload()
            return
        statuses, self._statuses = self._statuses, {}
        for doc_id, status in statuses.items():
            self._model.update_row(doc_id, status=status)
        ids = list(self._new)
        if limit is not None and len(ids) > limit:
            ids = ids[:limit]
            self._timer.start(0)
        for doc_id in ids:
            del self._new[doc_id]
        if ids:
            self._model.put_rows(self._read(self._annotator(), ids))
        self._applied()
