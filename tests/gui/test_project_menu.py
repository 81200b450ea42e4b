"""Issue 18, point 13: open another project from the File menu, a Help menu with the keys,
a word when Cancel on the name prompt quits, file dialogs in the last folder used, and
document names not cut to «000_df…». Windows are built as :mod:`annotator.app` builds them,
on real project files.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox

from annotator import app
from annotator.services.project import Project
from annotator.ui.dialogs import folders
from annotator.ui.help_menu import KeysDialog
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR, when_modal


def _shown(qtbot: Any, window: MainWindow) -> MainWindow:
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def _pick_file(path: Path, seen: list[str]) -> None:
    """Choose ``path`` in the next file dialog; record the folder it opened in."""

    def choose(dialog: QFileDialog) -> None:
        seen.append(dialog.directory().absolutePath())
        dialog.selectFile(str(path))
        dialog.accept()

    when_modal(QFileDialog, choose)


def test_open_project_replaces_the_window_and_is_remembered(
    qtbot: Any, project: Project, seeded_template: Path, tmp_path: Path
) -> None:
    other = tmp_path / "elsewhere" / "other.sqlite"
    other.parent.mkdir()
    shutil.copyfile(seeded_template, other)
    session = app.make_session(ANNOTATOR)
    first = _shown(qtbot, session.show(project))
    seen: list[str] = []
    _pick_file(other, seen)
    first.project_actions["open"].trigger()  # type: ignore[attr-defined]
    assert session.project is not None and session.project.path == other
    assert session.window is not None and session.window is not first
    second = _shown(qtbot, session.window)
    assert not first.isVisible() and project.path.name in first.windowTitle()
    assert other.name in second.windowTitle()
    assert second.documents.model_.rowCount() == 5  # the other project's documents
    assert folders.last_folder() == other.parent
    recent = second.project_actions["recent"]  # type: ignore[attr-defined]
    recent.aboutToShow.emit()
    assert [a.data() for a in recent.actions()] == [str(project.path.resolve())]
    # File → New project… opens in the folder used last, and creates an empty project there
    fresh = other.parent / "fresh.sqlite"
    _pick_file(fresh, seen)
    second.project_actions["new"].trigger()  # type: ignore[attr-defined]
    assert seen[1] == str(other.parent)
    assert session.project.path == fresh and fresh.is_file()
    assert session.window is not None and session.window.documents.model_.rowCount() == 0
    session.window.close()
    session.project.close()


def test_import_dialog_opens_in_the_last_folder(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    window = _shown(qtbot, app.build_window(project, ANNOTATOR, None))
    texts = tmp_path / "texts"
    texts.mkdir()
    folders.remember(texts / "a.txt")
    seen: list[str] = []

    def look(dialog: QFileDialog) -> None:
        seen.append(dialog.directory().absolutePath())
        dialog.reject()

    when_modal(QFileDialog, look)
    window.actions_["import"].trigger()
    assert seen == [str(texts)]


def test_cancel_on_the_name_prompt_says_why_the_app_closes(
    qtbot: Any, db_path: Path, seeded_template: Path
) -> None:
    shutil.copyfile(seeded_template, db_path)
    told: list[str] = []

    def cancel(dialog: QInputDialog) -> None:
        def read(box: QMessageBox) -> None:
            told.append(box.text())
            box.accept()

        when_modal(QMessageBox, read)
        dialog.reject()

    when_modal(QInputDialog, cancel)
    code = app.run_gui(argparse.Namespace(db=str(db_path), annotator=None))
    assert code == 1
    assert told == [app.NO_NAME_MESSAGE] and "--annotator" in told[0]


def test_help_keys_lists_the_real_shortcuts(qtbot: Any, project: Project) -> None:
    window = _shown(qtbot, app.build_window(project, ANNOTATOR, None))
    assert window.menuBar().actions()[-1].text() == "Help"
    qtbot.keyClick(window.pane, Qt.Key.Key_F1)
    dialog = window.findChild(KeysDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    table = dialog.table
    rows = {(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())}
    for row in [
        ("Find…", "Ctrl+F"),
        ("Mark done", "Ctrl+D"),
        ("PER", "P"),
        ("PER (exact characters)", "Alt+P"),
        ("Character mode (no token snapping)", "Ctrl+K"),
        ("Keys…", "F1"),
        ("Redo", "Ctrl+Shift+Z, Ctrl+Y"),
    ]:
        assert row in rows
    dialog.close()


def test_document_names_are_elided_in_the_middle_with_the_full_name_as_tooltip(
    qtbot: Any, project: Project
) -> None:
    window = _shown(qtbot, app.build_window(project, ANNOTATOR, None))
    view = window.documents
    index = view.model_.index(0, 0)
    name = view.model_.summary(0).name
    assert name.startswith("000_") and name.endswith(".txt")
    margin = view.style().pixelMetric(view.style().PixelMetric.PM_FocusFrameHMargin)
    width = view.columnWidth(0) - 2 * margin - 8
    shown = view.fontMetrics().elidedText(name, view.textElideMode(), width)
    assert "…" in shown  # the column is narrower than the name at the default layout
    assert shown.startswith("000_") and shown.endswith(".txt")
    assert view.model_.data(index, Qt.ItemDataRole.ToolTipRole) == name
    # rows are one line high: a wrapped name (or Arabic span text in the Annotations list)
    # showed only its cut first line, as "000_dfb…" over half of "25a.txt" under Xvfb
    assert not view.wordWrap() and not window.annotations_panel.table.wordWrap()
