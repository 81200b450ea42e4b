"""What the command line prints while it works: progress, Ctrl+C, and names made printable.

Progress goes to standard error. On a terminal it is one bar redrawn in place; off a
terminal (a log file, a pipe, CI) it is plain lines without carriage returns: one line
per tenth of the work when there are many items, and one line before each large file,
so that a long import is never silent.
"""

from __future__ import annotations

import re
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import TextIO

from annotator.core.printable import escape_controls, escape_lines
from annotator.core.text import size_text

_INTERRUPTED = threading.Event()

MANY = 10
"""Off a terminal, work of this many items or more prints a line per tenth."""
LARGE = 8 * 1024 * 1024
"""Off a terminal, a file of this many bytes or more gets a line before it is read."""


def _on_sigint(_signum: int, _frame: FrameType | None) -> None:
    _INTERRUPTED.set()
    raise KeyboardInterrupt


@contextmanager
def watching_interrupts() -> Iterator[None]:
    """Ctrl+C raises KeyboardInterrupt as usual, and is remembered too.

    Python swallows a KeyboardInterrupt raised inside a weakref callback or ``__del__``
    ("Exception ignored in ..."); remembered, it still stops the command at the next file
    (:class:`TerminalProgress`) and gives exit 130 (:func:`was_interrupted`).
    """
    _INTERRUPTED.clear()
    previous = signal.signal(signal.SIGINT, _on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def was_interrupted() -> bool:
    """True if Ctrl+C came while :func:`watching_interrupts` was on."""
    return _INTERRUPTED.is_set()


_SURROGATE = re.compile("[\ud800-\udfff]")


def _escaped_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    # a byte the file system could not decode, kept by Python as U+DC80..U+DCFF
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def shown(text: str) -> str:
    """``text`` safe to print: controls escaped (lines and tabs kept), and the bytes of a
    file name that is not valid UTF-8 written as ``\\xNN`` instead of failing to print."""
    return _SURROGATE.sub(_escaped_surrogate, escape_lines(text))


def shown_name(text: str) -> str:
    """Like :func:`shown`, with line breaks and tabs escaped too (for a name on one line)."""
    return _SURROGATE.sub(_escaped_surrogate, escape_controls(text))


class TerminalProgress:
    """Progress of a command: a one-line bar on a terminal, plain lines off it.

    ``sizes`` may give each item's size in bytes (by its index), so that a large file
    is announced before the long wait it causes. Off a terminal nothing is printed
    unless ``lines`` is set (the import sets it; other commands print their own lines).
    """

    def __init__(
        self,
        label: str,
        stream: TextIO | None = None,
        sizes: Sequence[int] = (),
        lines: bool = False,
    ) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.lines = lines
        self.sizes = sizes
        self._tenth = 0  # the last tenth of the work reported off a terminal

    def __call__(self, done: int, total: int, name: str) -> bool:
        """Report progress; returns True (the CLI is cancelled with Ctrl+C, checked here)."""
        if _INTERRUPTED.is_set():
            raise KeyboardInterrupt
        if total:
            if self.enabled:
                self._bar(done, total, name)
            elif self.lines:
                self._lines(done, total, name)
            self.stream.flush()
        return True

    def _size_note(self, done: int, total: int) -> str:
        size = self.sizes[done] if done < min(total, len(self.sizes)) else 0
        return f" ({size_text(size)})" if size >= LARGE else ""

    def _bar(self, done: int, total: int, name: str) -> None:
        width = 30
        filled = int(width * done / total)
        bar = "#" * filled + "-" * (width - filled)
        item = (shown_name(name) + self._size_note(done, total))[:40]
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total} {item:<40}")
        if done >= total:
            self.stream.write("\n")

    def _lines(self, done: int, total: int, name: str) -> None:
        tenth = done * 10 // total
        if total >= MANY and tenth > self._tenth:
            self._tenth = tenth
            self.stream.write(f"{self.label}: {done}/{total} ({done * 100 // total} %)\n")
        note = self._size_note(done, total)
        if note and done < total:
            self.stream.write(f"{self.label} {shown_name(name)}{note} ({done + 1}/{total})\n")
