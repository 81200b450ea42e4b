"""The view part of the text pane: one document's text and spans, painted by hand.

Spans live in a :class:`~annotator.ui.pane.span_index.SpanIndex` and are painted by
hand for the visible blocks only (see :mod:`annotator.ui.pane.span_painter`), so a
200,000-word document with 20,000 spans opens and repaints quickly and highlights
never change how Arabic letters join. An edit repaints the strips of its lines (see
:mod:`annotator.ui.pane.dirty`). :class:`~annotator.ui.pane.text_pane.TextPane` adds
selecting, clicking and hovering.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QRegion, QTextBlock, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from annotator.core.model import Edit, Span
from annotator.core.positions import CodePoint
from annotator.core.schema import Schema
from annotator.ui.offsets import OffsetMap
from annotator.ui.pane.arcs import Arc
from annotator.ui.pane.dirty import below, strip
from annotator.ui.pane.pane_painter import PanePainter
from annotator.ui.pane.span_index import SpanIndex
from annotator.ui.pane.span_painter import Overlay

LOAD_FALLBACK_MS = 1000
"""Load a document's spans after this long even if the pane is not painted."""
STRIPS_AT_MOST = 20
"""An edit of more spans than this (or of events or relations) repaints the whole viewport."""


class SpanView(QPlainTextEdit):
    """Read-only, right-to-left view of a document with its spans, label band and arcs.

    Signals:
        spanSelectionChanged(list): the ids of the selected spans changed.
        spansLoaded(): the spans of a document opened with :meth:`open_text` are in.
        painted(): a paint of the viewport is done.
    """

    spanSelectionChanged = Signal(list)
    spansLoaded = Signal()
    painted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._map = OffsetMap("")
        self._index = SpanIndex()
        self._selected: list[int] = []
        self._painter = PanePainter(self._index)
        self._pending: Callable[[], list[Span]] | None = None
        self._loader = QTimer(self)  # loads the pending spans: after the first paint, or later
        self._loader.setSingleShot(True)
        self._loader.timeout.connect(self._load_pending)
        self.first_paint_done = False
        """Set by each paint; benchmarks clear it and wait for it (with :attr:`first_paint_at`)."""
        self.first_paint_at = 0.0
        """``time.perf_counter()`` when :attr:`first_paint_done` was last set."""
        self.shown = 0
        """How many texts the pane has been given to show: a view that keeps what it read
        of the shown document reads again when this changes (the same document shown again
        after another client changed it, too)."""
        self.setReadOnly(True)
        self.setCursorWidth(0)  # read-only: no blinking caret
        self.setUndoRedoEnabled(False)
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self._apply_text_option()

    # -- content -----------------------------------------------------------------
    def _apply_text_option(self) -> None:
        option = QTextOption()
        option.setTextDirection(Qt.LayoutDirection.RightToLeft)
        option.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.document().setDefaultTextOption(option)

    def set_document(self, text: str, spans: list[Span], schema: Schema) -> None:
        """Show ``text`` (the stored text) with ``spans`` drawn in ``schema``'s colours."""
        self._pending = None
        self._index.reset(spans)
        self._show(text, schema)

    def open_text(
        self,
        text: str,
        schema: Schema,
        load: Callable[[], list[Span]],
        first: Callable[[], list[Span]] | None = None,
    ) -> None:
        """Show ``text`` and the spans ``first()`` returns at once, the rest right after.

        ``first`` gives the spans of the opening screen (painted in the first
        frame); ``load()`` gives all of them, right after the first paint.
        Whatever asks for the spans earlier loads them all first, so nothing
        but the first frame sees a partial document. :attr:`spansLoaded` is
        emitted once they are in.
        """
        self._index.reset(first() if first is not None else [])
        self._pending = load
        self._show(text, schema)
        self._loader.start(LOAD_FALLBACK_MS)  # if no paint comes (a paint restarts it at 0)

    @property
    def loading(self) -> bool:
        """True while the spans of the document shown are not loaded yet."""
        return self._pending is not None

    def _load_pending(self) -> None:
        self._loader.stop()
        load, self._pending = self._pending, None
        if load is None:
            return
        self._index.reset(load())
        self.viewport().update()
        self.spansLoaded.emit()

    def _show(self, text: str, schema: Schema) -> None:
        self.shown += 1
        self._text = text
        self._map = OffsetMap(text)
        self._painter.schema = schema
        self._selected = []
        self._painter.overlays = []
        self._painter.set_arcs([])
        self._painter.forget_plans()
        self._apply_text_option()
        self.setPlainText(text)
        self._apply_text_option()
        self.spanSelectionChanged.emit([])

    def set_schema(self, schema: Schema) -> None:
        """Redraw with another schema's colours and trigger types."""
        self._painter.schema = schema
        self.viewport().update()

    def apply_edit(self, edit: Edit) -> None:
        """Update the span index incrementally and repaint what the edit changes.

        An edit of a few spans (and nothing else) repaints the strips of their lines
        only (:func:`~annotator.ui.pane.dirty.strip`); any other the whole viewport.
        """
        if self._pending is not None:
            return  # the spans still to load are read after the edit: they include it
        for span in edit.remove.spans:
            self._index.remove(span.id)
        for span in edit.add.spans:
            self._index.add(span)
        kept = [i for i in self._selected if i in self._index]
        if kept != self._selected:
            self._selected = kept
            self.spanSelectionChanged.emit(list(kept))
        spans = (*edit.remove.spans, *edit.add.spans)
        others = (edit.remove.events, edit.add.events, edit.remove.relations, edit.add.relations)
        if len(spans) > STRIPS_AT_MOST or any(others):
            self.viewport().update()
        else:
            self._update_strips([(s.start, s.end) for s in spans])

    def _update_strips(self, ranges: list[tuple[CodePoint, CodePoint]], place: bool = True) -> None:
        """Repaint the strips of the lines these ranges are on (see :mod:`.dirty`).

        Their blocks get the band their spans need first: if a band opened or closed,
        the lines below it moved, and the same paint covers them down to the bottom.
        ``place=False``: the spans did not change (a selection, an overlay), so neither
        did any band; the blocks are not planned again.
        """
        painter = self._painter
        painter.stale = None
        for start, end in ranges if place else ():
            painter.place_range(self, self._map, start, end)
        region = QRegion()
        for start, end in ranges:
            region += strip(self, self._map, start, end)
        if painter.stale is not None:
            region += below(self, painter.stale)
            painter.stale = None
        if painter.moved:  # the scroll range counts the heights of the last screen's lines
            painter.moved = False
            self._refit_range()
        if not region.isEmpty():
            self.viewport().update(region)

    def spans(self) -> list[Span]:
        """Every span shown, sorted by offsets."""
        self._load_pending()
        return self._index.all()

    def span_count(self) -> int:
        """Number of spans shown."""
        self._load_pending()
        return len(self._index)

    def span(self, span_id: int) -> Span | None:
        """The shown span with this id."""
        self._load_pending()
        return self._index.get(span_id)

    def spans_at(self, cp: CodePoint) -> list[Span]:
        """Spans covering code point ``cp``, innermost first."""
        self._load_pending()
        return self._index.at(cp)

    @property
    def text(self) -> str:
        """The stored text being shown."""
        return self._text

    @property
    def offsets(self) -> OffsetMap:
        """The code point / UTF-16 converter for the shown text."""
        return self._map

    def selected_span_ids(self) -> list[int]:
        """Ids of the selected spans, in selection order."""
        return list(self._selected)

    def set_overlays(self, overlays: list[Overlay]) -> None:
        """Draw outlined, captioned boxes (e.g. event arguments); ``[]`` clears them.

        The panels hand over their overlays after every selection change, mostly the same
        ones: then nothing is repainted. Otherwise only the strips of the overlays that
        come or go are (an outline, and the caption in its tag's tooltip, stay on its lines).
        """
        before = self._painter.overlays
        if overlays == before:
            return
        self._painter.overlays = list(overlays)
        changed = set(before) ^ set(overlays)
        self._update_strips(sorted({(o.start, o.end) for o in changed}), place=False)

    # -- painting -----------------------------------------------------------------
    @property
    def band_on(self) -> bool:
        """True when a band above each line shows label tags and relation arcs."""
        return self._painter.band_on

    def set_band(self, on: bool) -> None:
        """Switch the label band on (tags and arcs above each line) or off (dense text)."""
        self._painter.band_on = bool(on)
        self._fit_scrolling()
        self.viewport().update()

    def _fit_scrolling(self, block: QTextBlock | None = None) -> None:
        """Give the band to the blocks Qt scrolls by; have it work out the scroll range again.

        ``block``: where the view is going (default: the first one on screen).
        The lines it moves are accounted for here: the next paint does not fit again.
        """
        painter = self._painter
        painter.moved = False
        painter.stale = None
        painter.place_around(self, self._map, block or self.firstVisibleBlock())
        if painter.stale is not None:
            self.viewport().update(below(self, painter.stale))
        painter.moved = False
        painter.stale = None
        self._refit_range()

    def _refit_range(self) -> None:
        """Have Qt work out the scroll range again (from the heights of the last lines)."""
        layout = self.document().documentLayout()
        layout.documentSizeChanged.emit(layout.documentSize())

    @property
    def painter(self) -> PanePainter:
        """What the pane draws besides the text (spans, band, arcs)."""
        return self._painter

    def set_arcs(self, arcs: list[Arc]) -> None:
        """Draw these relations as arcs in the band (``[]`` clears them).

        The same arcs again (the panels hand them over after every selection change)
        change nothing: no repaint, and the lines' bands and the arc layout are kept.
        """
        if arcs is self._painter.arcs or arcs == self._painter.arcs:
            return
        self._painter.set_arcs(arcs)
        self.viewport().update()

    def paintEvent(self, e: QPaintEvent) -> None:  # noqa: N802
        """Paint span backgrounds, then the text, then bars, outlines, tags and arcs."""
        self._painter.stale = None
        frame = self._painter.prepare(self, self._text, self._map, set(self._selected))
        clip = QRectF(e.rect())
        painter = QPainter(self.viewport())
        self._painter.paint_under(painter, frame, clip)
        painter.end()
        super().paintEvent(e)
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        highlight = self.palette().highlight().color()
        self._painter.paint_over(painter, frame, self.font(), highlight, clip)
        painter.end()
        if not self.first_paint_done:
            self.first_paint_at = time.perf_counter()
        self.first_paint_done = True
        if self._pending is not None and self._loader.interval() != 0:
            self._loader.start(0)
        stale, self._painter.stale = self._painter.stale, None
        if stale is not None:  # a band opened or closed in this paint: repaint what it moved
            rest = QRegion(below(self, stale)) - e.region()  # (QRegion.contains only overlaps)
            if not rest.isEmpty():
                self.viewport().update(rest)
        if self._painter.moved:
            self._painter.moved = False
            QTimer.singleShot(0, self, self._fit_scrolling)
        self.painted.emit()
