"""Adds review mode and curation to the window: menus, shortcuts, the review dock.

View → Review: Review annotators… (Ctrl+Shift+R), Pre-merge, Next/Previous
disagreement (F8 / Shift+F8), Accept version 1…9 (keys 1…9, enabled in review
mode only: Ctrl+1…6 are the default schema's relation hotkeys and Alt+1…9 arm
event roles), Leave review mode. Document → Mark curated, Finish documents
without disagreement. Called from :mod:`annotator.app`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog

from annotator.ui.review.chooser import ReviewChooser
from annotator.ui.review.controller import ReviewController
from annotator.ui.review.curation import CurationTools

if TYPE_CHECKING:
    from annotator.services.project import Project
    from annotator.ui.main_window import MainWindow

ACCEPT_KEYS = 9


@dataclass
class ReviewTools:
    """What :func:`install_review_tools` built, for tests and the screenshot tool."""

    review: ReviewController
    curation: CurationTools
    actions: dict[str, QAction] = field(default_factory=dict)


def _action(window: MainWindow, text: str, slot: Callable[[], object], key: str = "") -> QAction:
    action = QAction(text, window)
    if key:
        action.setShortcut(QKeySequence(key))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)
    return action


def choose_and_start(window: MainWindow, project: Project, review: ReviewController) -> None:
    """Ask which layers to review and how, then enter review mode."""
    people = [name for name, kind in project.annotators() if kind != "gold"]
    if len(people) < 2:
        window.show_message("Review needs two or more annotators' layers in this project.")
        return
    chooser = ReviewChooser(people, review.names, review.layout, window)
    accepted = chooser.exec() == QDialog.DialogCode.Accepted
    chosen, layout = chooser.chosen(), chooser.layout_choice()
    chooser.deleteLater()
    window.activateWindow()
    if accepted:
        review.start(chosen, layout)


def install_review_tools(window: MainWindow, project: Project) -> ReviewTools:
    """Create the review controller, the curation tools and their menu entries."""
    review = ReviewController(window, project)
    tools = ReviewTools(review, CurationTools(window, project))
    acts = tools.actions
    acts["review"] = _action(
        window,
        "Review annotators…",
        lambda: choose_and_start(window, project, review),
        "Ctrl+Shift+R",
    )
    acts["leave"] = _action(window, "Leave review mode", review.stop)
    acts["premerge"] = _action(window, "Pre-merge what all agree on", review.premerge)
    acts["next"] = _action(window, "Next disagreement", lambda: review.step(1), "F8")
    acts["previous"] = _action(window, "Previous disagreement", lambda: review.step(-1), "Shift+F8")
    menu = window.view_menu.addMenu("Review")
    review.dock_menu = menu  # the dock's show/hide item goes in here, not beside it
    for key in ("review", "premerge", "next", "previous", "leave"):
        menu.addAction(acts[key])
    accept_menu = menu.addMenu("Accept version")
    for k in range(ACCEPT_KEYS):
        acts[f"accept{k + 1}"] = _action(
            window,
            f"Accept annotator {k + 1}'s version",
            partial(review.accept, k),
            str(k + 1),
        )
        acts[f"accept{k + 1}"].setEnabled(False)
        review.activeChanged.connect(acts[f"accept{k + 1}"].setEnabled)
        accept_menu.addAction(acts[f"accept{k + 1}"])
    curation = tools.curation
    acts["curated"] = _action(window, "Mark curated", curation.mark_curated)
    acts["finish"] = _action(
        window, "Finish documents without disagreement", curation.finish_agreed
    )
    window.document_menu.addSeparator()
    for key in ("curated", "finish"):
        window.document_menu.addAction(acts[key])
    window.review_tools = tools  # type: ignore[attr-defined]
    return tools
