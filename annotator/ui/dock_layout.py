"""Dock sizing: the text column keeps its width, and panels give way before the text does.

Each dock gets a fixed minimum and maximum width for its area, so what a panel
shows (a long role name, a hint that appears when a role is armed) never
changes its width. Dock widths are pinned with ``resizeDocks`` (or restored from
the saved state) so Qt does not re-fit them to the panels' size hints.

The text pane never gets narrower than :func:`readable_text_width` (about
:data:`READABLE_CHARS` average Arabic characters of its font): when the window
is too narrow for that plus the docks, the right-hand docks are hidden first
(they need the text to get :data:`COMFORTABLE_CHARS`), then the left-hand ones;
they come back when the window is wide enough again.
"""

from __future__ import annotations

from math import ceil

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QDockWidget, QMainWindow, QPlainTextEdit

Area = Qt.DockWidgetArea
LEFT = Area.LeftDockWidgetArea
RIGHT = Area.RightDockWidgetArea
READABLE_CHARS = 30
# The right-hand docks (documents, labels, attributes) stay only while the text gets this many.
COMFORTABLE_CHARS = 45
# Ordinary Arabic prose (letters and spaces) to measure the average character width.
SAMPLE = "أعلنت وزارة الدفاع الروسية أنها شنت هجوماً على مواقع في محافظة حماة السورية"
# (minimum, initial, maximum) width of a dock in each area, in pixels
WIDTHS = {LEFT: (220, 300, 460), RIGHT: (170, 230, 380)}
SEPARATOR = 8  # room for the dock separator and frames
STATE_KEY = "window/state"
HIDDEN_KEY = "window/autoHidden"


def readable_text_width(font: QFont, chars: int = READABLE_CHARS) -> int:
    """Width in pixels of ``chars`` average Arabic characters in ``font``."""
    metrics = QFontMetricsF(font)
    return ceil(metrics.horizontalAdvance(SAMPLE) / len(SAMPLE) * chars)


def readable_pane_width(pane: QPlainTextEdit, chars: int = READABLE_CHARS) -> int:
    """The pane width whose viewport fits a line of ``chars`` average characters (a readable
    one by default; frame, margins and scroll bar too)."""
    margin = 2 * pane.document().documentMargin() + 2 * pane.frameWidth()
    scroll = pane.verticalScrollBar().sizeHint().width()
    return readable_text_width(pane.font(), chars) + ceil(margin) + scroll


class DockLayout(QObject):
    """Keeps dock widths fixed and hides docks when the text would become unreadable.

    Args:
        window: the main window holding the docks.
        pane: the central text pane.
    """

    def __init__(self, window: QMainWindow, pane: QPlainTextEdit) -> None:
        super().__init__(window)
        self._window = window
        self._pane = pane
        self._docks: dict[QDockWidget, Area] = {}
        self._auto_hidden: set[QDockWidget] = set()

    def add(self, dock: QDockWidget, area: Area) -> None:
        """Give ``dock`` the minimum and maximum width of its area."""
        low, _initial, high = WIDTHS.get(area, WIDTHS[RIGHT])
        dock.setMinimumWidth(low)
        dock.setMaximumWidth(high)
        widget = dock.widget()
        if widget is not None:  # an explicit minimum: the panel's content cannot widen it
            widget.setMinimumWidth(low - SEPARATOR)
        self._docks[dock] = area

    def pin(self) -> None:
        """Set every docked panel to its area's initial width (when no layout was saved)."""
        for area in (LEFT, RIGHT):
            docks = self._in_area(area)
            if docks:
                width = WIDTHS[area][1]
                self._window.resizeDocks(docks, [width] * len(docks), Qt.Orientation.Horizontal)
                height = self._window.height() // len(docks)
                self._window.resizeDocks(docks, [height] * len(docks), Qt.Orientation.Vertical)

    def make_room(self, dock: QDockWidget, wanted: int) -> int:
        """Widen docked ``dock`` (with the panels stacked in its area) towards ``wanted``
        pixels, past its area's usual maximum, as far as the text keeps
        :data:`COMFORTABLE_CHARS` beside the other area's panels; returns its width then.
        A panel asks for this when its columns would otherwise scroll sideways."""
        area = self._docks.get(dock)
        if area is None or dock.isFloating() or dock.width() >= wanted:
            return dock.width()
        others = sum(
            max(d.width() for d in docks) + SEPARATOR
            for docks in (self._in_area(a) for a in (LEFT, RIGHT) if a != area)
            if docks
        )
        pane = readable_pane_width(self._pane, COMFORTABLE_CHARS)
        width = min(wanted, max(self._window.width() - others - pane - SEPARATOR, dock.width()))
        for stacked in self._in_area(area):  # docks stacked in one area share its width
            stacked.setMaximumWidth(max(stacked.maximumWidth(), width))
        self._window.resizeDocks([dock], [width], Qt.Orientation.Horizontal)
        return width

    def update_pane_minimum(self) -> None:
        """Keep the pane at least readable (call after a font or zoom change)."""
        self._pane.setMinimumWidth(readable_pane_width(self._pane))
        self._window.setMinimumWidth(readable_pane_width(self._pane) + 2 * SEPARATOR)

    def restore(self, settings: QSettings | None) -> None:
        """Restore the saved dock layout (call once every dock exists), or pin the defaults."""
        state = settings.value(STATE_KEY) if settings is not None else None
        if settings is None or state is None or not self._window.restoreState(state):
            self.pin()
            return
        hidden = settings.value(HIDDEN_KEY, [])
        names = [str(n) for n in hidden] if isinstance(hidden, list) else [str(hidden)]
        self._auto_hidden = {d for d in self._docks if d.objectName() in names and d.isHidden()}

    def save(self, settings: QSettings) -> None:
        """Keep the dock layout, and which docks :meth:`fit` hid, for :meth:`restore`."""
        settings.setValue(STATE_KEY, self._window.saveState())
        settings.setValue(HIDDEN_KEY, sorted(d.objectName() for d in self._auto_hidden))

    def fit(self) -> str:
        """Hide docks the window has no room for; show them again when it has.

        The left docks (annotations, event, relations) stay while the text gets
        :data:`READABLE_CHARS`; the right ones only while it gets :data:`COMFORTABLE_CHARS`.

        Returns a message for the user when this hid docks, else "".
        """
        self.update_pane_minimum()
        before = set(self._auto_hidden)
        free = self._window.width() - SEPARATOR  # for the docks and the pane
        hidden: list[str] = []
        for area, chars in ((LEFT, READABLE_CHARS), (RIGHT, COMFORTABLE_CHARS)):
            docks = self._in_area(area, with_hidden=True)
            if not docks:
                continue
            cost = max(d.minimumWidth() for d in docks) + SEPARATOR
            keep = cost + readable_pane_width(self._pane, chars) <= free
            free -= cost if keep else 0
            for dock in docks:
                self._set_shown(dock, keep)
                if not keep:
                    hidden.append(dock.windowTitle())
        if not hidden or self._auto_hidden <= before:
            return ""
        return f"Hidden to keep the text readable: {', '.join(hidden)} (widen the window)."

    def _set_shown(self, dock: QDockWidget, keep: bool) -> None:
        if keep and dock in self._auto_hidden:
            self._auto_hidden.discard(dock)
            dock.show()
        elif not keep and dock not in self._auto_hidden:
            self._auto_hidden.add(dock)
            dock.hide()

    def _in_area(self, area: Area, with_hidden: bool = False) -> list[QDockWidget]:
        """Docked (not floating) panels of ``area`` that are shown (or hidden by :meth:`fit`)."""
        out = []
        for dock in self._docks:
            if dock.isFloating() or self._window.dockWidgetArea(dock) != area:
                continue
            shown = dock.toggleViewAction().isChecked()
            if shown or (with_hidden and dock in self._auto_hidden):
                out.append(dock)
        return out
