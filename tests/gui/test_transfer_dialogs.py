"""File → Export… and File → Import annotations… through the real dialogs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox

from annotator.core.model import Status
from annotator.services.project import Project
from annotator.ui.dialogs.transfer_dialogs import GOLD, install
from annotator.ui.main_window import MainWindow
from tests.golden.seed000 import GOLDEN, SEED_NAME, annotate_seed000
from tests.gui.conftest import make_window


def _open(qtbot: Any, window: MainWindow, action: str, dialog: str) -> QDialog:
    actions = {a.objectName(): a for a in window.file_menu.actions()}
    actions[action].trigger()
    qtbot.waitUntil(lambda: window.findChild(QDialog, dialog) is not None)
    found = window.findChild(QDialog, dialog)
    assert found is not None and found.isVisible()
    return found


def _ok(dialog: QDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    box.button(QDialogButtonBox.StandardButton.Ok).click()


def _report(qtbot: Any, window: MainWindow, name: str) -> QMessageBox:
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, name) is not None)
    box = window.findChild(QMessageBox, name)
    assert box is not None
    return box


def _select(combo: Any, data: str) -> None:
    combo.setCurrentIndex(combo.findData(data))


def test_export_dialog_writes_the_golden_conll(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    annotate_seed000(project)
    window = make_window(qtbot, project, annotator="amal")
    install(window, project)
    dialog = _open(qtbot, window, "exportAction", "exportDialog")
    _select(dialog.format, "conll")
    out = tmp_path / "out.conll"
    dialog.out.setText(str(out))
    _ok(dialog)
    box = _report(qtbot, window, "exportReport")
    assert "1 spans were left out" in box.text()
    assert out.read_bytes() == (GOLDEN / "seed000.conll").read_bytes()
    box.close()
    window.close()


def test_export_dialog_done_only_leaves_unfinished_documents_out(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    annotate_seed000(project)  # in progress, with spans
    names = [s.name for s in project.documents.summaries("amal")]
    finished = next(n for n in names if n != SEED_NAME)
    done_id = project.documents.find_by_names([finished])[finished]
    project.documents.set_status(done_id, "amal", Status.DONE)
    window = make_window(qtbot, project, annotator="amal")
    install(window, project)
    dialog = _open(qtbot, window, "exportAction", "exportDialog")
    _select(dialog.format, "jsonl")
    dialog.done_only.setChecked(True)
    out = tmp_path / "done.jsonl"
    dialog.out.setText(str(out))
    _ok(dialog)
    box = _report(qtbot, window, "exportReport")
    assert "Exported 1 documents" in box.text()
    (line,) = out.read_text("utf-8").splitlines()
    assert json.loads(line)["name"] == finished and json.loads(line)["status"] == "done"
    box.close()
    window.close()


def test_export_dialog_explains_missing_gold_layer(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    annotate_seed000(project)
    window = make_window(qtbot, project, annotator="amal")
    install(window, project)
    dialog = _open(qtbot, window, "exportAction", "exportDialog")
    dialog.layer.setCurrentText(GOLD)
    dialog.out.setText(str(tmp_path / "gold.jsonl"))
    _ok(dialog)
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "exportReport") is not None)
    box = dialog.findChild(QMessageBox, "exportReport")
    assert "no gold (adjudicated) layer yet" in box.text()
    assert not (tmp_path / "gold.jsonl").exists()
    box.close()
    dialog.close()
    window.close()


def test_import_dialog_fills_the_layer_and_reports(qtbot: Any, project: Project) -> None:
    window = make_window(qtbot, project, annotator="tester")
    install(window, project)
    dialog = _open(qtbot, window, "importAnnotationsAction", "importAnnotationsDialog")
    _select(dialog.format, "jsonl")
    dialog.paths.setText(str(GOLDEN / "seed000.jsonl"))
    assert dialog.annotator.text() == "tester"
    _ok(dialog)
    box = _report(qtbot, window, "importAnnotationsReport")
    assert "7 spans, 1 events, 1 relations imported into 'tester'" in box.text()
    assert box.text().endswith("\n1 files imported, 0 rejected")  # the CLI's last line
    doc_id = project.documents.find_by_names([SEED_NAME])[SEED_NAME]
    assert len(project.annotations.spans(doc_id, "tester")) == 7
    assert len(project.annotations.events(doc_id, "tester")) == 1
    box.close()
    window.close()


def test_import_dialog_reports_a_bad_file_and_writes_nothing(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.conll"
    bad.write_text("a\tO\nb\tI-PER\n", encoding="utf-8")
    window = make_window(qtbot, project, annotator="tester")
    install(window, project)
    dialog = _open(qtbot, window, "importAnnotationsAction", "importAnnotationsDialog")
    _select(dialog.format, "conll")
    dialog.paths.setText(str(bad))
    _ok(dialog)
    box = _report(qtbot, window, "importAnnotationsReport")
    assert f"{bad}, line 2" in box.text() and box.icon() == QMessageBox.Icon.Warning
    docs = project.documents.document_ids()
    assert all(project.annotations.spans(d, "tester") == [] for d in docs)
    assert len(docs) == 5  # the rebuilt CoNLL text was not added as a document
    box.close()
    window.close()


def test_export_dialog_passes_separator_and_levels_like_the_cli(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    from annotator.services.transfer import ExportRequest, export_layer

    annotate_seed000(project)
    window = make_window(qtbot, project, annotator="amal")
    install(window, project)
    dialog = _open(qtbot, window, "exportAction", "exportDialog")
    _select(dialog.format, "spacy")
    assert not dialog.separator.isEnabled() and not dialog.levels.isEnabled()
    _select(dialog.format, "conll")
    assert dialog.separator.isEnabled() and not dialog.levels.isEnabled()
    dialog.nested.setCurrentText("all")
    assert dialog.levels.isEnabled()
    _select(dialog.separator, "space")
    dialog.levels.setValue(3)
    out = tmp_path / "levels.conll"
    dialog.out.setText(str(out))
    _ok(dialog)
    box = _report(qtbot, window, "exportReport")
    written = out.read_text("utf-8")
    assert "\t" not in written
    rows = [line.split(" ") for line in written.splitlines() if line]
    assert rows[0] == ["-DOCSTART-", "-X-", "-X-", "O"]
    assert {len(row) for row in rows[1:]} == {4}  # token + three entity levels
    assert ["وزارة", "B-ORG", "O", "O"] in rows  # the outer level of a nested span
    cli = tmp_path / "cli.conll"
    request = ExportRequest("conll", cli, "amal", nested="all", levels=3, separator="space")
    export_layer(project, request)
    assert out.read_bytes() == cli.read_bytes()
    box.close()
    window.close()


def test_export_dialog_levels_reach_conllu(qtbot: Any, project: Project, tmp_path: Path) -> None:
    annotate_seed000(project)
    window = make_window(qtbot, project, annotator="amal")
    install(window, project)
    dialog = _open(qtbot, window, "exportAction", "exportDialog")
    _select(dialog.format, "conllu")
    dialog.nested.setCurrentText("all")
    assert dialog.levels.isEnabled() and not dialog.separator.isEnabled()
    dialog.levels.setValue(3)
    out = tmp_path / "levels.conllu"
    dialog.out.setText(str(out))
    _ok(dialog)
    box = _report(qtbot, window, "exportReport")
    tokens = [line for line in out.read_text("utf-8").splitlines() if line[:1].isdigit()]
    assert tokens and all("|NE2=" in t and "|NE3=" in t for t in tokens)
    box.close()
    window.close()
