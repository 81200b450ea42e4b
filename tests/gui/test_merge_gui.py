"""File → Merge projects…: progress, a summary, the schema choice, and the undo history told."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
)

from annotator.app import build_window
from annotator.core.positions import CodePoint
from annotator.core.schema import Label
from annotator.services.project import Project, open_project
from annotator.ui.bidi import isolate
from annotator.ui.dialogs.merge_dialog import MergeFlow, SchemaChoiceDialog
from annotator.ui.dialogs.progress import Job, ProgressDialog
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR, find_word, when_modal
from tests.merge_corpus import TEXTS, laptop, rich_layer, span_layer


def _window(qtbot: Any, project: Project) -> tuple[MainWindow, MergeFlow]:
    window = build_window(project, ANNOTATOR)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    flow = window.findChild(MergeFlow)
    assert flow is not None
    return window, flow


def test_merge_projects_adds_the_documents_and_says_what_happened(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    window, flow = _window(qtbot, project)
    actions = [a.objectName() or a.text() for a in window.file_menu.actions()]
    action = window.findChild(QAction, "mergeProjectsAction")
    assert action is not None and action.text() == "Merge projects…"
    assert actions.index("mergeProjectsAction") < actions.index("Quit")
    other = laptop(tmp_path / "laptop1.db", "ali", [rich_layer("a.txt"), span_layer("b.txt", 2)])
    before = len(window.documents.model_.rows())
    report = flow.merge_paths([other])
    assert report is not None and not report.failed
    assert len(window.documents.model_.rows()) == before + 2
    box = flow.last_box
    assert box is not None and box.objectName() == "mergeReport"
    assert box.text() == "Merged 1 of 1 file: 2 documents added, 2 layers added, 0 updated."
    assert f"New annotators: {isolate('ali')}." in box.informativeText()
    names = project.documents.find_by_names(["a.txt"])
    spans = project.annotations.spans(names["a.txt"], "ali")
    assert [s.text_in(TEXTS["a.txt"]) for s in spans] == [
        TEXTS["a.txt"].split()[1],
        TEXTS["a.txt"].split()[3],
        TEXTS["a.txt"].split()[-1],
    ]
    again = flow.merge_paths([other])
    assert again is not None and again.nothing_new
    assert flow.last_box is not None
    assert flow.last_box.text() == "Nothing new: every file was merged before."
    window.close()


def _custom(tmp_path: Path) -> Path:
    other = tmp_path / "custom.db"
    proj = open_project(other)
    try:
        proj.write.replace_schema(proj.write.schema.with_label(Label("DRUG", "#123456")))
        proj.write.import_layers("ali", [span_layer("b.txt", 2, "DRUG")], replace_layer=True)
    finally:
        proj.close()
    return other


def _click_when_shown(button: str, seen: list[str]) -> None:
    """Once the schema dialog is up, note its differences and press ``button``."""

    def click(dialog: SchemaChoiceDialog) -> None:
        try:
            differences = dialog.findChild(QPlainTextEdit, "schemaDifferences")
            assert isinstance(differences, QPlainTextEdit)
            seen.append(differences.toPlainText())
            pressed = dialog.findChild(QPushButton, button)
            assert isinstance(pressed, QPushButton)
            pressed.click()
        finally:
            dialog.reject()  # never leave the test waiting on a modal dialog

    when_modal(SchemaChoiceDialog, click)


def test_schema_differences_are_shown_with_union_ours_and_stop(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    window, flow = _window(qtbot, project)
    other = _custom(tmp_path)
    seen: list[str] = []
    _click_when_shown("mergeStop", seen)
    assert flow.merge_paths([other]) is None
    assert "custom.db:\n  Only in theirs: label DRUG" in seen[-1]
    assert flow.last_box is not None and flow.last_box.text().startswith("Nothing was merged")
    assert project.documents.find_by_names(["b.txt"]) == {}
    _click_when_shown("mergeUnion", seen)
    report = flow.merge_paths([other])
    assert report is not None and report.files[0].schema_changed
    assert project.schemas.schema.label("DRUG") is not None
    assert "custom.db:\n  Only in theirs: label DRUG" in seen[-1]
    doc = project.documents.find_by_names(["b.txt"])["b.txt"]
    assert [s.label for s in project.annotations.spans(doc, "ali")] == ["DRUG"]
    window.close()


def test_a_merge_that_replaces_the_shown_layer_clears_its_undo_history(
    qtbot: Any, project: Project, db_path: Path, tmp_path: Path
) -> None:
    window, flow = _window(qtbot, project)
    doc_id = window.current_doc_id()
    assert doc_id is not None
    text = window.pane.text
    words = ("حماة", "روسيا", "آستانة")
    first, second, third = (find_word(text, w) for w in words)
    ends = [start + len(w) for start, w in zip((first, second, third), words, strict=True)]
    project.annotations.create_span(doc_id, ANNOTATOR, CodePoint(first), CodePoint(ends[0]), "GPE")
    laptop_db = tmp_path / "laptop.db"
    with sqlite3.connect(db_path) as src, sqlite3.connect(laptop_db) as dst:
        src.backup(dst)  # the annotator takes a copy of the project to work on
    assert flow.merge_paths([laptop_db]) is not None  # the same layer: recorded, nothing new
    edit = window.tagging.create_span("GPE", CodePoint(second), CodePoint(ends[1]))
    assert edit is not None and window.undo_stack.count() == 1
    other = open_project(laptop_db)
    other.annotations.create_span(doc_id, ANNOTATOR, CodePoint(third), CodePoint(ends[2]), "GPE")
    other.close()
    report = flow.merge_paths([laptop_db])
    assert report is not None
    assert [(m.action, m.replaced_local) for m in report.files[0].layers] == [("updated", True)]
    qtbot.waitUntil(lambda: window.undo_stack.count() == 0)  # heard at most 250 ms later
    assert "Undo history cleared: an import changed annotations" in window.last_notice
    shown = sorted((s.start, s.end) for s in window.pane.spans())
    assert shown == [(first, ends[0]), (third, ends[2])]
    window.close()


def test_cancelling_while_the_files_are_read_says_cancelled_not_failed(
    qtbot: Any, project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, flow = _window(qtbot, project)
    other = laptop(tmp_path / "laptop1.db", "ali", [span_layer("b.txt", 2)])
    second = laptop(tmp_path / "laptop2.db", "badr", [span_layer("b.txt", 2)])
    before = len(window.documents.model_.rows())
    start = Job.start

    def cancelled_start(job: Job[Any]) -> None:  # Cancel pressed before the first file is read
        for dialog in window.findChildren(ProgressDialog):
            dialog.cancel()  # as the button does: the dialog tells the job
        assert job.cancel_requested
        start(job)

    monkeypatch.setattr(Job, "start", cancelled_start)
    assert flow.merge_paths([other, second]) is None
    box = flow.last_box
    assert box is not None
    assert (box.windowTitle(), box.text()) == (
        "Merge cancelled",
        "The merge was cancelled; nothing was merged.",
    )
    assert box.icon() == QMessageBox.Icon.Information
    assert len(window.documents.model_.rows()) == before
    window.close()
