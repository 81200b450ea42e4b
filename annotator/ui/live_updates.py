"""Another person's change shows without a restart, on a project on a server (issue 20, 3).

A :class:`QSocketNotifier` watches the listening connection's socket
(:class:`annotator.services.live.LiveFeed`); when a notification arrives, the window reads
what other clients committed and shows it: the open document is read again when its layer
changed (scroll position kept), and the document list when any document changed. When the
connection is lost (the server restarted, the network went away), the status bar says so and
the window tries again every few seconds; once back, it reads what it missed from the change
feed, since notifications sent meanwhile are lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSocketNotifier, QTimer, Signal

from annotator.core.errors import AnnotatorError

if TYPE_CHECKING:  # app.py makes the feed: the window never reaches the store
    from annotator.services.live import LiveFeed, OtherChange
    from annotator.ui.main_window import MainWindow

RETRY_MS = 3000


class LiveUpdates(QObject):
    """Keeps ``window`` up to date with other clients' changes, through ``feed``.

    Signals:
        othersChanged(): a team's assignments or document statuses changed (ADR 0024), or the
            connection is back (what was missed is unknown): the People column reads who
            works on what again.
    """

    othersChanged = Signal()

    def __init__(self, window: MainWindow, feed: LiveFeed, retry_ms: int = RETRY_MS) -> None:
        super().__init__(window)
        self.setObjectName("liveUpdates")
        self._window = window
        self._feed = feed
        self._notifier: QSocketNotifier | None = None
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(retry_ms)
        self._retry.timeout.connect(self.connect_feed)
        window.installEventFilter(self)  # stops listening when the window closes
        self.connect_feed()

    @property
    def listening(self) -> bool:
        """True while the listening connection is up."""
        return self._notifier is not None

    def connect_feed(self) -> None:
        """Listen again (at start, and after a loss); then read what was missed."""
        try:
            fd = self._feed.connect()
        except AnnotatorError as exc:  # LiveLost: the connection is gone
            self._lost(str(exc))
            return
        self._notifier = QSocketNotifier(fd, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self.wake)
        self.wake()
        self.othersChanged.emit()  # notifications sent while away are lost

    def wake(self) -> None:
        """Read what other clients committed and show it."""
        try:
            changes = self._feed.take()
        except AnnotatorError as exc:  # LiveLost: the connection is gone
            self._lost(str(exc))
            return
        if changes:
            show_other_changes(self._window, changes)
        if self._feed.team_news():
            self.othersChanged.emit()

    def stop(self) -> None:
        """Stop listening and trying again (the window is closing)."""
        self._retry.stop()
        self._drop_notifier()
        self._feed.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self._window and event.type() == QEvent.Type.Close:
            self.stop()
        return False

    def _drop_notifier(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None

    def _lost(self, reason: str) -> None:
        self._drop_notifier()
        self._window.show_message(
            f"Live updates paused: the server cannot be reached ({reason}). Trying again…",
            self._retry.interval() + 1000,
        )
        self._retry.start()


def show_other_changes(window: MainWindow, changes: list[OtherChange]) -> None:
    """Show ``changes`` other clients made: the open document's layer and the list."""
    current, who = window.current_doc_id(), window.current_annotator()
    touched = {c.doc_id for c in changes if c.doc_id is not None}
    if touched:
        window.refresh_documents()
    if current is not None and any(
        c.doc_id == current and c.annotator in (who, None) for c in changes
    ):
        bar = window.pane.verticalScrollBar()
        at = bar.value()
        window.open_document(current)
        bar.setValue(at)
