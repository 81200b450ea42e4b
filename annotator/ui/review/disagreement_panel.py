"""The small panel of review mode that says who has what at the current disagreement.

It shows one row per chosen annotator (their version, or "nothing") with an
Accept button (keys 1…9 do the same), what gold holds now, and buttons to
step to the previous and next disagreement. It only displays and asks: the
review controller decides and calls the adjudication service.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.review.review_pane import annotator_color

PANEL_WIDTH = 340
Version = tuple[str, str]
"""An annotator's name and a one-line description of what they have."""


class DisagreementPanel(QWidget):
    """Who has what at the current disagreement, with Accept buttons.

    Signals:
        acceptRequested(int): accept the version of the k-th chosen annotator (0-based).
        stepRequested(int): go to the next (1) or previous (-1) disagreement.
    """

    acceptRequested = Signal(int)
    stepRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.title = QLabel("No disagreement selected. F8: next.", self)
        self.title.setObjectName("disagreementTitle")
        self.title.setWordWrap(True)
        self.gold = QLabel("", self)
        self.gold.setObjectName("disagreementGold")
        self.gold.setWordWrap(True)
        self._grid = QGridLayout()
        self._rows: list[tuple[QLabel, QPushButton]] = []
        steps = QHBoxLayout()
        for text, step in (("Previous (Shift+F8)", -1), ("Next (F8)", 1)):
            button = QPushButton(text, self)
            button.clicked.connect(lambda _c=False, s=step: self.stepRequested.emit(s))
            steps.addWidget(button)
        column = QVBoxLayout(self)
        column.addWidget(self.title)
        column.addLayout(self._grid)
        column.addWidget(self.gold)
        column.addLayout(steps)
        column.addStretch(1)
        self.setMaximumWidth(PANEL_WIDTH)

    def set_annotators(self, names: list[str]) -> None:
        """One row per chosen annotator, in order (Ctrl+1 is the first)."""
        for widget in (w for row in self._rows for w in row):
            self._grid.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self._rows = []
        for k, name in enumerate(names):
            label = QLabel("", self)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            button = QPushButton(f"Accept {name} ({k + 1})", self)
            button.setStyleSheet(f"border-right: 4px solid {annotator_color(k)};")
            button.clicked.connect(lambda _c=False, n=k: self.acceptRequested.emit(n))
            self._grid.addWidget(label, k, 0)
            self._grid.addWidget(button, k, 1)
            self._rows.append((label, button))

    def show_versions(self, title: str, versions: list[Version], gold: str) -> None:
        """Show the current disagreement: a title, each annotator's version, gold's."""
        self.title.setText(title)
        for (label, button), (name, text) in zip(self._rows, versions, strict=False):
            label.setText(f"{name}: {text}")
            button.setEnabled(True)
        self.gold.setText(f"Gold: {gold}")

    def show_none(self, message: str) -> None:
        """No current disagreement: say why, and disable the Accept buttons."""
        self.title.setText(message)
        for label, button in self._rows:
            label.setText("")
            button.setEnabled(False)
        self.gold.setText("")

    def version_texts(self) -> list[str]:
        """The text of each annotator's row (for tests and screen readers)."""
        return [label.text() for label, _button in self._rows]
