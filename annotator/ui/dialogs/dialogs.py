"""Small dialogs: who is annotating (at start-up and from File → Switch annotator…)."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget


def ask_annotator_name(parent: QWidget | None = None, current: str = "") -> str | None:
    """Ask for the annotator's name until one is given; None if the user cancels."""
    while True:
        name, ok = QInputDialog.getText(
            parent,
            "Annotator",
            "Your name (each span is stored in your own layer):",
            QLineEdit.EchoMode.Normal,
            current,
        )
        if not ok:
            return None
        if name.strip():
            return name.strip()
