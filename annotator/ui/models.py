"""Thin Qt table models over plain lists: the document list and the annotation table."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from annotator.core.model import DocumentSummary, Edit, Span, Status
from annotator.core.positions import CodePoint
from annotator.core.schema import Schema

Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole


class DocumentListModel(QAbstractTableModel):
    """Documents with their status and span count for the current annotator."""

    HEADERS = ("Name", "Status", "Spans")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[DocumentSummary] = []

    def set_rows(self, rows: list[DocumentSummary]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[DocumentSummary]:
        """The rows, in display order."""
        return list(self._rows)

    def row_of(self, doc_id: int) -> int:
        """Row number of a document, or -1."""
        return next((i for i, r in enumerate(self._rows) if r.id == doc_id), -1)

    def summary(self, row: int) -> DocumentSummary:
        """The document shown in ``row``."""
        return self._rows[row]

    def update_row(self, doc_id: int, span_delta: int = 0, status: Status | None = None) -> None:
        """Adjust one document's span count and/or status in place."""
        row = self.row_of(doc_id)
        if row < 0:
            return
        old = self._rows[row]
        self._rows[row] = replace(
            old, span_count=old.span_count + span_delta, status=status or old.status
        )
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Number of documents (0 under any parent)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Name, status and span count."""
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        """Display text; span counts align right-to-left naturally."""
        if not index.isValid() or role != _DISPLAY:
            return None
        row = self._rows[index.row()]
        return (row.name, row.status.display, row.span_count)[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:  # noqa: N802
        """Column titles."""
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


def _key(span: Span) -> tuple[CodePoint, CodePoint, int]:
    return (span.start, span.end, span.id)


class AnnotationTableModel(QAbstractTableModel):
    """One document's spans: text (sliced from the stored text), label, start, end."""

    HEADERS = ("Text", "Label", "Start", "End")

    def __init__(self) -> None:
        super().__init__()
        self._text = ""
        self._spans: list[Span] = []
        self._keys: list[tuple[int, int, int]] = []
        self._key_of: dict[int, tuple[int, int, int]] = {}
        self._schema: Schema | None = None

    def set_spans(self, text: str, spans: list[Span], schema: Schema) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._text = text
        self._spans = sorted(spans, key=_key)
        self._keys = [_key(s) for s in self._spans]
        self._key_of = {s.id: _key(s) for s in self._spans}
        self._schema = schema
        self.endResetModel()

    def set_schema(self, schema: Schema) -> None:
        """Use another schema's colours."""
        self._schema = schema
        if self._spans:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._spans) - 1, 3))

    def apply_edit(self, edit: Edit) -> None:
        """Remove and insert the edit's spans, one row at a time."""
        for span in edit.remove.spans:
            row = self.row_of_span(span)
            if row >= 0:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._spans[row], self._keys[row]
                self._key_of.pop(span.id, None)
                self.endRemoveRows()
        for span in edit.add.spans:
            row = bisect_left(self._keys, _key(span))
            self.beginInsertRows(QModelIndex(), row, row)
            self._spans.insert(row, span)
            self._keys.insert(row, _key(span))
            self._key_of[span.id] = _key(span)
            self.endInsertRows()

    def row_of_span(self, span: Span) -> int:
        """Row of a span (matched by offsets and id), or -1."""
        row = bisect_left(self._keys, _key(span))
        return row if row < len(self._keys) and self._keys[row] == _key(span) else -1

    def row_of_id(self, span_id: int) -> int:
        """Row of a span id, or -1."""
        key = self._key_of.get(span_id)
        if key is None:
            return -1
        row = bisect_left(self._keys, key)
        return row if row < len(self._keys) and self._keys[row] == key else -1

    def span_at(self, row: int) -> Span:
        """The span shown in ``row``."""
        return self._spans[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Number of spans (0 under any parent)."""
        return 0 if parent.isValid() else len(self._spans)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        """Text, label, start and end."""
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        """Cell text; the label cell also carries the label colour."""
        if not index.isValid():
            return None
        span = self._spans[index.row()]
        col = index.column()
        if role == _DISPLAY:
            return (span.text_in(self._text), span.label, span.start, span.end)[col]
        if role == Qt.ItemDataRole.DecorationRole and col == 1 and self._schema is not None:
            return QColor(self._schema.color_of(span.label))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:  # noqa: N802
        """Column titles."""
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None
