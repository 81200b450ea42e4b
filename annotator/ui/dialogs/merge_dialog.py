"""File → Merge projects…: choose project files, settle schema differences, merge with progress.

The dialogs only collect choices; the work is done by
:class:`annotator.services.merge.MergeService` (the same code as ``annotator
merge``): read every file, show the schema differences if there are any (take
the union, keep ours, or stop), merge each file in one transaction, then say
what happened. Reading and merging run in a worker process
(:mod:`annotator.services.merge_worker`), watched from a worker thread behind a
cancellable progress dialog (ADR 0017).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError, MergeCancelled
from annotator.core.location import Location
from annotator.ui.bidi import isolate_names
from annotator.ui.dialogs import folders
from annotator.ui.dialogs.progress import Progress, run_with_progress

if TYPE_CHECKING:  # the service is only used through the object passed in
    from annotator.core.model import DocumentSummary
    from annotator.services.merge import MergeService
    from annotator.services.merge_report import MergeReport
    from annotator.services.merge_worker import MergeRun

# choose(parent, differences) -> "union", "ours" or "stop"
Chooser = Callable[[QWidget, str], str]
PROJECT_FILES = "Project files (*.db *.sqlite *.sqlite3);;All files (*)"
SERVER_PROMPT = (
    "The project database to merge here, on a PostgreSQL server:\n"
    "postgresql+psycopg://USER@HOST:PORT/DATABASE"
)
SHOWN_LINES = 20  # more go to the message box's details


class SchemaChoiceDialog(QDialog):
    """Shows how the other files' schemas differ from ours and asks what to do.

    ``choice`` is "union", "ours" or "stop" (also when the dialog is closed).
    """

    def __init__(self, parent: QWidget | None, differences: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("The schemas differ")
        self.setObjectName("schemaChoiceDialog")
        self.choice = "stop"
        text = QPlainTextEdit(differences, self)
        text.setObjectName("schemaDifferences")
        text.setReadOnly(True)
        intro = QLabel(
            "The projects to merge use schemas that differ from this one. "
            "Take the union (their labels and types are added here), keep ours "
            "(their annotations that do not fit are skipped and counted), or stop "
            "(nothing is merged).",
            self,
        )
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        for label, choice, name in (
            ("Take the union", "union", "mergeUnion"),
            ("Keep ours", "ours", "mergeOurs"),
            ("Stop", "stop", "mergeStop"),
        ):
            button = QPushButton(label, self)
            button.setObjectName(name)
            button.clicked.connect(lambda _checked=False, c=choice: self._choose(c))
            button.setDefault(choice == "stop")  # Enter never changes the schema by accident
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(text, 1)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()


def ask_schema_choice(parent: QWidget, differences: str) -> str:
    """Show :class:`SchemaChoiceDialog` (modal) and return the choice."""
    dialog = SchemaChoiceDialog(parent, differences)
    dialog.exec()
    dialog.deleteLater()
    return dialog.choice


class MergeFlow(QObject):
    """File → Merge projects… for one window.

    ``window`` provides ``current_annotator()``, ``show_documents(rows)``,
    ``current_doc_id()`` and ``open_document(doc_id)``. ``merger`` starts the worker process
    (:meth:`MergeService.worker`). ``last_box`` is the last message shown.
    """

    def __init__(self, window: Any, merger: MergeService, choose: Chooser | None = None) -> None:
        super().__init__(window)
        self._window = window
        self.merger = merger
        self.choose: Chooser = choose or ask_schema_choice
        self.last_box: QMessageBox | None = None
        self._last_server = ""

    def ask(self) -> None:
        """Ask for one or more project files, then merge them."""
        files, _filter = QFileDialog.getOpenFileNames(
            self._window, "Merge projects", folders.start_in(), PROJECT_FILES
        )
        folders.remember(files)
        if files:
            self.merge_paths([Path(f) for f in files])

    def ask_server(self) -> None:
        """Ask for a project database on a server, then merge it here (a pull, ADR 0012)."""
        raw, ok = QInputDialog.getText(
            self._window, "Merge from a server", SERVER_PROMPT, text=self._last_server
        )
        if ok and raw.strip():
            self.merge_server(raw)

    def merge_server(self, raw: str) -> MergeReport | None:
        """Merge the project database that the URL ``raw`` names; None if nothing merged."""
        try:
            url = self.merger.server(raw)
        except AnnotatorError as exc:
            self._tell("Merge failed", str(exc), "", warn=True)
            return None
        self._last_server = str(url)  # without its password
        return self.merge_paths([url])

    def merge_paths(self, paths: Sequence[Location]) -> MergeReport | None:
        """Read, settle the schema, merge with progress and report; None if nothing was merged."""
        window = self._window
        run = self.merger.worker()  # reading and merging in a worker process (ADR 0017)
        try:
            differences, _ = run_with_progress(
                window, "Reading", lambda progress: run.read(paths, progress), context="reading"
            )
            mode = self.choose(window, differences) if differences else "stop"
            if mode == "stop" and differences:
                self._tell("Merge stopped", "Nothing was merged: the schemas differ.", differences)
                return None
            annotator = window.current_annotator()
            (report, rows), _ = run_with_progress(
                window,
                "Merging",
                lambda progress: self._merge(run, mode, annotator, progress),
                context="merging",
            )
        except MergeCancelled as exc:  # the user's choice, not a failure
            self._tell("Merge cancelled", str(exc), "")
            return None
        except AnnotatorError as exc:
            self._tell("Merge failed", str(exc), "", warn=True)
            return None
        finally:
            run.close()
        window.show_documents(rows)
        doc_id = window.current_doc_id()
        if doc_id is not None:
            window.open_document(doc_id)
        warn = bool(report.failed) or report.cancelled
        people = [name for name, _kind in window.project.annotators()]  # theirs included now
        details = isolate_names(report.text(), people)  # "Updated: سلمى on …" keeps its order
        self._tell("Merge projects", report.summary(), details, warn=warn)
        return report

    def _merge(
        self, run: MergeRun, mode: str, annotator: str, progress: Progress
    ) -> tuple[MergeReport, list[DocumentSummary]]:
        """On the job's thread: merge in the worker process, end it, announce its changes
        here (the window's listeners get them before the job ends)."""
        try:
            report, changes, rows = run.merge(mode, annotator, progress)
        finally:
            run.close()
        self.merger.adopt(changes)
        return report, rows

    def _tell(self, title: str, text: str, details: str, warn: bool = False) -> None:
        icon = QMessageBox.Icon.Warning if warn else QMessageBox.Icon.Information
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self._window)
        box.setObjectName("mergeReport")
        lines = details.splitlines()
        if len(lines) > SHOWN_LINES:
            rest = len(lines) - SHOWN_LINES
            details = "\n".join([*lines[:SHOWN_LINES], f"… and {rest} more lines (Show Details…)"])
            box.setDetailedText("\n".join(lines))
        if details:
            box.setInformativeText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_box = box


def install(window: Any, merger: MergeService) -> MergeFlow:
    """Add File → "Merge projects…" (before Quit) to ``window.file_menu``; return its flow."""
    flow = MergeFlow(window, merger)
    menu = window.file_menu
    action = QAction("Merge projects…", menu)
    action.setObjectName("mergeProjectsAction")
    action.triggered.connect(flow.ask)
    server = QAction("Merge from a server…", menu)
    server.setObjectName("mergeServerAction")
    server.setToolTip("Pull a project database on a PostgreSQL server into this project")
    server.triggered.connect(flow.ask_server)
    quit_ = next((a for a in menu.actions() if a.text().replace("&", "") == "Quit"), None)
    for added in (action, server):
        if quit_ is None:
            menu.addAction(added)
        else:
            menu.insertAction(quit_, added)
    return flow
