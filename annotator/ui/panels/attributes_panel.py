"""The Attributes panel: the selected span's (and its event's) attributes and note.

The schema says which attributes a span or an event can carry (e.g. ACE
mention type on entity spans; polarity, modality, tense and genericity on
events). Each shows as a choice; each attribute's hotkey (Ctrl+M for mention
type, Ctrl+Alt+1…4 for the event attributes in the ACE schema) cycles the
value of the selected span or of the event it triggers. Ctrl+Shift+N edits
the selected span's note. Every change is one undoable edit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.model import Edit, Event, Span
from annotator.core.schema import NOTE, Attribute, Schema
from annotator.ui.bidi import isolate
from annotator.ui.panels.event_panel import ERROR_STYLE, EditorContext, follow

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

UNSET = "—"
NOTE_KEY = "Ctrl+Shift+N"
NOTHING = "Select a span to see its attributes."


def next_value(attr: Attribute, current: str) -> str:
    """The value after ``current`` in ``attr``'s cycle: unset, then each value in turn."""
    cycle = ["", *attr.values]
    at = cycle.index(current) if current in cycle else 0
    return cycle[(at + 1) % len(cycle)]


class AttributePanel(QWidget):
    """Shows and edits the attributes and note of the selected span and its event."""

    def __init__(self, ctx: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._span: Span | None = None
        self._event: Event | None = None
        self._shown: tuple[object, ...] | None = None  # what the form was last built from
        self.boxes: dict[tuple[str, str], QComboBox] = {}  # (span|event, name) -> choice
        self._rows: list[tuple[str, Attribute]] = []  # what the boxes are for, in order
        self.title = QLabel(NOTHING)
        self.title.setWordWrap(True)
        self.form = QFormLayout()
        self.note = QLineEdit()
        self.note.setPlaceholderText(f"Note on this span ({NOTE_KEY})")
        self.note.editingFinished.connect(self._note_edited)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        layout.addWidget(self.note)
        layout.addWidget(self.message)
        layout.addStretch(1)
        ctx.pane.spanSelectionChanged.connect(lambda _ids: self.refresh())
        follow(ctx.annotations.changed, self, self._on_edit)
        self.refresh()

    # -- state -------------------------------------------------------------------
    def current_span(self) -> Span | None:
        """The span shown (freshly read), or None."""
        return self._span

    def current_event(self) -> Event | None:
        """The event the shown span triggers, or None."""
        return self._event

    def _on_edit(self, edit: Edit) -> None:
        """Re-read for an edit of the shown document only: a merge announces thousands of
        edits of other documents in one delivery (a frame gap each, ADR 0017)."""
        if edit.doc_id == self._ctx.doc_id():
            self.refresh()

    def refresh(self) -> None:
        """Take the selected span (from the pane, which follows every edit) and its event
        (from the layer's reads), and rebuild the form if either changed (issue 18: a
        hotkey create read both from the store twice, before the pane could repaint)."""
        pane = self._ctx.pane
        ids = pane.selected_span_ids()
        span = pane.span(ids[-1]) if ids else None
        event = self._ctx.reads.event_for_trigger(span.id) if span else None
        shown = (span, event, self._ctx.schema(), pane.shown)
        if self._shown is not None and all(a is b for a, b in zip(shown, self._shown, strict=True)):
            return  # the same objects: an edit gives a changed span or event a new one
        self._span, self._event, self._shown = span, event, shown
        self._render()

    # -- editing -----------------------------------------------------------------
    def set_value(self, owner: str, name: str, value: str) -> None:
        """Set attribute ``name`` of the shown span (owner "span") or event ("event")."""
        span, event = self._span, self._event
        if owner == "span" and span is not None:
            self._push(lambda: self._ctx.annotations.set_attribute(span.id, name, value), name)
        elif owner == "event" and event is not None:
            self._push(lambda: self._ctx.events.set_attribute(event, name, value), name)

    def cycle(self, name: str) -> None:
        """Hotkey: move attribute ``name`` of the selected span (or its event) to its next value."""
        self.refresh()
        schema = self._ctx.schema()
        attr = next((a for a in schema.attributes if a.name == name), None)
        if attr is None:
            return
        span, event = self._span, self._event
        if span is not None and attr in schema.span_attributes(span.label):
            self.set_value("span", name, next_value(attr, span.attributes.get(name, "")))
        elif event is not None and attr in schema.event_attributes():
            self.set_value("event", name, next_value(attr, event.attributes.get(name, "")))
        else:
            self._say(f"Select a span that can carry {name} first.")

    def edit_note(self) -> None:
        """Put the keyboard in the note field of the selected span."""
        if self._span is None:
            self._say("Select a span to write a note on it.")
            return
        dock = self.parentWidget()
        if isinstance(dock, QDockWidget):
            dock.show()
            dock.raise_()
        self.note.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.note.selectAll()

    def _note_edited(self) -> None:
        span = self._span
        if span is None or self.note.text().strip() == span.attributes.get(NOTE, ""):
            return
        text = self.note.text()
        self._push(lambda: self._ctx.annotations.set_note(span.id, text), "Note")

    def _push(self, action: Callable[[], Edit], text: str) -> None:
        try:
            self._ctx.push(action, text)
        except AnnotatorError as exc:
            self._say(str(exc))
        else:
            self._say("")
        self._shown = None  # a refused value must leave the choice it was made in
        self.refresh()

    # -- drawing -------------------------------------------------------------------
    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if text else "")
        self.message.setVisible(bool(text))

    def _render(self) -> None:
        span, schema = self._span, self._ctx.schema()
        self.note.setEnabled(span is not None)
        note = span.attributes.get(NOTE, "") if span else ""
        if self.note.text() != note:
            self.note.setText(note)
        choices: list[tuple[str, Attribute, str]] = []
        if span is None:
            self.title.setText(NOTHING)
        else:
            word = span.text_in(self._ctx.pane.text)
            self.title.setText(f"{isolate(span.label)}: {isolate(word)}")
            attrs = span.attributes
            choices += [
                ("span", a, attrs.get(a.name, "")) for a in schema.span_attributes(span.label)
            ]
        if span is not None and self._event is not None:
            attrs = self._event.attributes
            choices += [("event", a, attrs.get(a.name, "")) for a in schema.event_attributes()]
        self._show_choices(choices)

    def _show_choices(self, choices: list[tuple[str, Attribute, str]]) -> None:
        """One choice per (owner, attribute, value); the boxes are kept when the same
        attributes are shown again (a hotkey create selects a span like the last one), so
        the panel is neither laid out nor painted again for nothing (issue 18)."""
        rows = [(owner, attr) for owner, attr, _value in choices]
        if rows != self._rows:
            while self.form.rowCount():
                self.form.removeRow(0)
            self.boxes = {}
            for owner, attr in rows:
                self._add_box(owner, attr)
            self._rows = rows
        for owner, attr, value in choices:
            box = self.boxes[(owner, attr.name)]
            box.setCurrentIndex(box.findText(value) if value in attr.values else 0)

    def _add_box(self, owner: str, attr: Attribute) -> None:
        box = QComboBox()
        box.setObjectName(f"{owner}:{attr.name}")
        box.addItems([UNSET, *attr.values])
        box.setToolTip(f"{attr.description} ({attr.hotkey})" if attr.hotkey else attr.description)
        box.activated.connect(partial(self._chosen, owner, attr.name, box))
        caption = f"Event {attr.name}" if owner == "event" else attr.name
        self.form.addRow(caption, box)
        self.boxes[(owner, attr.name)] = box

    def _chosen(self, owner: str, name: str, box: QComboBox, index: int) -> None:
        value = "" if index == 0 else box.itemText(index)
        self.set_value(owner, name, value)


class AttributeActions:
    """A window action per attribute hotkey, and the note key; rebuilt when the schema changes."""

    def __init__(self, window: MainWindow, panel: AttributePanel) -> None:
        self._window = window
        self._panel = panel
        self.actions: list[QAction] = []
        self.note_action = self._action("Edit span note…", panel.edit_note, NOTE_KEY)
        window.edit_menu.addAction(self.note_action)

    def rebuild(self, schema: Schema) -> None:
        """Replace the cycling actions with those of ``schema``."""
        for action in self.actions:
            self._window.removeAction(action)
            action.deleteLater()
        self.actions = [
            self._action(f"Next {a.name}", partial(self._panel.cycle, a.name), a.hotkey)
            for a in schema.attributes
            if a.hotkey
        ]

    def _action(self, text: str, slot: Callable[[], object], key: str) -> QAction:
        action = QAction(text, self._window)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self._window.addAction(action)
        return action


def install_attribute_tools(window: MainWindow, ctx: EditorContext) -> AttributePanel:
    """Add the Attributes dock and its hotkeys; returns the panel (also ``window.attributes``)."""
    panel = AttributePanel(ctx)
    dock = window.add_dock(panel, "Attributes", Qt.DockWidgetArea.RightDockWidgetArea)
    actions = AttributeActions(window, panel)
    actions.rebuild(ctx.schema())

    def on_schema(schema: Schema) -> None:
        actions.rebuild(schema)
        panel.refresh()

    follow(window.project.schemas.changed, panel, on_schema)
    window.documentChanged.connect(lambda _d: panel.refresh())
    window.attributes = panel  # type: ignore[attr-defined]
    window.attributes_dock = dock  # type: ignore[attr-defined]
    window.attribute_actions = actions  # type: ignore[attr-defined]
    return panel
