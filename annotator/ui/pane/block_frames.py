"""What one visible block draws (:class:`BlockFrame`), built per block and kept per block.

A paint draws the spans, tags and arc anchors of every visible block. Building them for
the whole viewport on every paint made a hotkey's repaint of one line's strip pay for all
the lines on screen (issue 18). Each block's part is now kept with the key it was built
from, and built again only when something it is drawn from changed:

- the text shown, and the block's place in it (its code points);
- its lines: where each one is (bands open and close, a width change rewraps them), what
  it shows, and the font;
- where the block is on screen (a scroll moves it);
- its spans (a tag, a relabel, a delete), and which of them are selected;
- the overlays over it (event arguments, relation ends: a tag's outline and tooltip);
- its band plan (tag rows, band heights, arc rows: spans and arcs), whether the band is
  on and drawn, the schema (colours), and the viewport's width (arc anchors).

A key that leaves one of these out draws a stale highlight: every one is compared.
Nesting levels are worked out per block, from the spans over the block.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor

from annotator.core.model import Span
from annotator.core.positions import CodePoint
from annotator.ui.pane.arcs import Anchor
from annotator.ui.pane.label_band import Tag, layout_tags
from annotator.ui.pane.line_band import BandMetrics
from annotator.ui.pane.line_plan import BlockPlan
from annotator.ui.pane.span_painter import LineSpan, Overlay, PaintItem, assign_levels

Style = Callable[[str], tuple[QColor, bool]]
"""A label's colour and whether it is an event type."""
Rects = Callable[[CodePoint, CodePoint], list[QRectF]]
"""Rectangles over a range of code points in one block, in viewport coordinates."""
KEEP_AT_MOST = 400
"""Block frames kept (a screen holds far fewer; all are dropped when there are more)."""


@dataclass
class BlockFrame:
    """The span items, tags and arc anchors of one visible block, in viewport coordinates."""

    key: tuple[object, ...]
    items: list[PaintItem] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    anchors: dict[int, Anchor] = field(default_factory=dict)


@dataclass(frozen=True)
class BlockInput:
    """What one block's frame is built from, besides its rectangles."""

    spans: list[Span]
    selected: set[int]
    overlays: tuple[Overlay, ...]
    plan: BlockPlan | None
    band: BandMetrics | None
    width: int


def lines_key(lines: list[LineSpan]) -> tuple[tuple[float, float, CodePoint, CodePoint], ...]:
    """Where each line of a block is and what it shows (as :class:`~.frame.RectCaches`)."""
    return tuple((line.y(), line.width(), lo, hi) for line, lo, hi in lines)


class BlockFrames:
    """The frames of the blocks painted lately, by block number."""

    def __init__(self) -> None:
        self._frames: dict[int, BlockFrame] = {}
        self.built = 0
        """How many block frames were built (not taken from the cache): for tests."""

    def clear(self) -> None:
        """Forget every block's frame (another document, or a check against a fresh build)."""
        self._frames.clear()

    def get(self, number: int, key: tuple[object, ...]) -> BlockFrame | None:
        """The kept frame of block ``number`` if it was built from ``key``."""
        found = self._frames.get(number)
        return found if found is not None and found.key == key else None

    def put(self, number: int, frame: BlockFrame) -> None:
        """Keep ``frame`` as block ``number``'s."""
        if len(self._frames) >= KEEP_AT_MOST and number not in self._frames:
            self._frames.clear()
        self._frames[number] = frame
        self.built += 1


def build_block(
    key: tuple[object, ...], given: BlockInput, rects: Rects, style: Style
) -> BlockFrame:
    """The frame of one block: an item per span over it, a tag per span starting in it
    (band on), and the arc anchor of each tag."""
    out = BlockFrame(key)
    spans, plan = given.spans, given.plan
    levels = assign_levels([(s.start, s.end) for s in spans])
    for s, level in zip(spans, levels, strict=True):
        found = rects(s.start, s.end)
        color, trigger = style(s.label)
        selected = s.id in given.selected
        out.items.append(PaintItem(found, color, level, trigger, selected, span_id=s.id))
        if given.band is None or plan is None or not found or s.id not in plan.tags:
            continue
        row, line = plan.tags[s.id]
        tag = Tag(s.id, found[0], s.label, color, row, band_height=plan.bands[line])
        tag.arc_rows = plan.arc_rows[line]
        out.tags.append(tag)
    if given.band is not None and out.tags:
        _tags_and_anchors(out, given, given.band)
    return out


def _tags_and_anchors(out: BlockFrame, given: BlockInput, band: BandMetrics) -> None:
    by_range = {(o.start, o.end): o for o in given.overlays if o.caption}
    by_id = {s.id: s for s in given.spans}
    for tag in out.tags:
        span = by_id[tag.span_id]
        overlay = by_range.get((span.start, span.end))
        if overlay is not None:  # the tag keeps the entity type; the role is in its tooltip
            tag.title = f"{span.label} ({overlay.caption})"
            tag.outline = QColor(overlay.color)
    layout_tags(out.tags, band)
    for tag in out.tags:
        assert tag.box is not None
        out.anchors[tag.span_id] = Anchor(
            round(tag.box.center().x()),
            tag.box.top(),
            tag.anchor.top(),
            2.0,
            given.width - 2.0,
            by_id[tag.span_id].start,
            tag.anchor.top() - tag.band_height,
            tag.box.left(),
            tag.box.right(),
            tag.arc_rows,
        )
