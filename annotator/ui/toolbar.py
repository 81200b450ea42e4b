"""The main toolbar: character mode as a visible toggle (issue 18, point 9).

Exact-character selection was reachable only by Alt+drag, which Openbox, Xfce and
KDE take to move the window, or by Ctrl+K, which nothing on screen showed. The
toolbar shows the Edit menu's checkable character-mode action (Ctrl+K); its
tooltip names the drag that works on every desktop, Ctrl+Shift+drag (ADR 0006).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolBar

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

CHAR_MODE_TIP = (
    "Exact characters: tag exactly the selected characters, without snapping to whole "
    "words (Ctrl+K). For one selection, drag with Ctrl+Shift held."
)


def install_toolbar(window: MainWindow) -> QToolBar:
    """Add the main toolbar with the character-mode toggle; returns it."""
    bar = QToolBar("Toolbar", window)
    bar.setObjectName("mainToolbar")  # kept by saveState with the docks
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    action = window.actions_["char_mode"]
    action.setIconText("Exact characters")
    action.setToolTip(CHAR_MODE_TIP)
    bar.addAction(action)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return bar
