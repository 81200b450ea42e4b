"""A tiny, Qt-free observer, so services can announce changes to the GUI and CLI.

Listeners are isolated: one that raises is reported and the others still run,
and :meth:`Signal.emit` never raises. The write service emits after its
commit, so a failing view must not cost the caller its result (and the
window its undo step); see docs/adr/0008-one-write-path.md.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

ErrorHandler = Callable[[BaseException, str], object]
"""Told of a listener that raised: the exception and a sentence naming the listener."""

Deliver = Callable[[Callable[[], None]], None]
"""Runs one delivery (a call of every listener) where the listeners must run: the GUI sets
one that hands a delivery made on a worker thread to the GUI thread (ADR 0017)."""

_log = logging.getLogger(__name__)


def log_listener_error(exc: BaseException, context: str) -> None:
    """The default :data:`ErrorHandler`: log ``exc`` with its traceback."""
    _log.error("%s", context, exc_info=(type(exc), exc, exc.__traceback__))


class Signal(Generic[T]):
    """Call every connected function with one payload, in connection order.

    Args:
        on_error: told of each listener that raises (default: the ``logging``
            module); the remaining listeners are called all the same.
    """

    def __init__(self, on_error: ErrorHandler = log_listener_error) -> None:
        self._slots: list[Callable[[T], None]] = []
        self._on_error = on_error
        self._deliver: Deliver | None = None

    def deliver_with(self, deliver: Deliver | None) -> None:
        """Run every later delivery through ``deliver`` (None: at once, on the emitting thread)."""
        self._deliver = deliver

    @property
    def delivered_with(self) -> Deliver | None:
        """The function set by :meth:`deliver_with`, if any."""
        return self._deliver

    def connect(self, slot: Callable[[T], None]) -> None:
        """Call ``slot`` on every :meth:`emit`."""
        self._slots.append(slot)

    def disconnect(self, slot: Callable[[T], None]) -> None:
        """Stop calling ``slot``; unknown slots are ignored."""
        if slot in self._slots:
            self._slots.remove(slot)

    def emit(self, payload: T) -> None:
        """Deliver ``payload`` to every slot; a slot that raises is reported, never re-raised.

        With :meth:`deliver_with` set, the delivery may happen later, on another thread;
        deliveries keep the order of their emits.
        """
        if self._deliver is None:
            self._call_slots(payload)
        else:
            self._deliver(lambda: self._call_slots(payload))

    def _call_slots(self, payload: T) -> None:
        for slot in list(self._slots):
            try:
                slot(payload)
            except Exception as exc:  # noqa: BLE001 - isolated: reported, the others still run
                self._report(exc, slot)

    def _report(self, exc: Exception, slot: Callable[[T], None]) -> None:
        context = f"telling {getattr(slot, '__qualname__', repr(slot))} of a change"
        with contextlib.suppress(Exception):  # reporting must not break delivery
            self._on_error(exc, context)
