"""The Agreement view's tables: the pair F1 grid, the confusion heatmap, the
coefficients and the per-document list, filled from an :class:`AgreementReport`.

Each is a read-only :class:`QTableWidget` whose cells show the report's figures
(four decimals, as the HTML report) on the colours of
:mod:`annotator.core.agreement.svg`, so the view and the exported page agree.
Names from the project are wrapped in Unicode isolates, so an Arabic label
reads right to left whatever surrounds it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from annotator.core.agreement import AgreementReport
from annotator.core.agreement.fscore import micro
from annotator.core.agreement.html import fmt, pair_f1
from annotator.core.agreement.svg import Rgb, heat_rgb, score_rgb, text_rgb
from annotator.ui.bidi import isolate


def read_only_table() -> QTableWidget:
    """An empty table that cannot be edited, with stretchy headers."""
    table = QTableWidget()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def _item(text: str, rgb: Rgb | None = None, number: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if rgb is not None:
        item.setBackground(QBrush(QColor(*rgb)))
        item.setForeground(QBrush(QColor(*text_rgb(rgb))))
    if number:
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    return item


def score_item(value: float) -> QTableWidgetItem:
    """A figure on its score colour."""
    return _item(fmt(value), score_rgb(value), number=True)


def _set_headers(table: QTableWidget, rows: Sequence[str], cols: Sequence[str]) -> None:
    table.clear()
    table.setRowCount(len(rows))
    table.setColumnCount(len(cols))
    table.setVerticalHeaderLabels([isolate(r) for r in rows])
    table.setHorizontalHeaderLabels([isolate(c) for c in cols])


def fill_pair_grid(table: QTableWidget, report: AgreementReport, rule: str) -> None:
    """Micro span F1 of every pair under ``rule``, annotators on both axes."""
    names = report.annotators
    _set_headers(table, names, names)
    for r, a in enumerate(names):
        for c, b in enumerate(names):
            value = math.nan if a == b else pair_f1(report.span_f1[rule], a, b)
            table.setItem(r, c, _item("—", number=True) if a == b else score_item(value))
    _roomy(table)


def _roomy(table: QTableWidget) -> None:
    """Columns share the width and rows are tall: a grid to read at a glance."""
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)


def fill_heatmap(table: QTableWidget, report: AgreementReport) -> None:
    """The label confusion matrix: counts on a white-to-blue scale, "none" last."""
    labels, matrix = report.confusion_labels, report.confusion_matrix
    _set_headers(table, labels, labels)
    biggest = max((max(row, default=0) for row in matrix), default=0)
    for r, row in enumerate(matrix):
        for c, count in enumerate(row):
            table.setItem(r, c, _item(str(count), heat_rgb(count, biggest), number=True))
    _roomy(table)


ROWS_TITLE = "First annotator of each pair (rows)"
COLUMNS_TITLE = "Second annotator of each pair (columns)"
NONE_NOTE = "none: the other annotator has no span there"


class VerticalTitle(QWidget):
    """An axis title written bottom to top, beside a table's rows."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = text
        self.setAccessibleName(text)

    def text(self) -> str:
        """The title."""
        return self._text

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        """As wide as a line of text is high, as tall as the text is long."""
        metrics = self.fontMetrics()
        return QSize(metrics.height() + 6, metrics.horizontalAdvance(self._text) + 12)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        """The whole title stays readable."""
        return self.sizeHint()

    def paintEvent(self, _e: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        """The text turned a quarter to the left, centred along the widget's height."""
        painter = QPainter(self)
        painter.translate(0, self.height())
        painter.rotate(-90)
        painter.setPen(self.palette().windowText().color())
        box = QRect(0, 0, self.height(), self.width())
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self._text)
        painter.end()


def titled_heatmap(table: QTableWidget) -> QWidget:
    """The heatmap with its axis titles (as the HTML report says what rows and columns are):
    the columns' title above it, the rows' title beside it, and what "none" means below."""
    box = QWidget()
    grid = QGridLayout(box)
    columns = QLabel(COLUMNS_TITLE, box)
    columns.setObjectName("heatmapColumnsTitle")
    columns.setAlignment(Qt.AlignmentFlag.AlignCenter)
    rows = VerticalTitle(ROWS_TITLE, box)
    rows.setObjectName("heatmapRowsTitle")
    note = QLabel(NONE_NOTE, box)
    note.setObjectName("heatmapNote")
    grid.addWidget(columns, 0, 1)
    grid.addWidget(rows, 1, 0)
    grid.addWidget(table, 1, 1)
    grid.addWidget(note, 2, 1)
    grid.setRowStretch(1, 1)
    grid.setColumnStretch(1, 1)
    return box


def fill_coefficients(table: QTableWidget, report: AgreementReport) -> None:
    """Headline figures with their intervals, the token coefficients and α_U per label.

    Only the headline figures are bootstrapped; the others leave the interval empty.
    """
    rows: list[tuple[str, float, float | None, float | None]] = [
        (name, value, lo, hi) for name, (value, lo, hi) in report.headline.items()
    ]
    for lv in report.token_levels:
        tag = f", tokens level {lv.level}"
        for (a, b), kappa in lv.cohen.items():
            rows.append((f"Cohen's κ {isolate(a)} / {isolate(b)}{tag}", kappa, None, None))
        rows.append((f"Fleiss' κ{tag}", lv.fleiss, None, None))
        rows.append((f"Krippendorff's α{tag}", lv.alpha, None, None))
        rows.append((f"Gwet's AC1{tag}", lv.ac1, None, None))
    for label, result in report.unitizing.items():
        rows.append((f"α_U {isolate(label)}", result.alpha, None, None))
    rows.append(("α_U, all labels", report.unitizing_overall, None, None))
    table.clear()
    table.setRowCount(len(rows))
    table.setColumnCount(4)
    table.setHorizontalHeaderLabels(["figure", "value", "95% CI low", "95% CI high"])
    for r, (name, value, lo, hi) in enumerate(rows):
        table.setItem(r, 0, _item(name))
        table.setItem(r, 1, score_item(value))
        table.setItem(r, 2, _item("" if lo is None else fmt(lo), number=True))
        table.setItem(r, 3, _item("" if hi is None else fmt(hi), number=True))


DOCUMENT_FIGURES = (
    "span F1, exact (mean over pairs)",
    "span F1, overlap (mean over pairs)",
    "Fleiss' κ",
    "Krippendorff's α",
)


def fill_documents(table: QTableWidget, report: AgreementReport) -> None:
    """One row per document, worst exact span F1 first."""
    headers = ["document", "exact F1", "overlap F1", "Fleiss' κ", "α", "tokens"]
    table.clear()
    table.setRowCount(len(report.documents))
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    for r, doc in enumerate(report.documents):
        table.setItem(r, 0, _item(isolate(doc.name)))
        for c, figure in enumerate(DOCUMENT_FIGURES, start=1):
            table.setItem(r, c, score_item(doc.figures[figure]))
        table.setItem(r, len(headers) - 1, _item(str(doc.tokens), number=True))


def fill_against_gold(table: QTableWidget, report: AgreementReport) -> None:
    """Each annotator's micro span F1 against gold, exact and overlap, with the counts."""
    headers = ["annotator", "rule", "F1", "TP", "only annotator", "only gold"]
    rows = [
        (a, rule, micro(per_label))
        for rule, by_pair in report.gold_f1.items()
        for (a, _gold), per_label in by_pair.items()
    ]
    table.clear()
    table.setRowCount(len(rows))
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    for r, (name, rule, total) in enumerate(rows):
        table.setItem(r, 0, _item(isolate(name)))
        table.setItem(r, 1, _item(rule))
        table.setItem(r, 2, score_item(total.f1))
        for c, count in enumerate((total.tp, total.only_a, total.only_b), start=3):
            table.setItem(r, c, _item(str(count), number=True))
