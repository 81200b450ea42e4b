"""Preview "Tag all occurrences": every match with its context, checkable, before applying."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.bidi import isolate

if TYPE_CHECKING:  # services are only used through the objects passed in
    from annotator.services.search import Occurrence, TagAllPlan


class TagAllDialog(QDialog):
    """Lists a :class:`TagAllPlan`; the checked occurrences are the ones to tag.

    Occurrences that already carry the label are shown greyed and unchecked.
    """

    def __init__(self, plan: TagAllPlan, names: dict[int, str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Tag all occurrences")
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.plan = plan
        self.table = QTableWidget(len(plan.occurrences), 3, self)
        self.table.setHorizontalHeaderLabels(["Context", "Document", "Note"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for row, occ in enumerate(plan.occurrences):
            self._fill(row, occ, names.get(occ.doc_id, str(occ.doc_id)))
        self.summary = QLabel(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.table.itemChanged.connect(lambda _item: self._update())
        form = QFormLayout()
        form.addRow("Label", QLabel(plan.label, self))
        form.addRow("Find", QLabel(isolate(plan.query.text), self))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.resize(720, 420)
        self._update()

    def _fill(self, row: int, occ: Occurrence, name: str) -> None:
        text = "…" + isolate(occ.before) + "【" + isolate(occ.text) + "】"
        item = QTableWidgetItem(text + isolate(occ.after) + "…")
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
        if occ.already:
            flags = Qt.ItemFlag.NoItemFlags
        item.setFlags(flags)
        item.setCheckState(Qt.CheckState.Unchecked if occ.already else Qt.CheckState.Checked)
        self.table.setItem(row, 0, item)
        self.table.setItem(row, 1, QTableWidgetItem(isolate(name)))  # «000_dfbb…» reads LTR
        note = f"already {self.plan.label}" if occ.already else ""
        self.table.setItem(row, 2, QTableWidgetItem(note))

    def chosen(self) -> list[Occurrence]:
        """The occurrences whose box is checked."""
        return [
            occ
            for row, occ in enumerate(self.plan.occurrences)
            if (cell := self.table.item(row, 0)) is not None
            and cell.checkState() == Qt.CheckState.Checked
        ]

    def _update(self) -> None:
        n = len(self.chosen())
        skipped = sum(1 for o in self.plan.occurrences if o.already)
        self.summary.setText(
            f"{n} occurrence(s) will be tagged {self.plan.label} as one undoable step; "
            f"{skipped} already carry it."
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(f"Tag {n}")
        ok.setEnabled(n > 0)
