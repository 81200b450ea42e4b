"""The main window: lays out the pane and panels and routes user actions to controllers.

It holds no annotation logic: tagging lives in :mod:`annotator.ui.tagging`,
edits in the services, and every edit goes through :attr:`MainWindow.undo_stack`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont, QResizeEvent, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QWidget,
)

from annotator.core.change import Change
from annotator.core.errors import AnnotatorError
from annotator.core.model import Document, DocumentSummary, Edit, ImportReport, Status
from annotator.core.schema import Schema
from annotator.ui.actions import LabelActions, install_menus
from annotator.ui.band_action import install_band_action
from annotator.ui.bridge import ServiceSignals
from annotator.ui.deletion_actions import follow_deletions
from annotator.ui.dialogs.import_flow import import_into
from annotator.ui.document_actions import switched_message
from annotator.ui.document_feed import DocumentFeed
from annotator.ui.gui_thread import connect_workers
from annotator.ui.pane.text_pane import TextPane
from annotator.ui.panels.palette import KIND_LABEL, LabelPalette
from annotator.ui.panels.panels import AnnotationPanel, DocumentList
from annotator.ui.status_line import StatusLine
from annotator.ui.tagging import EventTypeHandler, RelationTypeHandler, TaggingController
from annotator.ui.undo import UndoStack, hear_other_writers, watch_other_writers
from annotator.ui.window_view import WindowView

if TYPE_CHECKING:  # services are only used through the objects passed in
    from annotator.services.project import Project

Area = Qt.DockWidgetArea
FIRST_SCREEN = 8000  # code points; more than a maximised window shows when a document opens


class MainWindow(QMainWindow):
    """The annotation workbench for one project and one annotator.

    Args:
        project: the open project (services).
        annotator: the current annotator's name; the pane shows this layer.
        settings: where to keep window geometry (None: do not keep it).

    Signals:
        documentChanged(int): another document is now shown (its id).
        annotatorChanged(str): the pane now shows and edits this annotator's layer.
        fontChanged(QFont): the text font changed (zoom or the font dialog).
    """

    documentChanged = Signal(int)
    annotatorChanged = Signal(str)
    fontChanged = Signal(QFont)

    def __init__(self, project: Project, annotator: str, settings: QSettings | None = None) -> None:
        super().__init__()
        self.project = project
        self._annotator = annotator
        self._settings = settings
        self._document: Document | None = None
        self._undo = UndoStack(self)
        self.signals = ServiceSignals(project, self)
        self.gui_thread = connect_workers(project, self.show_message)  # ADR 0017
        self.last_notice = ""
        self._pane = TextPane(self)
        self.setCentralWidget(self._pane)
        self.view = WindowView(self, self._pane, settings, self.fontChanged.emit, self.show_message)
        self.dock_layout = self.view.dock_layout
        self.tagging = TaggingController(self, project, self)
        self.documents = DocumentList(self)
        self.annotations_panel = AnnotationPanel(self)
        self.table = self.annotations_panel.table
        self.palette_panel = LabelPalette(self)
        self._build_menus_and_docks()
        self.status_line = StatusLine(self, project.path, project.read_only)
        self._update_status()
        self._connect()
        self._on_schema_changed(project.schemas.schema)
        self.refresh_documents()
        first = self.documents.model_.rows()
        if first:
            self.open_document(first[0].id)
        self.view.restore_geometry()
        self._watch = watch_other_writers(
            self._undo, project.foreign_changes, project.skip_foreign_changes, self
        )

    # -- public API for extensions ------------------------------------------------
    @property
    def pane(self) -> TextPane:
        """The text pane."""
        return self._pane

    @property
    def undo_stack(self) -> QUndoStack:
        """The undo stack every edit goes through."""
        return self._undo

    def current_doc_id(self) -> int | None:
        """Id of the shown document, or None when the project is empty."""
        return self._document.id if self._document else None

    def current_document(self) -> Document | None:
        """The shown document (with its stored text)."""
        return self._document

    def current_annotator(self) -> str:
        """The annotator whose layer is shown and edited."""
        return self._annotator

    def add_dock(
        self, widget: QWidget, title: str, area: Area = Area.RightDockWidgetArea
    ) -> QDockWidget:
        """Add a panel as a dock, with a toggle in the View menu."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.dock_layout.add(dock, area)
        self.view_menu.addAction(dock.toggleViewAction())
        return dock

    def set_event_type_handler(self, handler: EventTypeHandler) -> None:
        """Replace what an event-type hotkey does: ``handler(type_name, start, end)``."""
        self.tagging.event_type_handler = handler

    def set_relation_type_handler(self, handler: RelationTypeHandler) -> None:
        """Replace what a relation-type hotkey does: ``handler(type_name, selected_span_ids)``."""
        self.tagging.relation_type_handler = handler

    def show_message(self, text: str, timeout_ms: int = 6000) -> None:
        """Show a short message in the status bar."""
        self.statusBar().showMessage(text, timeout_ms)

    def notify(self, text: str) -> None:
        """Tell the user something they must not miss (kept for 30 s in the status bar)."""
        self.last_notice = text
        self.show_message(text, 30000)

    def undo(self) -> None:
        """Undo one step, unless another writer made the history obsolete (a Done doc asks)."""
        self._hear_others()
        self._undo.undo_asking()

    def redo(self) -> None:
        """Redo one step, after the same check as :meth:`undo`."""
        self._hear_others()
        self._undo.redo_asking()

    # -- construction ---------------------------------------------------------------
    def _build_menus_and_docks(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("File")
        self.edit_menu = bar.addMenu("Edit")
        self.document_menu = bar.addMenu("Document")
        self.labels_menu = bar.addMenu("Labels")
        self.view_menu = bar.addMenu("View")
        self.actions_ = install_menus(self)
        self.label_actions = LabelActions(self)
        self.band_action = install_band_action(self, self.view_menu, self._pane, self._settings)
        self.add_dock(self.documents, "Documents", Area.RightDockWidgetArea)
        self.add_dock(self.palette_panel, "Labels", Area.RightDockWidgetArea)
        self.annotations_dock = self.add_dock(
            self.annotations_panel, "Annotations", Area.LeftDockWidgetArea
        )

    def _connect(self) -> None:
        self._undo.historyCleared.connect(self.notify)
        self.signals.changeApplied.connect(self._on_change)
        self.signals.editApplied.connect(self._on_edit)
        self.document_feed = DocumentFeed(
            self.documents.model_,
            self.project.documents.summaries,
            self.current_annotator,
            self.gui_thread,
            self.refresh_documents,
            self._list_shown,
        )
        # dies with the window: its batch timer must not fire into a closed window's list
        self.document_feed.setParent(self)
        # Asking the change log what others wrote is a query: during a job it runs at most
        # every 250 ms, not once per committed file (profiled: most of the GUI thread's time).
        self._poll_others = self.gui_thread.throttled(self._hear_others, self, 250)
        self.signals.schemaChanged.connect(self._on_schema_changed)
        self.documents.documentActivated.connect(self.open_document)
        self.table.spanActivated.connect(self._pane.select_span)
        self._table_span = -1
        self._table_sync = QTimer(self)
        self._table_sync.setSingleShot(True)
        self._table_sync.setInterval(0)
        self._table_sync.timeout.connect(lambda: self.table.show_span(self._table_span))
        self._pane.spanSelectionChanged.connect(self._on_span_selection)
        self._pane.spansLoaded.connect(
            lambda: self.table.model_.set_spans(
                self._pane.text, self._pane.spans(), self.project.schemas.schema
            )
        )
        self.palette_panel.activated.connect(self._on_palette)

    # -- documents ---------------------------------------------------------------
    def refresh_documents(self) -> None:
        """Reload the document list from the project."""
        self.show_documents(self.list_reader()())

    def list_reader(self) -> Callable[[], list[DocumentSummary]]:
        """A function that reads the document list of the shown layer, on any thread: a job's
        worker reads it when its work is done, so the GUI thread only shows it (ADR 0017)."""
        documents, annotator = self.project.documents, self._annotator
        return lambda: documents.summaries(annotator)

    def show_documents(self, rows: list[DocumentSummary]) -> None:
        """Show ``rows`` (the whole list, as :meth:`list_reader` read it) in the document list."""
        self.document_feed.clear()
        self.documents.model_.set_rows(rows)
        self._list_shown()

    def _list_shown(self) -> None:
        if self._document is not None:
            self.documents.select_document(self._document.id)
        self._update_status()

    def open_document(self, doc_id: int) -> None:
        """Show a document and the current annotator's spans on it."""
        doc = self.project.documents.document(doc_id)
        schema = self.project.schemas.schema
        self._document = doc
        ann, who = self.project.annotations, self._annotator
        # emptied first, filled once the pane has the spans (spansLoaded); a panel that asks
        # the pane for a span while it opens loads them before open_text returns
        self.table.model_.set_spans(doc.text, [], schema)
        self._pane.open_text(
            doc.text,
            schema,
            lambda: ann.spans(doc_id, who),
            lambda: ann.spans_before(doc_id, who, FIRST_SCREEN),
        )
        self.documents.select_document(doc_id)
        self._update_status()
        self.documentChanged.emit(doc_id)

    def _step_document(self, step: int) -> None:
        rows = self.documents.model_.rows()
        if not rows:
            return
        current = self.documents.model_.row_of(self.current_doc_id() or -1)
        target = max(0, min(len(rows) - 1, current + step))
        if target != current:
            self.open_document(rows[target].id)

    def next_document(self) -> None:
        """Show the next document in the list."""
        self._step_document(1)

    def previous_document(self) -> None:
        """Show the previous document in the list."""
        self._step_document(-1)

    def set_annotator(self, name: str) -> None:
        """Show and edit ``name``'s layer from now on, without restarting.

        The undo history is cleared (its steps belong to the previous layer) and the user is told.
        """
        if name == self._annotator:
            return
        previous, self._annotator = self._annotator, name
        self._undo.clear()
        self.refresh_documents()
        if self._document is not None:
            self.open_document(self._document.id)
        self.notify(switched_message(name, previous))
        self.annotatorChanged.emit(name)

    def mark_done(self) -> None:
        """Mark the shown document done for the current annotator."""
        doc_id = self.current_doc_id()
        if doc_id is not None:
            try:
                self.project.documents.set_status(doc_id, self._annotator, Status.DONE)
                self.show_message("Marked done.")
            except AnnotatorError as exc:  # refused (a server away, a read-only file)
                self.notify(str(exc))

    def close_document(self) -> None:
        """Show no document (the shown one was deleted and the project has no other)."""
        self._document, schema = None, self.project.schemas.schema
        self._pane.open_text("", schema, list)
        self.table.model_.set_spans("", [], schema)
        self._update_status()

    def import_paths(self, paths: list[Path]) -> ImportReport:
        """Import files or folders on a worker thread with a progress dialog, then report."""
        return import_into(self, paths)

    # -- tagging -------------------------------------------------------------------
    def apply_name(self, name: str, char_mode: bool = False) -> None:
        """Apply a label, event type or relation type (hotkeys and palette clicks)."""
        if self._document is None:
            self.show_message("Import a document first.")
            return
        self.tagging.apply_name(name, char_mode)

    def set_char_mode(self, on: bool) -> None:
        """Switch character mode (tag exactly the selected characters) on or off."""
        self._pane.char_mode = on
        self.actions_["char_mode"].setChecked(on)
        self._update_status()

    def clear_selection(self) -> None:
        """Drop both the text selection and the span selection."""
        self._pane.clear_text_selection()
        self._pane.select_span(-1, scroll=False)

    def _on_palette(self, name: str, kind: str) -> None:
        self.apply_name(name, False)
        if kind == KIND_LABEL:
            self._pane.setFocus()

    def _on_span_selection(self, ids: list[int]) -> None:
        # The table follows right after the pane has repainted: selecting and
        # scrolling a 20,000-row table costs several ms that a hotkey must not wait for.
        self._table_span = ids[-1] if ids else -1
        self._table_sync.start()

    def _hear_others(self) -> None:
        hear_other_writers(
            self._undo, self.project.foreign_changes, self.project.skip_foreign_changes
        )

    def _on_change(self, change: Change) -> None:
        self._poll_others()
        self.document_feed.take(change)  # new documents, statuses, deletions
        follow_deletions(self, change)
        if change.removed_documents or change.restored_documents:
            return  # the document list reloads from the project
        new = set(change.new_documents)  # read with their spans
        for edit in change.edits:
            if edit.annotator == self._annotator and edit.doc_id not in new:
                delta = len(edit.add.spans) - len(edit.remove.spans)
                self.documents.model_.update_row(edit.doc_id, span_delta=delta)

    def _on_edit(self, edit: Edit) -> None:
        if edit.annotator != self._annotator:
            return
        if edit.doc_id == self.current_doc_id():
            self._pane.apply_edit(edit)
            self.table.model_.apply_edit(edit)
            # a changed span's row is removed and inserted: put the highlight back on it
            self._on_span_selection(self._pane.selected_span_ids())

    def _on_schema_changed(self, schema: Schema) -> None:
        self._pane.set_schema(schema)
        self.table.model_.set_schema(schema)
        self.palette_panel.set_schema(schema)
        self.label_actions.rebuild(schema)

    # -- status --------------------------------------------------------------------
    def _update_status(self) -> None:
        doc, status = self._document, ""
        if doc is not None:
            row = self.documents.model_.row_of(doc.id)
            status = self.documents.model_.summary(row).status.display if row >= 0 else ""
        name = doc.name if doc is not None else None
        self.status_line.show(name, status, self._annotator, self._pane.char_mode)

    # -- lifetime ------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        """On first show (every dock exists by then), restore or pin the dock layout."""
        self.view.first_show()
        super().showEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        """Let panels give way when the text would become narrower than readable."""
        super().resizeEvent(event)
        self.view.fit_panels()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        """Keep the window geometry, and stop listening to the project."""
        self.view.save()
        self._watch.stop()
        self.signals.detach()
        super().closeEvent(event)
