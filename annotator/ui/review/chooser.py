"""View → Review annotators…: choose two or more layers and how to show them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.review.review_view import Layout


class ReviewChooser(QDialog):
    """Checkable list of annotators and a layout choice; OK needs two or more.

    Args:
        names: the people's layers that can be reviewed (not gold).
        chosen: the names checked at first.
        layout: the layout selected at first.
        parent: the window.
    """

    def __init__(
        self,
        names: list[str],
        chosen: list[str],
        layout: Layout,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review annotators")
        self.list = QListWidget(self)
        for name in names:
            item = QListWidgetItem(name, self.list)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = name in chosen or not chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.layout_box = QComboBox(self)
        for option in Layout:
            self.layout_box.addItem(option.value.capitalize(), option)
        self.layout_box.setCurrentIndex(list(Layout).index(layout))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.itemChanged.connect(lambda _item: self._check())
        column = QVBoxLayout(self)
        column.addWidget(QLabel("Layers to compare (two or more):", self))
        column.addWidget(self.list)
        column.addWidget(QLabel("Show them:", self))
        column.addWidget(self.layout_box)
        column.addWidget(self.buttons)
        self._check()

    def chosen(self) -> list[str]:
        """The checked names, in list order."""
        items = (self.list.item(i) for i in range(self.list.count()))
        return [i.text() for i in items if i.checkState() == Qt.CheckState.Checked]

    def layout_choice(self) -> Layout:
        """The chosen layout."""
        return Layout(self.layout_box.currentData())

    def _check(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(len(self.chosen()) >= 2)
