"""File → Import text: a cancellable progress dialog and a report of what happened."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.core.model import ImportReport
from annotator.ui.dialogs.progress import progress_dialog

if TYPE_CHECKING:  # services are only used through the objects passed in
    from annotator.services.documents import DocumentService


def import_with_progress(
    parent: QWidget, documents: DocumentService, paths: list[Path]
) -> ImportReport:
    """Import ``paths`` (files or folders) while showing a cancellable progress dialog."""
    with progress_dialog(parent, "Importing") as progress:
        return documents.import_paths(paths, progress)


def report_text(report: ImportReport) -> tuple[str, str]:
    """The summary line and the details (rejected files with reasons, duplicates)."""
    lines: list[str] = []
    if report.rejected:
        lines.append("Not imported:")
        lines += [f"• {o.message}" for o in report.rejected]
    if report.duplicates:
        lines.append("Already in the project:")
        lines += [f"• {o.message}" for o in report.duplicates]
    return report.summary(), "\n".join(lines)


def show_report(parent: QWidget, report: ImportReport) -> QMessageBox:
    """Open (without blocking) a message box describing the import; returns it."""
    summary, details = report_text(report)
    icon = QMessageBox.Icon.Warning if report.rejected else QMessageBox.Icon.Information
    box = QMessageBox(icon, "Import text", summary, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("importReport")
    if details:
        box.setInformativeText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
