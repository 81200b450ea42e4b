"""Undo commands: every annotation edit is one QUndoCommand that calls a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.core.errors import AnnotatorError
from annotator.core.model import Edit

if TYPE_CHECKING:  # services are only used through the objects passed in
    from annotator.services.annotations import AnnotationService


class ApplyEditCommand(QUndoCommand):
    """Runs a service call once, then replays its :class:`Edit` for undo and redo.

    Args:
        annotations: the service that applies edits.
        action: called on the first ``redo()``; returns the edit it applied.
        text: the undo-menu text until the edit supplies its own description.

    If ``action`` raises an :class:`AnnotatorError`, the command marks itself
    obsolete (so the stack drops it) and keeps the error in :attr:`error`.
    """

    def __init__(
        self, annotations: AnnotationService, action: Callable[[], Edit], text: str = "Edit"
    ) -> None:
        super().__init__(text)
        self._annotations = annotations
        self._action = action
        self.edit: Edit | None = None
        self.error: AnnotatorError | None = None

    def redo(self) -> None:
        """Apply the edit (calling the service the first time)."""
        if self.edit is None:
            try:
                self.edit = self._action()
            except AnnotatorError as exc:
                self.error = exc
                self.setObsolete(True)
                return
            if self.edit.description:
                self.setText(self.edit.description)
        else:
            self._annotations.apply(self.edit)

    def undo(self) -> None:
        """Apply the inverse edit."""
        if self.edit is not None:
            self._annotations.apply(self.edit.inverse())


def push_edit(
    stack: QUndoStack,
    annotations: AnnotationService,
    action: Callable[[], Edit],
    text: str = "Edit",
) -> Edit:
    """Run ``action`` as an undoable command and return its edit.

    Raises:
        AnnotatorError: whatever the service refused; nothing is pushed then.
    """
    command = ApplyEditCommand(annotations, action, text)
    stack.push(command)
    if command.error is not None:
        raise command.error
    assert command.edit is not None
    return command.edit
