"""Tools → Agreement… (Ctrl+Shift+G): the agreement figures of the project, in a window.

The view collects the same choices as ``annotator agreement`` (annotators,
labels, documents, status), then reads the layers through
:mod:`annotator.services.agreement` (one snapshot) and computes on a worker
thread (reading, tokenizing and measuring can take seconds), so the window
keeps painting; Cancel stops it (ADR 0017). It shows the pair F1 grid, the label confusion
heatmap, the coefficients with their bootstrap intervals and the documents
worst first; "Export report…" writes the same self-contained HTML page as
``--format html``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QThread, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator import errorlog
from annotator.core.agreement import AgreementReport
from annotator.core.agreement.fscore import RULES
from annotator.core.errors import AnnotatorError
from annotator.services import agreement as service
from annotator.ui.bidi import isolate, isolate_names
from annotator.ui.dialogs import folders
from annotator.ui.dialogs.agreement_tables import (
    fill_against_gold,
    fill_coefficients,
    fill_documents,
    fill_heatmap,
    fill_pair_grid,
    read_only_table,
    titled_heatmap,
)

if TYPE_CHECKING:
    from annotator.services.project import Project

AGREEMENT_KEY = "Ctrl+Shift+G"
STATUSES = {
    "any status (worked on by everyone)": (),
    "done": ("done",),
    "in progress": ("in_progress",),
}


class Computation(QThread):
    """Reads the chosen layers and computes a report on its own thread (ADR 0017).

    The reads share one snapshot (:func:`service.gather`); nothing is written.
    Cancel is checked between reading and measuring, and a cancelled
    computation reports nothing.

    Signals:
        stage(str): what is being done now, for the user.
        computed(AgreementReport): the report is ready.
        failed(str): a sentence for the user (unexpected errors are logged).
    """

    stage = Signal(str)
    computed = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        project: Project,
        request: service.AgreementRequest,
        cache: service.TokenCache,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._project = project
        self._request = request
        self._cache = cache
        self._stop = threading.Event()

    def cancel(self) -> None:
        """Stop at the next check and report nothing."""
        self._stop.set()

    def run(self) -> None:
        """Read, then compute; emit the report or a message (unless cancelled)."""
        try:
            self.stage.emit("Reading the layers…")
            gathered = service.gather(self._project, self._request)
            if self._stop.is_set():
                return
            self.stage.emit(f"Measuring {len(gathered.docs)} documents…")
            report = service.finish(gathered, self._cache)
            if not self._stop.is_set():
                self.computed.emit(report)
        except AnnotatorError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 (a bug: logged, said in one line)
            self.failed.emit(errorlog.unexpected_message(exc, "measuring agreement"))


NAME_ROLE = Qt.ItemDataRole.UserRole


def _checklist() -> QListWidget:
    """An empty list of names with check boxes (see :func:`_fill`)."""
    widget = QListWidget()
    widget.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    widget.setMaximumHeight(110)
    return widget


def _fill(widget: QListWidget, names: list[str], checked: bool) -> None:
    """Show ``names`` (the name itself kept in NAME_ROLE); names shown before keep their
    check state, new ones get ``checked``."""
    before = {
        str(widget.item(k).data(NAME_ROLE)): widget.item(k).checkState()
        for k in range(widget.count())
    }
    widget.clear()
    default = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
    for name in names:
        item = QListWidgetItem(isolate(name))
        item.setData(NAME_ROLE, name)
        item.setCheckState(before.get(name, default))
        widget.addItem(item)


def _checked(widget: QListWidget) -> tuple[str, ...]:
    return tuple(
        str(widget.item(k).data(NAME_ROLE))
        for k in range(widget.count())
        if widget.item(k).checkState() == Qt.CheckState.Checked
    )


class AgreementView(QDialog):
    """Filters, a Compute button, five tabs of figures and "Export report…".

    The fifth tab shows each annotator against gold, when that box is ticked.

    Signals:
        shown(AgreementReport): a computed report is on screen.
    """

    shown = Signal(object)

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Agreement")
        self._project = project
        self._thread: Computation | None = None
        self._tokens: service.TokenCache = {}  # by document SHA-256, kept between runs
        self.report: AgreementReport | None = None
        self.annotators = _checklist()
        self.labels = _checklist()
        self.documents = _checklist()
        self.against_gold = QCheckBox("Each annotator against gold")
        self.against_gold.setToolTip("Also each annotator's span F1 against the gold layer")
        self.reload_choices()
        self.status = QComboBox()
        self.status.addItems(list(STATUSES))
        self.rule = QComboBox()
        self.rule.addItems(list(RULES))
        self.rule.currentTextChanged.connect(self._show_grid)
        self.pairs = read_only_table()
        self.heatmap = read_only_table()
        self.coefficients = read_only_table()
        self.per_document = read_only_table()
        self.gold_table = read_only_table()
        self.message = QLabel("Choose the layers and press Compute.")
        self.message.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.hide()
        self.compute_button = QPushButton("Compute")
        self.compute_button.clicked.connect(self.compute)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.export_button = QPushButton("Export report…")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export_dialog)
        self._layout()
        self.resize(1000, 720)

    def _layout(self) -> None:
        filters = QGridLayout()
        for col, (title, widget) in enumerate(
            (("Annotators", self.annotators), ("Labels (none: all)", self.labels))
        ):
            filters.addWidget(QLabel(title), 0, col)
            filters.addWidget(widget, 1, col)
        filters.addWidget(QLabel("Documents (none: all)"), 0, 2)
        filters.addWidget(self.documents, 1, 2)
        filters.addWidget(QLabel("Status"), 0, 3)
        filters.addWidget(self.status, 1, 3)
        filters.addWidget(self.against_gold, 2, 3)
        pair_tab = QWidget()
        pair_box = QVBoxLayout(pair_tab)
        row = QHBoxLayout()
        row.addWidget(QLabel("Span F1 (micro), matching:"))
        row.addWidget(self.rule)
        row.addStretch(1)
        pair_box.addLayout(row)
        pair_box.addWidget(self.pairs)
        self.tabs = QTabWidget()
        self.tabs.addTab(pair_tab, "Pairs")
        self.tabs.addTab(titled_heatmap(self.heatmap), "Label confusion")
        self.tabs.addTab(self.coefficients, "Coefficients")
        self.tabs.addTab(self.per_document, "Documents (worst first)")
        self.tabs.addTab(self.gold_table, "Against gold")
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.busy)
        buttons.addWidget(self.compute_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)
        box = QVBoxLayout(self)
        box.addLayout(filters)
        box.addWidget(self.tabs, 1)
        box.addLayout(buttons)

    def reload_choices(self) -> None:
        """List the project's current annotators, labels and documents (ticks are kept)."""
        choices = service.choices(self._project)
        _fill(self.annotators, choices.annotators, True)
        _fill(self.labels, choices.labels, False)
        _fill(self.documents, choices.documents, False)
        self.against_gold.setEnabled(choices.gold is not None)
        if choices.gold is None:
            self.against_gold.setChecked(False)

    def request(self) -> service.AgreementRequest:
        """The request the filters describe."""
        return service.AgreementRequest(
            annotators=_checked(self.annotators),
            labels=_checked(self.labels),
            docs=_checked(self.documents),
            statuses=STATUSES[self.status.currentText()],
            gold=self.against_gold.isChecked(),
        )

    def compute(self) -> None:
        """Read the chosen layers and measure them on a worker thread; Cancel stops it."""
        if self._thread is not None:
            return
        self.compute_button.setEnabled(False)
        self.cancel_button.show()
        self.busy.show()
        self._thread = Computation(self._project, self.request(), self._tokens, self)
        self._thread.stage.connect(self.message.setText)
        self._thread.computed.connect(self._on_computed)
        self._thread.failed.connect(self._on_failed)
        self._thread.finished.connect(self._on_finished)
        self._thread.start()

    def cancel(self) -> None:
        """Stop a running computation; the figures shown before stay."""
        if self._thread is not None:
            self._thread.cancel()
            self.message.setText("Cancelled.")

    def _on_finished(self) -> None:
        if self._thread is not None:
            self._thread.deleteLater()
        self._thread = None
        self.busy.hide()
        self.cancel_button.hide()
        self.compute_button.setEnabled(True)

    def _on_failed(self, message: str) -> None:
        """The service's sentence, each annotator's name in it a bidi isolate."""
        names = [name for name, _kind in self._project.annotators()]
        self.message.setText(isolate_names(message, names))

    def _on_computed(self, report: AgreementReport) -> None:
        self.report = report
        self._show_grid()
        fill_heatmap(self.heatmap, report)
        fill_coefficients(self.coefficients, report)
        fill_documents(self.per_document, report)
        fill_against_gold(self.gold_table, report)
        self.export_button.setEnabled(True)
        who = ", ".join(isolate(a) for a in report.annotators)
        self.message.setText(f"{len(report.documents)} documents, annotators {who}.")
        self.shown.emit(report)

    def _show_grid(self) -> None:
        if self.report is not None:
            fill_pair_grid(self.pairs, self.report, self.rule.currentText())

    def export_dialog(self) -> None:
        """Ask for a file name and write the HTML report there."""
        path, _ = QFileDialog.getSaveFileName(
            self, "Export agreement report", folders.start_in("agreement.html"), "HTML (*.html)"
        )
        folders.remember(path)
        if path:
            self.export(Path(path))

    def export(self, path: Path) -> None:
        """Write the shown report as HTML to ``path``; say where, or why not."""
        if self.report is None:
            return
        try:
            service.write_report(self.report, "html", path, self._project.path)
        except AnnotatorError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Report written to {path}.")

    def wait(self) -> None:
        """Wait for a running computation (before closing)."""
        if self._thread is not None:
            self._thread.wait()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        """Let a running computation end before the window goes."""
        self.wait()
        super().closeEvent(event)


def install_agreement_view(window: Any, project: Project) -> QAction:
    """Add Tools → Agreement… (Ctrl+Shift+G) to ``window``; one view per window."""
    bar = window.menuBar()
    menu = next(
        (a.menu() for a in bar.actions() if a.text().replace("&", "") == "Tools" and a.menu()),
        None,
    )
    if not isinstance(menu, QMenu):
        menu = bar.addMenu("Tools")
    action = QAction("Agreement…", window)
    action.setObjectName("agreementAction")
    action.setShortcut(QKeySequence(AGREEMENT_KEY))
    menu.addAction(action)
    views: list[AgreementView] = []

    def open_view() -> None:
        if not views:
            views.append(AgreementView(project, window))
        else:
            views[0].reload_choices()  # a merge or an import may have added some
        views[0].show()
        views[0].raise_()
        views[0].activateWindow()

    action.triggered.connect(open_view)
    window.agreement_views = views
    window.installEventFilter(_WaitOnClose(views, window))
    return action


class _WaitOnClose(QObject):
    """Lets a running computation end before the window (and the view in it) is closed."""

    def __init__(self, views: list[AgreementView], parent: QObject) -> None:
        super().__init__(parent)
        self._views = views

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """On the window's Close event, wait for the views' computations."""
        if event.type() == QEvent.Type.Close:
            for view in self._views:
                view.wait()
        return False
