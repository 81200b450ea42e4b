"""Long work on a worker thread behind a progress dialog with Cancel (ADR 0017).

:func:`run_with_progress` runs a service call (import, export, merge,
pre-merge, Tag all, agreement) on a :class:`Job` thread and waits for it in a
local event loop, so the window keeps painting and the Cancel button works.
The service reports through its ``progress(done, total, name) -> bool``
callback, which here only posts the numbers to the GUI thread and answers
whether Cancel was pressed; nothing of the GUI is touched from the worker, and
the GUI thread never holds a transaction while its loop runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QEventLoop,
    QObject,
    Qt,
    QThread,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.errorlog import unexpected_message

T = TypeVar("T")
Progress = Callable[[int, int, str], bool]
SHOW_AFTER_MS = 300  # a job that ends sooner never shows the dialog


class ProgressDialog(QDialog):
    """A modal dialog with a label, a progress bar and a Cancel button.

    Unlike :class:`QProgressDialog`, setting its value never processes events
    (so showing progress cannot re-enter the window's code).

    Signals:
        cancelRequested(): the user pressed Cancel (or closed the dialog).
    """

    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.setObjectName("progressDialog")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self._title = title
        self.label = QLabel(f"{title}…", self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)  # busy until the first report
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("progressCancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancelled = False
        self._latest = (0, 0, "")
        self._showing = QTimer(self)
        self._showing.setSingleShot(True)
        self._showing.setInterval(100)
        self._showing.timeout.connect(self._show_latest)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        self.resize(420, self.sizeHint().height())

    @Slot(int, int, str)
    def show_progress(self, done: int, total: int, name: str) -> None:
        """Show ``done`` of ``total`` and what is being worked on, at most every 100 ms (a
        progress bar repaints at once on every new value; an import reports every file)."""
        self._latest = (done, total, name)
        if not self._showing.isActive():
            self._showing.start()

    def flush(self) -> None:
        """Show the last report now (the job has ended)."""
        if self._showing.isActive():
            self._showing.stop()
            self._show_latest()

    def _show_latest(self) -> None:
        done, total, name = self._latest
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(done, max(total, 1)))
        if not self.cancelled:
            self.label.setText(f"{self._title}: {name}" if name else f"{self._title}: done")

    def cancel(self) -> None:
        """Ask the job to stop at its next check; the dialog stays until it has stopped."""
        if not self.cancelled:
            self.cancelled = True
            self.cancel_button.setEnabled(False)
            self.label.setText(f"{self._title}: stopping…")
            self.cancelRequested.emit()

    def reject(self) -> None:
        """Escape or the close button: the same as Cancel."""
        self.cancel()


class Job(QThread, Generic[T]):
    """Runs ``work(progress)`` once on its own thread; keeps the result or the error.

    An :class:`AnnotatorError` or :class:`OSError` is kept as it is; any other
    exception is logged and kept as an :class:`AnnotatorError` naming the log
    (never a traceback for the user).

    Signals:
        progressed(int, int, str): done, total and name from the work's progress callback.
    """

    progressed = Signal(int, int, str)

    def __init__(self, work: Callable[[Progress], T], context: str) -> None:
        super().__init__()
        self._work = work
        self._context = context
        self._stop = threading.Event()
        self.result: T | None = None
        self.error: Exception | None = None

    @property
    def cancel_requested(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._stop.is_set()

    def cancel(self) -> None:
        """Ask the work to stop: its progress callback answers False from now on."""
        self._stop.set()

    def progress(self, done: int, total: int, name: str) -> bool:
        """The callback handed to the work (called on the worker thread)."""
        self.progressed.emit(done, total, name)
        return not self._stop.is_set()

    def run(self) -> None:
        """Run the work (on the worker thread)."""
        try:
            self.result = self._work(self.progress)
        except (AnnotatorError, OSError) as exc:
            self.error = exc
        except Exception as exc:  # noqa: BLE001 - a bug: logged, said in one sentence
            self.error = AnnotatorError(unexpected_message(exc, self._context))


def run_with_progress(
    parent: QWidget | None,
    title: str,
    work: Callable[[Progress], T],
    *,
    context: str = "",
    cancellable: bool = True,
) -> tuple[T, bool]:
    """Run ``work(progress)`` on a worker thread; return its result and whether Cancel was
    pressed. Raises what the work raised (unexpected errors as :class:`AnnotatorError`).

    The window keeps painting but takes no clicks or keys while the job runs; after
    :data:`SHOW_AFTER_MS` the modal dialog shows. ``context`` names the work in the log.
    """
    job: Job[T] = Job(work, context or title.lower())
    dialog = ProgressDialog(parent, title)
    dialog.cancel_button.setVisible(cancellable)
    job.progressed.connect(dialog.show_progress)
    dialog.cancelRequested.connect(job.cancel)
    _wait_for(job, dialog)
    dialog.flush()
    dialog.hide()  # not close(): closing is Cancel (see ProgressDialog.reject)
    dialog.deleteLater()
    active = QApplication.activeWindow()
    lost = active is None or active is dialog or not active.isVisible()
    if lost and parent is not None and parent.window().isVisible():
        parent.window().activateWindow()  # back where the user was (not another program)
    job.deleteLater()
    if job.error is not None:
        raise job.error
    return job.result, job.cancel_requested  # type: ignore[return-value]


class _Ending(QEventLoop):
    """The local event loop; ``ended`` is set on the GUI thread when the job's thread ended."""

    def __init__(self) -> None:
        super().__init__()
        self.ended = False

    @Slot()
    def end(self) -> None:
        self.ended = True
        self.quit()


_INPUT = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.Shortcut,  # a hotkey reaches its QAction as this, not as a key press
        QEvent.Type.Wheel,
        QEvent.Type.ContextMenu,
    }
)


class _InputBlocker(QObject):
    """While a job runs, drops clicks and keys meant for anything but its dialog (as a modal
    dialog does for the windows it blocks), so no second write starts from this window."""

    def __init__(self, dialog: ProgressDialog) -> None:
        super().__init__()
        self._dialog = dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """True (drop it) for user input to any widget outside the dialog."""
        if event.type() not in _INPUT:
            return False
        return not (isinstance(watched, QWidget) and self._dialog.isAncestorOf(watched))


def _wait_for(job: Job[T], dialog: ProgressDialog) -> None:
    """Start ``job`` and turn a local event loop until it has ended."""
    loop = _Ending()
    job.finished.connect(loop.end)  # emitted on the worker: queued to the GUI thread
    blocker = _InputBlocker(dialog)
    app = QCoreApplication.instance()

    def show() -> None:
        # the shown dialog is application-modal: Qt now blocks input to other windows by
        # itself, so the filter (a call into Python, under the GIL, for every event the GUI
        # thread delivers, while the worker holds the GIL) goes (ADR 0017)
        dialog.show()
        if app is not None:
            app.removeEventFilter(blocker)

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(show)
    timer.start(SHOW_AFTER_MS)
    if app is not None:
        app.installEventFilter(blocker)
    try:
        job.start()
        loop.exec()
    finally:
        timer.stop()
        if app is not None:
            app.removeEventFilter(blocker)
        job.wait()
