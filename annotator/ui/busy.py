"""The write service's busy handler for a window: keep painting, say why, retry for ~20 s."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QEventLoop
from PySide6.QtWidgets import QApplication

ATTEMPTS = 40  # of about 250 ms each
PAUSE_MS = 250


def wait_while_busy(show_message: Callable[[str, int], None]) -> Callable[[int], bool]:
    """A ``busy(attempt) -> retry?`` handler that tells the user through ``show_message``.

    Between attempts it processes events (not user input), so the window keeps
    painting while another program holds the project file's write lock.
    """

    def wait(attempt: int) -> bool:
        if attempt > ATTEMPTS:
            return False
        show_message(
            f"The project file is busy (another program is writing). Retrying… ({attempt})", 2000
        )
        clock = QElapsedTimer()
        clock.start()
        while clock.elapsed() < PAUSE_MS:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents, 50)
        return True

    return wait
