"""A tiny, Qt-free observer, so services can announce changes to the GUI and CLI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Signal(Generic[T]):
    """Call every connected function with one payload, in connection order."""

    def __init__(self) -> None:
        self._slots: list[Callable[[T], None]] = []

    def connect(self, slot: Callable[[T], None]) -> None:
        """Call ``slot`` on every :meth:`emit`."""
        self._slots.append(slot)

    def disconnect(self, slot: Callable[[T], None]) -> None:
        """Stop calling ``slot``; unknown slots are ignored."""
        if slot in self._slots:
            self._slots.remove(slot)

    def emit(self, payload: T) -> None:
        """Deliver ``payload`` to every slot."""
        for slot in list(self._slots):
            slot(payload)
