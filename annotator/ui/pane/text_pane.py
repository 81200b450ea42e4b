"""The right-to-left text pane: shows one document and its spans, and is where tagging starts.

Showing and painting are :class:`~annotator.ui.pane.span_view.SpanView`'s; the pane adds
the text selection (snapped or exact characters), span selection, clicks, hovering and
tooltips, with hit tests that follow the drawn characters.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QHelpEvent, QMouseEvent, QTextCursor
from PySide6.QtWidgets import QToolTip, QWidget

from annotator.core.model import Span
from annotator.core.positions import CodePoint
from annotator.core.schema import Schema
from annotator.ui.bidi import isolate
from annotator.ui.offsets import QtPos
from annotator.ui.pane.arcs import Arc
from annotator.ui.pane.dirty import strip
from annotator.ui.pane.pane_hits import char_at, hit_pos
from annotator.ui.pane.span_painter import Overlay
from annotator.ui.pane.span_view import SpanView

__all__ = ["Arc", "Overlay", "TextPane"]

_CLICK_SLOP = 4
# held while dragging: select exact characters (window managers leave it to applications)
EXACT_DRAG = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


class TextPane(SpanView):
    """Read-only, selectable, right-to-left view of a document with its spans.

    Signals (besides :class:`SpanView`'s spanSelectionChanged and spansLoaded):
        spanClicked(int): a span was clicked (its id).
        spanHovered(int): the innermost span under the mouse changed (-1 for none).
        textSelectionChanged(): the selected text range changed.
    """

    spanClicked = Signal(int)
    spanHovered = Signal(int)
    textSelectionChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hovered = -1
        self._press_pos: QPoint | None = None
        self._alt_selection = False
        self._char_mode = False
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.viewport().setMouseTracking(True)
        self.selectionChanged.connect(self._on_selection_changed)

    def _show(self, text: str, schema: Schema) -> None:
        super()._show(text, schema)
        self._hovered = -1

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
        self._update_strips([(s.start, s.end) for s in found if s is not None], place=False)

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
