"""File → New project…, Open project… and Open recent: one window per open project.

Before, another project could be opened only by restarting with ``--db``. A
:class:`Session` (made by :func:`annotator.app.make_session`) shows a project in a
window built as the app builds it; opening another project builds its window,
then closes the previous window and its project. Recent projects and the last
folder used are kept in QSettings.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from annotator.core.errors import AnnotatorError
from annotator.ui.bidi import isolate
from annotator.ui.dialogs import folders

if TYPE_CHECKING:
    from annotator.services.project import Project
    from annotator.ui.main_window import MainWindow

PROJECT_FILTER = "Annotation projects (*.sqlite *.db);;All files (*)"
RECENT_KEY = "projects/recent"
MAX_RECENT = 8


def recent_projects() -> list[Path]:
    """Project files opened lately, newest first (those that still exist)."""
    value = QSettings().value(RECENT_KEY)
    names = [value] if isinstance(value, str) else list(value or [])
    return [Path(n) for n in names if isinstance(n, str) and Path(n).is_file()]


def _remember_recent(path: Path) -> None:
    names = [str(path.resolve())]
    names += [str(p) for p in recent_projects() if str(p) != names[0]]
    QSettings().setValue(RECENT_KEY, names[:MAX_RECENT])


class Session(QObject):
    """The project shown and its window; File menu actions open others.

    Args:
        build: builds the main window for a project (``app.build_window``).
        open_: opens (or creates) a project file.

    Attributes:
        window: the window shown, or None before :meth:`show`.
        project: its project.
    """

    def __init__(
        self, build: Callable[[Project], MainWindow], open_: Callable[[Path], Project]
    ) -> None:
        super().__init__()
        self._build = build
        self._open = open_
        self.window: MainWindow | None = None
        self.project: Project | None = None

    def show(self, project: Project) -> MainWindow:
        """Show ``project`` in a new window with the project actions in its File menu."""
        window = self._build(project)
        _install_menu(window, self)
        self.window, self.project = window, project
        if isinstance(project.path, Path):  # a server's URL may hold a password: not kept
            _remember_recent(project.path)
        window.show()
        return window

    def open_path(self, path: Path, new: bool = False) -> bool:
        """Open (``new``: create) the project at ``path`` in place of the shown one."""
        parent = self.window
        if new and path.exists():
            QMessageBox.warning(
                parent,
                "New project",
                f"{isolate(str(path))} already exists. Use Open project… to open it.",
            )
            return False
        try:
            project = self._open(path)
        except (AnnotatorError, OSError) as exc:
            QMessageBox.critical(parent, "Cannot open project", str(exc))
            return False
        old_window, old_project = self.window, self.project
        self.show(project)
        if old_window is not None:
            old_window.close()
        if old_project is not None:
            old_project.close()
        return True

    def ask_open(self, new: bool) -> bool:
        """Ask for a project file (a new one with ``new``), starting in the last folder."""
        title = "New project" if new else "Open project"
        dialog = QFileDialog(self.window, title, folders.start_in(), PROJECT_FILTER)
        if new:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setDefaultSuffix("sqlite")
        else:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        if not dialog.exec() or not dialog.selectedFiles():
            return False
        chosen = Path(dialog.selectedFiles()[0])
        folders.remember(chosen)
        return self.open_path(chosen, new)


def _install_menu(window: MainWindow, session: Session) -> None:
    """New project…, Open project… and Open recent at the top of the File menu."""
    menu = window.file_menu
    first = menu.actions()[0]  # File → Import text…: the project actions go above it
    new = QAction("New project…", window)
    new.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
    new.triggered.connect(lambda _c=False: session.ask_open(True))
    opened = QAction("Open project…", window)
    opened.setShortcut(QKeySequence(QKeySequence.StandardKey.Open))
    opened.triggered.connect(lambda _c=False: session.ask_open(False))
    recent = QMenu("Open recent", window)
    recent.setObjectName("recentMenu")
    recent.aboutToShow.connect(lambda: _fill_recent(recent, session))
    _fill_recent(recent, session)
    for action in (new, opened):
        window.addAction(action)
        menu.insertAction(first, action)
    menu.insertMenu(first, recent)
    menu.insertSeparator(first)
    window.project_actions = {"new": new, "open": opened, "recent": recent}  # type: ignore[attr-defined]


def _fill_recent(menu: QMenu, session: Session) -> None:
    menu.clear()
    project = session.project
    shown = (
        project.path.resolve() if project is not None and isinstance(project.path, Path) else None
    )
    for path in recent_projects():
        if path == shown:
            continue
        action = menu.addAction(f"{path.name} — {path.parent}")
        action.setData(str(path))
        action.triggered.connect(lambda _c=False, p=path: session.open_path(p))
    menu.setEnabled(bool(menu.actions()))
