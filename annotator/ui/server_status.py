"""Online or Offline, always in sight, for a project on a server (issue 20, item 7).

A permanent status-bar label names the server (never the password) and says whether it can
be reached. It turns Offline as soon as anything finds the server gone (a read, a write, the
live updates' listener: :class:`annotator.services.online.ServerLink`), and while Offline the
window asks the server every few seconds, on a thread of its own, whether it is back; it turns
Online by itself. While Offline, every edit is refused before it is tried, with one sentence
in the status bar: the undo stack's :attr:`~annotator.ui.undo.UndoStack.may_try` refuses
edits, undo and redo before anything is read (so the undo history stays whole for later), and
the write service's gate refuses every change that reaches it (attributes, events, relations,
statuses, deletions). A read that fails because the server is gone (opening a
document, say) says the same in the status bar instead of an error dialog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from annotator.ui.errors import add_quiet_handler
from annotator.ui.undo import UndoStack

if TYPE_CHECKING:  # app.py makes the link: the window never reaches the store
    from annotator.services.online import ServerLink
    from annotator.ui.main_window import MainWindow

RETRY_MS = 3000
ONLINE_STYLE = "QLabel { color: #1b5e20; padding: 0 6px; }"
OFFLINE_STYLE = "QLabel { color: white; background: #b71c1c; padding: 0 6px; }"


class ServerStatus(QObject):
    """The window's Online / Offline label and its gates, for ``link``'s server.

    Signals:
        turned(bool): the link turned Online (True) or Offline (False); delivered on the GUI
            thread whichever thread found it.
    """

    turned = Signal(bool)

    def __init__(self, window: MainWindow, link: ServerLink, retry_ms: int = RETRY_MS) -> None:
        super().__init__(window)
        self.setObjectName("serverStatus")
        self._window = window
        self._link = link
        self.label = QLabel(window)
        self.label.setObjectName("serverStatusLabel")
        window.statusBar().addPermanentWidget(self.label)
        self._retry = QTimer(self)
        self._retry.setInterval(retry_ms)
        self._retry.timeout.connect(link.probe)
        self.turned.connect(self._show)
        self._forward = self.turned.emit
        link.changed.connect(self._forward)  # any thread: queued to the GUI thread
        stack = window.undo_stack
        if isinstance(stack, UndoStack):  # edits, undo and redo ask first
            stack.may_try = self.refusal
            stack.declined.connect(window.notify)
        self._unquiet = add_quiet_handler(self._failed_read)
        window.installEventFilter(self)  # stops asking when the window closes
        self._show(link.online)

    def refusal(self) -> str | None:
        """None while Online; else, at once, the sentence that refuses an edit (nothing is
        tried). :meth:`ServerLink.may_edit` asks the server meanwhile off the GUI thread, so
        the window never waits for a far server, and an edit after its answer goes through
        without waiting for the next probe."""
        return None if self._link.may_edit() else self._link.refusal()

    def _show(self, online: bool) -> None:
        server = self._link.server
        if online:
            self._retry.stop()
            self.label.setText(f"Online — {server}")
            self.label.setStyleSheet(ONLINE_STYLE)
            self.label.setToolTip(f"Connected to the server {server}.")
            return
        self.label.setText(f"Offline — server unreachable ({server})")
        self.label.setStyleSheet(OFFLINE_STYLE)
        self.label.setToolTip(
            f"The server {server} cannot be reached ({self._link.reason}). Edits are refused "
            "until it is back; the app tries again every few seconds by itself."
        )
        self._retry.start()
        self._link.probe()  # at once too: only the listening connection may have been lost

    def _failed_read(self, exc: BaseException) -> bool:
        """An error nobody caught: if the server is gone, say so in the status bar (no
        dialog) and return True."""
        if not self._link.is_loss(exc):
            return False
        self._window.notify(
            f"Offline: the server {self._link.server} cannot be reached, so this could not be "
            "shown or done now. It works again by itself once the server is back."
        )
        return True

    def stop(self) -> None:
        """Stop asking the server and stop gating (the window is closing)."""
        self._retry.stop()
        self._unquiet()
        self._link.changed.disconnect(self._forward)
        self._link.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self._window and event.type() == QEvent.Type.Close:
            self.stop()
        return False


def install_server_status(window: MainWindow, link: ServerLink) -> ServerStatus:
    """Show ``link``'s state in ``window`` and refuse edits while Offline (after the Done
    guard: its gate is asked second)."""
    return ServerStatus(window, link)
