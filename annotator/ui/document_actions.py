"""Document and annotator actions of the main window: import, reopen, notes, switch annotator.

Each talks to the services the window holds; nothing here edits annotations.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QInputDialog

from annotator import config
from annotator.core.errors import AnnotatorError
from annotator.core.model import Status
from annotator.ui.bidi import isolate
from annotator.ui.dialogs import folders
from annotator.ui.dialogs.dialogs import ask_annotator_name

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow


def import_files_dialog(window: MainWindow) -> None:
    """File → Import text…: ask for .txt files and import them."""
    files, _filter = QFileDialog.getOpenFileNames(
        window, "Import text", folders.start_in(), "Text files (*.txt);;All files (*)"
    )
    folders.remember(files)
    if files:
        window.import_paths([Path(f) for f in files])


def import_folder_dialog(window: MainWindow) -> None:
    """File → Import folder…: ask for a folder and import every .txt file in it."""
    folder = QFileDialog.getExistingDirectory(window, "Import folder", folders.start_in())
    folders.remember(folder)
    if folder:
        window.import_paths([Path(folder)])


def reopen_document(window: MainWindow) -> None:
    """Document → Reopen: a Done document goes back to in progress for the current annotator."""
    doc_id = window.current_doc_id()
    if doc_id is None:
        return
    documents = window.project.documents
    annotator = window.current_annotator()
    if documents.status(doc_id, annotator) is not Status.DONE:
        window.show_message("This document is not marked done, so there is nothing to reopen.")
        return
    try:
        documents.set_status(doc_id, annotator, Status.IN_PROGRESS)
    except AnnotatorError as exc:
        window.notify(str(exc))
        return
    window.show_message("Reopened: the document is in progress again.")


def edit_document_note(window: MainWindow) -> None:
    """Document → Document note…: the current annotator's free-text note on the document."""
    doc = window.current_document()
    if doc is None:
        window.show_message("Import a document first.")
        return
    annotations = window.project.annotations
    annotator = window.current_annotator()
    current = annotations.document_note(doc.id, annotator)
    text, ok = QInputDialog.getMultiLineText(
        window, "Document note", f"Your note on {doc.name} (only you see it):", current
    )
    if not ok or text.strip() == current:
        return
    try:
        annotations.set_document_note(doc.id, annotator, text, before=current)
    except AnnotatorError as exc:
        window.notify(str(exc))
        return
    window.show_message("Note saved." if text.strip() else "Note removed.")


def switched_message(name: str, previous: str) -> str:
    """What the window says after switching from ``previous``'s layer to ``name``'s."""
    return (
        f"Now annotating as {isolate(name)}. The undo history of {isolate(previous)} "
        "was cleared; their work is saved."
    )


def switch_annotator(window: MainWindow) -> None:
    """File → Switch annotator…: ask a name, remember it, and show that annotator's layer."""
    name = ask_annotator_name(window, window.current_annotator())
    if not name or name == window.current_annotator():
        return
    config.remember_annotator(name)
    window.set_annotator(name)
