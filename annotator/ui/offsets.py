"""The one place that converts between code points and Qt's UTF-16 positions.

Stored offsets count Unicode code points (:data:`~annotator.core.positions.CodePoint`);
Qt counts UTF-16 code units, where a character outside the Basic Multilingual
Plane (an emoji, say) takes two units. Two unit types keep them apart for mypy:

- :data:`QtPos`: a position in the whole ``QTextDocument`` (``QTextCursor.position()``,
  ``QTextBlock.position()``);
- :data:`QtBlockPos`: a position inside one block's ``QTextLayout``
  (``QTextLine.textStart()``, ``cursorToX``, ``xToCursor``).

Wrap a Qt integer as one of these right where it comes from Qt. :class:`OffsetMap`
records where the astral characters are and converts in O(log n) with
:mod:`bisect`; :class:`BlockOffsets` does the same for one block, so no other
module does arithmetic across units.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import NewType

from annotator.core.positions import CodePoint

QtPos = NewType("QtPos", int)
"""A position in a ``QTextDocument``, counted in UTF-16 code units."""

QtBlockPos = NewType("QtBlockPos", int)
"""A position relative to the start of one text block (its ``QTextLayout``), in UTF-16 units."""

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Converts positions in one text between code points and UTF-16 units.

    Args:
        text: the stored document text (code points).
    """

    def __init__(self, text: str) -> None:
        self._cp_len = len(text)
        # code-point indices of astral characters, ascending
        self._astral_cp = [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 index where each astral character starts
        self._astral_u16 = [cp + i for i, cp in enumerate(self._astral_cp)]

    @property
    def cp_length(self) -> CodePoint:
        """Length of the text in code points."""
        return CodePoint(self._cp_len)

    @property
    def qt_length(self) -> QtPos:
        """Length of the text in UTF-16 units."""
        return QtPos(self._cp_len + len(self._astral_cp))

    @property
    def is_identity(self) -> bool:
        """True when the text has no astral characters (both counts agree)."""
        return not self._astral_cp

    def to_qt(self, cp: CodePoint) -> QtPos:
        """UTF-16 position of code-point offset ``cp`` (clamped to the text)."""
        cp = CodePoint(max(0, min(cp, self._cp_len)))
        return QtPos(cp + bisect_left(self._astral_cp, cp))

    def from_qt(self, u16: QtPos) -> CodePoint:
        """Code-point offset of UTF-16 position ``u16``.

        A position inside a surrogate pair is clamped to the start of that character.
        """
        u16 = QtPos(max(0, min(u16, self.qt_length)))
        before = bisect_right(self._astral_u16, u16 - 1)
        if before and self._astral_u16[before - 1] == u16 - 1:
            # u16 points at the low surrogate: step back onto the character's start
            return CodePoint(self._astral_cp[before - 1])
        return CodePoint(u16 - before)

    def block(self, position: QtPos, length: int) -> BlockOffsets:
        """The converter for the block at document ``position`` with ``length`` UTF-16 units.

        ``length`` is ``QTextBlock.length()``, which counts the block's separator.
        """
        return BlockOffsets(self, position, length)


class BlockOffsets:
    """Converts between code points of the whole text and positions inside one block.

    A block's layout counts UTF-16 units from the block's start, while the
    stored text is indexed by code point from the document's start. Painting
    and hit-testing ask this object instead of adding or subtracting positions.

    Args:
        offsets: the whole text's converter.
        position: the block's first position in the document (``QTextBlock.position()``).
        length: the block's length in UTF-16 units, separator included (``QTextBlock.length()``).
    """

    def __init__(self, offsets: OffsetMap, position: QtPos, length: int) -> None:
        self._map = offsets
        self._qt_start = position
        self.start: CodePoint = offsets.from_qt(position)
        """The block's first code point."""
        self.end: CodePoint = offsets.from_qt(QtPos(position + length))
        """The code point just after the block, separator included."""
        self.text_end: CodePoint = offsets.from_qt(QtPos(position + length - 1))
        """The code point just after the block's text (where its separator is)."""

    def to_block(self, cp: CodePoint) -> QtBlockPos:
        """Block-relative UTF-16 position of code point ``cp`` (clamped to the block)."""
        cp = CodePoint(max(self.start, min(cp, self.end)))
        return QtBlockPos(self._map.to_qt(cp) - self._qt_start)

    def char_units(self, cp: CodePoint) -> tuple[QtBlockPos, QtBlockPos]:
        """Block-relative positions of the first and the last UTF-16 unit of character ``cp``.

        They differ for an astral character, whose low surrogate is its last unit.
        """
        first = self.to_block(cp)
        return first, QtBlockPos(max(first, self.to_block(CodePoint(cp + 1)) - 1))

    def from_block(self, pos: QtBlockPos) -> CodePoint:
        """Code point (in the whole text) of block-relative UTF-16 position ``pos``."""
        return self._map.from_qt(QtPos(self._qt_start + pos))
