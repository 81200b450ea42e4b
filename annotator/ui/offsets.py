"""The one place that converts between code points and Qt's UTF-16 positions.

Stored offsets count Unicode code points; Qt counts UTF-16 code units, where a
character outside the Basic Multilingual Plane (an emoji, say) takes two units.
:class:`OffsetMap` records where those astral characters are and converts in
O(log n) with :mod:`bisect`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

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
    def cp_length(self) -> int:
        """Length of the text in code points."""
        return self._cp_len

    @property
    def qt_length(self) -> int:
        """Length of the text in UTF-16 units."""
        return self._cp_len + len(self._astral_cp)

    @property
    def is_identity(self) -> bool:
        """True when the text has no astral characters (both counts agree)."""
        return not self._astral_cp

    def to_qt(self, cp: int) -> int:
        """UTF-16 position of code-point offset ``cp`` (clamped to the text)."""
        cp = max(0, min(cp, self._cp_len))
        return cp + bisect_left(self._astral_cp, cp)

    def from_qt(self, u16: int) -> int:
        """Code-point offset of UTF-16 position ``u16``.

        A position inside a surrogate pair is clamped to the start of that character.
        """
        u16 = max(0, min(u16, self.qt_length))
        before = bisect_right(self._astral_u16, u16 - 1)
        cp = u16 - before
        if before and self._astral_u16[before - 1] == u16 - 1:
            # u16 points at the low surrogate: step back onto the character's start
            cp = self._astral_cp[before - 1]
        return cp
