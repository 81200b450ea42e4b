"""The gold layer from the GUI: the export dialog's gold choice, and accept on the undo stack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox

from annotator.core.adjudicate import Strategy, UnitKind
from annotator.services import adjudication as adj
from annotator.services.project import Project
from annotator.ui.commands import push_change
from annotator.ui.dialogs.transfer_dialogs import GOLD, install
from tests.adjudication_corpus import ARMY, NAME, TEXT, at, store
from tests.gui.conftest import make_window


def test_export_dialog_writes_the_gold_layer(qtbot: Any, project: Project, tmp_path: Path) -> None:
    doc_id, _ = store(project)
    adj.premerge(project, [doc_id], Strategy.parse("majority:2"))
    window = make_window(qtbot, project, annotator="amal")
    install(window, project)
    actions = {a.objectName(): a for a in window.file_menu.actions()}
    actions["exportAction"].trigger()
    qtbot.waitUntil(lambda: window.findChild(QDialog, "exportDialog") is not None)
    dialog = window.findChild(QDialog, "exportDialog")
    layers = [dialog.layer.itemText(i) for i in range(dialog.layer.count())]
    assert "gold" not in layers and layers[-1] == GOLD  # gold is not offered as a person
    dialog.layer.setCurrentText(GOLD)
    dialog.format.setCurrentIndex(dialog.format.findData("jsonl"))
    out = tmp_path / "gold.jsonl"
    dialog.out.setText(str(out))
    (item,) = dialog.docs.findItems(NAME, Qt.MatchFlag.MatchExactly)
    item.setSelected(True)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "exportReport") is not None)
    window.findChild(QMessageBox, "exportReport").close()
    (line,) = out.read_text("utf-8").splitlines()
    record = json.loads(line)
    assert record["annotator"] == "gold"
    spans = {(s["start"], s["end"], s["label"]) for s in record["spans"]}
    assert (*at(TEXT, "حماة"), "GPE") in spans and (*at(TEXT, ARMY), "ORG") in spans
    assert not any(s["text"] == "ACE" for s in record["spans"])
    window.close()


def test_accept_on_the_undo_stack_is_undone_and_redone(qtbot: Any, project: Project) -> None:
    doc_id, _ = store(project)
    adj.premerge(project, [doc_id], Strategy.parse("unanimous"))
    window = make_window(qtbot, project, annotator="amal")
    stack = window.undo_stack
    army = next(
        d
        for d in adj.document_disagreements(project, doc_id)
        if d.kind is UnitKind.SPAN and d.start == at(TEXT, ARMY)[0]
    )
    key = (*at(TEXT, ARMY), "GPE")

    def gold() -> set[tuple[int, int, str]]:
        return {(s.start, s.end, s.label) for s in project.annotations.spans(doc_id, "gold")}

    push_change(stack, project.write, lambda: adj.accept(project, doc_id, army, "carim"), "Accept")
    assert key in gold() and stack.count() == 1
    stack.undo()
    assert key not in gold()
    stack.redo()
    assert key in gold()
    window.close()
