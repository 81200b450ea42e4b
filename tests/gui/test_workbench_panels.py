"""Models, palette, view actions, tooltips and overlays of the workbench."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from annotator.core.model import Bundle, Edit, Span
from annotator.services.project import Project
from annotator.ui.fonts import ARABIC_FAMILY
from annotator.ui.main_window import MainWindow
from annotator.ui.pane.text_pane import Overlay
from annotator.ui.panels.models import AnnotationTableModel, DocumentListModel
from tests.gui.conftest import ANNOTATOR, char_center, drag_select, find_word
from tests.gui.pixels import changed_box, grab, same_place, selection_box


def test_models_pass_the_model_tester(
    qtmodeltester: Any, window: MainWindow, project: Project
) -> None:
    doc_id = window.current_doc_id()
    assert doc_id is not None
    text = window.pane.text
    for word, label in (("روسيا", "GPE"), ("حماة", "LOC")):
        start = find_word(text, word)
        window.tagging.create_span(label, start, start + len(word))
    qtmodeltester.check(window.documents.model_)
    qtmodeltester.check(window.table.model_)
    fresh_docs, fresh_table = DocumentListModel(), AnnotationTableModel()
    qtmodeltester.check(fresh_docs)
    qtmodeltester.check(fresh_table)


def test_table_row_click_scrolls_to_and_selects_the_span(qtbot: Any, window: MainWindow) -> None:
    text = window.pane.text
    last = text.rindex("حماة")
    edit = window.tagging.create_span("GPE", last, last + 4)
    assert edit is not None
    window.pane.select_span(-1)
    window.pane.scroll_to_offset(0)
    table = window.table
    row = table.model_.row_of_id(edit.add.spans[0].id)
    rect = table.visualRect(table.proxy.mapFromSource(table.model_.index(row, 0)))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.pane.selected_span_ids() == [edit.add.spans[0].id]
    caret = window.pane.cursorRect()
    assert window.pane.viewport().rect().contains(caret.center())


def test_palette_lists_labels_events_and_relations_with_hotkeys(window: MainWindow) -> None:
    palette = window.palette_panel
    schema = window.project.schemas.schema
    assert palette.names("label") == [lb.name for lb in schema.labels]
    assert palette.names("event") == [e.name for e in schema.events]
    assert palette.names("relation") == [r.name for r in schema.relations]
    item = palette.item_for("PER", "label")
    assert item is not None and item.text(1) == "P"


def test_zoom_shortcuts_and_default_font(qtbot: Any, window: MainWindow) -> None:
    pane = window.pane
    assert pane.font().family() == ARABIC_FAMILY
    base = pane.font().pointSizeF()
    qtbot.keyClick(pane, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert pane.font().pointSizeF() > base
    qtbot.keyClick(pane, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(pane, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert pane.font().pointSizeF() < base
    qtbot.keyClick(pane, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert pane.font().pointSizeF() == base


def test_hover_tooltip_lists_every_label_under_the_mouse(qtbot: Any, window: MainWindow) -> None:
    pane = window.pane
    phrase = "وزارة الدفاع الروسية"
    start = pane.text.index(phrase)
    inner = pane.text.index("الروسية", start)
    window.tagging.create_span("ORG", start, start + len(phrase))
    window.tagging.create_span("GPE", inner, start + len(phrase))
    pane.scroll_to_offset(start)
    pos = char_center(pane, inner + 2)
    with qtbot.waitSignal(pane.spanHovered) as hovered:
        qtbot.mouseMove(pane.viewport(), pos)
    assert pane.span(hovered.args[0]).label == "GPE"  # type: ignore[union-attr]
    event = QHelpEvent(QEvent.Type.ToolTip, pos, pane.viewport().mapToGlobal(pos))
    QApplication.sendEvent(pane.viewport(), event)
    # each label and text is isolated (U+2068 … U+2069) so "GPE: الروسية" reads left to right
    assert (
        QToolTip.text()
        == f"\u2068GPE\u2069: \u2068الروسية\u2069\n\u2068ORG\u2069: \u2068{phrase}\u2069"
    )
    QToolTip.hideText()
    qtbot.mouseMove(pane.viewport(), QPoint(2, pane.viewport().height() - 2))


def test_overlays_and_spans_paint_without_changing_the_text(
    qtbot: Any, window: MainWindow, project: Project
) -> None:
    pane = window.pane
    # The label band is tested in test_label_band; off here, since the first tag on a line
    # opens room above it (the compact band) and moves the lines below.
    pane.set_band(False)
    doc_id = window.current_doc_id()
    assert doc_id is not None
    start = find_word(pane.text, "هجوماً")
    end = start + len("هجوماً")
    pane.scroll_to_offset(0)
    word_box = selection_box(pane, start, end)
    plain = grab(pane)
    window.tagging.create_span("Conflict.Attack", start, end)
    tagged = grab(pane)
    # the trigger's background, bar and box cover the word, and nothing else
    assert same_place(changed_box(plain, tagged), word_box)
    pane.set_overlays([Overlay(start, end, "#d32f2f", "Attacker")])
    outlined = changed_box(tagged, grab(pane))
    # the outline follows the word (its caption is never drawn on the text)
    assert abs(outlined.right() - word_box.right()) <= 2
    assert word_box.top() - 2 <= outlined.top() and outlined.bottom() <= word_box.bottom() + 2
    assert outlined.width() >= word_box.width() - 4
    assert pane.document().toPlainText().replace("\u00a0", " ") == pane.text.replace("\u00a0", " ")
    pane.set_overlays([])
    # edits from another layer never reach this pane
    other = Span(0, doc_id, "someone-else", 0, 4, "PER")
    project.annotations.apply(Edit(doc_id, "someone-else", add=Bundle(spans=(other,))))
    assert [s.annotator for s in pane.spans()] == [ANNOTATOR]


def test_drag_selection_reports_text_selection_signal(qtbot: Any, window: MainWindow) -> None:
    pane = window.pane
    start = find_word(pane.text, "روسيا")
    with qtbot.waitSignal(pane.textSelectionChanged):
        drag_select(qtbot, pane, start, start + 5)
    assert pane.selection_range() == (start, start + 5)


def test_qt_bindings_keep_none_alive_on_void_calls() -> None:
    """PySide6 6.12.0 dropped a reference to None on each void call, crashing Python 3.11."""
    import sys

    from PySide6.QtGui import QColor

    color = QColor("#ff0000")
    before = sys.getrefcount(None)
    for _ in range(200):
        color.setAlpha(10)
    assert sys.getrefcount(None) >= before - 5
