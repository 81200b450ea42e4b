"""The workbench's status bar labels and window title: the mode, the layer, the document."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from annotator.core.location import Location
from annotator.ui.bidi import isolate


class StatusLine:
    """Mode and annotator labels in the status bar (and "Read-only" when the project cannot be
    written), and the window title naming the document, its status, the layer and the project.

    Args:
        window: the main window whose status bar and title these are.
        project_path: the project's file (or server) shown in the title.
        read_only: the project cannot be written (a read-only file or folder).
    """

    def __init__(self, window: QMainWindow, project_path: Location, read_only: bool) -> None:
        self._window = window
        self._project = project_path
        self._read_only = read_only
        bar = window.statusBar()
        self._mode = QLabel(window)
        self._annotator = QLabel(window)
        bar.addPermanentWidget(self._mode)
        bar.addPermanentWidget(self._annotator)
        if read_only:
            label = QLabel("Read-only", window)
            label.setObjectName("readOnlyLabel")
            label.setToolTip(
                f"{project_path} cannot be written: changes cannot be saved. Export still works."
            )
            bar.addPermanentWidget(label)

    def show(self, document: str | None, status: str, annotator: str, char_mode: bool) -> None:
        """Show the current state: ``document``'s name (None: no document) and ``status``
        (its display name, or "" when the list does not have it)."""
        self._mode.setText(f"Mode: {'Characters' if char_mode else 'Tokens'}")
        self._annotator.setText(f"Annotator: {isolate(annotator)}")
        name = document if document is not None else "no document"
        status = f" [{status}]" if status else ""
        read_only = " (read-only)" if self._read_only else ""
        self._window.setWindowTitle(
            f"{name}{status} — {annotator} — {self._project.name}{read_only}"
        )
