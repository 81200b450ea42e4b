"""The annotation table follows the span selected in the pane (right after the repaint)."""

from __future__ import annotations

from typing import Any

from annotator.ui.main_window import MainWindow
from tests.gui.conftest import find_word


def _selected_span(window: MainWindow) -> int | None:
    rows = window.table.selectionModel().selectedRows()
    return window.table.span_id_at(rows[0]) if rows else None


def test_the_table_selects_the_span_selected_in_the_pane(qtbot: Any, window: MainWindow) -> None:
    text = window.pane.text
    ids = []
    for word, label in (("روسيا", "GPE"), ("حماة", "GPE"), ("هجوماً", "ORG")):
        start = find_word(text, word)
        edit = window.tagging.create_span(label, start, start + len(word))
        assert edit is not None
        ids.append(edit.add.spans[0].id)
    qtbot.waitUntil(lambda: _selected_span(window) == ids[-1])  # the new span is selected
    window.pane.select_span(ids[0])
    qtbot.waitUntil(lambda: _selected_span(window) == ids[0])
    window.pane.select_span(-1)
    qtbot.waitUntil(lambda: _selected_span(window) is None)
