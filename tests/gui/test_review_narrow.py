"""Review mode is readable in narrow windows (1000×700 and 900×700), not only at 1300×800.

Under 1100 px the review dock lies under the side columns, whose panels' smallest heights
added up to most of the window: the dock was left about 100 px and the versions beside the
Accept buttons were scrolled out of sight. Each version must be wholly visible (its visible
region is its whole rectangle, and it is as tall as its wrapped text), each Accept button
too, and each annotator's pane must show whole lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QWidget

from annotator.app import build_window
from annotator.services.project import Project
from annotator.tools.review_demo import ALI, BADR, build_disagreement
from annotator.ui.main_window import MainWindow
from annotator.ui.review.review_view import Layout
from tests.gui.test_review_readable import full_lines, review


def narrow_review(
    qtbot: Any, project: Project, width: int, height: int, settings: QSettings | None = None
) -> MainWindow:
    """The app's window at ``width``×``height``, reviewing ali and badr on seed 000."""
    doc_id = project.documents.document_ids()[0]
    build_disagreement(project, doc_id)
    window = build_window(project, "curator", settings)
    qtbot.addWidget(window)
    window.open_document(doc_id)
    window.show()
    qtbot.waitExposed(window)
    window.resize(width, height)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    review(window).start([ALI, BADR], Layout.SIDE_BY_SIDE)
    qtbot.wait(100)
    return window


def wholly_visible(widget: QWidget) -> bool:
    """True if nothing of ``widget`` is clipped by a scroll area, a splitter or the window."""
    return widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()


@pytest.mark.parametrize("size", [(1000, 700), (900, 700)])
def test_versions_are_wholly_visible_in_a_narrow_window(
    qtbot: Any, project: Project, size: tuple[int, int]
) -> None:
    window = narrow_review(qtbot, project, *size)
    reviewing = review(window)
    panel = reviewing.panel
    for n in range(3):  # the first disagreements: an argument, a label, a boundary
        reviewing.step(1)
        assert reviewing.current == n
        qtbot.wait(50)
        versions = panel.findChildren(QLabel, "version-1") + panel.findChildren(QLabel, "version-2")
        assert len(versions) == 2
        for label in versions:
            assert label.text() and label.height() >= label.heightForWidth(label.width())
            assert wholly_visible(label), (size, n, label.objectName(), label.text())
        for button in panel.accept_buttons():
            assert wholly_visible(button), button.text()
            assert button.width() >= button.sizeHint().width(), button.text()
    for name, pane in reviewing.view.panes().items():
        assert full_lines(pane) >= 3, name
    assert (window.width(), window.height()) == size  # the side panels no longer hold it taller


def test_leaving_review_puts_the_side_panels_back(qtbot: Any, project: Project) -> None:
    window = narrow_review(qtbot, project, 1000, 700)
    docks = {d.windowTitle(): d for d in window.findChildren(QDockWidget)}
    assert window.tabifiedDockWidgets(docks["Annotations"])  # stacked as tabs for review
    review(window).stop()
    qtbot.wait(50)
    assert not window.tabifiedDockWidgets(docks["Annotations"])
    assert not docks["Review"].isVisible()
    shown = [t for t, d in docks.items() if d.isVisible()]
    assert {"Annotations", "Event", "Relations", "Documents", "Labels"} <= set(shown)


def test_closing_in_review_mode_keeps_the_layout_without_tabs(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    ini = str(tmp_path / "settings.ini")
    window = narrow_review(qtbot, project, 1000, 700, QSettings(ini, QSettings.Format.IniFormat))
    docks = {d.windowTitle(): d for d in window.findChildren(QDockWidget)}
    assert window.tabifiedDockWidgets(docks["Annotations"])
    window.close()  # saves the dock layout in the settings
    again = build_window(project, "curator", QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    docks = {d.windowTitle(): d for d in again.findChildren(QDockWidget)}
    assert not window.isVisible() and not again.tabifiedDockWidgets(docks["Annotations"])
    again.close()
