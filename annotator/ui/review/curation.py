"""Curation in the window: the status column of the document list, Mark curated, bulk finish.

A document's curation status is its gold layer's status (the adjudication
service's rule): the column appears once the project has a gold layer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING

from annotator.core.change import Change
from annotator.core.errors import AnnotatorError
from annotator.services import adjudication
from annotator.services.adjudication import CurationStatus
from annotator.ui.bidi import isolate
from annotator.ui.dialogs.progress import Progress, run_with_progress

CHUNK = 25
"""Documents per change when finishing in bulk (the progress dialog moves between chunks)."""

if TYPE_CHECKING:
    from annotator.services.project import Project
    from annotator.ui.main_window import MainWindow

Holds = Callable[[Sequence[int]], AbstractContextManager[tuple[list[int], list[str]]]]
"""Holds the gold layer of some documents while a block runs: yields those held and a
sentence for each another curator holds (on a team server: ``curation_holds``)."""


@contextmanager
def every_document_yours(doc_ids: Sequence[int]) -> Iterator[tuple[list[int], list[str]]]:
    """On a project file nobody else curates: every document is held, none refused."""
    yield list(doc_ids), []


class CurationTools:
    """Keeps the document list's curation column current and runs the curation actions.

    Args:
        window: the workbench.
        project: the open project.
    """

    def __init__(self, window: MainWindow, project: Project) -> None:
        self._window = window
        self._project = project
        self.holds: Holds = every_document_yours
        """Asked around each chunk of the bulk finish; a team server's holds (app.py)."""
        refresh = window.gui_thread.throttled(self.refresh, window, 250)
        window.signals.documentsChanged.connect(lambda _doc: refresh())
        window.signals.changeApplied.connect(self._on_change)
        self.refresh()

    def refresh(self) -> None:
        """Show each document's curation status, or no column when there is no gold layer."""
        model = self._window.documents.model_
        if self._project.gold_annotator() is None:
            model.set_curation(None)
            return
        statuses = adjudication.curation_statuses(self._project)
        model.set_curation({i: s is CurationStatus.CURATED for i, s in statuses.items()})

    def _on_change(self, change: Change) -> None:
        if change.statuses or change.gold:
            self.refresh()

    def mark_curated(self) -> None:
        """Document → Mark curated: the shown document's gold layer is done."""
        doc_id = self._window.current_doc_id()
        if doc_id is None:
            self._window.show_message("Import a document first.")
            return
        try:  # on a team server, under a hold of the document (its finish records it)
            with self.holds([doc_id]) as (held, refused):
                if not held:
                    self._window.notify(" ".join(refused))
                    return
                adjudication.set_curation_status(self._project, doc_id, CurationStatus.CURATED)
        except AnnotatorError as exc:
            self._window.notify(str(exc))
            return
        self.refresh()
        self._window.show_message("Marked curated.")

    def finish_agreed(self) -> list[str]:
        """Document → Finish documents without disagreement: mark them curated; returns names.

        Runs on a worker thread in chunks of :data:`CHUNK` documents (one change
        each) under a cancellable progress dialog, which appears only if it takes a while.
        """
        project = self._project
        finished: list[str] = []
        skipped: list[str] = []  # another curator holds them (a team server)

        def work(progress: Progress) -> None:  # on a worker thread (ADR 0017)
            names = adjudication.choose_annotators(project)
            ids = adjudication.choose_documents(project, (), names)
            for n in range(0, len(ids), CHUNK):
                if not progress(n, len(ids), f"{n} of {len(ids)} documents"):
                    break
                with self.holds(ids[n : n + CHUNK]) as (chunk, refused):
                    skipped.extend(refused)
                    finished.extend(adjudication.finish_agreed(project, None, names, chunk))
            progress(len(ids), len(ids), "")

        try:
            run_with_progress(self._window, "Finishing agreed documents", work)
        except AnnotatorError as exc:
            self._window.notify(str(exc))
        self.refresh()
        count = len(finished)
        self._window.notify(
            f"{count} document{'s' if count != 1 else ''} without disagreement marked curated"
            + (f": {', '.join(isolate(name) for name in finished)}." if finished else ".")
            + (f" Skipped {len(skipped)}: {' '.join(skipped)}" if skipped else "")
        )
        return finished
