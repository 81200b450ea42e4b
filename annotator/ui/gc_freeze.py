"""Keep a shown document's objects out of later full garbage collections (issue 18).

A full (generation 2) collection walks every tracked object while holding the GIL. With a
200,000-word document and its 20,000 spans loaded, one took 300-640 ms of CPU on a loaded
2-core machine, in the middle of a hotkey (``benchmarks/bench_workbench.py``: the longest
creation by far). The startup objects are frozen already
(:func:`annotator.app.freeze_startup_objects`); this freezes, once a document's spans are
in, what the document brought with it.

Frozen objects are still freed when their last reference goes (a document's spans, rows
and layouts are when another document is opened); only a reference cycle among them that
becomes garbage later is kept until the process ends.

:class:`CollectorHold` keeps the collector off from a hotkey to the pane's paint.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QTimer

from annotator.ui.pane.text_pane import TextPane


def freeze_after_loads(pane: TextPane) -> None:
    """Freeze the objects alive each time ``pane`` has loaded a document's spans."""
    pane.spansLoaded.connect(freeze_young)


def freeze_young() -> None:
    """Collect the young generations (cheap), then move every tracked object out of the
    collector's view (``gc.freeze``)."""
    gc.collect(1)
    gc.freeze()


HOLD_AT_MOST_MS = 250
"""The collector is back on after this long even if the pane never paints (a refused edit)."""


class CollectorHold:
    """Keeps the cyclic collector off from a hotkey until the pane has painted its result.

    A hotkey create allocates enough (the write, the edit's delivery, the panels, the paint)
    to set off a young collection, and now and then an older one, in the middle of it: 0.5-7
    ms of CPU each in ``bench_workbench``, more on a busy machine. Held, the collection runs
    right after the paint instead, while the annotator reads the result. Nothing is missed:
    the objects allocated meanwhile are collected then.

    A collector that something else paused (``core.gcpause.collector_paused`` on a worker
    thread) is left to it. The timer that ends a hold belongs to no widget, so closing the
    window during a hold cannot leave the collector off.
    """

    def __init__(self, pane: TextPane) -> None:
        self._held = False
        pane.painted.connect(self.release)

    @property
    def held(self) -> bool:
        """True while this hold keeps the collector off."""
        return self._held

    def hold(self) -> None:
        """Turn the collector off until the next paint (at most :data:`HOLD_AT_MOST_MS`)."""
        if self._held or not gc.isenabled():
            return
        gc.disable()
        self._held = True
        QTimer.singleShot(HOLD_AT_MOST_MS, self.release)

    def release(self) -> None:
        """Turn the collector on again, if this hold turned it off."""
        if self._held:
            self._held = False
            gc.enable()
