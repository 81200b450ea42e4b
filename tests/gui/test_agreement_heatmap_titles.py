"""The in-app confusion heatmap has axis titles, as the HTML report has (issue 18, point 13)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QWidget

from annotator.services.project import Project, open_project
from annotator.ui.dialogs.agreement_tables import COLUMNS_TITLE, ROWS_TITLE, VerticalTitle
from tests.agreement_corpus import make_corpus, store_spans
from tests.gui.test_agreement_view import _compute, _open_view


@pytest.fixture
def three(tmp_path: Path) -> Iterator[Project]:
    """Three annotators' layers on generated documents."""
    project = open_project(tmp_path / "three.sqlite")
    store_spans(project, make_corpus(seed=3, documents=3, words=40))
    yield project
    project.close()


def _box(widget: QWidget, within: QWidget) -> QRect:
    return widget.rect().translated(widget.mapTo(within, QPoint(0, 0)))


def _ink(widget: QWidget) -> tuple[int, int]:
    """Width and height of the bounding box of the widget's dark pixels."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    raw = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    pixels = raw[:, : image.width() * 3].reshape(image.height(), image.width(), 3)
    ys, xs = np.nonzero(pixels.max(axis=2) < 110)
    assert len(xs) > 20, "no text drawn"
    return int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)


def test_heatmap_has_a_title_above_its_columns_and_one_beside_its_rows(
    qtbot: Any, three: Project
) -> None:
    view = _open_view(qtbot, three)
    _compute(qtbot, view)
    view.tabs.setCurrentIndex(1)  # Label confusion
    qtbot.wait(50)
    page = view.tabs.currentWidget()
    assert view.heatmap.isVisible() and view.heatmap.rowCount() > 1
    [columns] = [w for w in page.findChildren(QLabel) if w.objectName() == "heatmapColumnsTitle"]
    [rows] = page.findChildren(VerticalTitle)
    assert columns.text() == COLUMNS_TITLE and rows.text() == ROWS_TITLE
    table = _box(view.heatmap, page)
    above, beside = _box(columns, page), _box(rows, page)
    assert above.bottom() <= table.top() and above.left() < table.center().x() < above.right()
    assert beside.right() <= table.left() and beside.top() < table.center().y() < beside.bottom()
    # each title is drawn whole: the columns' title reads across, the rows' title up
    width, height = _ink(columns)
    assert width > 4 * height
    width, height = _ink(rows)
    assert height > 4 * width and height <= rows.height() and width <= rows.width()
    assert columns.width() >= columns.sizeHint().width()
