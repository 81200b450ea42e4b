"""Once a document's spans are in, its objects are out of later full garbage collections,
and no collection runs between a hotkey and the pane's paint.

A full collection with a 200,000-word document loaded took 300-640 ms in the middle of a
hotkey (issue 18); :mod:`annotator.ui.gc_freeze` freezes what a load brought, and holds the
collector from a hotkey until the pane has painted (a young collection cost 0.5-7 ms there).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.model import Span
from annotator.core.positions import CodePoint
from annotator.core.schema import default_schema
from annotator.services.project import Project
from annotator.ui.gc_freeze import freeze_after_loads
from annotator.ui.main_window import MainWindow
from annotator.ui.pane.text_pane import TextPane
from tests.gui.conftest import ANNOTATOR, make_window

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


@pytest.fixture
def eager_collector() -> Iterator[list[int]]:
    """A collector that collects at every allocation, and the generations it collected
    while the list's owner wants them (see the tests); restored afterwards."""
    seen: list[int] = []
    threshold = gc.get_threshold()
    yield seen
    gc.set_threshold(*threshold)
    gc.enable()


def _window_with_text(qtbot: Any, proj: Project) -> MainWindow:
    doc_id, _created = proj.documents.add_text("a.txt", TEXT)
    window = make_window(qtbot, proj)
    window.open_document(doc_id)
    qtbot.waitUntil(lambda: not window.pane.loading)
    window.pane.setFocus()
    return window


def test_no_collection_runs_between_a_hotkey_and_its_paint(
    qtbot: Any, proj: Project, eager_collector: list[int]
) -> None:
    window = _window_with_text(qtbot, proj)
    pane = window.pane
    threshold = gc.get_threshold()
    at = TEXT.index("حماة")
    for occurrence in range(3):
        pane.select_text(CodePoint(at), CodePoint(at + 4))
        qtbot.wait(20)
        pane.first_paint_done = False

        def log(phase: str, info: dict[str, int]) -> None:
            if phase == "start" and not pane.first_paint_done:
                eager_collector.append(info["generation"])

        apply = window.apply_name  # what the P key's action calls
        gc.callbacks.append(log)
        gc.set_threshold(1)  # any allocation may start a collection
        try:
            apply("PER")
            qtbot.waitUntil(lambda: pane.first_paint_done)
        finally:
            gc.set_threshold(*threshold)
            gc.callbacks.remove(log)
        assert eager_collector == [], occurrence
        assert gc.isenabled()  # on again once the paint is done
        at = TEXT.index("حماة", at + 1)
    assert len(proj.annotations.spans(1, ANNOTATOR)) == 3


def test_the_collector_is_on_again_when_a_hotkey_paints_nothing(
    qtbot: Any, proj: Project, eager_collector: list[int]
) -> None:
    window = _window_with_text(qtbot, proj)
    window.pane.clear_text_selection()
    qtbot.wait(20)
    QTest.keyClick(window.pane, Qt.Key.Key_P)  # nothing selected: a message, no edit
    assert not gc.isenabled()  # held, waiting for a paint
    qtbot.waitUntil(gc.isenabled, timeout=2000)
