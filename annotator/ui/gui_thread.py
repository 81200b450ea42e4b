"""The GUI thread's side of long work (ADR 0017): listeners always run on the GUI thread.

The write service emits ``changed`` after each commit, on the thread that
committed. Views, panels and the undo stack listen to it and may only run on
the GUI thread, so :func:`connect_workers` routes every delivery of that signal
through a :class:`GuiThread`: a delivery made on the GUI thread runs at once (as
before), one made on a worker thread is queued to the GUI thread and runs
there, in commit order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal, Slot

from annotator.ui.busy import wait_while_busy

if TYPE_CHECKING:  # services are only used through the objects passed in
    from annotator.services.project import Project


def on_gui_thread() -> bool:
    """True when called on the thread that runs the application's event loop."""
    app = QCoreApplication.instance()
    return app is None or QThread.currentThread() == app.thread()


class GuiThread(QObject):
    """Runs functions on the thread this object lives on, in the order they were handed in.

    Create it on the GUI thread. :meth:`call` from that thread runs the function
    at once; from any other thread it queues it (a queued connection), and the
    GUI thread runs it when its event loop next turns.

    Signals:
        handed(object): internal: a function queued from another thread.
    """

    handed = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.handed.connect(self._run, Qt.ConnectionType.QueuedConnection)
        self.from_worker = False  # True while a function handed in by another thread runs

    def call(self, function: Callable[[], None]) -> None:
        """Run ``function`` on this object's thread (now, if that is the calling thread)."""
        if QThread.currentThread() == self.thread():
            function()
        else:
            self.handed.emit(function)

    @Slot(object)
    def _run(self, function: Callable[[], None]) -> None:
        self.from_worker = True
        try:
            function()
        finally:
            self.from_worker = False

    def throttled(
        self, function: Callable[[], None], parent: QObject, ms: int
    ) -> Callable[[], None]:
        """``function`` called at once when asked on this thread's own account, but at most
        once per ``ms`` when asked while a worker's deliveries run (an import commits a file
        every few milliseconds: a view need not reload as often)."""
        timer = QTimer(parent)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(function)

        def call() -> None:
            if not self.from_worker:
                timer.stop()
                function()
            elif not timer.isActive():
                timer.start()

        return call


def connect_workers(project: Project, show_message: Callable[[str, int], None]) -> GuiThread:
    """Make ``project`` safe to write from worker threads while a window shows it.

    Every delivery of ``project.write.changed`` (and so of the services'
    signals that relay it) runs on the GUI thread; the busy handler tells the
    user through ``show_message`` on the GUI thread, and waits without
    touching the event loop when it runs on a worker. A project already
    connected keeps its :class:`GuiThread` (several windows may show it).
    """
    current = project.write.changed.delivered_with
    owner = getattr(current, "__self__", None)
    gui = owner if isinstance(owner, GuiThread) else GuiThread()
    if current is None:
        project.write.changed.deliver_with(gui.call)
    project.write.busy = wait_while_busy(show_message, gui.call, on_gui_thread)
    return gui
