"""Issue 18, point 10: "Tag all…" from a search opens on a likely label, entity labels first.

Before, its list was one alphabetical list of event types and labels that opened on
"Business.Declare-Bankruptcy", and the preview showed document names backwards
("…dfbb423_000"). The window is built as :mod:`annotator.app` builds it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialog

from annotator.app import build_window
from annotator.core.positions import CodePoint
from annotator.services.project import Project
from annotator.ui.bidi import isolate
from annotator.ui.main_window import MainWindow
from annotator.ui.search_wiring import SearchTools
from tests.gui.conftest import ANNOTATOR, find_word, when_modal

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _window(qtbot: Any, project: Project) -> tuple[MainWindow, SearchTools]:
    window = build_window(project, ANNOTATOR, None)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window, window.search_tools  # type: ignore[attr-defined]


def _open_label_list(qtbot: Any, tools: SearchTools, seen: list[list[str]], pick: str) -> None:
    """Click "Tag all…"; record the list's items (current one first); choose ``pick``."""

    def answer(dialog: QDialog) -> None:
        combo = dialog.findChild(QComboBox)
        assert combo is not None
        seen.append([combo.currentText(), *(combo.itemText(i) for i in range(combo.count()))])
        combo.setCurrentIndex(combo.findText(pick))
        dialog.accept()

    when_modal(QDialog, answer)
    qtbot.mouseClick(tools.panel.tag_all, Qt.MouseButton.LeftButton)


def test_label_list_puts_entity_labels_first_and_opens_on_the_selected_label(
    qtbot: Any, project: Project
) -> None:
    window, tools = _window(qtbot, project)
    schema = project.schemas.schema
    entities = [lb.name for lb in schema.entity_labels]
    qtbot.keyClick(window.pane, Qt.Key.Key_F, CTRL | SHIFT)
    tools.panel.query.insert("روسيا")
    tools.panel.run()
    seen: list[list[str]] = []
    _open_label_list(qtbot, tools, seen, "GPE")
    current, *items = seen[0]
    assert current == entities[0] == "PER"
    assert items[: len(entities)] == entities
    events = sorted(e.name for e in schema.events)
    assert items[-len(events) :] == events  # grouped after every label, under a heading
    assert "Business.Declare-Bankruptcy" not in items[: len(items) - len(events)]
    dialog = tools.last_dialog
    assert dialog is not None and dialog.plan.label == "GPE"
    names = {s.id: s.name for s in project.documents.summaries(ANNOTATOR)}
    shown = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    expected = [isolate(names[o.doc_id]) for o in dialog.plan.occurrences]
    assert shown == expected and shown[0].startswith("\u2068000_")
    dialog.reject()
    # a selected ORG span: the list opens on ORG
    text = window.pane.text
    at = find_word(text, "وزارة")
    edit = window.tagging.create_span("ORG", CodePoint(at), CodePoint(at + 5))
    assert edit is not None and window.pane.selected_span_ids() == [edit.add.spans[0].id]
    _open_label_list(qtbot, tools, seen, "ORG")
    assert seen[1][0] == "ORG"
    tools.last_dialog.reject()  # type: ignore[union-attr]
    # nothing selected: the list opens on the label used last, here by its hotkey
    at = find_word(text, "حماة")
    window.pane.select_text(CodePoint(at), CodePoint(at + 4))
    window.activateWindow()  # offscreen, focus does not come back after a modal dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.pane, Qt.Key.Key_L)
    assert (at, at + 4, "LOC") in [(s.start, s.end, s.label) for s in window.pane.spans()]
    window.clear_selection()
    _open_label_list(qtbot, tools, seen, "LOC")
    assert seen[2][0] == "LOC"
