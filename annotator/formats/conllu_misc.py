"""A CoNLL-U token line's MISC column, as :mod:`annotator.formats.conllu_read` reads it.

``key=value`` items between bars; the project keeps entity tags (``NE``, ``NE2``, ...,
``NER``), ``Trigger`` and the white space keys (``SpaceAfter=No``, ``SpacesAfter=``,
``SpacesBefore=``, with UD's escapes).
"""

from __future__ import annotations

import re

NO_MISC: dict[str, str] = {}
_PAIRS = re.compile("([^=|]+)=?([^|]*)")  # key=value items between bars
_VALUES = re.compile("=[^|]*")  # the values, with their "="


def keys_of(field: str) -> str:
    """MISC without its values (``Vform|Gloss|SpaceAfter``): two fields give the same
    string only if :func:`misc_of` gives them the same keys, in the same order."""
    if field == "_":
        return ""
    if field[:1] == "=" or "|=" in field:  # an empty key: the pattern reads past the "="
        return field
    return _VALUES.sub("", field)


def misc_of(field: str) -> dict[str, str]:
    """MISC's ``key=value`` items between bars (a key without ``=`` has the value "")."""
    if field == "_":
        return NO_MISC
    if not field or "||" in field or "|=" in field or field[0] in "|=" or field[-1] == "|":
        return dict(_PAIRS.findall(field))  # empty items, empty keys: the pattern skips them
    return {key: value for key, _, value in (item.partition("=") for item in field.split("|"))}


def space_after(misc: dict[str, str]) -> str:
    """The white space after the token (UD's default: one space)."""
    if misc.get("SpaceAfter") == "No":
        return ""
    if "SpacesAfter" in misc:
        return unescape(misc["SpacesAfter"])
    return " "


def space_before(misc: dict[str, str]) -> str:
    """The white space before a document's first token (``SpacesBefore``)."""
    return unescape(misc["SpacesBefore"]) if "SpacesBefore" in misc else ""


def levels(misc: dict[str, str]) -> list[str]:
    """The entity tags by level: ``NE`` (or ``NER``), then ``NE2``, ``NE3``, ..."""
    tags = [misc.get("NE", misc.get("NER", "O"))]
    while f"NE{len(tags) + 1}" in misc:
        tags.append(misc[f"NE{len(tags) + 1}"])
    return tags


_UNESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|.)")
_SIMPLE = {"s": " ", "t": "\t", "n": "\n", "r": "\r", "p": "|", "\\": "\\"}


def unescape(raw: str) -> str:
    """A white space value with UD's escapes (``\\s``, ``\\n``, ``\\u00A0``...) resolved."""

    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        return chr(int(code[1:], 16)) if len(code) == 5 else _SIMPLE.get(code, m.group(0))

    return _UNESCAPE.sub(one, raw)
