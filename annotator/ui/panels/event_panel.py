"""The event panel: the selected event's type and role slots, filled by key and click.

Fill a slot by choosing its role (click the row, or press Alt+1, Alt+2, ... or
the role's own hotkey) and then clicking an entity span in the text, or by
selecting new text and pressing a label's hotkey (the span is created and the
slot filled in one undoable step). The arguments of the selected or hovered
event are outlined in the text with their role names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.model import Edit, Event
from annotator.core.positions import CodePoint
from annotator.core.schema import EventType, Schema
from annotator.services.events import EventService, Outcome
from annotator.ui.commands import push_edit
from annotator.ui.pane.text_pane import Overlay, TextPane

if TYPE_CHECKING:
    from annotator.services.annotations import AnnotationService
    from annotator.ui.panels.layer_reads import LayerReads

WARN_STYLE = "background:#fff3cd; color:#7a4b00; padding:4px; border:1px solid #e0a800;"
ERROR_STYLE = "background:#f8d7da; color:#842029; padding:4px; border:1px solid #c62828;"
HINT_STYLE = "background:#e7f1ff; color:#084298; padding:4px;"
MAX_ROLE_KEYS = 9
NO_EVENT = "No event selected. Select a trigger, or select text and press an event key."
NO_EVENT_TYPE = "(no event)"


@dataclass
class EditorContext:
    """What the event and relation tools need from the window.

    Attributes:
        pane: the text pane showing the current document.
        stack: the window's undo stack (every edit is pushed there).
        annotations: the project's annotation service.
        events: the event and relation service.
        schema: returns the project's current schema.
        doc_id: returns the id of the document shown, or None.
        annotator: returns the current annotator's name.
        reads: the shown layer's events and relations, read once per change (the panels
            read them there, not from the services, on every selection and edit).
    """

    pane: TextPane
    stack: QUndoStack
    annotations: AnnotationService
    events: EventService
    schema: Callable[[], Schema]
    doc_id: Callable[[], int | None]
    annotator: Callable[[], str]
    reads: LayerReads

    def push(self, action: Callable[[], Edit], text: str) -> Edit:
        """Run ``action`` as one undoable command (raises what the service refuses)."""
        return push_edit(self.stack, self.annotations, action, text)

    def push_outcome(self, action: Callable[[], Outcome], text: str) -> Outcome:
        """Like :meth:`push` for calls that also return a role-check warning."""
        box: list[Outcome] = []

        def run() -> Edit:
            box.append(action())
            return box[0].edit

        edit = self.push(run, text)
        return Outcome(edit, box[0].warning if box else "")


def follow(signal: Any, owner: QObject, slot: Callable[[Any], None]) -> None:
    """Connect a Qt-free service signal to ``slot`` until ``owner`` is destroyed."""

    def relay(payload: Any) -> None:
        if shiboken6.isValid(owner):
            slot(payload)
        else:
            signal.disconnect(relay)

    signal.connect(relay)
    owner.destroyed.connect(lambda *_: signal.disconnect(relay))


class EventPanel(QWidget):
    """Shows one event (type, trigger, role slots) and fills its roles.

    Signals:
        overlaysChanged(): the outlines to draw in the text changed (see :meth:`overlays`).
    """

    overlaysChanged = Signal()

    def __init__(self, ctx: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._event: Event | None = None
        self._hovered: Event | None = None
        self._reshow: Event | None = None  # shown again once the pane has the spans
        self._armed = ""
        self._build()
        self._shortcuts: list[QShortcut] = []
        for i in range(MAX_ROLE_KEYS):
            sc = QShortcut(QKeySequence(f"Alt+{i + 1}"), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(lambda i=i: self.arm_index(i))
            self._shortcuts.append(sc)
        pane = ctx.pane
        pane.spanClicked.connect(self._on_span_clicked)
        pane.spanSelectionChanged.connect(self._on_selection)
        pane.spanHovered.connect(self._on_hover)
        follow(ctx.annotations.changed, self, self._on_edit)
        self.refresh()

    def _build(self) -> None:
        self.title = QLabel(NO_EVENT)
        self.title.setWordWrap(True)
        self.type_box = QComboBox()
        self.type_box.setToolTip("Change the event's type")
        self.type_box.setPlaceholderText(NO_EVENT_TYPE)
        self.type_box.activated.connect(self._on_type_chosen)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Role", "Key", "Argument"])
        self.table.setMinimumHeight(100)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.cellClicked.connect(lambda row, _col: self.arm_index(row))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        self.clear_button = QPushButton("Clear role")
        self.clear_button.clicked.connect(self.clear_selected_role)
        self.delete_button = QPushButton("Delete event")
        self.delete_button.clicked.connect(self.delete_event)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        for w in (self.title, self.type_box, self.table, self.message):
            layout.addWidget(w)
        layout.addLayout(buttons)

    # -- state -----------------------------------------------------------------
    def current_event(self) -> Event | None:
        """The event shown, as last read from the project."""
        return self._event

    def armed_role(self) -> str:
        """The role waiting for a span ("" if none)."""
        return self._armed

    def set_event(self, event_id: int | None) -> None:
        """Show the event with this id (None shows nothing)."""
        self._event = self._lookup(event_id)
        self._reshow = None
        self._armed = ""
        self._render()

    def refresh(self) -> None:
        """Re-read the shown event after any edit or document change.

        Nothing is read while the pane loads a document's spans (ADR 0005, text first): the
        panel shows no event until they are in, then (the event tools refresh it on the
        pane's ``spansLoaded``) the same document's event again.
        """
        doc, loading = self._ctx.doc_id(), self._ctx.pane.loading
        current = self._event or self._reshow
        if current is not None and current.doc_id != doc:
            current = None
        self._reshow = current if loading else None
        self._event = None if loading else self._lookup(current.id if current else None)
        if self._hovered is not None:
            self._hovered = None if loading else self._lookup(self._hovered.id)
        if self._event is None:
            self._armed = ""
        self._render()

    def _on_edit(self, edit: Edit) -> None:
        """Re-read only when an edit touches events (plain span edits leave them as they are)."""
        if edit.remove.events or edit.add.events or edit.remove.spans:
            self.refresh()

    def _lookup(self, event_id: int | None) -> Event | None:
        return None if event_id is None else self._ctx.reads.event(event_id)

    def _event_of_span(self, span_id: int) -> Event | None:
        return self._ctx.reads.event_for_trigger(span_id)

    # -- choosing a role ---------------------------------------------------------
    def arm_index(self, row: int) -> None:
        """Choose the ``row``-th role of the shown event (again: cancel)."""
        etype = self._etype()
        if etype is None or not 0 <= row < len(etype.roles):
            return
        self.arm_role(etype.roles[row].name)

    def arm_role(self, role: str) -> None:
        """Wait for a span to fill ``role``; choosing the armed role again cancels."""
        if self._event is None:
            return
        self._armed = "" if role == self._armed else role
        if self._armed:
            self._say(
                f"Filling {role}: click an entity span, or select text and press a label key.",
                HINT_STYLE,
            )
        else:
            self._say("")
        self._render_table()

    def fill_with_span(self, span_id: int) -> bool:
        """Fill the armed role with an existing span; True if a role was armed."""
        if self._event is None or not self._armed:
            return False
        event, role = self._event, self._armed
        self._armed = ""
        self._run(lambda: self._ctx.events.add_argument(event, role, span_id), f"{role}")
        return True

    def fill_with_new_span(self, label: str, start: CodePoint, end: CodePoint) -> bool:
        """Create a ``label`` span on ``[start, end)`` and fill the armed role with it.

        Returns False (doing nothing) if no role is armed, so the caller can
        tag the text as usual.
        """
        if self._event is None or not self._armed:
            return False
        event, role = self._event, self._armed
        self._armed = ""
        self._run(
            lambda: self._ctx.events.add_argument_new_span(event, role, start, end, label),
            f"{role} ({label})",
        )
        self._ctx.pane.clear_text_selection()
        return True

    def _run(self, action: Callable[[], Outcome], text: str) -> None:
        try:
            out = self._ctx.push_outcome(action, text)
        except AnnotatorError as exc:
            self._say(str(exc), ERROR_STYLE)
            self._render()
            return
        self._say(f"Warning: {out.warning}" if out.warning else "", WARN_STYLE)
        self.refresh()

    def clear_selected_role(self) -> None:
        """Remove the argument in the selected row (the span stays)."""
        row = self.table.currentRow()
        item = self.table.item(row, 2) if row >= 0 else None
        span_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        if self._event is None or span_id is None:
            return
        role_item = self.table.item(row, 0)
        event, role = self._event, role_item.text() if role_item else ""
        try:
            self._ctx.push(lambda: self._ctx.events.remove_argument(event, role, span_id), role)
        except AnnotatorError as exc:
            self._say(str(exc), ERROR_STYLE)

    def delete_event(self) -> None:
        """Delete the shown event and its trigger span (undoable)."""
        if self._event is None:
            return
        event = self._event
        try:
            self._ctx.push(lambda: self._ctx.events.delete_event(event), f"Delete {event.type}")
        except AnnotatorError as exc:  # e.g. another person's layer shown read-only
            self._say(str(exc), ERROR_STYLE)
            return
        self.set_event(None)

    def _on_type_chosen(self, index: int) -> None:
        name = self.type_box.itemText(index)
        if self._event is None or name == self._event.type:
            return
        event = self._event
        try:
            self._ctx.push(lambda: self._ctx.events.change_type(event, name), name)
        except AnnotatorError as exc:
            self._say(str(exc), ERROR_STYLE)

    # -- pane signals ------------------------------------------------------------
    def _on_span_clicked(self, span_id: int) -> None:
        if self._armed and self._event_of_span(span_id) is None:
            self.fill_with_span(span_id)

    def _on_selection(self, ids: list[int]) -> None:
        if self._armed or not ids:
            return
        event = self._event_of_span(ids[-1])
        if event is not None:
            self._event = event
            self._say("")
            self._render()

    def _on_hover(self, span_id: int) -> None:
        hovered = self._event_of_span(span_id) if span_id >= 0 else None
        if hovered != self._hovered:
            self._hovered = hovered
            self.overlaysChanged.emit()

    # -- drawing -------------------------------------------------------------------
    def overlays(self) -> list[Overlay]:
        """Outlines for the hovered event (else the shown one): trigger and arguments."""
        event = self._hovered or self._event
        if event is None or self._ctx.pane.loading:  # drawn once the spans are in
            return []
        pane, schema = self._ctx.pane, self._ctx.schema()
        out: list[Overlay] = []
        trigger = pane.span(event.trigger_id)
        if trigger:
            out.append(Overlay(trigger.start, trigger.end, schema.color_of(event.type), event.type))
        for arg in event.arguments:
            span = pane.span(arg.span_id)
            if span:
                out.append(Overlay(span.start, span.end, schema.color_of(span.label), arg.role))
        return out

    def _etype(self) -> EventType | None:
        return self._ctx.schema().event_type(self._event.type) if self._event else None

    def _say(self, text: str, style: str = "") -> None:
        self.message.setText(text)
        self.message.setStyleSheet(style)
        self.message.setVisible(bool(text))

    def _render(self) -> None:
        event = self._event
        enabled = event is not None
        for w in (self.type_box, self.table, self.clear_button, self.delete_button):
            w.setEnabled(enabled)
        self.type_box.blockSignals(True)
        names = [e.name for e in self._ctx.schema().events]
        if names != [self.type_box.itemText(i) for i in range(self.type_box.count())]:
            self.type_box.clear()
            self.type_box.addItems(names)
        if event is not None:
            self.type_box.setCurrentText(event.type)
            trigger = self._ctx.pane.span(event.trigger_id)
            word = trigger.text_in(self._ctx.pane.text) if trigger else "?"
            self.title.setText(f"{event.type} «{word}»")
        else:
            self.type_box.setCurrentIndex(-1)  # shows the placeholder, not a real type
            self.title.setText(NO_EVENT)
        self.type_box.blockSignals(False)
        self._render_table()
        self.overlaysChanged.emit()

    def _render_table(self) -> None:
        etype = self._etype()
        roles = etype.roles if etype else ()
        event = self._event
        rows: list[tuple[str, str, str, int | None, str]] = []
        for i, role in enumerate(roles):
            key = role.hotkey or (f"Alt+{i + 1}" if i < MAX_ROLE_KEYS else "")
            allowed = ", ".join(role.allowed) or "any"
            fillers = [a for a in event.arguments if a.role == role.name] if event else []
            if not fillers:
                rows.append((role.name, key, "", None, allowed))
            for arg in fillers:
                rows.append((role.name, key, self._describe(arg.span_id), arg.span_id, allowed))
        self.table.setRowCount(len(rows))
        for r, (name, key, text, span_id, allowed) in enumerate(rows):
            self._fill_row(r, name, key, text, span_id, allowed)

    def _fill_row(
        self, r: int, role: str, key: str, text: str, span_id: int | None, allowed: str
    ) -> None:
        cells = [QTableWidgetItem(v) for v in (role, key, text)]
        cells[0].setToolTip(f"{role} allows {allowed}")
        cells[2].setData(Qt.ItemDataRole.UserRole, span_id)
        warning = self._warning(role, span_id)
        if warning:
            cells[2].setText(f"⚠ {text}")
            cells[2].setToolTip(warning)
            cells[2].setForeground(QBrush(QColor("#b00020")))
        if role == self._armed:
            for cell in cells:
                cell.setBackground(QBrush(QColor("#cfe2ff")))
        for c, cell in enumerate(cells):
            self.table.setItem(r, c, cell)

    def _warning(self, role: str, span_id: int | None) -> str:
        span = self._ctx.pane.span(span_id) if span_id is not None else None
        if span is None or self._event is None:
            return ""
        try:
            return self._ctx.events.check_role(self._event.type, role, span.label)
        except AnnotatorError as exc:
            return str(exc)

    def _describe(self, span_id: int) -> str:
        span = self._ctx.pane.span(span_id)
        if span is None:
            return f"span {span_id}"
        return f"«{span.text_in(self._ctx.pane.text)}» {span.label}"
