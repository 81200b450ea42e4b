"""Done means done: changing a document marked Done asks first (issue 18, points 11 and 18).

INCEpTION locks a finished document until it is reopened. Here every change the
window makes to the annotations of a layer marked Done asks first: an edit of the
shown document, an undo or a redo, Accept and Pre-merge in review mode (the gold
layer), and Tag all. The answer is Reopen (the statuses go back to In progress
through the write service, then the change runs), Edit anyway (the change runs and
the documents stay Done; not asked again for them until they are marked Done again)
or Cancel (nothing changes). Tag all, which may reach many documents, asks once:
Reopen them, Skip them (tag the other documents only) or Cancel.
``install_done_guard(window)`` sets the window's undo stack's gate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from annotator.core.errors import AnnotatorError
from annotator.core.model import Status
from annotator.ui.bidi import isolate
from annotator.ui.undo import Layer, UndoStack

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

REOPEN, EDIT_ANYWAY, SKIP, CANCEL = "reopen", "edit anyway", "skip", "cancel"
NAMED = 5
"""At most this many document names in a question; the rest are counted."""


class DoneGuard:
    """The undo stack's edit gate for Done documents.

    Attributes:
        ask: asks what to do before changing Done documents, given their names (returns
            REOPEN, EDIT_ANYWAY or CANCEL); a message box by default.
        ask_tag_all: asks what Tag all does with the Done documents it would tag, given
            their names (returns REOPEN, SKIP or CANCEL); a message box by default.
    """

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._waived: set[Layer] = set()  # "Edit anyway" was chosen for these
        self.ask: Callable[[list[str]], str] = self._ask
        self.ask_tag_all: Callable[[list[str]], str] = self._ask_tag_all

    def allow(self, layers: set[Layer] | None = None) -> bool:
        """True if a change of ``layers`` (None: the shown document's layer) may run, after
        reopening them if the user chose that."""
        if layers is None:
            doc_id = self._window.current_doc_id()
            layers = set() if doc_id is None else {(doc_id, self._window.current_annotator())}
        done = self.done_layers(layers)
        if not done:
            return True
        answer = self.ask(self._names(done))
        if answer == EDIT_ANYWAY:
            self._waived.update(done)
            return True
        if answer == REOPEN:
            return self.reopen(done)
        self._window.show_message("Nothing changed: the document is marked done.")
        return False

    def tag_all_documents(self, doc_ids: set[int], annotator: str) -> set[int] | None:
        """The documents Tag all may tag in ``annotator``'s layer: all of ``doc_ids`` (none
        is Done, or the user reopened them), those not Done (Skip), or None (Cancel)."""
        done = self.done_layers({(doc_id, annotator) for doc_id in doc_ids})
        if not done:
            return doc_ids
        answer = self.ask_tag_all(self._names(done))
        if answer == SKIP:
            return doc_ids - {doc_id for doc_id, _annotator in done}
        if answer == REOPEN and self.reopen(done):
            return doc_ids
        return None

    def done_layers(self, layers: Iterable[Layer]) -> list[Layer]:
        """Those of ``layers`` marked Done, less those the user chose to edit anyway.

        The status is read from the project each time (one indexed query per layer), not
        from the Documents list, which may refresh later.
        """
        documents = self._window.project.documents
        done = []
        for layer in sorted(layers):
            if documents.status(*layer) is not Status.DONE:
                self._waived.discard(layer)  # marked Done again later: ask again then
            elif layer not in self._waived:
                done.append(layer)
        return done

    def reopen(self, layers: list[Layer]) -> bool:
        """Set ``layers`` back to In progress (through the write service); False if refused."""
        documents = self._window.project.documents
        try:
            for doc_id, annotator in layers:
                documents.set_status(doc_id, annotator, Status.IN_PROGRESS)
        except AnnotatorError as exc:
            self._window.notify(str(exc))
            return False
        self._window.show_message(
            "Reopened: the document is in progress again."
            if len(layers) == 1
            else f"Reopened {len(layers)} documents: they are in progress again."
        )
        return True

    def _names(self, layers: list[Layer]) -> list[str]:
        doc = self._window.current_document()
        if len(layers) == 1 and doc is not None and layers[0][0] == doc.id:
            return [doc.name]
        annotator = layers[0][1]
        names = {s.id: s.name for s in self._window.project.documents.summaries(annotator)}
        return [names.get(doc_id, f"document {doc_id}") for doc_id, _annotator in layers]

    def _ask(self, names: list[str]) -> str:
        if len(names) == 1:
            text = f"The document «{isolate(names[0])}» is marked done. Reopen it to edit?"
            more = "Reopen sets it back to In progress. Edit anyway keeps it marked done."
        else:
            text = f"{len(names)} documents are marked done: {listed(names)}. Reopen them to edit?"
            more = "Reopen sets them back to In progress. Edit anyway keeps them marked done."
        buttons = (("Reopen", REOPEN), ("Edit anyway", EDIT_ANYWAY))
        return self._question("Document marked done", text, more, buttons)

    def _ask_tag_all(self, names: list[str]) -> str:
        some = "1 document" if len(names) == 1 else f"{len(names)} documents"
        text = f"Tag all would tag {some} marked done: {listed(names)}."
        more = (
            "Reopen them sets them back to In progress and tags them. "
            "Skip them tags the other documents only."
        )
        buttons = (("Reopen them", REOPEN), ("Skip them", SKIP))
        return self._question("Documents marked done", text, more, buttons)

    def _question(
        self, title: str, text: str, more: str, buttons: tuple[tuple[str, str], ...]
    ) -> str:
        box = QMessageBox(self._window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(title)
        box.setText(text)
        box.setInformativeText(more)
        roles = (QMessageBox.ButtonRole.AcceptRole, QMessageBox.ButtonRole.DestructiveRole)
        added = [
            (box.addButton(label, role), answer)
            for (label, answer), role in zip(buttons, roles, strict=True)
        ]
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(added[0][0])
        box.exec()
        clicked = box.clickedButton()
        return next((answer for button, answer in added if button is clicked), CANCEL)


def listed(names: list[str]) -> str:
    """``«a», «b» and 3 more``: at most :data:`NAMED` names, each a bidi isolate."""
    shown = ", ".join(f"«{isolate(name)}»" for name in names[:NAMED])
    rest = len(names) - NAMED
    return f"{shown} and {rest} more" if rest > 0 else shown


def install_done_guard(window: MainWindow) -> DoneGuard:
    """Ask before the window changes a Done document; returns the guard (``window.done_guard``)."""
    guard = DoneGuard(window)
    stack = window.undo_stack
    if isinstance(stack, UndoStack):
        stack.edit_gate = guard.allow
    window.done_guard = guard  # type: ignore[attr-defined]
    return guard
