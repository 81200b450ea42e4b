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
from PySide6.QtGui import QUndoStack

from annotator.core.change import Origin

Layer = tuple[int, str]
# a foreign change as (origin, doc_id or None for the schema, annotator or None, description)
Foreign = tuple[str, int | None, str | None, str]


class UndoStack(QUndoStack):
    """A QUndoStack that drops its history when that history no longer matches the project.

    Signals:
        historyCleared(str): the history was cleared; the argument says why.
    """

    historyCleared = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._layers: set[Layer] = set()
        self._schema_steps = False
        # asked before an annotation edit of the shown document runs; False: do not edit
        self.edit_gate: Callable[[], bool] = lambda: True

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
