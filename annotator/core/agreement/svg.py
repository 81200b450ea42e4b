"""Inline SVG charts for the HTML agreement report, and the colours the GUI shares.

Only text and numbers go in: every label is escaped, the charts refer to no
file, font or stylesheet, and the same colour scales serve the HTML report and
the GUI's Agreement view (so both show the same picture).
"""

from __future__ import annotations

import math
from html import escape

Rgb = tuple[int, int, int]
NAN_RGB: Rgb = (224, 224, 224)
CELL = 46
LABEL_WIDTH = 130
FONT = "font-family:'Noto Naskh Arabic','Noto Sans','Noto Color Emoji',sans-serif"


def score_rgb(value: float) -> Rgb:
    """A light red (0) → yellow (0.5) → green (1) colour for a score; grey for NaN."""
    if math.isnan(value):
        return NAN_RGB
    v = min(max(value, 0.0), 1.0)
    red = (244, 166, 160)
    yellow = (250, 230, 150)
    green = (150, 215, 150)
    one, two, t = (red, yellow, v * 2) if v < 0.5 else (yellow, green, v * 2 - 1)
    return (
        round(one[0] + (two[0] - one[0]) * t),
        round(one[1] + (two[1] - one[1]) * t),
        round(one[2] + (two[2] - one[2]) * t),
    )


def heat_rgb(count: int, biggest: int) -> Rgb:
    """White (0) → deep blue (the biggest count) on a square-root scale."""
    t = math.sqrt(count / biggest) if biggest > 0 and count > 0 else 0.0
    return (round(255 - 225 * t), round(255 - 185 * t), round(255 - 75 * t))


def text_rgb(background: Rgb) -> Rgb:
    """Black or white, whichever reads better on ``background``."""
    r, g, b = background
    return (0, 0, 0) if 0.299 * r + 0.587 * g + 0.114 * b > 140 else (255, 255, 255)


def css(rgb: Rgb) -> str:
    """``#rrggbb``."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def confusion_svg(labels: list[str], matrix: list[list[int]], standalone: bool = False) -> str:
    """The label confusion matrix as a heatmap: rows the first annotator, columns the second.

    Each cell is a ``rect`` carrying ``data-row``, ``data-col`` and ``data-count``
    and the count as text. ``standalone`` adds the XML namespace (for a .svg file).
    """
    n = len(labels)
    biggest = max((max(row, default=0) for row in matrix), default=0)
    top = LABEL_WIDTH
    width = LABEL_WIDTH + n * CELL + 10
    height = top + n * CELL + 10
    ns = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    out = [
        f'<svg{ns} class="heatmap" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" style="{FONT}" '
        'aria-label="Label confusion matrix">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for k, label in enumerate(labels):
        name = escape(label)
        cx = LABEL_WIDTH + k * CELL + CELL // 2
        cy = top + k * CELL + CELL // 2
        out.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{cy + 5}" text-anchor="end" font-size="13" '
            f'unicode-bidi="isolate">{name}</text>'
        )
        out.append(
            f'<text x="{cx + 5}" y="{top - 8}" text-anchor="start" font-size="13" '
            f'unicode-bidi="isolate" transform="rotate(-60 {cx + 5} {top - 8})">{name}</text>'
        )
    for r, row in enumerate(matrix):
        for c, count in enumerate(row):
            out.append(_cell(labels[r], labels[c], r, c, count, biggest, top))
    out.append("</svg>")
    return "\n".join(out)


def _cell(row: str, col: str, r: int, c: int, count: int, biggest: int, top: int) -> str:
    x = LABEL_WIDTH + c * CELL
    y = top + r * CELL
    fill = heat_rgb(count, biggest)
    return (
        f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" fill="{css(fill)}" '
        f'stroke="#ffffff" data-row="{escape(row)}" data-col="{escape(col)}" '
        f'data-count="{count}"><title>{escape(row)} → {escape(col)}: {count}</title></rect>'
        f'<text x="{x + CELL // 2}" y="{y + CELL // 2 + 5}" text-anchor="middle" '
        f'font-size="13" fill="{css(text_rgb(fill))}">{count}</text>'
    )
