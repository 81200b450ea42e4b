"""Undo commands: every edit is one QUndoCommand that calls a service.

The first ``redo()`` runs the service call (the write service adds the cascade
and validates). Later redos and every undo replay the applied change exactly
(origin UNDO): the write service refuses a replay whose rows were changed
elsewhere, and the stack is told (:meth:`UndoStack.report_failure`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.core.change import Change, Origin
from annotator.core.errors import AnnotatorError
from annotator.core.model import Edit, Status
from annotator.errorlog import unexpected_message
from annotator.ui.undo import Layer, UndoStack

if TYPE_CHECKING:  # services are only used through the objects passed in
    from annotator.services.annotations import AnnotationService
    from annotator.services.write import WriteService

T = TypeVar("T")


class EditDeclined(AnnotatorError):
    """The user chose not to edit (a Done document); nothing was written."""


class ReplayCommand(QUndoCommand, Generic[T]):
    """Runs ``action`` once, then replays its result with ``replay`` for undo and redo.

    Args:
        stack: the stack the command goes on (told when a replay fails).
        action: the service call; returns what it applied.
        replay: applies a result (or its inverse) exactly.
        invert: the result that undoes a result.
        text: the undo-menu text.

    If ``action`` raises, the command marks itself obsolete (the stack drops
    it) and keeps the error in :attr:`error`; an unexpected exception is
    logged and turned into an :class:`AnnotatorError` naming the log.
    """

    def __init__(
        self,
        stack: QUndoStack,
        action: Callable[[], T],
        replay: Callable[[T], object],
        invert: Callable[[T], T],
        text: str,
    ) -> None:
        super().__init__(text)
        self._stack = stack
        self._action = action
        self._replay = replay
        self._invert = invert
        self.result: T | None = None
        self.error: AnnotatorError | None = None

    def redo(self) -> None:
        """Apply (calling the service the first time, replaying afterwards)."""
        if self.result is not None:
            self._safely(self.result)
            return
        try:
            result = self._action()
        except AnnotatorError as exc:
            self.error = exc
        except Exception as exc:  # noqa: BLE001 - shown and logged, never lost
            self.error = AnnotatorError(unexpected_message(exc, f"applying {self.text()!r}"))
        if self.error is not None:
            self.setObsolete(True)
            return
        self.result = result
        self.described(result)

    def undo(self) -> None:
        """Apply the inverse exactly."""
        if self.result is not None:
            self._safely(self._invert(self.result))

    def described(self, result: T) -> None:
        """Hook: update the undo-menu text from the applied result."""

    def _safely(self, result: T) -> None:
        try:
            self._replay(result)
        except AnnotatorError as exc:
            self._failed(str(exc))
        except Exception as exc:  # noqa: BLE001 - shown and logged, never lost
            self._failed(unexpected_message(exc, f"replaying {self.text()!r}"))

    def _failed(self, message: str) -> None:
        if isinstance(self._stack, UndoStack):
            self._stack.report_failure(message)


class ApplyEditCommand(ReplayCommand[Edit]):
    """An annotation edit: the service call's :class:`Edit`, replayed for undo and redo."""

    def __init__(
        self,
        stack: QUndoStack,
        annotations: AnnotationService,
        action: Callable[[], Edit],
        text: str = "Edit",
    ) -> None:
        super().__init__(
            stack,
            action,
            lambda edit: annotations.apply(edit, Origin.UNDO),
            lambda edit: edit.inverse(),
            text,
        )

    @property
    def edit(self) -> Edit | None:
        """The applied edit (cascade and ids included), or None."""
        return self.result

    def replay_layers(self, undoing: bool) -> set[Layer]:
        """The layer an undo or redo of this edit changes (the stack's edit gate asks on it)."""
        edit = self.result
        return set() if edit is None else {(edit.doc_id, edit.annotator)}

    def described(self, result: Edit) -> None:
        """Use the edit's own description in the undo menu."""
        if result.description:
            self.setText(result.description)
        if isinstance(self._stack, UndoStack):
            self._stack.note_layers({(result.doc_id, result.annotator)})


class ApplyChangeCommand(ReplayCommand[Change]):
    """A change that may span documents (e.g. "Tag all"), replayed exactly for undo and redo."""

    def __init__(
        self, stack: QUndoStack, write: WriteService, action: Callable[[], Change], text: str
    ) -> None:
        super().__init__(
            stack,
            action,
            lambda change: write.apply(change.as_replay()),
            lambda change: change.inverse(),
            text,
        )

    def replay_layers(self, undoing: bool) -> set[Layer]:
        """The layers whose annotations an undo (or redo) of this change changes, less those
        whose Done status it takes away itself (a layer's or a document's deletion, redone):
        the stack's edit gate asks on these."""
        change = self.result
        if change is None:
            return set()
        replay = change.inverse() if undoing else change
        unmarked = {(s.doc_id, s.annotator) for s in replay.statuses if s.before is Status.DONE}
        removed = {d.id for d in replay.removed_documents}
        return {
            (e.doc_id, e.annotator)
            for e in replay.edits
            if (e.doc_id, e.annotator) not in unmarked and e.doc_id not in removed
        }

    def described(self, result: Change) -> None:
        """Use the change's description, and record the layers it touched."""
        if result.description:
            self.setText(result.description)
        if isinstance(self._stack, UndoStack):
            self._stack.note_layers(result.layers())


DECLINED = "Nothing changed: the document is marked done."


def ask_first(stack: QUndoStack, layers: set[Layer] | None = None) -> None:
    """Ask the stack's :attr:`UndoStack.edit_gate` before editing ``layers`` (None: the shown
    document's layer); a Done document asks the user.

    Raises:
        EditDeclined: the gate said no.
    """
    if not isinstance(stack, UndoStack):
        return
    refused = stack.may_try()  # a server away: refused before anything is read or written
    if refused is not None:
        raise EditDeclined(refused)
    if not stack.edit_gate(layers):
        raise EditDeclined(DECLINED)


def push_change(
    stack: QUndoStack,
    write: WriteService,
    action: Callable[[], Change],
    text: str,
    ask: set[Layer] | None = None,
) -> Change:
    """Run ``action`` as one undoable command and return the applied change.

    With ``ask``, the stack's edit gate is asked first about those layers.

    Raises:
        EditDeclined: the gate said no; nothing was run.
        AnnotatorError: whatever the service refused; nothing is pushed then.
    """
    if ask is not None:
        ask_first(stack, ask)
    return _push(stack, ApplyChangeCommand(stack, write, action, text))


def push_applied(stack: QUndoStack, write: WriteService, change: Change, text: str) -> Change:
    """Push a change that was already applied (on a worker thread, ADR 0017) as one undoable
    step: the step's first redo writes nothing; undo and redo replay it as usual."""
    return push_change(stack, write, lambda: change, text)


def push_edit(
    stack: QUndoStack,
    annotations: AnnotationService,
    action: Callable[[], Edit],
    text: str = "Edit",
) -> Edit:
    """Run ``action`` as an undoable command and return its edit.

    The stack's :attr:`UndoStack.edit_gate` is asked first (a Done document asks the user).

    Raises:
        EditDeclined: the gate said no; nothing was run.
        AnnotatorError: whatever the service refused; nothing is pushed then.
    """
    ask_first(stack)
    return _push(stack, ApplyEditCommand(stack, annotations, action, text))


def _push(stack: QUndoStack, command: ReplayCommand[T]) -> T:
    stack.push(command)
    if command.error is not None:
        raise command.error
    assert command.result is not None
    return command.result
