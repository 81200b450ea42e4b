"""Installs the event, relation and schema tools into the main window.

``install(window, project)`` (called by :mod:`annotator.app`) adds the Event
and Relations docks, takes over the event-type and relation-type hotkeys,
lets a label hotkey fill an armed event role, and adds Edit → Schema editor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from annotator.core.errors import AnnotatorError
from annotator.core.model import Edit, Event
from annotator.core.positions import CodePoint
from annotator.core.schema import Schema
from annotator.services.events import EventService
from annotator.ui.dialogs.schema_editor import SchemaEditor
from annotator.ui.pane.arcs import Arc
from annotator.ui.panels.event_panel import EditorContext, EventPanel, follow
from annotator.ui.panels.layer_reads import LayerReads
from annotator.ui.panels.relation_panel import RelationPanel

if TYPE_CHECKING:
    from annotator.services.project import Project
    from annotator.ui.main_window import MainWindow

SCHEMA_EDITOR_KEY = "Ctrl+Shift+E"
Area = Qt.DockWidgetArea


class EventTools(QObject):
    """The installed tools; kept on the window as ``window.event_tools``.

    Attributes:
        events: the event and relation service.
        event_panel: the Event dock's panel.
        relation_panel: the Relations dock's panel.
        schema_action: Edit → Schema editor… (Ctrl+Shift+E).
    """

    def __init__(self, window: MainWindow, project: Project) -> None:
        super().__init__(window)
        self._window = window
        self._project = project
        self.events = EventService(project.annotations, lambda: project.schemas.schema)
        self._events: list[Event] = []
        self._waiting = False  # the events are read once the pane has the document's spans
        # before the panels': the argument arcs are ready when the relation arcs are
        window.pane.spansLoaded.connect(self._on_spans_loaded)
        self.ctx = EditorContext(
            pane=window.pane,
            stack=window.undo_stack,
            annotations=project.annotations,
            events=self.events,
            schema=lambda: project.schemas.schema,
            doc_id=window.current_doc_id,
            annotator=window.current_annotator,
            # before the panels: it hears each edit first (see LayerReads)
            reads=LayerReads(
                project.annotations, window.pane, window.current_doc_id, window.current_annotator
            ),
        )
        self.event_panel = EventPanel(self.ctx)
        self.relation_panel = RelationPanel(self.ctx)
        self.schema_editor: SchemaEditor | None = None
        window.add_dock(self.event_panel, "Event", Area.LeftDockWidgetArea)
        window.add_dock(self.relation_panel, "Relations", Area.LeftDockWidgetArea)
        window.set_event_type_handler(self.create_event)
        window.set_relation_type_handler(self.relate)
        self._take_over_tagging()
        self.schema_action = QAction("Schema editor…", window)
        self.schema_action.setShortcut(QKeySequence(SCHEMA_EDITOR_KEY))
        self.schema_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.schema_action.triggered.connect(lambda _checked=False: self.open_schema_editor())
        window.addAction(self.schema_action)
        window.edit_menu.addSeparator()
        window.edit_menu.addAction(self.schema_action)
        for panel in (self.event_panel, self.relation_panel):
            panel.overlaysChanged.connect(self.update_overlays)
        self._argument_arcs: tuple[list[Event], Schema, list[Arc]] | None = None  # made from
        window.documentChanged.connect(lambda _doc: self._on_document())
        follow(project.schemas.changed, self, lambda _s: self._on_document())
        follow(project.annotations.changed, self, self._on_edit)
        # The window opened its first document before these tools existed: draw its
        # relations now (or once its spans are in), not only after the next documentChanged.
        self._on_document()

    # -- handlers the window calls ---------------------------------------------
    def create_event(self, name: str, start: CodePoint, end: CodePoint) -> None:
        """Event-type hotkey: make ``[start, end)`` the trigger of a new ``name`` event."""
        doc_id = self._window.current_doc_id()
        if doc_id is None:
            return
        annotator = self._window.current_annotator()
        try:
            edit = self.ctx.push(
                lambda: self.events.create_event(doc_id, annotator, start, end, name),
                f"Event {name}",
            )
        except AnnotatorError as exc:
            self._window.show_message(str(exc))
            return
        pane = self._window.pane
        pane.clear_text_selection()
        event = edit.add.events[0]
        pane.select_span(event.trigger_id, scroll=False)
        self.event_panel.set_event(event.id)

    def relate(self, name: str, _span_ids: list[int]) -> None:
        """Relation-type hotkey: relate the two selected spans."""
        if not self.relation_panel.relate(name):
            self._window.show_message(self.relation_panel.message.text())

    def _take_over_tagging(self) -> None:
        """A label hotkey on new text fills the armed event role, if one is armed."""
        self._window.tagging.fill_armed_role = self.event_panel.fill_with_new_span

    # -- schema editor ---------------------------------------------------------
    def open_schema_editor(self) -> SchemaEditor:
        """Show the schema editor (one per window), and return it."""
        if self.schema_editor is None:
            self.schema_editor = SchemaEditor(
                self._project.schemas, self._window.undo_stack, self._window
            )
        self.schema_editor.refresh()
        self.schema_editor.show()
        self.schema_editor.raise_()
        return self.schema_editor

    # -- view ------------------------------------------------------------------
    def _read_events(self) -> None:
        self._events = self.ctx.reads.events()

    def _on_edit(self, edit: Edit) -> None:
        """Re-read the events (for their argument arcs) when an edit touches them."""
        if edit.remove.events or edit.add.events or edit.remove.spans:
            self._read_events()
            self.update_overlays()

    def argument_arcs(self) -> list[Arc]:
        """An arc from each event's trigger to each of its arguments, captioned with the role.

        Made again only when the events were read again or the schema changed (this is
        asked after every selection change; issue 18).
        """
        schema = self._project.schemas.schema
        made = self._argument_arcs
        if made is not None and made[0] is self._events and made[1] is schema:
            return made[2]
        colors = {t: schema.color_of(t) for t in {event.type for event in self._events}}
        arcs = [
            Arc(event.trigger_id, arg.span_id, arg.role, colors[event.type])
            for event in self._events
            for arg in event.arguments
        ]
        self._argument_arcs = (self._events, schema, arcs)
        return arcs

    def _on_document(self) -> None:
        """Another document, or the schema changed: read the events again.

        While the pane is loading a document's spans (it has just opened it) nothing is
        read: the arcs and panels are emptied now and filled on ``spansLoaded``, after the
        first paint (ADR 0005, text first).
        """
        self.ctx.reads.forget()
        self._waiting = self._window.pane.loading
        if self._waiting:
            self._events = []
        else:
            self._read_events()
        self.event_panel.refresh()
        self.relation_panel.refresh()
        self.update_overlays()

    def _on_spans_loaded(self) -> None:
        if self._waiting:
            self._waiting = False
            self._read_events()
            self.event_panel.refresh()  # the event it showed before the document was reopened
            self.update_overlays()

    def update_overlays(self) -> None:
        """Draw the event's arguments and the selected span's relations in the text."""
        overlays = self.event_panel.overlays() + self.relation_panel.overlays()
        self._window.pane.set_overlays(overlays)
        self._window.pane.set_arcs(self.relation_panel.arcs() + self.argument_arcs())


def install_event_tools(window: MainWindow, project: Project) -> EventTools:
    """Install the event, relation and schema tools; returns them (also ``window.event_tools``)."""
    tools = EventTools(window, project)
    window.event_tools = tools  # type: ignore[attr-defined]
    return tools
