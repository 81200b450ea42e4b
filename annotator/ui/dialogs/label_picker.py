"""The label list of "Tag all…" from a search: entity and value labels first, event types apart.

It opens on the label the user most likely wants (the selected span's, else the
last one chosen), not on the alphabetically first event type.
"""

from __future__ import annotations

from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from annotator.core.schema import Schema

EVENTS_HEADING = "Event types (trigger spans)"


def ordered_names(schema: Schema) -> tuple[list[str], list[str]]:
    """Entity labels, then value labels, in schema order; and the event types, sorted."""
    entities = [lb.name for lb in schema.labels if lb.kind == "entity"]
    others = [lb.name for lb in schema.labels if lb.kind != "entity"]
    return entities + others, sorted(e.name for e in schema.events)


class LabelPicker(QDialog):
    """Pick the label to tag every hit with.

    Attributes:
        combo: the labels, then a separator and a heading, then the event types.
    """

    def __init__(self, schema: Schema, current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tag all")
        labels, events = ordered_names(schema)
        self.combo = QComboBox(self)
        self.combo.addItems(labels)
        if events:
            self.combo.insertSeparator(self.combo.count())
            self.combo.addItem(EVENTS_HEADING)
            self._disable(self.combo.count() - 1)  # a heading, not a choice
            self.combo.addItems(events)
        at = self.combo.findText(current) if current else -1
        self.combo.setCurrentIndex(at if at >= 0 else 0)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(QLabel("Label", self), self.combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _disable(self, row: int) -> None:
        model = self.combo.model()
        if isinstance(model, QStandardItemModel):
            item = model.item(row)
            if item is not None:
                item.setEnabled(False)

    def label(self) -> str:
        """The chosen label."""
        return self.combo.currentText()


def pick_label(parent: QWidget, schema: Schema, current: str) -> str | None:
    """Ask for a label (opening on ``current``); None if cancelled."""
    picker = LabelPicker(schema, current, parent)
    ok = picker.exec() == QDialog.DialogCode.Accepted
    return picker.label() if ok else None
