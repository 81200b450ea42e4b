"""File → Import text: a worker thread behind a cancellable progress dialog, and a report.

Each file is committed on its own (ADR 0008), so Cancel stops before the next
file: the files imported before it stay, and the report says how many.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.core.model import DocumentSummary, ImportReport
from annotator.ui.dialogs.progress import Progress, run_with_progress

if TYPE_CHECKING:  # services are only used through the objects passed in
    from annotator.services.documents import DocumentService
    from annotator.ui.main_window import MainWindow


@dataclass
class ImportRun:
    """An import in the window: its report, how many files it found, whether it was cancelled,
    and the document list read on the worker once the files were in (None: not asked for)."""

    report: ImportReport
    files: int = 0
    cancelled: bool = False
    rows: list[DocumentSummary] | None = None

    def summary(self) -> str:
        """One line: the report's counts, and how far a cancelled import got."""
        done = len(self.report.outcomes)
        if self.cancelled and done < self.files:
            return (
                f"Import cancelled after {done} of {self.files} files "
                f"({self.report.summary()}); the other files were not imported."
            )
        return self.report.summary()


def import_with_progress(
    parent: QWidget,
    documents: DocumentService,
    paths: list[Path],
    read_list: Callable[[], list[DocumentSummary]] | None = None,
) -> ImportRun:
    """Import ``paths`` (files or folders) on a worker thread, with a cancellable dialog; then
    ``read_list()`` on the worker too, into ``rows`` (the GUI thread only shows them)."""
    run = ImportRun(ImportReport())

    def work(progress: Progress) -> ImportReport:
        def counted(done: int, total: int, name: str) -> bool:
            run.files = total
            return progress(done, total, name)

        report = documents.import_paths(paths, counted)
        if read_list is not None:
            run.rows = read_list()
        return report

    run.report, run.cancelled = run_with_progress(parent, "Importing", work, context="importing")
    return run


def import_into(window: MainWindow, paths: list[Path]) -> ImportReport:
    """The window's File → Import: import, refresh the list, show the first new document
    if none was shown, and report (``window.last_import_report`` is the message box)."""
    run = import_with_progress(window, window.project.documents, paths, window.list_reader())
    report = run.report
    if run.rows is not None:
        window.show_documents(run.rows)
    if window.current_doc_id() is None and report.added and report.added[0].doc_id:
        window.open_document(report.added[0].doc_id)
    window.show_message(run.summary())
    window.last_import_report = show_report(window, run)  # type: ignore[attr-defined]
    return report


def report_text(run: ImportRun) -> tuple[str, str]:
    """The summary line and the details (rejected files with reasons, duplicates)."""
    report = run.report
    lines: list[str] = []
    if report.rejected:
        lines.append("Not imported:")
        lines += [f"• {o.message}" for o in report.rejected]
    if report.duplicates:
        lines.append("Already in the project:")
        lines += [f"• {o.message}" for o in report.duplicates]
    return run.summary(), "\n".join(lines)


def show_report(parent: QWidget, run: ImportRun) -> QMessageBox:
    """Open (without blocking) a message box describing the import; returns it."""
    summary, details = report_text(run)
    warn = bool(run.report.rejected) or run.cancelled
    icon = QMessageBox.Icon.Warning if warn else QMessageBox.Icon.Information
    box = QMessageBox(icon, "Import text", summary, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("importReport")
    if details:
        box.setInformativeText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
