"""The label band: room above a visual line for its label tags and relation arcs.

``QPlainTextEdit``'s layout ignores a block's line height, so the band is made
by moving each laid-out line of a block down by the bands of the lines up to
it. The text itself is untouched (no formats), so Arabic letters join exactly as
without the band, and each wrapped right-to-left line keeps its own alignment.
The block's bounding rectangle, hit-testing and painting all follow the moved
lines, because Qt reads line positions from the block's ``QTextLayout``.

The band is compact: a line gets only the rows it needs (none without tags).
Band layout, from the top of a line's band down to the line it belongs to::

    arc zone     relation and argument arcs, their captions (only if an arc ends here)
    arrow room   where the arcs come down onto the tags, arrowheads clear of captions
    tag row 1    outer spans' tags (only if a tag needs it)
    tag row 0    inner (or lone) spans' tags
    gap          never drawn on
    line         the text

and a gap as high above it, since a band now sits right on the line above.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF
from PySide6.QtGui import QFont, QFontMetricsF, QTextLayout

TAG_ROWS = 2
"""Rows of tags in the band; spans nested deeper share the top row."""
GAP = 2.0
"""Pixels left free between the band and the line's top (and the line above's bottom)."""
ARC_ROWS = 3
"""Rows of arcs at most above a line; arcs overlapping more deeply share the top one."""
ARROW_ROOM = 8.0
"""Pixels below the arc zone's captions where arrowheads land on the tags."""
_SCALE = 0.6
_MIN_POINTS = 6.0


@dataclass(frozen=True)
class LineBand:
    """The band one line needs: tag rows (0: no band at all) and rows of arcs (0: none).

    Arcs whose stretches overlap on a line run at different heights, one row each.
    """

    rows: int = 0
    arcs: int = 0


@dataclass(frozen=True)
class BandMetrics:
    """Sizes of the band for one text font.

    Attributes:
        font: the small font of tags and captions.
        row_height: height of one tag row (and of the arc zone).
        font_key: ``font.key()``, for caches of text widths.
        metrics: the metrics of ``font``.
    """

    font: QFont
    row_height: float
    font_key: str
    metrics: QFontMetricsF

    @property
    def height(self) -> float:
        """The tallest band: arc zone, every tag row and gap."""
        return self.height_of(LineBand(TAG_ROWS, True))

    def height_of(self, need: LineBand) -> float:
        """The band of a line that needs ``need`` (0 for a line without tags)."""
        if need.rows <= 0:
            return 0.0
        arcs = self.row_height * min(need.arcs, ARC_ROWS) + ARROW_ROOM if need.arcs else 0.0
        return self.row_height * min(need.rows, TAG_ROWS) + arcs + 2 * GAP

    def tag_top(self, line_top: float, row: int) -> float:
        """Top of tag row ``row`` (0 next to the text) above a line whose top is ``line_top``."""
        row = max(0, min(row, TAG_ROWS - 1))
        return line_top - GAP - (row + 1) * self.row_height

    def arc_top(self, band_top: float, levels: int, level: int) -> float:
        """Top of arc row ``level`` (0 nearest the tags) of a band with ``levels`` arc rows."""
        level = max(0, min(level, levels - 1))
        return band_top + (levels - 1 - level) * self.row_height

    def arc_y(self, band_top: float, levels: int = 1, level: int = 0) -> float:
        """The height at which an arc of row ``level`` runs: at the row's foot, under its
        caption, so that the arc's own ends (and lower rows' arcs) never cross the caption."""
        return float(math.floor(self.arc_top(band_top, levels, level) + self.row_height - 1))


_BANDS: dict[str, BandMetrics] = {}


def band_metrics(font: QFont) -> BandMetrics:
    """The band's sizes for text drawn in ``font`` (worked out once per font)."""
    cached = _BANDS.get(font.key())
    if cached is not None:
        return cached
    small = QFont(font)
    if font.pointSizeF() > 0:
        small.setPointSizeF(max(_MIN_POINTS, font.pointSizeF() * _SCALE))
    else:
        small.setPixelSize(max(8, round(font.pixelSize() * _SCALE)))
    small.setBold(False)
    metrics = QFontMetricsF(small)
    band = BandMetrics(small, float(math.ceil(metrics.height()) + 1), small.key(), metrics)
    if len(_BANDS) > 50:
        _BANDS.clear()
    _BANDS[font.key()] = band
    return band


def place_lines(layout: QTextLayout, bands: list[float]) -> int:
    """Move a laid-out block's lines so that line ``i`` has ``bands[i]`` pixels free above it.

    Works from any earlier placement: lines are stacked as Qt's plain-text layout
    stacks them (each below the last, a negative leading pulls up), plus the bands.
    All zeros puts them back where Qt laid them out. Returns the index of the first
    line that moved (every line after it may have moved too), or -1 if none did.
    """
    first = -1
    y = 0.0
    for i in range(layout.lineCount()):
        line = layout.lineAt(i)
        y += bands[i] if i < len(bands) else 0.0
        if abs(line.y() - y) > 0.01:
            line.setPosition(QPointF(line.x(), y))
            if first < 0:
                first = i
        y += line.height()
        if line.leading() < 0:
            y += math.ceil(line.leading())
    return first
