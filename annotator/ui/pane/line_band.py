"""The label band: room reserved above every visual line for label tags and relation arcs.

``QPlainTextEdit``'s layout ignores a block's line height, so the band is made
by moving each laid-out line of a block down: line ``i`` moves by ``band * (i + 1)``.
The text itself is untouched (no formats), so Arabic letters join exactly as
without the band, and each wrapped right-to-left line keeps its own alignment.
The block's bounding rectangle, hit-testing and painting all follow the moved
lines, because Qt reads line positions from the block's ``QTextLayout``.

Band layout, from the top of the band down to the line it belongs to::

    arc zone     relation arcs, their captions
    tag row 1    outer spans' tags
    tag row 0    inner (or lone) spans' tags
    gap          never drawn on
    line         the text
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF
from PySide6.QtGui import QFont, QFontMetricsF, QTextLayout

TAG_ROWS = 2
"""Rows of tags in the band; spans nested deeper share the top row."""
GAP = 2.0
"""Pixels left free between the band and the line's top."""
_SCALE = 0.6
_MIN_POINTS = 6.0


@dataclass(frozen=True)
class BandMetrics:
    """Sizes of the band for one text font.

    Attributes:
        font: the small font of tags and captions.
        row_height: height of one tag row (and of the arc zone).
    """

    font: QFont
    row_height: float

    @property
    def height(self) -> float:
        """The whole band: arc zone, tag rows and gap."""
        return self.row_height * (TAG_ROWS + 1) + GAP

    def tag_top(self, line_top: float, row: int) -> float:
        """Top of tag row ``row`` (0 next to the text) above a line whose top is ``line_top``."""
        row = max(0, min(row, TAG_ROWS - 1))
        return line_top - GAP - (row + 1) * self.row_height

    def arc_y(self, line_top: float) -> float:
        """The height at which arcs run across the band above ``line_top``."""
        return float(math.ceil(self.band_top(line_top) + self.row_height / 2))

    def band_top(self, line_top: float) -> float:
        """The top of the band above ``line_top``."""
        return line_top - self.height


def band_metrics(font: QFont) -> BandMetrics:
    """The band's sizes for text drawn in ``font``."""
    small = QFont(font)
    if font.pointSizeF() > 0:
        small.setPointSizeF(max(_MIN_POINTS, font.pointSizeF() * _SCALE))
    else:
        small.setPixelSize(max(8, round(font.pixelSize() * _SCALE)))
    small.setBold(False)
    return BandMetrics(small, float(math.ceil(QFontMetricsF(small).height()) + 1))


def place_lines(layout: QTextLayout, band: float) -> bool:
    """Move a laid-out block's lines so that each has ``band`` pixels free above it.

    Works from any earlier band (``0`` puts the lines back where Qt laid them
    out). Returns True if a line moved.
    """
    count = layout.lineCount()
    if count == 0:
        return False
    shift = layout.lineAt(0).y()  # Qt puts a block's first line at 0
    if abs(shift - band) < 0.01:
        return False
    for i in range(count):
        line = layout.lineAt(i)
        pos = line.position()
        line.setPosition(QPointF(pos.x(), pos.y() + (band - shift) * (i + 1)))
    return True
