"""Dock panels: the document list and the annotation table (views over thin models)."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.panels.models import AnnotationTableModel, DocumentListModel


def _setup(view: QTableView) -> None:
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.setTabKeyNavigation(False)
    view.setWordWrap(False)  # rows have one line's height: elide, never wrap into a cut line
    view.horizontalHeader().setStretchLastSection(False)


def _stretch(view: QTableView, column: int, sample: str) -> None:
    """Stretch one column; the others get a fixed width that fits their title and numbers.

    Fixed widths (not ResizeToContents) keep inserting rows cheap in a 20,000-row table.
    """
    header = view.horizontalHeader()
    model = view.model()
    for col in range(model.columnCount()):
        if col == column:
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        else:
            _fix_width(view, col, sample)


def _fix_width(view: QTableView, col: int, sample: str) -> None:
    """Give column ``col`` a fixed (interactive) width that fits its title and ``sample``."""
    metrics = view.fontMetrics()
    title = str(view.model().headerData(col, Qt.Orientation.Horizontal))
    width = max(metrics.horizontalAdvance(title), metrics.horizontalAdvance(sample))
    view.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().resizeSection(col, width + 16)


class DocumentList(QTableView):
    """The documents of the project, with status and span count.

    Signals:
        documentActivated(int): the user picked a document (its id).
    """

    documentActivated = Signal(int)
    roomWanted = Signal(int)  # noqa: N815 (Qt style)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_ = DocumentListModel()
        _setup(self)
        self.setModel(self.model_)
        _stretch(self, 0, "In progress")
        metrics = self.fontMetrics()  # the span count needs less room than a status
        self.setColumnWidth(2, max(metrics.horizontalAdvance(t) for t in ("Spans", "00000")) + 16)
        # names such as 000_dfbb423181b2695a.txt differ at both ends: keep both visible
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.clicked.connect(self._on_clicked)
        self.activated.connect(self._on_clicked)
        self._room: dict[str, str] = {}  # optional column title -> the text it makes room for
        self._titles = self._column_titles()
        self.model_.modelReset.connect(self._columns_changed)  # a column shown anew gets room

    NAME_ROOM = "000_df…5a.txt"
    """The room a name keeps beside the optional columns: cut in the middle, still told apart."""

    def room_for(self, title: str, sample: str) -> int:
        """Give the optional column titled ``title`` room for ``sample`` (a fixed width, like
        the others), now and after every change of columns; return the width the list needs
        to show every column and :data:`NAME_ROOM` of each name."""
        self._room[title] = sample
        self._fit_optional()
        return self.wanted_width()

    def wanted_width(self) -> int:
        """The width that shows every column and :data:`NAME_ROOM` of each name."""
        metrics, header = self.fontMetrics(), self.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(1, self.model_.columnCount()))
        scroll = self.verticalScrollBar().sizeHint().width()
        return (
            others + metrics.horizontalAdvance(self.NAME_ROOM) + 16 + scroll + 2 * self.frameWidth()
        )

    def _column_titles(self) -> set[str]:
        model = self.model_
        return {
            str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())
        }

    def _columns_changed(self) -> None:
        """After a reset: the optional columns get their widths again, and when a column was
        added while some column asked for room, :attr:`roomWanted` says the width needed now
        (the Curation column can appear beside People after the window made room)."""
        self._fit_optional()
        titles = self._column_titles()
        grew, self._titles = bool(titles - self._titles), titles
        if grew and self._room:
            self.roomWanted.emit(self.wanted_width())

    def _fit_optional(self) -> None:
        model = self.model_
        for col in range(model.columnCount()):
            sample = self._room.get(str(model.headerData(col, Qt.Orientation.Horizontal)))
            if sample is not None:
                _fix_width(self, col, sample)

    def select_document(self, doc_id: int) -> None:
        """Highlight a document's row without emitting :attr:`documentActivated`."""
        row = self.model_.row_of(doc_id)
        if row >= 0:
            self.selectRow(row)

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.documentActivated.emit(self.model_.summary(index.row()).id)


FILTER_DELAY_MS = 150


class AnnotationFilter(QSortFilterProxyModel):
    """Filters the annotation table; sorting is passed on to the source model (it is faster)."""

    def __init__(self, source: AnnotationTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._needle = ""
        self.setSourceModel(source)

    def set_needle(self, text: str) -> None:
        """Keep rows whose text, label or offsets contain ``text`` (any case)."""
        needle = text.strip().casefold()
        if needle != self._needle:
            self.beginFilterChange()
            self._needle = needle
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        """True if the row holds the filter text."""
        return not self._needle or self._needle in self._source.haystack(row)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Let the source model sort itself (the proxy keeps its order)."""
        self._source.sort(column, order)


class AnnotationTable(QTableView):
    """The current document's spans: Text, Label, Start, End, sortable and filterable.

    Columns stay in that logical order, left to right, even in a right-to-left
    window; the Text column is right-aligned. :attr:`model_` is the source
    model; the view shows it through :attr:`proxy` (sorting and filtering).

    Signals:
        spanActivated(int): the user clicked a row (the span's id).
    """

    spanActivated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_ = AnnotationTableModel()
        self.proxy = AnnotationFilter(self.model_, self)
        _setup(self)
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.setModel(self.proxy)
        _stretch(self, 0, "0000000")
        self.setColumnWidth(1, self.fontMetrics().horizontalAdvance("Conflict.Attack") + 30)
        self.setSortingEnabled(True)
        self.sortByColumn(2, Qt.SortOrder.AscendingOrder)
        self.clicked.connect(self._on_clicked)
        self.activated.connect(self._on_clicked)

    def set_filter(self, text: str) -> None:
        """Show only rows whose text, label or offsets contain ``text`` (any case)."""
        self.proxy.set_needle(text)

    def show_span(self, span_id: int) -> None:
        """Select and reveal a span's row without emitting :attr:`spanActivated`."""
        row = self.model_.row_of_id(span_id)
        index = self.proxy.mapFromSource(self.model_.index(row, 0)) if row >= 0 else QModelIndex()
        if index.isValid():
            self.selectRow(index.row())
            self.scrollTo(index)
        else:
            self.clearSelection()

    def span_id_at(self, index: QModelIndex) -> int:
        """Id of the span shown at a view index."""
        return self.model_.span_at(self.proxy.mapToSource(index).row()).id

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.spanActivated.emit(self.span_id_at(index))


class AnnotationPanel(QWidget):
    """The Annotations dock: a filter line above the :class:`AnnotationTable`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = AnnotationTable(self)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter by text, label or offset")
        self.filter.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(lambda: self.table.set_filter(self.filter.text()))
        self.filter.textChanged.connect(lambda _t: self._timer.start())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)
