"""Pixel helpers for paint tests: grab the pane, find what changed, find the ink."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage, QTextCursor

from annotator.core.positions import CodePoint
from annotator.ui.pane.text_pane import TextPane

Pixels = NDArray[np.uint8]


def grab(pane: TextPane) -> Pixels:
    """The pane's viewport as painted now, as a height x width x 3 array.

    The pane loses focus while it is grabbed, so that no blinking caret is drawn.
    """
    focused = pane.hasFocus()
    pane.clearFocus()
    image = pane.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    if focused:
        pane.setFocus()
    raw = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return raw[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def changed_box(a: Pixels, b: Pixels) -> QRect:
    """Bounding box of the pixels that differ between ``a`` and ``b`` (empty if none)."""
    ys, xs = np.nonzero((a != b).any(axis=2))
    if not len(xs):
        return QRect()
    return QRect(
        int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)
    )


def selection_box(pane: TextPane, start: int, end: int) -> QRect:
    """Where Qt's own selection highlight of code points ``[start, end)`` is painted."""
    pane.setTextCursor(QTextCursor(pane.document()))
    plain = grab(pane)
    pane.select_text(CodePoint(start), CodePoint(end))
    selected = grab(pane)
    pane.setTextCursor(QTextCursor(pane.document()))
    return changed_box(plain, selected)


def ink_mask(pane: TextPane, image: Pixels) -> NDArray[np.bool_]:
    """The pixels fully covered by glyphs: exactly the pane's text colour.

    Anti-aliased glyph edges mix with what is under them, so they change with a
    highlight; fully covered pixels do not, and no highlight is drawn in the text colour.
    """
    text = pane.palette().text().color()
    return np.asarray((image == (text.red(), text.green(), text.blue())).all(axis=2))


def same_place(a: QRect, b: QRect, dx: int = 6, dy: int = 2) -> bool:
    """True if every edge of ``a`` is within ``dx`` (left, right) or ``dy`` (top, bottom) of
    ``b``'s. Painted spans and Qt's own selection disagree by a few pixels at a word's
    end when the last letter carries a mark (e.g. tanween), hence the horizontal slack."""
    return (
        not a.isEmpty()
        and abs(a.left() - b.left()) <= dx
        and abs(a.right() - b.right()) <= dx
        and abs(a.top() - b.top()) <= dy
        and abs(a.bottom() - b.bottom()) <= dy
    )
