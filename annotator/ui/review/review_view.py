"""The annotator panes of review mode: side by side, or interleaved in one pane.

Side by side (or stacked, for narrow windows): one read-only
:class:`ReviewPane` per annotator, each titled with the annotator's name,
scrolled together. Interleaved: one pane with every
chosen layer's spans, each span marked with its annotator's colour (named in
the title and the tooltips). The editable gold pane is the window's own pane,
above this view.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from annotator.core.model import Span
from annotator.core.positions import CodePoint
from annotator.core.schema import Schema
from annotator.ui.bidi import isolate, left_to_right
from annotator.ui.review.review_pane import Range, ReviewPane, annotator_color

SYNC_TRIES = 4
"""How often panes are scrolled again when lazily laid-out lines moved them."""
QWIDGETSIZE_MAX = (1 << 24) - 1
"""Qt's largest widget size (no maximum)."""


class Layout(StrEnum):
    """How the chosen layers are shown."""

    SIDE_BY_SIDE = "side by side"
    STACKED = "stacked"
    INTERLEAVED = "interleaved"


def _titled(pane: ReviewPane, title: str, parent: QWidget) -> QWidget:
    box = QWidget(parent)
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    label = QLabel(title, box)
    label.setObjectName("reviewPaneTitle")
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
    column.addWidget(label)
    column.addWidget(pane, 1)
    return box


def _swatch(name: str, color: str) -> str:
    return f'<span style="color:{color}">■</span> {escape(isolate(name))}'


class ReviewView(QWidget):
    """Read-only panes for the chosen annotators' layers of one document.

    Args:
        parent: the owning widget.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self._splitter.setChildrenCollapsible(False)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self._splitter)
        self._panes: dict[str, ReviewPane] = {}
        self._layout = Layout.SIDE_BY_SIDE
        self._font: QFont | None = None
        self._syncing = False

    # -- building -----------------------------------------------------------------
    @property
    def layout_mode(self) -> Layout:
        """Side by side or interleaved."""
        return self._layout

    def panes(self) -> dict[str, ReviewPane]:
        """The panes by title key: an annotator's name, or ``"*"`` for the interleaved pane."""
        return dict(self._panes)

    def pane_of(self, annotator: str) -> ReviewPane | None:
        """The pane that shows ``annotator``'s layer."""
        return self._panes.get(annotator) or self._panes.get("*")

    def set_font(self, font: QFont) -> None:
        """Use the gold pane's font in every pane."""
        self._font = QFont(font)
        for pane in self._panes.values():
            pane.setFont(self._font)

    def show_layers(
        self,
        text: str,
        layers: dict[str, list[Span]],
        schema: Schema,
        layout: Layout,
        band: bool = False,
    ) -> None:
        """Show ``layers`` (annotator name → spans, in the chosen order) over the stored text."""
        self._clear()
        self._layout = layout
        names = list(layers)
        colors = {name: annotator_color(n) for n, name in enumerate(names)}
        stacked = layout is Layout.STACKED
        self._splitter.setOrientation(
            Qt.Orientation.Vertical if stacked else Qt.Orientation.Horizontal
        )
        if layout is not Layout.INTERLEAVED:
            for name in names:
                name_html = escape(isolate(name))
                title = left_to_right(f"<b>{name_html}</b> ({len(layers[name])} spans)")
                self._add_pane(name, title, text, layers[name], schema, band)
        else:
            spans = sorted((s for name in names for s in layers[name]), key=_order)
            title = "Interleaved: " + " · ".join(_swatch(n, colors[n]) for n in names)
            pane = self._add_pane("*", title, text, spans, schema, band)
            pane.show_marks = True
        for pane in self._panes.values():
            pane.set_annotator_colors(colors)
        self._equal_widths()

    def _add_pane(
        self, key: str, title: str, text: str, spans: list[Span], schema: Schema, band: bool
    ) -> ReviewPane:
        pane = ReviewPane()
        pane.setObjectName(f"reviewPane-{key}")
        if self._font is not None:
            pane.setFont(self._font)
        pane.set_band(band)
        pane.set_document(text, spans, schema)
        pane.verticalScrollBar().valueChanged.connect(lambda v, p=pane: self._sync(p, v))
        self._splitter.addWidget(_titled(pane, title, self._splitter))
        self._panes[key] = pane
        return pane

    def resizeEvent(self, e: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        """Side by side, every pane gets the same width (a spare pixel stays unused), so the
        panes wrap the same text into the same lines and scroll together line for line."""
        super().resizeEvent(e)
        self._equal_widths()

    def _equal_widths(self) -> None:
        count = self._splitter.count()
        if not count:
            return
        side = self._splitter.orientation() is Qt.Orientation.Horizontal
        each = (self.width() - (count - 1) * self._splitter.handleWidth()) // count
        for n in range(count):
            box = self._splitter.widget(n)
            assert box is not None
            box.setMaximumWidth(max(each, 1) if side else QWIDGETSIZE_MAX)

    def _clear(self) -> None:
        self._panes = {}
        while self._splitter.count():
            widget = self._splitter.widget(0)
            assert widget is not None
            widget.setParent(None)
            widget.deleteLater()

    def _sync(self, source: ReviewPane, value: int) -> None:
        """Scroll the other panes with ``source`` (same text, same width: same lines)."""
        if self._syncing:
            return
        self._syncing = True
        try:
            # A pane lays its lines out lazily as it scrolls, and keeps its top line when
            # lines above it rewrap: a value may move once set. Set again until all agree.
            for _ in range(SYNC_TRIES):
                for pane in self._panes.values():
                    if pane is not source:
                        pane.verticalScrollBar().setValue(value)
                value = source.verticalScrollBar().value()
                if all(p.verticalScrollBar().value() == value for p in self._panes.values()):
                    break
        finally:
            self._syncing = False

    # -- showing disagreements ---------------------------------------------------------
    def set_disputes(self, ranges: list[Range], current: Iterable[Range] = ()) -> None:
        """Outline the disputed ranges in every pane (``current`` ones more thickly)."""
        for pane in self._panes.values():
            pane.set_disputes(ranges, current)

    def focus(self, start: CodePoint, end: CodePoint, span_ids: dict[str, list[int]]) -> None:
        """Scroll every pane to ``[start, end)`` and select each annotator's spans there."""
        self._syncing = True
        try:
            for key, pane in self._panes.items():
                ids = (
                    [i for ids in span_ids.values() for i in ids]
                    if key == "*"
                    else span_ids.get(key, [])
                )
                pane.scroll_to_offset(start)
                pane.follow_cursor = True
                pane.select_span(-1, scroll=False)
                for n, span_id in enumerate(ids):
                    pane.select_span(span_id, add=n > 0, scroll=False)
                if not ids:
                    pane.select_text(start, end)
        finally:
            self._syncing = False


def _order(span: Span) -> tuple[int, int, int]:
    return (span.start, span.end, span.id)
