"""How the workbench window looks: the text font and zoom, its geometry, and its docks' layout.

The window's content (documents, layers, edits) is :class:`~annotator.ui.main_window.MainWindow`'s;
this keeps what only changes how it is shown, and what is remembered of it between sessions.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFontDialog, QMainWindow

from annotator.ui.dock_layout import DockLayout
from annotator.ui.fonts import default_font, remember_font, remembered_font, with_fallbacks
from annotator.ui.pane.text_pane import TextPane

GEOMETRY_KEY = "window/geometry"
DEFAULT_SIZE = (1300, 800)


class WindowView(QObject):
    """The text font, zoom, window geometry and dock layout of one workbench window.

    Args:
        window: the main window.
        pane: its text pane.
        settings: where the geometry, the dock layout and the font are kept (None: nowhere).
        font_changed: called with the pane's new font after a zoom or a font change.
        tell: shows a short message to the user (a dock hidden for want of room).
    """

    def __init__(
        self,
        window: QMainWindow,
        pane: TextPane,
        settings: QSettings | None,
        font_changed: Callable[[QFont], None],
        tell: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._pane = pane
        self._settings = settings
        self._font_changed = font_changed
        self._tell = tell
        self._base_font = remembered_font(settings) or default_font()
        pane.setFont(self._base_font)
        self.dock_layout = DockLayout(window, pane)
        self.shown = False  # the dock layout is restored on first show, once every dock exists

    def zoom(self, step: int) -> None:
        """Make the text bigger (1), smaller (-1) or reset it (0)."""
        if step == 0:
            self._pane.setFont(self._base_font)
        elif step > 0:
            self._pane.zoomIn(1)
        else:
            self._pane.zoomOut(1)
        self.fit_panels()
        self._font_changed(self._pane.font())

    def choose_font(self) -> None:
        """Pick the pane's font with a font dialog; the bundled fonts stay as fallbacks."""
        ok, font = QFontDialog.getFont(self._pane.font(), self._window, "Text font")
        if ok:
            self.set_text_font(with_fallbacks(font))

    def set_text_font(self, font: QFont | None) -> None:
        """Use ``font`` for the text (None: the bundled default) and remember the choice."""
        self._base_font = font or default_font()
        remember_font(self._settings, font)
        self._pane.setFont(self._base_font)
        self.fit_panels()
        self._font_changed(self._base_font)

    def restore_geometry(self) -> None:
        """Give the window its saved size and place, or the default size."""
        self._window.resize(*DEFAULT_SIZE)
        if self._settings is not None:
            geometry = self._settings.value(GEOMETRY_KEY)
            if geometry is not None:
                self._window.restoreGeometry(geometry)

    def first_show(self) -> None:
        """On the window's first show (every dock exists by then), restore or pin the docks."""
        if not self.shown:
            self.shown = True
            self.dock_layout.restore(self._settings)
            self.fit_panels()

    def fit_panels(self) -> None:
        """Let panels give way when the text would become narrower than readable."""
        if self.shown:
            notice = self.dock_layout.fit()
            if notice:
                self._tell(notice)

    def save(self) -> None:
        """Keep the window geometry and the dock layout (once it has been shown)."""
        if self._settings is not None and self.shown:
            self._settings.setValue(GEOMETRY_KEY, self._window.saveGeometry())
            self.dock_layout.save(self._settings)
