"""A stand-in for the fonts a user's system adds: one plain box glyph for the CJK extension planes.

The tests see no system font at all (``tests/conftest.py``), only the app's bundled fonts. A few
test texts hold characters that no bundled font draws, such as «𠀀» (CJK Extension B), which on
a real machine come from a system font such as a CJK font. Without any font for them Qt draws its
own missing-glyph box, which it places half a pixel differently when a selection is drawn on the
same line; with this font they are ordinary glyphs, drawn the same way every time. The font is
made here with fontTools at the start of the session, so no binary is committed for it.
"""

from __future__ import annotations

from pathlib import Path

FAMILY = "Annotator Test Fallback"
# Supplementary Ideographic Plane and Tertiary Ideographic Plane: CJK Extensions B to H.
RANGE = (0x20000, 0x3FFFD)


def build(path: Path) -> Path:
    """Write the fallback font to ``path`` and return it."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "box"])
    builder.setupCharacterMap({0x20: ".notdef"})
    pen = TTGlyphPen(None)
    for x0, y0, x1, y1, clockwise in ((60, -80, 940, 820, True), (140, 0, 860, 740, False)):
        corners = [(x0, y0), (x0, y1), (x1, y1), (x1, y0)]
        if not clockwise:
            corners.reverse()
        pen.moveTo(corners[0])
        for point in corners[1:]:
            pen.lineTo(point)
        pen.closePath()
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "box": pen.glyph()})
    builder.setupHorizontalMetrics({".notdef": (1000, 0), "box": (1000, 60)})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": FAMILY, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    many_to_one = CmapSubtable.newSubtable(13)
    many_to_one.platformID, many_to_one.platEncID, many_to_one.language = 3, 10, 0
    many_to_one.cmap = {code: "box" for code in range(RANGE[0], RANGE[1] + 1)}
    builder.font["cmap"].tables.append(many_to_one)
    builder.save(str(path))
    return path
