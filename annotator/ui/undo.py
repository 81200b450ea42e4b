"""The window's undo stack, which knows when its history has become obsolete.

An undo step replays exactly what it applied. When something outside the stack
changes a layer the stack has steps for (an import, a schema edit, another
program), those steps could fail or surprise the user, so the stack is
cleared and the user is told why. A replay that the write service refuses
clears it too.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.core.change import Origin

Layer = tuple[int, str]
# asked before an edit runs, with the layers it changes (None: the shown document's layer)
EditGate = Callable[[set[Layer] | None], bool]
# a foreign change as (origin, doc_id or None for the schema, annotator or None, description)
Foreign = tuple[str, int | None, str | None, str]


class UndoStack(QUndoStack):
    """A QUndoStack that drops its history when that history no longer matches the project.

    Signals:
        historyCleared(str): the history was cleared; the argument says why.
        declined(str): an undo or redo was refused before it ran (:attr:`may_try`); why.
    """

    historyCleared = Signal(str)
    declined = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._layers: set[Layer] = set()
        self._schema_steps = False
        # asked before an annotation edit, an undo or a redo runs; False: do not run it
        self.edit_gate: EditGate = lambda _layers: True
        # asked before all else, even the reads an edit makes first: None, or why the edit
        # is refused at once (a server that cannot be reached, issue 20)
        self.may_try: Callable[[], str | None] = lambda: None

    def undo_asking(self) -> bool:
        """Undo one step unless the edit gate says no for the layers it changes; True if undone."""
        step = self.command(self.index() - 1) if self.canUndo() else None
        if step is None or self._refused():
            return False
        if not self.edit_gate(step_layers(step, undoing=True)):
            return False
        self.undo()
        return True

    def redo_asking(self) -> bool:
        """Redo one step unless the edit gate says no for the layers it changes; True if redone."""
        step = self.command(self.index()) if self.canRedo() else None
        if step is None or self._refused():
            return False
        if not self.edit_gate(step_layers(step, undoing=False)):
            return False
        self.redo()
        return True

    def _refused(self) -> bool:
        reason = self.may_try()
        if reason is not None:
            self.declined.emit(reason)
        return reason is not None

    def note_layers(self, layers: set[Layer], schema: bool = False) -> None:
        """Record that a pushed step touches these layers (and the schema)."""
        self._layers |= layers
        self._schema_steps = self._schema_steps or schema

    def report_failure(self, message: str) -> None:
        """A step could not be replayed: clear the history (after the current replay ends)."""
        QTimer.singleShot(0, lambda: self._clear_because(message))

    def foreign_changes(self, changes: list[Foreign]) -> None:
        """Clear the history if a change made outside the stack touches what it holds."""
        if self.count() == 0:
            return
        for origin, doc_id, annotator, description in changes:
            if origin == Origin.STATUS:
                continue
            hits_layer = doc_id is not None and (doc_id, annotator) in self._layers
            hits_schema = doc_id is None and (self._schema_steps or bool(self._layers))
            if hits_layer or hits_schema:
                who = "another program" if origin == Origin.OTHER else f"an {origin}"
                self._clear_because(
                    f"Undo history cleared: {who} changed annotations it refers to "
                    f"({description or origin}). Your work is saved; only undo steps are gone."
                )
                return

    def _clear_because(self, message: str) -> None:
        self.clear()
        self._layers.clear()
        self._schema_steps = False
        self.historyCleared.emit(message)


def step_layers(command: QUndoCommand | None, undoing: bool) -> set[Layer]:
    """The layers whose annotations undoing (or redoing) ``command`` changes, its children's
    too (a macro); a command says so with ``replay_layers(undoing)`` (see ``ui/commands.py``)."""
    if command is None:
        return set()
    replay_layers = getattr(command, "replay_layers", None)
    layers: set[Layer] = set(replay_layers(undoing)) if callable(replay_layers) else set()
    for i in range(command.childCount()):
        layers |= step_layers(command.child(i), undoing)
    return layers


def hear_other_writers(
    stack: UndoStack, poll: Callable[[], list[Foreign]], skip: Callable[[], None]
) -> None:
    """Tell ``stack`` what other writers changed; with no history, only ``skip`` past it.

    An empty stack has nothing those changes could make obsolete, and reading them is a
    query on the GUI thread: after a merge, thousands of change-log rows (ADR 0017).
    """
    if stack.count() == 0:
        skip()
    else:
        stack.foreign_changes(poll())


def watch_other_writers(
    stack: UndoStack,
    poll: Callable[[], list[Foreign]],
    skip: Callable[[], None],
    parent: QObject,
    interval_ms: int = 1500,
) -> QTimer:
    """Hear other writers (:func:`hear_other_writers`) every ``interval_ms``; returns the
    timer."""
    timer = QTimer(parent)
    timer.setInterval(interval_ms)
    timer.timeout.connect(lambda: hear_other_writers(stack, poll, skip))
    timer.start()
    return timer
