"""Done means done: editing a document marked Done asks first (issue 18, point 11).

INCEpTION locks a finished document until it is reopened. Here an annotation edit
of the shown document, when the current annotator has marked it Done, asks:
Reopen (the status goes back to In progress through the write service, then the
edit runs), Edit anyway (the edit runs and the document stays Done; not asked
again for that document until it is marked Done again), or Cancel (nothing
changes). ``install_done_guard(window)`` sets the window's undo stack's gate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from annotator.core.errors import AnnotatorError
from annotator.core.model import Status
from annotator.ui.bidi import isolate
from annotator.ui.undo import UndoStack

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

REOPEN, EDIT_ANYWAY, CANCEL = "reopen", "edit anyway", "cancel"


class DoneGuard:
    """The undo stack's edit gate for Done documents.

    Attributes:
        ask: asks the user what to do with a Done document (returns REOPEN, EDIT_ANYWAY or
            CANCEL); a message box by default.
    """

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._waived: set[tuple[int, str]] = set()  # "Edit anyway" was chosen for these
        self.ask: Callable[[str], str] = self._ask

    def allow(self) -> bool:
        """True if the edit may run (after reopening the document if the user chose that)."""
        window = self._window
        doc = window.current_document()
        if doc is None:
            return True
        annotator = window.current_annotator()
        documents = window.project.documents
        layer = (doc.id, annotator)
        if documents.status(doc.id, annotator) is not Status.DONE:
            self._waived.discard(layer)  # marked Done again later: ask again then
            return True
        if layer in self._waived:
            return True
        answer = self.ask(doc.name)
        if answer == EDIT_ANYWAY:
            self._waived.add(layer)
            return True
        if answer != REOPEN:
            return False
        try:
            documents.set_status(doc.id, annotator, Status.IN_PROGRESS)
        except AnnotatorError as exc:
            window.notify(str(exc))
            return False
        window.show_message("Reopened: the document is in progress again.")
        return True

    def _ask(self, name: str) -> str:
        box = QMessageBox(self._window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Document marked done")
        box.setText(f"You marked {isolate(name)} done. Reopen it to edit?")
        box.setInformativeText(
            "Reopen sets it back to In progress. Edit anyway keeps it marked done."
        )
        reopen = box.addButton("Reopen", QMessageBox.ButtonRole.AcceptRole)
        anyway = box.addButton("Edit anyway", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(reopen)
        box.exec()
        clicked = box.clickedButton()
        return REOPEN if clicked is reopen else EDIT_ANYWAY if clicked is anyway else CANCEL


def install_done_guard(window: MainWindow) -> DoneGuard:
    """Ask before the window edits a Done document; returns the guard (``window.done_guard``)."""
    guard = DoneGuard(window)
    stack = window.undo_stack
    if isinstance(stack, UndoStack):
        stack.edit_gate = guard.allow
    window.done_guard = guard  # type: ignore[attr-defined]
    return guard
