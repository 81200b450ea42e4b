"""Thin Qt table models over plain lists: the document list and the annotation table."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping
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
    """Documents with their status and span count for the current annotator.

    When the project has a gold layer, a fourth column shows each document's
    curation status (:meth:`set_curation`); on a team server, the last column shows who
    works on each document (:meth:`set_team`).
    """

    HEADERS = ("Name", "Status", "Spans")
    CURATION = "Curation"
    TEAM = "People"

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[DocumentSummary] = []
        self._row: dict[int, int] = {}  # document id -> row
        self._curated: dict[int, bool] | None = None
        self._team: Mapping[int, Any] | None = None  # id -> what ``_describe`` shows
        self._describe: Callable[[Any], tuple[str, str]] = lambda _w: ("", "")

    def _extra(self) -> list[str]:
        """The optional columns shown, in order."""
        return [self.CURATION] * (self._curated is not None) + [self.TEAM] * (
            self._team is not None
        )

    def set_team(
        self,
        team: Mapping[int, Any] | None,
        describe: Callable[[Any], tuple[str, str]] | None = None,
    ) -> None:
        """Show who works on each document (id → what ``describe`` turns into the cell's text
        and tooltip, when the cell is drawn: only the rows in sight are); None hides the column."""
        if describe is not None:
            self._describe = describe
        if (team is None) != (self._team is None):
            self.beginResetModel()
            self._team = team
            self.endResetModel()
            return
        self._team = team
        if self._rows and team is not None:
            column = self.columnCount() - 1
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def team(self, doc_id: int) -> str | None:
        """The document's cell in the team column; None when the column is not shown."""
        return None if self._team is None else self._team_cell(doc_id)[0]

    def _team_cell(self, doc_id: int) -> tuple[str, str]:
        found = None if self._team is None else self._team.get(doc_id)
        return ("", "") if found is None else self._describe(found)

    def set_curation(self, curated: dict[int, bool] | None) -> None:
        """Show each document's curation status (id → curated); None hides the column."""
        if (curated is None) != (self._curated is None):
            self.beginResetModel()
            self._curated = curated
            self.endResetModel()
            return
        self._curated = curated
        if self._rows and curated is not None:
            column = len(self.HEADERS)
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def curated(self, doc_id: int) -> bool | None:
        """True when the document is curated; None when no curation status is shown."""
        return None if self._curated is None else self._curated.get(doc_id, False)

    def set_rows(self, rows: list[DocumentSummary]) -> None:
        """Replace every row: rows added at the end are inserted and rows that changed in
        place are updated, without a reset (the view keeps its selection and scrolling, and a
        long list is not laid out again); any other difference resets the model."""
        rows = list(rows)
        shown = len(self._rows)
        if len(rows) >= shown and rows[:shown] == self._rows:
            self._append(rows[shown:])
        elif [r.id for r in rows] == [r.id for r in self._rows]:
            changed = [k for k, (a, b) in enumerate(zip(self._rows, rows, strict=True)) if a != b]
            self._rows = rows
            if changed:
                last = len(self.HEADERS) - 1
                self.dataChanged.emit(self.index(changed[0], 0), self.index(changed[-1], last))
        else:
            self.beginResetModel()
            self._rows = rows
            self._row = {r.id: k for k, r in enumerate(rows)}
            self.endResetModel()

    def put_rows(self, rows: list[DocumentSummary]) -> None:
        """Show ``rows`` (in id order): a document already listed is updated in place, the
        others are added; at the end in one insertion when their ids come after every listed
        one (new documents), else by a reset."""
        added = []
        for summary in rows:
            row = self._row.get(summary.id, -1)
            if row < 0:
                added.append(summary)
            elif self._rows[row] != summary:
                self._rows[row] = summary
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))
        if not added:
            return
        if not self._rows or added[0].id > self._rows[-1].id:
            self._append(added)
        else:
            self.set_rows(sorted([*self._rows, *added], key=lambda r: r.id))

    def _append(self, rows: list[DocumentSummary]) -> None:
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self._row.update((r.id, first + k) for k, r in enumerate(rows))
        self.endInsertRows()

    def rows(self) -> list[DocumentSummary]:
        """The rows, in display order."""
        return list(self._rows)

    def row_of(self, doc_id: int) -> int:
        """Row number of a document, or -1."""
        return self._row.get(doc_id, -1)

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
        """Name, status and span count (and curation, when shown)."""
        if parent.isValid():
            return 0
        return len(self.HEADERS) + len(self._extra())

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        """Display text (the full name also as the tooltip); span counts align naturally."""
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        k = index.column() - len(self.HEADERS)
        extra = self._extra()[k] if k >= 0 else ""
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return row.name  # the cell may be elided in the middle («000_dfb…5a.txt»)
        if role == Qt.ItemDataRole.ToolTipRole and extra == self.TEAM and self._team:
            return self._team_cell(row.id)[1] or None
        if role != _DISPLAY:
            return None
        if extra == self.TEAM:
            return self.team(row.id)
        if extra == self.CURATION:
            return "Curated" if self.curated(row.id) else "Open"
        return (row.name, row.status.display, row.span_count)[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:  # noqa: N802
        """Column titles."""
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal:
            return (*self.HEADERS, *self._extra())[section]
        return None


SortKey = tuple[Any, ...]


def _key(span: Span) -> tuple[CodePoint, CodePoint, int]:
    return (span.start, span.end, span.id)


class AnnotationTableModel(QAbstractTableModel):
    """One document's spans: text (sliced from the stored text), label, start, end.

    The model sorts itself (:meth:`sort`, by any column, ties broken by offsets
    and id): a Python sort of 20,000 rows takes milliseconds, where a proxy
    sorting through ``data()`` takes seconds. Rows are kept in key order, so an
    edit inserts or removes single rows found by bisection.
    """

    HEADERS = ("Text", "Label", "Start", "End")

    def __init__(self) -> None:
        super().__init__()
        self._text = ""
        self._spans: list[Span] = []
        self._keys: list[SortKey] = []
        self._key_of: dict[int, SortKey] = {}
        self._schema: Schema | None = None
        self._column = 2
        self._descending = False

    def _sort_key(self, span: Span) -> SortKey:
        col = self._column
        if col == 0:
            return (span.text_in(self._text), *_key(span))
        if col == 1:
            return (span.label, *_key(span))
        if col == 3:
            return (span.end, span.start, span.id)
        return _key(span)

    def _row(self, i: int) -> int:
        """Row shown for internal position ``i`` (and back: the mapping is its own inverse)."""
        return len(self._spans) - 1 - i if self._descending else i

    def set_spans(self, text: str, spans: list[Span], schema: Schema) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._text = text
        self._schema = schema
        self._fill(spans)
        self.endResetModel()

    def _fill(self, spans: list[Span]) -> None:
        self._spans = sorted(spans, key=self._sort_key)
        self._keys = [self._sort_key(s) for s in self._spans]
        self._key_of = {s.id: k for s, k in zip(self._spans, self._keys, strict=True)}

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by ``column`` (Text, Label, Start or End)."""
        if not 0 <= column < len(self.HEADERS):
            return
        self.beginResetModel()
        self._column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._fill(self._spans)
        self.endResetModel()

    def set_schema(self, schema: Schema) -> None:
        """Use another schema's colours."""
        self._schema = schema
        if self._spans:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._spans) - 1, 3))

    def apply_edit(self, edit: Edit) -> None:
        """Remove and insert the edit's spans, one row at a time.

        A span already listed is replaced, not listed twice: the rows may have been read
        after the edit was stored and before it is delivered here (a document still
        loading when a pre-merge or Accept lands).
        """
        listed = [s for s in edit.add.spans if s.id in self._key_of]
        for span in (*edit.remove.spans, *listed):
            i = self._position(span.id)
            if i >= 0:
                row = self._row(i)
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._spans[i], self._keys[i]
                self._key_of.pop(span.id, None)
                self.endRemoveRows()
        for span in edit.add.spans:
            key = self._sort_key(span)
            i = bisect_left(self._keys, key)
            row = len(self._spans) - i if self._descending else i
            self.beginInsertRows(QModelIndex(), row, row)
            self._spans.insert(i, span)
            self._keys.insert(i, key)
            self._key_of[span.id] = key
            self.endInsertRows()

    def _position(self, span_id: int) -> int:
        key = self._key_of.get(span_id)
        if key is None:
            return -1
        i = bisect_left(self._keys, key)
        return i if i < len(self._keys) and self._keys[i] == key else -1

    def row_of_span(self, span: Span) -> int:
        """Row of a span (matched by id), or -1."""
        return self.row_of_id(span.id)

    def row_of_id(self, span_id: int) -> int:
        """Row of a span id, or -1."""
        i = self._position(span_id)
        return self._row(i) if i >= 0 else -1

    def span_at(self, row: int) -> Span:
        """The span shown in ``row``."""
        return self._spans[self._row(row)]

    def haystack(self, row: int) -> str:
        """What the filter searches in a row: text, label and offsets, case-folded."""
        span = self.span_at(row)
        return f"{span.text_in(self._text)}\t{span.label}\t{span.start}\t{span.end}".casefold()

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
        span = self.span_at(index.row())
        col = index.column()
        if role == _DISPLAY:
            return (span.text_in(self._text), span.label, span.start, span.end)[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DecorationRole and col == 1 and self._schema is not None:
            return QColor(self._schema.color_of(span.label))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:  # noqa: N802
        """Column titles."""
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None
