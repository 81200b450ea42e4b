"""Dock panels: the document list and the annotation table (views over thin models)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from annotator.ui.models import AnnotationTableModel, DocumentListModel


def _setup(view: QTableView) -> None:
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.setTabKeyNavigation(False)
    view.horizontalHeader().setStretchLastSection(False)


def _stretch(view: QTableView, column: int, sample: str) -> None:
    """Stretch one column; the others get a fixed width that fits their title and numbers.

    Fixed widths (not ResizeToContents) keep inserting rows cheap in a 20,000-row table.
    """
    header = view.horizontalHeader()
    metrics = view.fontMetrics()
    model = view.model()
    for col in range(model.columnCount()):
        if col == column:
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        else:
            title = str(model.headerData(col, Qt.Orientation.Horizontal))
            width = max(metrics.horizontalAdvance(title), metrics.horizontalAdvance(sample))
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width + 16)


class DocumentList(QTableView):
    """The documents of the project, with status and span count.

    Signals:
        documentActivated(int): the user picked a document (its id).
    """

    documentActivated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_ = DocumentListModel()
        _setup(self)
        self.setModel(self.model_)
        _stretch(self, 0, "In progress")
        self.clicked.connect(self._on_clicked)
        self.activated.connect(self._on_clicked)

    def select_document(self, doc_id: int) -> None:
        """Highlight a document's row without emitting :attr:`documentActivated`."""
        row = self.model_.row_of(doc_id)
        if row >= 0:
            self.selectRow(row)

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.documentActivated.emit(self.model_.summary(index.row()).id)


class AnnotationTable(QTableView):
    """The current document's spans.

    Signals:
        spanActivated(int): the user clicked a row (the span's id).
    """

    spanActivated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_ = AnnotationTableModel()
        _setup(self)
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.setModel(self.model_)
        _stretch(self, 0, "0000000")
        self.setColumnWidth(1, self.fontMetrics().horizontalAdvance("Conflict.Attack") + 30)
        self.clicked.connect(self._on_clicked)
        self.activated.connect(self._on_clicked)

    def show_span(self, span_id: int) -> None:
        """Select and reveal a span's row without emitting :attr:`spanActivated`."""
        row = self.model_.row_of_id(span_id)
        if row >= 0:
            self.selectRow(row)
            self.scrollTo(self.model_.index(row, 0))
        else:
            self.clearSelection()

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.spanActivated.emit(self.model_.span_at(index.row()).id)
