"""A cancellable progress dialog driven by a service's ``progress(done, total, name)`` callback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

Progress = Callable[[int, int, str], bool]


@contextmanager
def progress_dialog(parent: QWidget | None, title: str) -> Iterator[Progress]:
    """Show a window-modal progress dialog while the block runs; yield its callback.

    The callback returns False once the user pressed Cancel, which the services
    take as a request to stop. The dialog only appears if the work takes longer
    than 300 ms, and is closed when the block ends, however it ends.
    """
    dialog = QProgressDialog(f"{title}…", "Cancel", 0, 1, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)

    def progress(done: int, total: int, name: str) -> bool:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(done)
        dialog.setLabelText(f"{title}: {name}" if name else "Done")
        QApplication.processEvents()
        return not dialog.wasCanceled()

    try:
        yield progress
    finally:
        dialog.close()
        dialog.deleteLater()
