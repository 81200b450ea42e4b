"""Once a document's spans are in, its objects are out of later full garbage collections.

A full collection with a 200,000-word document loaded took 300-640 ms in the middle of a
hotkey (issue 18); :mod:`annotator.ui.gc_freeze` freezes what a load brought.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from annotator.core.model import Span
from annotator.core.positions import CodePoint
from annotator.core.schema import default_schema
from annotator.ui.gc_freeze import freeze_after_loads
from annotator.ui.pane.text_pane import TextPane

SENTENCE = (
    "أكدت وزارة الدفاع الروسية 😀 أنها شنت هجوماً على «داعش» في محافظة حماة السورية "
    "𝐀 ok 12\u00a0مارس الـــحرب می\u200cخواهم وَزَارَةُ. "
)
TEXT = "\n".join(SENTENCE * 2 for _ in range(6))


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Start with nothing frozen and leave nothing frozen for the tests after this one."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def _spans() -> list[Span]:
    starts = [i for i in range(len(TEXT)) if TEXT.startswith("داعش", i)]
    return [
        Span(n + 1, 1, "t", CodePoint(s), CodePoint(s + 4), "ORG") for n, s in enumerate(starts)
    ]


def test_the_spans_of_a_loaded_document_are_frozen(qtbot: Any, unfrozen: None) -> None:
    pane = TextPane()
    qtbot.addWidget(pane)
    pane.resize(600, 400)
    freeze_after_loads(pane)
    spans = _spans()
    pane.open_text(TEXT, default_schema(), load=lambda: list(spans))
    assert gc.is_tracked(spans[0])
    tracked = {id(o) for o in gc.get_objects()}
    assert id(spans[0]) in tracked  # not frozen before the load
    pane.show()
    qtbot.waitExposed(pane)
    qtbot.waitUntil(lambda: not pane.loading)
    tracked = {id(o) for o in gc.get_objects()}
    assert gc.get_freeze_count() > 0
    assert not [s for s in pane.spans() if id(s) in tracked]
