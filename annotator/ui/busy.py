"""The write service's busy handler for a window: keep painting, say why, retry for ~10 s."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QEventLoop
from PySide6.QtWidgets import QApplication

ATTEMPTS = 40  # of about 250 ms each
PAUSE_MS = 250


def wait_while_busy(
    show_message: Callable[[str, int], None],
    on_gui: Callable[[Callable[[], None]], None] = lambda f: f(),
    in_gui_thread: Callable[[], bool] = lambda: True,
) -> Callable[[int], bool]:
    """A ``busy(attempt) -> retry?`` handler that tells the user through ``show_message``.

    On the GUI thread (a short edit waiting for another program's write lock;
    no transaction is open while it waits) it processes events, not user
    input, between attempts, so the window keeps painting. On a worker thread
    (ADR 0017) it only sleeps: the GUI thread's own event loop keeps the window
    painting, and the message is handed to it through ``on_gui``.
    """

    def wait(attempt: int) -> bool:
        if attempt > ATTEMPTS:
            return False
        text = f"The project file is busy (another program is writing). Retrying… ({attempt})"
        if not in_gui_thread():
            on_gui(lambda: show_message(text, 2000))
            time.sleep(PAUSE_MS / 1000)
            return True
        show_message(text, 2000)
        clock = QElapsedTimer()
        clock.start()
        while clock.elapsed() < PAUSE_MS:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents, 50)
        return True

    return wait
