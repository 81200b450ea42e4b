"""Everything the text pane draws besides the text: span highlights, the label band, arcs.

:class:`PanePainter` keeps what is to be drawn (schema, overlays, relation
arcs, whether the band is on) and, for each paint, works out the visible
blocks, the spans on them, their rectangles, tags and arc anchors. The pane
calls :meth:`PanePainter.prepare` and :meth:`PanePainter.paint_under` before
Qt draws the text, and :meth:`PanePainter.paint_over` after it.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QPainter, QTextBlock
from PySide6.QtWidgets import QPlainTextEdit

from annotator.core.positions import CodePoint
from annotator.core.schema import Schema
from annotator.ui.offsets import BlockOffsets, OffsetMap, QtPos
from annotator.ui.pane.arc_layouts import ArcLayouts
from annotator.ui.pane.arcs import (
    Arc,
    ArcEnds,
    paint_arcs,
)
from annotator.ui.pane.block_frames import (
    BlockFrame,
    BlockFrames,
    BlockInput,
    build_block,
    lines_key,
)
from annotator.ui.pane.frame import Frame, RectCaches, frame_rects, meeting
from annotator.ui.pane.label_band import paint_tags
from annotator.ui.pane.line_band import BandMetrics, band_metrics, place_lines
from annotator.ui.pane.line_plan import BlockPlan, LinePlanner
from annotator.ui.pane.span_index import SpanIndex
from annotator.ui.pane.span_painter import (
    Overlay,
    PaintItem,
    VisibleBlock,
    block_lines,
    paint_over,
    paint_overlays,
    paint_under,
)

__all__ = ["Frame", "PanePainter", "meeting"]


class PanePainter:
    """Draws spans, overlays, label tags and relation arcs for a text pane.

    Args:
        index: the pane's span index (read, never changed here).

    Attributes:
        schema: colours and event types; nothing is drawn without one.
        band_on: reserve the band above each line and draw tags and arcs there
            (off by default; the window switches it on from its View menu).
        band_content: draw the band's tags and arcs (False leaves the band empty:
            for pixel tests that compare the text with and without them).
    """

    def __init__(self, index: SpanIndex) -> None:
        self._index = index
        self.schema: Schema | None = None
        self._overlays: list[Overlay] = []
        self._overlays_revision = 0
        self._arcs: list[Arc] = []
        self._arcs_of: dict[int, list[int]] = {}
        self._arcs_revision = 0
        self._partners: dict[int, list[int]] = {}
        self._planner = LinePlanner(index)
        self._rect_cache = RectCaches()
        self._frames = BlockFrames()
        self._styles_of: Schema | None = None
        self._styles: dict[str, tuple[QColor, bool]] = {}
        self.band_on = False
        self.band_content = True
        self._last = Frame()
        self._arc_layout = ArcLayouts()
        self.moved = False
        """True when lines moved (the scroll bar's range must be worked out again)."""
        self.stale: float | None = None
        """Viewport y from which the screen is stale because lines moved (None: nowhere)."""

    @property
    def overlays(self) -> list[Overlay]:
        """The outlined ranges (an event's arguments, the other ends of relations)."""
        return self._overlays

    @overlays.setter
    def overlays(self, overlays: list[Overlay]) -> None:
        self._overlays = list(overlays)
        self._overlays_revision += 1

    @property
    def arcs(self) -> list[Arc]:
        """The relations drawn as arcs."""
        return list(self._arcs)

    def set_arcs(self, arcs: list[Arc]) -> None:
        """Draw these relations (indexed by end, so a paint looks only at the visible ones)."""
        self._arcs = list(arcs)
        self._arcs_revision += 1
        self._partners = {}
        for arc in self._arcs:
            self._partners.setdefault(arc.arg1, []).append(arc.arg2)
            self._partners.setdefault(arc.arg2, []).append(arc.arg1)
        self._arcs_of = {}
        for n, arc in enumerate(self._arcs):
            for end in {arc.arg1, arc.arg2}:
                self._arcs_of.setdefault(end, []).append(n)

    # -- geometry ------------------------------------------------------------------
    def band(self, font: QFont) -> BandMetrics | None:
        """The band's sizes for ``font``, or None when the band is off."""
        return band_metrics(font) if self.band_on else None

    def visible_blocks(
        self, pane: QPlainTextEdit, offsets: OffsetMap
    ) -> tuple[list[VisibleBlock], list[BlockPlan | None]]:
        """The blocks on screen, their lines moved to leave room for the band, and their plans."""
        band = self.band(pane.font())
        blocks: list[VisibleBlock] = []
        plans: list[BlockPlan | None] = []
        block = pane.firstVisibleBlock()
        offset: QPointF | None = None
        bottom = pane.viewport().rect().bottom()
        while block.isValid():
            conv = offsets.block(QtPos(block.position()), block.length())
            plan = self._place(pane, block, conv, band)
            if offset is None:  # read after the first block's lines are placed: it follows them
                offset = pane.contentOffset()
            geo = pane.blockBoundingGeometry(block).translated(offset)
            if geo.top() > bottom:
                break
            if block.isVisible():
                blocks.append((block, geo.topLeft(), conv))
                plans.append(plan)
            block = block.next()
        return blocks, plans

    def _place(
        self, pane: QPlainTextEdit, block: QTextBlock, conv: BlockOffsets, band: BandMetrics | None
    ) -> BlockPlan | None:
        """Lay ``block`` out with the band its lines need; returns its plan (None: band off).

        If lines move, :attr:`moved` is set, and :attr:`stale` lowered to where the
        screen no longer shows them (see :meth:`_mark_stale`).
        """
        pane.blockBoundingGeometry(block)  # lays the block out if it is not yet
        plan = None
        if band is not None:
            plan = self._planner.plan(block, conv, band, self._partners, self._arcs_revision)
        first = place_lines(block.layout(), plan.bands if plan else [])
        if first >= 0:
            self.moved = True
            self._mark_stale(pane, block, first)
        return plan

    def _mark_stale(self, pane: QPlainTextEdit, block: QTextBlock, first: int) -> None:
        """Line ``first`` of ``block`` and everything after it moved: the screen is stale from
        the bottom of the line above it (the top of its band) down.

        Blocks above the first one on screen do not move what is shown (Qt scrolls by
        lines); a move in the first block may shift the whole screen, which a stale top
        above the viewport (repaint everything) covers.
        """
        if block.blockNumber() < pane.firstVisibleBlock().blockNumber():
            return
        top = pane.blockBoundingGeometry(block).translated(pane.contentOffset()).top()
        if first > 0:
            above = block.layout().lineAt(first - 1)
            top += above.y() + above.height()
        if top > pane.viewport().rect().bottom():
            return
        self.stale = top if self.stale is None else min(self.stale, top)

    def place_range(
        self, pane: QPlainTextEdit, offsets: OffsetMap, start: CodePoint, end: CodePoint
    ) -> None:
        """Give the blocks over code points ``[start, end)`` the band their spans need now
        (after an edit, before the paint: the paint then finds every line in place)."""
        band = self.band(pane.font())
        doc = pane.document()
        first, last = offsets.to_qt(start), offsets.to_qt(end)
        block, stop = doc.findBlock(first), doc.findBlock(max(first, last - 1))
        while block.isValid():
            conv = offsets.block(QtPos(block.position()), block.length())
            self._place(pane, block, conv, band)
            if block == stop:
                break
            block = block.next()

    def place_around(self, pane: QPlainTextEdit, offsets: OffsetMap, block: QTextBlock) -> None:
        """Make room for the band in the blocks within a screen of ``block`` and at the end.

        Qt computes scrolling (centring a position, the scroll bar's range) from
        the blocks' heights: those it looks at must already have the band.
        """
        band = self.band(pane.font())
        screen = pane.viewport().height()

        def place(current: QTextBlock) -> float:
            conv = offsets.block(QtPos(current.position()), current.length())
            self._place(pane, current, conv, band)
            return pane.blockBoundingGeometry(current).height()

        place(block)
        for step in (QTextBlock.previous, QTextBlock.next):  # a screen each way, past ``block``
            seen, current = 0.0, step(block)  # (Qt may put a line at its end at the screen's edge)
            while current.isValid() and seen < screen:
                seen += place(current)
                current = step(current)
        seen, current = 0.0, pane.document().lastBlock()
        while current.isValid() and seen < screen:
            seen += place(current)
            current = current.previous()

    def forget_plans(self) -> None:
        """Another document is shown: no block plan or cached rectangle holds any more."""
        self._planner.clear()
        self._rect_cache.clear()
        self._frames.clear()

    def forget_frames(self) -> None:
        """Build every block's frame again at the next paint, from nothing (for checks that
        the kept ones are what a fresh build draws)."""
        self._rect_cache.clear()
        self._frames.clear()
        self._last = Frame()

    rects = staticmethod(frame_rects)

    def _block_rects(self, frame: Frame, start: CodePoint, end: CodePoint) -> list[QRectF]:
        return self._rect_cache.rects(frame, start, end)

    # -- one paint -------------------------------------------------------------------
    def prepare(
        self, pane: QPlainTextEdit, text: str, offsets: OffsetMap, selected: set[int]
    ) -> Frame:
        """Work out what this paint draws (call before Qt draws the text)."""
        band = self.band(pane.font())
        blocks, plans = self.visible_blocks(pane, offsets)
        key = (  # objects, not id()s: a freed object's id can be reused by a new one
            text,
            self._index.revision,
            self._arcs_revision,
            self._overlays_revision,
            tuple(sorted(selected)),
            band,
            self.band_content,
            self.schema,
            pane.viewport().width(),
            tuple((b.blockNumber(), o.x(), o.y(), b.layout().lineCount()) for b, o, _c in blocks),
        )
        if key == self._last.key and self._last.blocks:  # nothing changed: the same frame
            return self._last
        frame = Frame(blocks=blocks, band=band, text=text, plans=plans, key=key)
        if not frame.blocks or self.schema is None:
            self._last = frame
            return frame
        width = pane.viewport().width()
        common = (text, band, self.band_content, self.schema, width, pane.font().key())
        for n, plan in enumerate(plans):
            part = self._block(frame, n, common, selected, plan, width)
            frame.items += part.items
            frame.tags += part.tags
            frame.anchors.update(part.anchors)
        self._last = frame
        return frame

    def _block(
        self,
        frame: Frame,
        n: int,
        common: tuple[object, ...],
        selected: set[int],
        plan: BlockPlan | None,
        width: int,
    ) -> BlockFrame:
        """Visible block ``n``'s frame: kept, or built again if anything it shows changed
        (see :mod:`.block_frames` for what its key holds)."""
        block, origin, conv = frame.blocks[n]
        spans = self._index.overlapping(conv.start, conv.end)
        lines = frame.lines.get(n)
        if lines is None:
            lines = frame.lines[n] = block_lines(block.layout(), conv)
        overlays = tuple(o for o in self._overlays if o.start < conv.end and o.end > conv.start)
        key = (
            common,
            conv.start,
            conv.end,
            origin.x(),
            origin.y(),
            lines_key(lines),
            tuple(spans),
            tuple(s.id for s in spans if s.id in selected),
            overlays,
            plan,
        )
        found = self._frames.get(block.blockNumber(), key)
        if found is not None:
            return found
        given = BlockInput(spans, selected, overlays, plan, frame.band, width)
        built = build_block(
            key, given, lambda a, b: self._rect_cache.rects_in(frame, n, a, b), self._style
        )
        self._frames.put(block.blockNumber(), built)
        return built

    def _style(self, label: str) -> tuple[QColor, bool]:
        """A label's colour and whether it is an event type, worked out once per schema (the
        schema's look-ups walk its lists; a frame asks for every visible span). The colour
        is shared: whoever draws with another alpha copies it."""
        schema = self.schema
        assert schema is not None
        if self._styles_of is not schema:
            self._styles_of, self._styles = schema, {}
        found = self._styles.get(label)
        if found is None:
            color = QColor(schema.color_of(label))
            found = self._styles[label] = (color, schema.event_type(label) is not None)
        return found

    def paint_under(self, painter: QPainter, frame: Frame, clip: QRectF | None = None) -> None:
        """Span backgrounds (before the text); ``clip``: draw only what meets it."""
        paint_under(painter, meeting(frame.items, clip))

    def paint_over(
        self,
        painter: QPainter,
        frame: Frame,
        font: QFont,
        highlight: QColor,
        clip: QRectF | None = None,
    ) -> None:
        """Bars, outlines, overlays, then the band's arcs and tags (after the text).

        ``clip``: the part being repainted; what lies wholly outside it is not drawn.
        """
        paint_over(painter, meeting(frame.items, clip), highlight)
        # Outlines only: a caption drawn here would cover the words (band off) or the tag
        # (band on); captions are in the tooltip (:meth:`captions_at`) and the side panels.
        if frame.outlines is None:
            frame.outlines = [
                PaintItem(self._block_rects(frame, o.start, o.end), QColor(o.color))
                for o in self.overlays
            ]
        paint_overlays(painter, meeting(frame.outlines, clip))
        if frame.band is None or not self.band_content:
            return
        if frame.arcs is None:  # laid out once per frame (a repaint of the same frame reuses it)
            visible = sorted({n for end in frame.anchors for n in self._arcs_of.get(end, ())})
            items: list[ArcEnds] = []
            for arc in (self._arcs[n] for n in visible):
                a, b = frame.anchors.get(arc.arg1), frame.anchors.get(arc.arg2)
                items.append((arc, a, b, self._start(arc.arg2), self._start(arc.arg1)))
            self._arc_layout.lay_out(frame, items)
        arcs = self._arc_layout.meeting(frame, clip)
        tags = frame.tags
        if clip is not None:
            tags = [t for t in tags if t.box is None or t.box.intersects(clip)]
        paint_arcs(painter, arcs, frame.band)
        paint_tags(painter, tags, frame.band)

    def _start(self, span_id: int) -> CodePoint | None:
        span = self._index.get(span_id)
        return span.start if span else None

    @property
    def frames_built(self) -> int:
        """How many block frames were built so far (the others were kept)."""
        return self._frames.built

    @property
    def last_frame(self) -> Frame:
        """What the last paint drew (tags with their boxes, arc anchors)."""
        return self._last

    def captions_at(self, start: CodePoint, end: CodePoint) -> list[str]:
        """The captions of the overlays on exactly ``[start, end)`` (a role, a relation)."""
        return [o.caption for o in self.overlays if o.caption and (o.start, o.end) == (start, end)]

    def tag_at(self, pos: QPointF) -> str | None:
        """The full name of the tag drawn at viewport position ``pos`` in the last paint."""
        if not self.band_content:
            return None
        for tag in self._last.tags:
            if tag.box is not None and tag.box.contains(pos):
                return tag.title or tag.name
        return None
