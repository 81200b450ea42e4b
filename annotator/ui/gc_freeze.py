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
"""

from __future__ import annotations

import gc

from annotator.ui.pane.text_pane import TextPane


def freeze_after_loads(pane: TextPane) -> None:
    """Freeze the objects alive each time ``pane`` has loaded a document's spans."""
    pane.spansLoaded.connect(freeze_young)


def freeze_young() -> None:
    """Collect the young generations (cheap), then move every tracked object out of the
    collector's view (``gc.freeze``)."""
    gc.collect(1)
    gc.freeze()
