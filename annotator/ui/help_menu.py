"""The Help menu: the keys, read from the window's own actions, and the documentation.

"Keys" (F1) lists every action of the window that has a shortcut, with that
shortcut as Qt reads it, so the list cannot drift from what the keys do: the
label hotkeys of the current schema, the search and attribute keys, and so on.
"Documentation" opens the README (with the full table of keys and mouse
gestures) when the app runs from its source folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

README = Path(__file__).resolve().parents[2] / "README.md"
MOUSE = (
    "Mouse: drag to select (snapped to whole words); Ctrl+Shift+drag selects exact "
    "characters; click a span to select it, Ctrl+click to add it to the selection."
)


def shortcuts(window: QWidget) -> list[tuple[str, str]]:
    """(action, keys) for every action of ``window`` that has a shortcut, in order added."""
    rows = []
    for action in window.actions():
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        keys = [k for k in keys if k]
        if keys:
            rows.append((action.text().replace("&", ""), ", ".join(keys)))
    return rows


class KeysDialog(QDialog):
    """A table of the window's actions and their keys.

    Attributes:
        table: the rows (Action, Keys).
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setWindowTitle("Keys")
        rows = shortcuts(window)
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setHorizontalHeaderLabels(["Action", "Keys"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        for r, (text, keys) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(text))
            self.table.setItem(r, 1, QTableWidgetItem(keys))
        mouse = QLabel(MOUSE, self)
        mouse.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(mouse)
        layout.addWidget(buttons)
        self.resize(560, 600)


def open_documentation(window: QWidget) -> None:
    """Open the README in the desktop's viewer, or say where the documentation is."""
    if README.is_file() and QDesktopServices.openUrl(QUrl.fromLocalFile(str(README))):
        return
    QMessageBox.information(
        window,
        "Documentation",
        "The documentation is the README.md and the docs/ folder of the source. "
        "Help → Keys lists every key of this window.",
    )


def _show_keys(window: QWidget) -> None:
    dialog = KeysDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


def install_help_menu(window: MainWindow) -> dict[str, QAction]:
    """Add Help → Keys… (F1) and Help → Documentation; returns them (``window.help_actions``)."""
    menu = window.menuBar().addMenu("Help")
    keys = QAction("Keys…", window)
    keys.setShortcut(QKeySequence("F1"))
    keys.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    keys.triggered.connect(lambda _c=False: _show_keys(window))
    docs = QAction("Documentation", window)
    docs.triggered.connect(lambda _c=False: open_documentation(window))
    window.addAction(keys)
    menu.addAction(keys)
    menu.addAction(docs)
    actions = {"keys": keys, "docs": docs}
    window.help_actions = actions  # type: ignore[attr-defined]
    return actions
