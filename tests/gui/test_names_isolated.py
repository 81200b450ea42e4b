"""An annotator's name in a Latin sentence of the GUI is a bidi isolate (FSI … PDI).

Without it, two Arabic names joined by ", " are shown in the opposite order, and a name
next to a number or a parenthesis takes them along («سلمى» in "Annotator: سلمى (2)").
Each test builds the sentence as the window does and reads what it shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMessageBox

from annotator.app import build_window
from annotator.core.positions import CodePoint
from annotator.services.project import Project
from annotator.ui.bidi import FSI, PDI, isolate
from annotator.ui.dialogs.agreement_view import AgreementView
from annotator.ui.dialogs.merge_dialog import MergeFlow
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR, answer_next_box, make_window
from tests.merge_corpus import laptop, span_layer

SALMA, DANA = "سلمى", "دانة"


def only_isolated(text: str, name: str) -> bool:
    """True if ``name`` occurs in ``text``, and every time as an isolate."""
    return name in text and text.count(name) == text.count(f"{FSI}{name}{PDI}")


def test_switching_annotator_says_both_names_isolated(qtbot: Any, project: Project) -> None:
    window = make_window(qtbot, project)
    window.set_annotator(SALMA)
    assert window.last_notice == (
        f"Now annotating as {isolate(SALMA)}. The undo history of {isolate(ANNOTATOR)} "
        "was cleared; their work is saved."
    )
    shown = [label.text() for label in window.statusBar().findChildren(QLabel)]
    assert f"Annotator: {isolate(SALMA)}" in shown
    window.close()


def test_delete_my_layer_asks_with_the_name_isolated(qtbot: Any, project: Project) -> None:
    window = make_window(qtbot, project, SALMA)
    doc = window.current_document()
    assert doc is not None
    project.annotations.create_span(doc.id, SALMA, CodePoint(0), CodePoint(3), "PER")
    seen: list[str] = []
    answer_next_box(qtbot, QMessageBox.StandardButton.No, seen)
    window.actions_["delete_layer"].trigger()
    assert seen and seen[0].startswith(
        f"Delete {isolate(SALMA)}'s layer in «{isolate(doc.name)}»: "
    )
    assert only_isolated(seen[0], SALMA)
    window.close()


def _agreement_view(qtbot: Any, window: MainWindow) -> AgreementView:
    action = window.findChild(QAction, "agreementAction")
    assert action is not None
    action.trigger()
    view: AgreementView = window.agreement_views[0]  # type: ignore[attr-defined]
    qtbot.waitExposed(view)
    return view


def test_agreement_status_line_isolates_names_in_the_services_sentence(
    qtbot: Any, project: Project
) -> None:
    first, second = project.documents.document_ids()[:2]
    project.annotations.create_span(first, SALMA, CodePoint(0), CodePoint(3), "PER")
    project.annotations.create_span(second, DANA, CodePoint(0), CodePoint(3), "PER")
    window = build_window(project, "lead")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    view = _agreement_view(qtbot, window)
    a, b = view.request().annotators
    assert {a, b} == {SALMA, DANA}
    view.compute_button.click()
    qtbot.waitUntil(lambda: view.message.text().startswith("No document"), timeout=60_000)
    qtbot.waitUntil(view.compute_button.isEnabled)
    text = view.message.text()
    assert f"annotated by all of {isolate(a)}, {isolate(b)}, so" in text
    assert only_isolated(text, SALMA) and only_isolated(text, DANA)
    view.close()
    window.close()


def test_merge_report_isolates_the_names_it_lists(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    window = build_window(project, ANNOTATOR)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    flow = window.findChild(MergeFlow)
    assert flow is not None
    other = laptop(tmp_path / "laptop.db", SALMA, [span_layer("b.txt", 2)])
    report = flow.merge_paths([other])
    assert report is not None and not report.failed
    box = flow.last_box
    assert box is not None
    details = box.informativeText()
    assert f"New annotators: {isolate(SALMA)}." in details
    assert only_isolated(details, SALMA)
    box.close()
    window.close()
