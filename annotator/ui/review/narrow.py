"""Review mode in a narrow window: the side panels become tabs, so the review dock gets height.

In a window narrower than :data:`BESIDE_FROM` the review dock lies under the side columns,
which keep their panels one above the other: their smallest heights add up to most of a
700 px window, and the dock was left about 100 px, the versions scrolled out of sight.
While review mode is on in such a window, the panels of each side column are stacked as
tabs (each still one click away), which needs one panel's height instead of three. Leaving
review mode puts the window's dock layout back as it was, and so does closing the window
before the window keeps its layout for the next start.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

BESIDE_FROM = 1100
"""From this window width on, the review dock lies beside the left panels, not under them."""
SIDES = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)


class NarrowReview(QObject):
    """Stacks the side panels as tabs while review mode is on in a narrow window.

    Args:
        window: the main window.
    """

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._state: QByteArray | None = None
        window.installEventFilter(self)  # sees Close before the window saves its layout

    @property
    def stacked(self) -> bool:
        """True while the side panels are stacked for review mode."""
        return self._state is not None

    def enter(self, review_dock: QDockWidget) -> None:
        """Stack each side column's shown panels as tabs, if the window is narrow."""
        window = self._window
        if self._state is not None or window.width() >= BESIDE_FROM:
            return
        self._state = window.saveState()
        for area in SIDES:
            docks = [
                d
                for d in window.findChildren(QDockWidget)
                if d is not review_dock
                and not d.isFloating()
                and d.isVisibleTo(window)
                and window.dockWidgetArea(d) == area
            ]
            for dock in docks[1:]:
                window.tabifyDockWidget(docks[0], dock)
            if docks:
                docks[0].raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """Put the layout back when the window closes, before it is saved."""
        if watched is self._window and event.type() == QEvent.Type.Close:
            self.leave()
        return False

    def leave(self) -> None:
        """Put the dock layout back as it was before :meth:`enter`."""
        if self._state is not None:
            self._window.restoreState(self._state)
            self._state = None
