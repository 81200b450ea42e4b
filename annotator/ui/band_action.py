"""View → Label band (Ctrl+Shift+L): show label tags and relation arcs above each line, or not.

The choice is kept in the window's settings (when it has any), so dense
reading stays dense across restarts.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from annotator.ui.pane.text_pane import TextPane

BAND_KEY = "Ctrl+Shift+L"
SETTING = "view/labelBand"


def install_band_action(
    window: QWidget, menu: QMenu, pane: TextPane, settings: QSettings | None
) -> QAction:
    """Add the checkable action to ``menu`` and ``window``; returns it."""
    action = QAction("Label band", window)
    action.setCheckable(True)
    action.setShortcut(QKeySequence(BAND_KEY))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.setToolTip("Show label tags and relation arcs above each line (off: dense reading).")
    on = True
    if settings is not None:
        on = str(settings.value(SETTING, "true")).lower() == "true"
    action.setChecked(on)
    pane.set_band(on)

    def toggled(checked: bool) -> None:
        pane.set_band(checked)
        if settings is not None:
            settings.setValue(SETTING, "true" if checked else "false")

    action.toggled.connect(toggled)
    window.addAction(action)
    menu.addAction(action)
    return action
