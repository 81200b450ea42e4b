"""Unexpected errors in the GUI: logged with their traceback, shown as one clear message."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.errorlog import unexpected_message

Hook = Callable[[type[BaseException], BaseException, TracebackType | None], None]
QuietHandler = Callable[[BaseException], bool]
"""Told of an uncaught exception first; True: it said what happened itself (no dialog)."""

_quiet: list[QuietHandler] = []


def add_quiet_handler(handler: QuietHandler) -> Callable[[], None]:
    """Ask ``handler`` about every uncaught exception before the error dialog (a lost
    server says so in the status bar); returns a function that stops asking it."""
    _quiet.append(handler)
    return lambda: _quiet.remove(handler) if handler in _quiet else None


def show_error(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    """Show ``text`` in a non-blocking warning box; returns the box."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("unexpected-error")
    box.open()
    return box


def make_excepthook(parent: Callable[[], QWidget | None]) -> Hook:
    """An excepthook that logs the traceback and tells the user where it went.

    The app keeps running: every edit is already saved, and the failed action
    left nothing half-done (each change is one transaction).
    """

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        exc.__traceback__ = tb
        if any(handler(exc) for handler in list(_quiet)):
            return
        show_error(parent(), "Unexpected error", unexpected_message(exc, "working"))

    return hook


def install_excepthook(parent: Callable[[], QWidget | None]) -> None:
    """Route uncaught exceptions (including those in Qt slots) to :func:`make_excepthook`."""
    sys.excepthook = make_excepthook(parent)
