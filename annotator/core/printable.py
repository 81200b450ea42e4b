"""Text handed to other programs: names a terminal cannot act on, CSV no spreadsheet runs.

Names come from project files, and a project file may come from anyone
(issue 17). Printed raw, a name holding ``ESC [2J`` clears the screen, and a
CSV cell starting with ``=`` is a formula to a spreadsheet. Only controls are
escaped (C0, DEL, C1), so Arabic letters, ZWNJ, NBSP and emoji stay readable.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROLS_IN_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # keeps TAB and LF
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list for CSV injection
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def _hex(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def escape_controls(text: str) -> str:
    """``text`` with every control character (line breaks too) written as ``\\xNN``."""
    return _CONTROLS.sub(_hex, text)


def escape_lines(text: str) -> str:
    """``text`` for a terminal: lines and tabs kept, every other control as ``\\xNN``."""
    return _CONTROLS_IN_LINES.sub(_hex, text)


def _is_number(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None


def csv_cell(value: object) -> object:
    """``value`` made safe for a spreadsheet: text that starts like a formula gets a ``'``.

    Numbers, and text that reads as a number (``-0.25``), are left as they are.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """``rows`` as RFC 4180 CSV (CRLF line ends; fields with CR, LF, quotes or commas quoted).

    Every cell goes through :func:`csv_cell`.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()
