"""One tab of the schema editor: a table of labels, event types, roles or relation types.

The form below the table adds an item, changes the selected one (colour,
hotkey, allowed types, and its name: a rename updates every annotation that
uses it) or deletes it. Changes go through the owning :class:`SchemaEditor`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError, SchemaError
from annotator.core.schema import LABEL_KINDS, EventType, Label, RelationType, Role, Schema
from annotator.services.schema_edit import Item, Kind, Target, find

if TYPE_CHECKING:
    from annotator.ui.dialogs.schema_editor import SchemaEditor, Step


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.replace(";", ",").split(",") if n.strip())


def _hotkey(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    norm = QKeySequence(text).toString()
    if not norm or "," in norm:
        raise SchemaError(f"{text!r} is not a single key combination.")
    return norm


class ItemEditor(QWidget):
    """A table of one kind of schema item, with a form to add, change or delete one."""

    COLUMNS: dict[Kind, list[str]] = {
        "label": ["Name", "Colour", "Hotkey", "Kind"],
        "event": ["Name", "Colour", "Hotkey", "Roles"],
        "role": ["Name", "Hotkey", "Allowed types"],
        "relation": ["Name", "Colour", "Hotkey", "First end", "Second end"],
    }

    def __init__(self, dialog: SchemaEditor, kind: Kind) -> None:
        super().__init__(dialog)
        self._dialog = dialog
        self.kind = kind
        self._rows: list[Item] = []
        self.parent_box = QComboBox()  # event type whose roles are shown (roles tab only)
        self.parent_box.currentTextChanged.connect(lambda _t: self.refresh())
        self.table = QTableWidget(0, len(self.COLUMNS[kind]))
        self.table.setHorizontalHeaderLabels(self.COLUMNS[kind])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(lambda row, *_: self._load(row))
        self.name = QLineEdit()
        self.color = QLineEdit()
        self.color.setPlaceholderText("#rrggbb")
        self.hotkey = QLineEdit()
        self.hotkey.setPlaceholderText("e.g. Shift+Z (empty: none)")
        self.extra1 = QLineEdit()
        self.extra2 = QLineEdit()
        self.kind_box = QComboBox()  # a label's kind (labels tab only)
        self.kind_box.addItems(list(LABEL_KINDS))
        self.kind_box.setToolTip(
            "entity: a thing mentioned (PER, ORG, GPE…); "
            "value: a time, amount or other value an event role can point at (TIME, MONEY…)"
        )
        self._layout_form()

    def _layout_form(self) -> None:
        form = QFormLayout()
        form.addRow("Name", self.name)
        if self.kind != "role":
            pick = QPushButton("Pick…")
            pick.clicked.connect(self._pick_color)
            row = QHBoxLayout()
            row.addWidget(self.color)
            row.addWidget(pick)
            form.addRow("Colour", row)
        form.addRow("Hotkey", self.hotkey)
        if self.kind == "label":
            form.addRow("Kind", self.kind_box)
        extra = {"role": ("Allowed types", "")}
        extra["relation"] = ("First end types", "Second end types")
        captions = extra.get(self.kind, ("", ""))
        if captions[0]:
            self.extra1.setPlaceholderText("comma-separated; empty = any")
            form.addRow(captions[0], self.extra1)
        if captions[1]:
            self.extra2.setPlaceholderText("comma-separated; empty = any")
            form.addRow(captions[1], self.extra2)
        buttons = QHBoxLayout()
        for text, slot in (("Add", self.add), ("Apply", self.apply), ("Delete", self.delete)):
            button = QPushButton(text)
            button.setObjectName(f"{self.kind}_{text.lower()}")
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        if self.kind == "role":
            top = QFormLayout()
            top.addRow("Event type", self.parent_box)
            layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addLayout(form)
        layout.addLayout(buttons)

    # -- reading ---------------------------------------------------------------------
    def parent_name(self) -> str:
        """The event type whose roles are edited ("" outside the roles tab)."""
        return self.parent_box.currentText() if self.kind == "role" else ""

    def _items(self, schema: Schema) -> list[Item]:
        if self.kind == "label":
            return list(schema.labels)
        if self.kind == "event":
            return list(schema.events)
        if self.kind == "relation":
            return list(schema.relations)
        etype = schema.event_type(self.parent_name())
        return list(etype.roles) if etype else []

    def _cells(self, item: Item) -> list[str]:
        if isinstance(item, Label):
            return [item.name, item.color, item.hotkey, item.kind]
        if isinstance(item, EventType):
            return [item.name, item.color, item.hotkey, ", ".join(r.name for r in item.roles)]
        if isinstance(item, Role):
            return [item.name, item.hotkey, ", ".join(item.allowed) or "any"]
        return [item.name, item.color, item.hotkey, ", ".join(item.arg1), ", ".join(item.arg2)]

    def refresh(self) -> None:
        """Show the schema's current items, keeping the selected row."""
        schema = self._dialog.schemas.schema
        if self.kind == "role":
            current = self.parent_box.currentText()
            self.parent_box.blockSignals(True)
            self.parent_box.clear()
            self.parent_box.addItems([e.name for e in schema.events])
            self.parent_box.setCurrentText(current)
            self.parent_box.blockSignals(False)
        row = self.table.currentRow()
        self._rows = self._items(schema)
        self.table.setRowCount(len(self._rows))
        for r, item in enumerate(self._rows):
            for c, text in enumerate(self._cells(item)):
                cell = QTableWidgetItem(text)
                if self.COLUMNS[self.kind][c] == "Colour":
                    cell.setBackground(QColor(text))
                self.table.setItem(r, c, cell)
        if 0 <= row < len(self._rows):
            self.table.selectRow(row)

    def select(self, name: str) -> None:
        """Select the row of the item called ``name`` and load it into the form."""
        for r, item in enumerate(self._rows):
            if item.name == name:
                self.table.selectRow(r)
                self._load(r)

    def _load(self, row: int) -> None:
        if not 0 <= row < len(self._rows):
            return
        item = self._rows[row]
        self.name.setText(item.name)
        self.hotkey.setText(item.hotkey)
        if not isinstance(item, Role):
            self.color.setText(item.color)
        if isinstance(item, Label):
            self.kind_box.setCurrentText(item.kind)
        elif isinstance(item, Role):
            self.extra1.setText(", ".join(item.allowed))
        elif isinstance(item, RelationType):
            self.extra1.setText(", ".join(item.arg1))
            self.extra2.setText(", ".join(item.arg2))

    def _selected(self) -> Item | None:
        row = self.table.currentRow()
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def _pick_color(self) -> None:
        color = QColorDialog.getColor(QColor(self.color.text() or "#9e9e9e"), self)
        if color.isValid():
            self.color.setText(color.name())

    # -- building items from the form ----------------------------------------------
    def _from_form(self, base: Item | None, name: str) -> Item:
        color = self.color.text().strip() or "#9e9e9e"
        if self.kind != "role" and not QColor.isValidColorName(color):
            raise SchemaError(f"{color!r} is not a colour (use #rrggbb).")
        key = _hotkey(self.hotkey.text())
        if self.kind == "label":
            kind = self.kind_box.currentText()
            old = base if isinstance(base, Label) else Label(name, color)
            return replace(old, name=name, color=color, hotkey=key, kind=kind)
        if self.kind == "event":
            old_e = base if isinstance(base, EventType) else EventType(name, color)
            return replace(old_e, name=name, color=color, hotkey=key)
        if self.kind == "role":
            return Role(name, _names(self.extra1.text()), key)
        old_r = base if isinstance(base, RelationType) else RelationType(name, color)
        arg1, arg2 = _names(self.extra1.text()), _names(self.extra2.text())
        return replace(old_r, name=name, color=color, hotkey=key, arg1=arg1, arg2=arg2)

    def _target(self, item: Item) -> Target:
        return Target(self.kind, item.name, self.parent_name())

    # -- actions -------------------------------------------------------------------
    def add(self) -> None:
        """Add a new item from the form (a name already in use is refused)."""
        name = self.name.text().strip()
        schemas = self._dialog.schemas
        if not name:
            self._dialog.say("Give the new item a name.", error=True)
            return
        if find(schemas.schema, Target(self.kind, name, self.parent_name())) is not None:
            self._dialog.say(f"{name} already exists; use Apply to change it.", error=True)
            return
        self._dialog.run(
            lambda: [schemas.plan_put(self._from_form(None, name), self.parent_name())]
        )

    def apply(self) -> None:
        """Change the selected item: colour, hotkey, types, and its name (renaming annotations)."""
        item = self._selected()
        if item is None:
            self._dialog.say("Select an item to change.", error=True)
            return
        new_name = self.name.text().strip()
        schemas = self._dialog.schemas
        target = self._target(item)

        def plans() -> list[Step]:
            edited = self._from_form(item, item.name)
            if new_name == item.name:
                return [schemas.plan_put(edited, self.parent_name())]
            schemas.plan_rename(target, new_name)  # refuse early, before anything is applied
            return [
                schemas.plan_put(edited, self.parent_name()),
                lambda: schemas.plan_rename(target, new_name),
            ]

        self._dialog.run(plans)
        self.select(new_name)

    def delete(self) -> None:
        """Delete the selected item, asking first if annotations use it."""
        item = self._selected()
        if item is None:
            self._dialog.say("Select an item to delete.", error=True)
            return
        target = self._target(item)
        try:
            change = self._dialog.schemas.plan_delete(target)
        except AnnotatorError as exc:
            self._dialog.say(str(exc), error=True)
            return
        n = change.removed_count()
        if n and not self._dialog.confirm(
            f"Deleting the {target.describe()}: {n} annotation{'s' if n != 1 else ''} "
            "would be removed — continue?"
        ):
            self._dialog.say("Nothing was deleted.")
            return
        self._dialog.run(lambda: [change])
