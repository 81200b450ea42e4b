"""Review mode: the chosen annotators' panes below the editable gold pane, and adjudication.

Entering review mode switches the window to the gold layer (its pane is the
window's own, editable as usual) and shows a bottom dock with a read-only pane
per chosen annotator (or one interleaved pane) and the disagreement panel.
F8 / Shift+F8 step through the disagreements the adjudication service finds;
1…9 accept the k-th annotator's version into gold as one undoable step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QMenu, QSplitter

from annotator.core.errors import AnnotatorError, WorkCancelled
from annotator.core.model import Edit
from annotator.services.adjudication import CurationStatus, set_curation_status
from annotator.ui.bidi import isolate
from annotator.ui.commands import EditDeclined, ask_first, push_applied, push_change
from annotator.ui.dialogs.progress import run_with_progress
from annotator.ui.review.disagreement_panel import DisagreementPanel
from annotator.ui.review.disputes import (
    ShownDispute,
    accept_version,
    gold_name,
    premerged,
    read_layers,
    shown_disputes,
    with_gold,
)
from annotator.ui.review.narrow import BESIDE_FROM, NarrowReview
from annotator.ui.review.review_view import Layout, ReviewView

DOCK_SHARE = 0.45
"""The review dock's share of the window's height when review mode starts."""

if TYPE_CHECKING:
    from annotator.services.project import Project
    from annotator.ui.main_window import MainWindow


class CurationLock(Protocol):
    """Who may curate a document now: on a team server, one curator at a time
    (:class:`annotator.ui.team_work.TeamTools`); on a project file, anybody."""

    def take(self, doc_id: int) -> str | None:
        """Hold the document's gold layer; None when held, else why not (a sentence)."""

    def release(self, doc_id: int) -> None:
        """Let go of the document's gold layer."""


class NoLock:
    """A project file's curation lock: every document may be curated."""

    def take(self, doc_id: int) -> str | None:
        """Always held."""
        return None

    def release(self, doc_id: int) -> None:
        """Nothing to let go of."""


class ReviewController(QObject):
    """Owns review mode for one window: which layers, how shown, the current disagreement.

    Args:
        window: the workbench; its pane becomes the gold pane in review mode.
        project: the open project.

    Signals:
        activeChanged(bool): review mode was entered (True) or left (False).
    """

    activeChanged = Signal(bool)

    def __init__(self, window: MainWindow, project: Project) -> None:
        super().__init__(window)
        self._window = window
        self._project = project
        self.names: list[str] = []
        self.layout = Layout.SIDE_BY_SIDE
        self.disputes: list[ShownDispute] = []
        self.current = -1
        self._previous_annotator = ""
        self.curation_lock: CurationLock = NoLock()
        self._held: int | None = None  # the document whose gold layer review mode holds
        self.view = ReviewView()
        self.panel = DisagreementPanel()
        self.dock: QDockWidget | None = None
        self.dock_menu: QMenu | None = None
        """Where the dock's show/hide item goes (View → Review); the View menu if None."""
        self._corner: Qt.DockWidgetArea | None = None
        self._narrow = NarrowReview(window)
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(0)
        self._refresh.timeout.connect(self.refresh_gold)
        self.panel.acceptRequested.connect(self.accept)
        self.panel.stepRequested.connect(self.step)
        window.documentChanged.connect(self._on_document)
        window.annotatorChanged.connect(self._on_annotator_changed)
        window.fontChanged.connect(self.view.set_font)  # zoom and font reach every pane at once
        window.signals.editApplied.connect(self._on_edit)

    @property
    def active(self) -> bool:
        """True while review mode is on."""
        return bool(self.names)

    @property
    def gold(self) -> str:
        """The gold layer's name."""
        return gold_name(self._project)

    # -- entering and leaving --------------------------------------------------------
    def start(self, names: list[str], layout: Layout) -> None:
        """Review ``names``' layers (two or more) shown as ``layout``; gold becomes editable."""
        if len(names) < 2:
            self._window.show_message("Choose two or more annotators to review.")
            return
        refused = self._hold(self._window.current_doc_id())
        if refused is not None:
            self._window.notify(refused)
            return
        try:
            gold = self._ensure_gold()
        except AnnotatorError as exc:
            if not self.active:
                self._let_go()
            self._window.notify(str(exc))
            return
        if not self.active:
            self._previous_annotator = self._window.current_annotator()
        self.names, self.layout = list(names), layout
        self.panel.set_annotators(self.names)
        reopened = self._window.current_annotator() != gold
        self._window.set_annotator(gold)  # reopens the document, which reloads the panes
        self._show_dock()
        if not reopened:
            self.reload()
        self.activeChanged.emit(True)

    def _ensure_gold(self) -> str:
        """The gold layer's name; the layer is created (document open) if the project has none.

        Edits made in the gold pane go through the normal annotation service,
        which would create an unknown layer as a person's: so gold must exist first.
        """
        gold = self.gold
        doc_id = self._window.current_doc_id()
        if self._project.gold_annotator() is None and doc_id is not None:
            set_curation_status(self._project, doc_id, CurationStatus.OPEN)
        return gold

    def _hold(self, doc_id: int | None) -> str | None:
        """Hold ``doc_id``'s gold layer, letting go of the one held before; None when held,
        else the sentence saying who holds it."""
        if doc_id is None or doc_id == self._held:
            return None
        refused = self.curation_lock.take(doc_id)
        if refused is None:
            self._let_go()
            self._held = doc_id
        return refused

    def _let_go(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            self.curation_lock.release(held)

    def _on_document(self, doc_id: int) -> None:
        """Another document in review mode: its gold layer is held first, or review mode is
        left, saying which curator holds it."""
        refused = self._hold(doc_id) if self.active else None
        if refused is not None:
            self.stop()
            self._window.notify(refused)  # after the switch's own notice
            return
        self.reload()

    def stop(self) -> None:
        """Leave review mode and go back to the annotator's own layer; the document's gold
        layer is let go of."""
        if not self.active:
            return
        self._let_go()
        self.names, self.disputes, self.current = [], [], -1
        self._narrow.leave()  # before hiding the dock: the layout it restores showed it
        if self.dock is not None:
            self.dock.hide()
        if self._corner is not None:
            self._window.setCorner(Qt.Corner.BottomLeftCorner, self._corner)
            self._corner = None
        if self._previous_annotator:
            self._window.set_annotator(self._previous_annotator)
        self.activeChanged.emit(False)

    def _on_annotator_changed(self, name: str) -> None:
        """Switching to another layer than gold (File → Switch annotator…) leaves review mode."""
        if self.active and name != self.gold:
            self._previous_annotator = ""  # stay on the layer the user chose
            self.stop()

    def _show_dock(self) -> None:
        """The bottom dock: annotator panes, then the disagreement panel, split 2 : 1.

        Not a :meth:`MainWindow.add_dock` side panel: those have a side panel's
        width limits, and the panes need width. While review mode is on in a
        window at least :data:`BESIDE_FROM` wide, the left column of side panels
        keeps the window's whole height and the dock lies beside it: the left
        panels' smallest heights add up to most of an 800 px screen, so a dock
        under them would be left one line of text. In a narrower window the side panels are
        stacked as tabs instead (:class:`~annotator.ui.review.narrow.NarrowReview`).
        """
        window = self._window
        if self.dock is None:
            split = QSplitter(Qt.Orientation.Horizontal)
            split.setObjectName("reviewSplit")
            split.setChildrenCollapsible(False)
            split.addWidget(self.view)
            split.addWidget(self.panel)
            split.setStretchFactor(0, 2)
            split.setStretchFactor(1, 1)
            self.dock = QDockWidget("Review", window)
            self.dock.setObjectName("dock-Review")
            self.dock.setWidget(split)
            window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
            toggle = self.dock.toggleViewAction()
            toggle.setText("Review panes")  # the View menu has one item called Review
            (self.dock_menu or window.view_menu).addAction(toggle)
        if self._corner is None:
            self._corner = window.corner(Qt.Corner.BottomLeftCorner)
        if window.width() >= BESIDE_FROM:  # a narrow window keeps the whole width for the panes
            window.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._narrow.enter(self.dock)
        self.dock.show()
        self.dock.raise_()
        window.resizeDocks(
            [self.dock], [int(window.height() * DOCK_SHARE)], Qt.Orientation.Vertical
        )
        content = self.dock.widget()
        if isinstance(content, QSplitter):
            width = max(content.width(), self.dock.width())
            content.setSizes([width * 2 // 3, width - width * 2 // 3])

    # -- showing -----------------------------------------------------------------
    def reload(self) -> None:
        """Show the chosen layers of the window's document, and its disagreements."""
        doc = self._window.current_document()
        if not self.active or doc is None:
            return
        layers = read_layers(self._project, doc.id, self.names)
        spans = {name: list(layer.spans) for name, layer in layers.items()}
        self.view.set_font(self._window.pane.font())
        band = self._window.pane.band_on
        self.view.show_layers(doc.text, spans, self._project.schemas.schema, self.layout, band)
        self.disputes = shown_disputes(self._project, doc, layers, self.gold)
        self.current = -1
        self._show_current()

    def refresh_gold(self) -> None:
        """Gold changed: only what gold holds at each disagreement is read again."""
        doc = self._window.current_document()
        if not self.active or doc is None:
            return
        self.disputes = with_gold(self._project, doc, self.disputes, self.gold)
        self._show_current()

    def _show_current(self) -> None:
        ranges = [r for d in self.disputes for r in d.ranges]
        if not 0 <= self.current < len(self.disputes):
            self.view.set_disputes(ranges)
            total = len(self.disputes)
            self.panel.show_none(
                f"{total} disagreements on this document. F8: next."
                if total
                else "No disagreements on this document."
            )
            return
        dispute = self.disputes[self.current]
        self.view.set_disputes(ranges, dispute.ranges)
        versions = [(name, dispute.versions.get(name, "nothing")) for name in self.names]
        title = f"Disagreement {self.current + 1} of {len(self.disputes)}: {dispute.title}"
        self.panel.show_versions(title, dispute.context, versions, dispute.gold)

    def _on_edit(self, edit: Edit) -> None:
        if not self.active or edit.doc_id != self._window.current_doc_id():
            return
        if edit.annotator in self.names:
            self.reload()  # another window or an import changed a reviewed layer
        elif edit.annotator == self.gold:
            self._refresh.start()

    # -- stepping and accepting ----------------------------------------------------------
    def step(self, direction: int) -> None:
        """Go to the next (1) or previous (-1) disagreement: scroll, select, show who has what."""
        if not self.active:
            return
        target = self.current + direction
        if not 0 <= target < len(self.disputes):
            where = "last" if direction > 0 else "first"
            self._window.show_message(
                f"This is the {where} disagreement." if self.disputes else "No disagreements."
            )
            return
        self.current = target
        self.focus_current()

    def focus_current(self) -> None:
        """Scroll every pane (gold too) to the current disagreement and select it."""
        if not 0 <= self.current < len(self.disputes):
            return
        dispute = self.disputes[self.current]
        start, end = dispute.focus
        self.view.focus(start, end, dispute.span_ids)
        gold = self._window.pane
        gold.scroll_to_offset(start)
        gold.select_text(start, end)  # a label hotkey now tags it in gold
        self._show_current()

    def accept(self, position: int) -> None:
        """Accept the ``position``-th chosen annotator's version of the current disagreement."""
        doc_id = self._window.current_doc_id()
        if not self.active or doc_id is None or not 0 <= self.current < len(self.disputes):
            self._window.show_message("Go to a disagreement first (F8).")
            return
        if position >= len(self.names):
            return
        name, dispute = self.names[position], self.disputes[self.current]
        project = self._project
        try:
            push_change(
                self._window.undo_stack,
                project.write,
                lambda: accept_version(project, doc_id, dispute, name),
                f"Accept {isolate(name)}'s version",
                ask={(doc_id, self.gold)},  # a curated (Done) document asks first
            )
        except EditDeclined as exc:
            self._window.show_message(str(exc))
            return
        except AnnotatorError as exc:
            self._window.notify(str(exc))
            return
        self._window.show_message(f"Accepted {isolate(name)}'s version into gold.")
        self._refresh.stop()  # the gold edit asked for it: do it now, once
        self.refresh_gold()

    def premerge(self) -> None:
        """Add to gold what all reviewed annotators agree on in this document (one undo step)."""
        doc_id = self._window.current_doc_id()
        if not self.active or doc_id is None:
            self._window.show_message("Start review mode first (Ctrl+Shift+R).")
            return
        project, names = self._project, self.names
        try:
            ask_first(self._window.undo_stack, {(doc_id, self.gold)})
        except EditDeclined as exc:  # a curated (Done) document, and the user cancelled
            self._window.show_message(str(exc))
            return
        try:  # on a worker thread (ADR 0017); the applied change then becomes the undo step
            change, late = run_with_progress(
                self._window,
                "Pre-merge",
                lambda progress: premerged(project, doc_id, names, progress),
                context="pre-merging",
            )
        except WorkCancelled as exc:
            self._window.show_message(str(exc))
            return
        except AnnotatorError as exc:
            self._window.notify(str(exc))
            return
        push_applied(self._window.undo_stack, project.write, change, "Pre-merge agreed annotations")
        added = sum(len(e.add.spans) for e in change.edits)
        message = f"Pre-merged what all agree on into gold ({added} spans added)."
        if late:  # Cancel was pressed while the change was being written: it is saved
            self._window.notify(f"Cancel came too late: {message} Undo takes it back.")
        else:
            self._window.show_message(message)
