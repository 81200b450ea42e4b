"""Position units. Stored offsets count Unicode code points, with exclusive ends.

Qt counts UTF-16 code units; its unit, ``QtPos``, lives in :mod:`annotator.ui.offsets`,
the only module that converts between the two. Keeping the units as distinct
``NewType``s lets mypy catch code that mixes them.
"""

from __future__ import annotations

from typing import NewType

CodePoint = NewType("CodePoint", int)
"""An offset into the stored text, counted in Unicode code points."""
