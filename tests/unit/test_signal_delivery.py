"""core.signal: a delivery function decides where and when listeners run (ADR 0017)."""

from __future__ import annotations

from collections.abc import Callable

from annotator.core.signal import Signal


def test_without_a_delivery_function_listeners_run_at_once() -> None:
    signal: Signal[int] = Signal()
    got: list[int] = []
    signal.connect(got.append)
    signal.emit(1)
    assert got == [1] and signal.delivered_with is None


def test_every_delivery_goes_through_the_function_in_emit_order() -> None:
    signal: Signal[int] = Signal()
    got: list[tuple[str, int]] = []
    signal.connect(lambda n: got.append(("first", n)))
    signal.connect(lambda n: got.append(("second", n)))
    queued: list[Callable[[], None]] = []
    signal.deliver_with(queued.append)  # as a queue to another thread would hold them
    signal.emit(1)
    signal.emit(2)
    assert got == [] and len(queued) == 2  # nothing ran on the emitting side
    for delivery in queued:
        delivery()
    assert got == [("first", 1), ("second", 1), ("first", 2), ("second", 2)]


def test_a_failing_listener_is_still_isolated_in_a_delivery() -> None:
    seen: list[str] = []
    signal: Signal[int] = Signal(lambda exc, context: seen.append(str(exc)))
    got: list[int] = []
    signal.connect(lambda _n: (_ for _ in ()).throw(RuntimeError("boom")))
    signal.connect(got.append)
    signal.deliver_with(lambda delivery: delivery())
    signal.emit(3)
    assert got == [3] and seen == ["boom"]
