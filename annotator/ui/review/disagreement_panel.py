"""The small panel of review mode that says who has what at the current disagreement.

It shows the place (a title, and the disputed words in bold with a few words
each side), then one block per chosen annotator: an Accept button (keys 1…9 do
the same) with the annotator's version wrapped below it at the panel's full
width, then what gold holds now, and buttons to step to the previous and next
disagreement. Everything but the step buttons scrolls, so nothing is cut off
when the dock is low; the panel is laid out left to right (its words are
English) and every annotator's name and quoted text is a bidi isolate, so an
Arabic name such as سلمى stays in its place in a Latin line. It only displays
and asks: the review controller decides and calls the adjudication service.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.bidi import isolate, left_to_right
from annotator.ui.review.review_pane import annotator_color

PANEL_MIN_WIDTH = 260
Version = tuple[str, str]
"""An annotator's name and a one-line description of what they have."""


def _wrapping(parent: QWidget, name: str, rich: bool = False) -> QLabel:
    label = QLabel("", parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def accept_text(position: int, name: str) -> str:
    """The Accept button's words for the ``position``-th (0-based) annotator."""
    return f"Accept {isolate(name)} ({position + 1})"


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
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.setMinimumWidth(PANEL_MIN_WIDTH)
        self.scroller = QScrollArea(self)
        self.scroller.setObjectName("disagreementScroll")
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body = QWidget(self.scroller)
        self.title = _wrapping(self.body, "disagreementTitle")
        self.title.setText("No disagreement selected. F8: next.")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.context = _wrapping(self.body, "disagreementContext", rich=True)
        self.gold = _wrapping(self.body, "disagreementGold")
        self._rows_box = QVBoxLayout()
        self._rows_box.setSpacing(4)
        self._rows: list[tuple[QLabel, QPushButton]] = []
        column = QVBoxLayout(self.body)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.title)
        column.addWidget(self.context)
        column.addLayout(self._rows_box)
        column.addWidget(self.gold)
        column.addStretch(1)
        self.scroller.setWidget(self.body)
        steps = QHBoxLayout()
        for text, step in (("Previous (Shift+F8)", -1), ("Next (F8)", 1)):
            button = QPushButton(text, self)
            button.clicked.connect(lambda _c=False, s=step: self.stepRequested.emit(s))
            steps.addWidget(button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroller, 1)
        outer.addLayout(steps)

    def set_annotators(self, names: list[str]) -> None:
        """One block per chosen annotator, in order (key 1 is the first)."""
        for widget in (w for row in self._rows for w in row):
            self._rows_box.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self._rows = []
        for k, name in enumerate(names):
            button = QPushButton(accept_text(k, name), self.body)
            button.setObjectName(f"accept-{k + 1}")
            button.setStyleSheet(
                f"QPushButton {{ border-left: 4px solid {annotator_color(k)}; padding: 3px 8px; "
                "text-align: left; }"
            )
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _c=False, n=k: self.acceptRequested.emit(n))
            label = _wrapping(self.body, f"version-{k + 1}")
            label.setContentsMargins(12, 0, 0, 4)
            self._rows_box.addWidget(button)
            self._rows_box.addWidget(label)
            self._rows.append((label, button))

    def show_versions(self, title: str, context: str, versions: list[Version], gold: str) -> None:
        """Show the current disagreement: a title, the words around it, each version, gold's."""
        self.title.setText(title)
        self.context.setText(context)
        self.context.setVisible(bool(context))
        for (label, button), (name, text) in zip(self._rows, versions, strict=False):
            label.setText(left_to_right(f"{isolate(name)}: {text}"))
            button.setEnabled(True)
        self.gold.setText(f"Gold: {gold}")

    def show_none(self, message: str) -> None:
        """No current disagreement: say why, and disable the Accept buttons."""
        self.title.setText(message)
        self.context.setText("")
        self.context.hide()
        for label, button in self._rows:
            label.setText("")
            button.setEnabled(False)
        self.gold.setText("")

    def version_texts(self) -> list[str]:
        """The text of each annotator's row (for tests and screen readers)."""
        return [label.text() for label, _button in self._rows]

    def accept_buttons(self) -> list[QPushButton]:
        """The Accept buttons, in the annotators' order."""
        return [button for _label, button in self._rows]
