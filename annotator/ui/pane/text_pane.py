"""The right-to-left text pane: shows one document and its spans, and is where tagging starts.

Spans live in a :class:`~annotator.ui.pane.span_index.SpanIndex` and are painted by
hand for the visible blocks only (see :mod:`annotator.ui.pane.span_painter`), so a
200,000-word document with 20,000 spans opens and repaints quickly and
highlights never change how Arabic letters join.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QRegion,
    QTextBlock,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from annotator.core.model import Edit, Span
from annotator.core.positions import CodePoint
from annotator.core.schema import Schema
from annotator.ui.bidi import isolate
from annotator.ui.offsets import OffsetMap, QtPos
from annotator.ui.pane.arcs import Arc
from annotator.ui.pane.dirty import below, strip
from annotator.ui.pane.pane_hits import char_at, hit_pos
from annotator.ui.pane.pane_painter import PanePainter
from annotator.ui.pane.span_index import SpanIndex
from annotator.ui.pane.span_painter import Overlay

__all__ = ["Arc", "Overlay", "TextPane"]

_CLICK_SLOP = 4
# held while dragging: select exact characters (window managers leave it to applications)
EXACT_DRAG = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
LOAD_FALLBACK_MS = 1000
"""Load a document's spans after this long even if the pane is not painted."""
STRIPS_AT_MOST = 20
"""An edit of more spans than this (or of events or relations) repaints the whole viewport."""


class TextPane(QPlainTextEdit):
    """Read-only, selectable, right-to-left view of a document with its spans.

    Signals:
        spanClicked(int): a span was clicked (its id).
        spanSelectionChanged(list): the ids of the selected spans changed.
        spanHovered(int): the innermost span under the mouse changed (-1 for none).
        textSelectionChanged(): the selected text range changed.
        spansLoaded(): the spans of a document opened with :meth:`open_text` are in.
    """

    spanClicked = Signal(int)
    spanSelectionChanged = Signal(list)
    spanHovered = Signal(int)
    textSelectionChanged = Signal()
    spansLoaded = Signal()

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
        self._hovered = -1
        self._press_pos: QPoint | None = None
        self._alt_selection = False
        self._char_mode = False
        self.first_paint_done = False
        """Set by each paint; benchmarks clear it and wait for it (with :attr:`first_paint_at`)."""
        self.first_paint_at = 0.0
        """``time.perf_counter()`` when :attr:`first_paint_done` was last set."""
        self.setReadOnly(True)
        self.setCursorWidth(0)  # read-only: no blinking caret
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.viewport().setMouseTracking(True)
        self._apply_text_option()
        self.selectionChanged.connect(self._on_selection_changed)

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
        self._text = text
        self._map = OffsetMap(text)
        self._painter.schema = schema
        self._selected = []
        self._painter.overlays = []
        self._painter.set_arcs([])
        self._painter.forget_plans()
        self._hovered = -1
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

    def _update_strips(self, ranges: list[tuple[CodePoint, CodePoint]]) -> None:
        """Repaint the strips of the lines these ranges are on (see :mod:`.dirty`).

        Their blocks get the band their spans need first: if a band opened or closed,
        the lines below it moved, and the same paint covers them down to the bottom.
        """
        painter = self._painter
        painter.stale = None
        for start, end in ranges:
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

    # -- selection -----------------------------------------------------------------
    @property
    def char_mode(self) -> bool:
        """True when tagging keeps exactly the selected characters (no token snapping)."""
        return self._char_mode

    @char_mode.setter
    def char_mode(self, value: bool) -> None:
        self._char_mode = bool(value)

    @property
    def selection_made_with_alt(self) -> bool:
        """True if the current text selection was dragged with Ctrl+Shift (or Alt) held."""
        return self._alt_selection and self.selection_range() is not None

    def selection_range(self) -> tuple[CodePoint, CodePoint] | None:
        """The selected text as code-point offsets ``(start, end)``, or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        a = self._map.from_qt(QtPos(cursor.selectionStart()))
        b = self._map.from_qt(QtPos(cursor.selectionEnd()))
        return (a, b) if a < b else None

    def select_text(self, start: CodePoint, end: CodePoint) -> None:
        """Select code points ``[start, end)`` as if by the user.

        The lines around the selection get their band first, so that Qt scrolls the
        selection into view by the heights they are painted with; if the caret still
        ends up off screen, it is centred.
        """
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_qt(start))
        cursor.setPosition(self._map.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self._fit_scrolling(cursor.block())
        self.setTextCursor(cursor)
        caret = self.cursorRect()
        if caret.top() < 0 or caret.bottom() > self.viewport().rect().bottom():
            self.centerCursor()

    def clear_text_selection(self) -> None:
        """Drop the text selection, keeping the caret and the view where they are.

        Tagging clears the selection: the text must not move under the user then, even
        when the caret (the selection's end) is off screen. Qt scrolls to the caret
        anyway; with the viewport's updates off it scrolls there and back without
        repainting the whole view, and only the selection's strip is repainted (all of
        it if the view came back a fraction of a pixel off).
        """
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return
        selected = self.selection_range()
        cursor.clearSelection()
        bar = self.verticalScrollBar()
        at = bar.value()
        offset = self.contentOffset()
        view = self.viewport()
        view.setAttribute(Qt.WidgetAttribute.WA_UpdatesDisabled, True)
        try:
            self.setTextCursor(cursor)
            bar.setValue(at)
        finally:
            view.setAttribute(Qt.WidgetAttribute.WA_UpdatesDisabled, False)
        if self.contentOffset() != offset:  # back on the same line, not the same fraction
            view.update()
        elif selected is not None:  # its highlight goes
            view.update(strip(self, self._map, *selected))

    def selected_span_ids(self) -> list[int]:
        """Ids of the selected spans, in selection order."""
        return list(self._selected)

    def select_span(self, span_id: int, add: bool = False, scroll: bool = True) -> None:
        """Select a span (or add it to the selection); -1 clears the span selection."""
        self._load_pending()
        if span_id not in self._index:
            ids: list[int] = list(self._selected) if add else []
        elif add:
            ids = [i for i in self._selected if i != span_id] + [span_id]
        else:
            ids = [span_id]
        scrolled = scroll and span_id in self._index
        if scrolled:
            span = self._index.get(span_id)
            assert span is not None
            self.scroll_to_offset(span.start)
        before = self._selected
        if ids != self._selected:
            self._selected = ids
            self.spanSelectionChanged.emit(list(ids))
        if scrolled:
            self.viewport().update()
            return
        changed = {*before, *ids} - ({*before} & {*ids})  # outlined now, or no longer
        found = [self._index.get(i) for i in changed]
        self._update_strips([(s.start, s.end) for s in found if s is not None])

    def scroll_to_offset(self, cp: CodePoint) -> None:
        """Move the caret to code point ``cp`` and make it visible."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_qt(cp))
        self.setTextCursor(cursor)
        self.center_caret()

    def center_caret(self) -> None:
        """Scroll so that the caret is in the middle, with the band in place around it.

        Qt centres by the heights of the blocks it walks past; those must already
        have their band, or the caret drifts off screen once the band is added.
        """
        self._fit_scrolling(self.textCursor().block())
        self.centerCursor()

    def set_overlays(self, overlays: list[Overlay]) -> None:
        """Draw outlined, captioned boxes (e.g. event arguments); ``[]`` clears them."""
        self._painter.overlays = list(overlays)
        self.viewport().update()

    def _on_selection_changed(self) -> None:
        self.textSelectionChanged.emit()

    # -- hit testing -----------------------------------------------------------------
    def char_at(self, pos: QPoint) -> CodePoint | None:
        """Code point under viewport position ``pos``, or None between/after lines."""
        return char_at(self, self._map, self._text, QPointF(pos))

    def spans_under(self, pos: QPoint) -> list[Span]:
        """Spans under viewport position ``pos``, innermost first."""
        self._load_pending()
        cp = self.char_at(pos)
        return [] if cp is None else self._index.at(cp)

    # -- events -----------------------------------------------------------------
    def _fixed(self, e: QMouseEvent) -> QMouseEvent:
        """A copy of ``e`` whose position Qt's hit test maps to the drawn character."""
        pos = hit_pos(self, self._map, self._text, e.position())
        if pos == e.position():
            return e
        return QMouseEvent(
            e.type(), pos, e.globalPosition(), e.button(), e.buttons(), e.modifiers()
        )

    def mouseDoubleClickEvent(self, e: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        """Double-click selects a word, at the drawn position."""
        super().mouseDoubleClickEvent(self._fixed(e))

    def mousePressEvent(self, e: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        """Remember where a click started and whether it selects exact characters.

        Ctrl+Shift+drag selects exact characters (no window manager takes it; Alt+drag,
        which Openbox, Xfce and KDE take to move the window, still works where it reaches
        us). Qt extends the old selection on Shift alone, not on Ctrl+Shift.
        """
        self._press_pos = e.position().toPoint()
        mods = e.modifiers()
        exact_drag = (mods & EXACT_DRAG) == EXACT_DRAG
        self._alt_selection = exact_drag or bool(mods & Qt.KeyboardModifier.AltModifier)
        super().mousePressEvent(self._fixed(e))

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        """A click without a drag selects the innermost span under it."""
        super().mouseReleaseEvent(self._fixed(e))
        pos = e.position().toPoint()
        start = self._press_pos
        self._press_pos = None
        if e.button() != Qt.MouseButton.LeftButton or start is None:
            return
        if (pos - start).manhattanLength() > _CLICK_SLOP or self.selection_range():
            return
        hits = self.spans_under(pos)
        add = bool(e.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if hits:
            self.select_span(hits[0].id, add=add, scroll=False)
            self.spanClicked.emit(hits[0].id)
        elif not add:
            self.select_span(-1, scroll=False)

    def mouseMoveEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        """Track the hovered span."""
        super().mouseMoveEvent(self._fixed(e))
        hits = self.spans_under(e.position().toPoint())
        hovered = hits[0].id if hits else -1
        if hovered != self._hovered:
            self._hovered = hovered
            self.spanHovered.emit(hovered)

    def leaveEvent(self, e: QEvent) -> None:  # noqa: N802
        """No span is hovered once the mouse leaves."""
        super().leaveEvent(e)
        if self._hovered != -1:
            self._hovered = -1
            self.spanHovered.emit(-1)

    def viewportEvent(self, e: QEvent) -> bool:  # noqa: N802
        """Show every label under the mouse as a tooltip."""
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            hits = self.spans_under(e.pos())
            tag = self._painter.tag_at(QPointF(e.pos()))
            if tag is not None:
                QToolTip.showText(e.globalPos(), tag, self.viewport())
            elif hits:
                lines = [
                    f"{isolate(s.label)}: {isolate(s.text_in(self._text))}"
                    + "".join(f" · {isolate(c)}" for c in self._painter.captions_at(s.start, s.end))
                    for s in hits
                ]
                QToolTip.showText(e.globalPos(), "\n".join(lines), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(e)

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
        """Draw these relations as arcs in the band (``[]`` clears them)."""
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
