"""The label palette: each label's colour, name and hotkey; a click applies it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from annotator.core.schema import EventType, Label, RelationType, Schema

KIND_LABEL = "label"
KIND_EVENT = "event"
KIND_RELATION = "relation"
_NAME_ROLE = Qt.ItemDataRole.UserRole
_KIND_ROLE = Qt.ItemDataRole.UserRole + 1


def swatch(color: str, size: int = 14) -> QIcon:
    """A square icon filled with ``color``."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class LabelPalette(QWidget):
    """Entity/value labels, then event types and relation types, in sections.

    Signals:
        activated(str, str): a label was clicked: its name and kind
            ("label", "event" or "relation").
    """

    activated = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Label", "Key"])
        self.tree.setRootIsDecorated(True)
        self.tree.itemClicked.connect(self._on_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)

    def set_schema(self, schema: Schema) -> None:
        """Show ``schema``'s labels, event types and relation types."""
        self.tree.clear()
        sections: list[tuple[str, str, tuple[Label | EventType | RelationType, ...]]] = [
            ("Entities and values", KIND_LABEL, schema.labels),
            ("Event types (triggers)", KIND_EVENT, schema.events),
            ("Relation types", KIND_RELATION, schema.relations),
        ]
        for title, kind, items in sections:
            head = QTreeWidgetItem(self.tree, [title])
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for item in items:
                row = QTreeWidgetItem(head, [item.name, item.hotkey])
                row.setIcon(0, swatch(item.color))
                row.setData(0, _NAME_ROLE, item.name)
                row.setData(0, _KIND_ROLE, kind)
                row.setToolTip(0, item.description or item.name)
            head.setExpanded(kind != KIND_EVENT or len(items) <= 12)
        self.tree.resizeColumnToContents(0)

    def _rows(self) -> list[QTreeWidgetItem]:
        rows: list[QTreeWidgetItem] = []
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            if head is not None:
                rows += [c for j in range(head.childCount()) if (c := head.child(j)) is not None]
        return rows

    def names(self, kind: str) -> list[str]:
        """Names shown in one section, in order."""
        return [str(r.data(0, _NAME_ROLE)) for r in self._rows() if r.data(0, _KIND_ROLE) == kind]

    def item_for(self, name: str, kind: str) -> QTreeWidgetItem | None:
        """The palette row of a label, for tests and keyboard navigation."""
        return next(
            (
                r
                for r in self._rows()
                if r.data(0, _NAME_ROLE) == name and r.data(0, _KIND_ROLE) == kind
            ),
            None,
        )

    def _on_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        name = item.data(0, _NAME_ROLE)
        if name:
            self.activated.emit(str(name), str(item.data(0, _KIND_ROLE)))
