"""File → Export… shows why a target is refused, and its force box lifts only what it may."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox

from annotator.services.project import Project
from annotator.ui.dialogs.transfer_dialogs import install
from tests.golden.seed000 import annotate_seed000
from tests.gui.conftest import make_window
from tests.gui.test_transfer_dialogs import _ok, _open, _report, _select


def _refusal(qtbot: Any, dialog: Any) -> str:
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "exportReport") is not None)
    box = dialog.findChild(QMessageBox, "exportReport")
    text = box.text()
    box.close()
    box.deleteLater()
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "exportReport") is None)
    return text


def test_export_dialog_refuses_a_foreign_folder_and_the_project(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    annotate_seed000(project)
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.txt").write_text("أطروحتي 😀", encoding="utf-8")
    window = make_window(qtbot, project, annotator="amal")
    install(window, project)
    dialog = _open(qtbot, window, "exportAction", "exportDialog")
    _select(dialog.format, "brat")
    dialog.out.setText(str(folder))
    _ok(dialog)
    assert "holds other files and was not made by an export" in _refusal(qtbot, dialog)
    assert [p.name for p in folder.iterdir()] == ["thesis.txt"]
    _select(dialog.format, "jsonl")
    dialog.out.setText(str(project.path))
    dialog.force.setChecked(True)
    project_bytes = project.path.read_bytes()
    _ok(dialog)
    assert "is the open project file" in _refusal(qtbot, dialog)
    assert project.path.read_bytes() == project_bytes
    _select(dialog.format, "brat")
    dialog.out.setText(str(folder))
    _ok(dialog)
    box = _report(qtbot, window, "exportReport")
    assert "Exported 1 documents" in box.text()
    assert (folder / "thesis.txt").read_text("utf-8") == "أطروحتي 😀"
    box.close()
    window.close()
