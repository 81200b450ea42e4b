"""Composition root: opens the project, asks who is annotating, builds the window.

It holds no logic of its own. Every feature is wired here explicitly: the
window, then the event/relation/schema tools and the transfer dialogs.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator import config
from annotator.core.errors import AnnotatorError
from annotator.services.live import LiveFeed
from annotator.services.merge import MergeService
from annotator.services.online import ServerLink
from annotator.services.project import Project, open_project, project_path
from annotator.services.team_work import TeamWork, curation_holds
from annotator.ui.app_icon import app_icon
from annotator.ui.dialogs import merge_dialog, transfer_dialogs
from annotator.ui.dialogs.agreement_view import install_agreement_view
from annotator.ui.dialogs.dialogs import ask_annotator_name
from annotator.ui.done_guard import install_done_guard
from annotator.ui.errors import install_excepthook
from annotator.ui.events_wiring import install_event_tools
from annotator.ui.fonts import FontError, register_bundled_fonts
from annotator.ui.gc_freeze import freeze_after_loads
from annotator.ui.help_menu import install_help_menu
from annotator.ui.live_updates import LiveUpdates
from annotator.ui.main_window import MainWindow
from annotator.ui.panels.attributes_panel import install_attribute_tools
from annotator.ui.review.wiring import install_review_tools
from annotator.ui.search_wiring import install_search_tools
from annotator.ui.server_status import install_server_status
from annotator.ui.session import Session
from annotator.ui.team_layers import install_team_layers
from annotator.ui.team_work import install_team_tools
from annotator.ui.toolbar import install_toolbar

NO_NAME_MESSAGE = (
    "The annotator closes: every span is stored under its annotator's name, and no name was "
    "given. Start it again and type your name, or start it with --annotator NAME."
)

# One lock wait in the GUI thread; the window's busy handler retries while it keeps painting.
GUI_BUSY_TIMEOUT_MS = 150


def open_gui_project(db: str | None) -> Project:
    """Open ``db``, or the default sample project (seeded on first start)."""
    path = project_path(db) if db else config.default_project_path()
    if isinstance(path, Path):
        path.parent.mkdir(parents=True, exist_ok=True)
    project = open_project(path, busy_timeout_ms=GUI_BUSY_TIMEOUT_MS)
    if db is None:
        project.seed(config.seeds_dir())
    return project


def choose_annotator(given: str | None) -> str | None:
    """``--annotator``, else the remembered name, else ask; the choice is remembered."""
    name = (given or "").strip() or config.remembered_annotator() or ask_annotator_name()
    if name:
        config.remember_annotator(name)
    return name


def build_window(project: Project, annotator: str, settings: QSettings | None = None) -> MainWindow:
    """The main window: event tools, transfer dialogs, merge, review mode and Agreement view."""
    window = MainWindow(project, annotator, settings)
    guard = install_done_guard(window)
    install_toolbar(window)
    tools = install_event_tools(window, project)
    install_attribute_tools(window, tools.ctx)
    install_search_tools(window, project, guard.tag_all_documents)
    transfer_dialogs.install(window, project)
    merge_dialog.install(window, MergeService(project))
    review = install_review_tools(window, project)
    install_agreement_view(window, project)
    install_help_menu(window)  # last: the menu bar ends with Help
    live = None
    if LiveFeed.available(project):  # a project on a server: others' changes as they commit
        link = ServerLink(project)  # Online / Offline, and no edit tried while Offline
        install_server_status(window, link)  # after the Done guard: its gate is asked second
        live = LiveUpdates(window, LiveFeed(project, link))
    if TeamWork.available(project):  # a team's server: who works on what, claims, curation
        work = TeamWork(project)
        team = install_team_tools(window, work, live)
        install_team_layers(window, work, team)  # Switch annotator…: readable layers only
        # the bulk finish holds each document it marks curated (the server asks a hold)
        review.curation.holds = lambda ids: curation_holds(project, ids)
    return window


def make_session(
    annotator: str, settings: QSettings | None = None, freeze_loads: bool = False
) -> Session:
    """The session: a project shown in a window built by :func:`build_window`; File → New
    project…, Open project… and Open recent replace it. ``freeze_loads``: each window
    freezes a document's objects once its spans are in (:mod:`annotator.ui.gc_freeze`)."""

    def build(project: Project) -> MainWindow:
        window = build_window(project, annotator, settings)
        if freeze_loads:
            freeze_after_loads(window.pane)
        return window

    return Session(build, lambda path: open_project(path, busy_timeout_ms=GUI_BUSY_TIMEOUT_MS))


def freeze_startup_objects() -> None:
    """Leave the objects made while starting (modules, Qt wrappers, the window: about 100,000)
    out of every later full garbage collection (``gc.freeze``, after one collection).

    A full collection walks every tracked object while holding the GIL, on whichever thread
    triggered it: with them it took 85-240 ms of CPU on a loaded 2-core machine and was the
    longest frame gap left during an import or a merge (``benchmarks/bench_frames.py``).
    """
    gc.collect()
    gc.freeze()


def application() -> QApplication:
    """The QApplication: a new one is named and gets the icon and the bundled fonts (ADR 0016).

    One that exists already (a test's) is returned as it is: whoever made it registered them.
    """
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setOrganizationName(config.APP_NAME)
    app.setApplicationName(config.APP_NAME)
    QApplication.setDesktopFileName(config.APP_NAME)  # packaging/arabic-annotator.desktop
    QApplication.setWindowIcon(app_icon())
    try:
        register_bundled_fonts()
    except FontError as exc:
        QMessageBox.warning(None, "Fonts missing", f"{exc}\nThe text is drawn with system fonts.")
    return app


def run_gui(args: argparse.Namespace) -> int:
    """Start the GUI; returns the process exit code."""
    app = application()
    try:
        project = open_gui_project(getattr(args, "db", None))
    except (AnnotatorError, OSError) as exc:
        QMessageBox.critical(None, "Cannot open project", str(exc))
        return 2
    annotator = choose_annotator(getattr(args, "annotator", None))
    if not annotator:
        project.close()
        QMessageBox.information(None, "No annotator name", NO_NAME_MESSAGE)
        return 1
    session = make_session(annotator, QSettings(), freeze_loads=True)
    window = session.show(project)
    install_excepthook(lambda: session.window or window)
    freeze_startup_objects()
    quit_after = getattr(args, "quit_after", None)
    if quit_after is not None:  # the hidden --quit-after: close as a user would (smoke test)
        QTimer.singleShot(round(quit_after * 1000), window.close)
    notice = project.upgrade_notice()
    if notice:
        QMessageBox.information(window, "Project upgraded", notice)
    try:
        return app.exec()
    finally:
        (session.project or project).close()
