"""Type names that brat's configuration accepts, and back: a lossless, deterministic code.

brat stores every type, role and attribute name in "storage form": it must
match ``^[a-zA-Z0-9_-]*$`` (brat ``server/src/projectconfig.py``,
``normalize_to_storage_form``; any other character is rewritten to ``_``, so
``Conflict.Attack`` in a configuration silently becomes ``Conflict_Attack``
and no longer matches the ``.ann`` files). A role name ending in a digit is
read as a repeated role (``Theme2`` is the second ``Theme``, brat
``annotation.py`` ``split_role``), and such a role cannot be declared
repeatable.

The code, from a project name to a brat name:

- *plain* names, dot-separated parts of ASCII letters, digits and ``-`` that
  do not end in a digit (every ACE 2005 name), keep their letters and turn
  each ``.`` into ``_``: ``Conflict.Attack`` → ``Conflict_Attack``, which is
  also what brat's own rewrite gives;
- every other name is written as ``__`` followed by the name with each
  character outside ``[A-Za-z-]`` and every digit written as
  ``_HEX_`` (its code point in lower-case hex): ``محافظة`` →
  ``___645__62d_...``, ``A_1`` → ``__A_5f__31_``.

Plain codes never start with ``_``, other codes always do, so decoding is
unambiguous. Roles, attribute names and attribute values treat ``.`` as any
other character, so their plain codes are the names themselves. The readable
name is shown in brat through the ``[labels]`` section that the export writes
to ``visual.conf``.
"""

from __future__ import annotations

import re

_PLAIN = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$")
_PLAIN_NO_DOT = re.compile(r"^[A-Za-z0-9-]+$")
_KEEP = re.compile(r"[A-Za-z-]")
_STORAGE = re.compile(r"^[a-zA-Z0-9_-]+$")
_ESCAPE = re.compile(r"_([0-9a-f]+)_")
# brat reads a line "SEPARATOR" in a configuration as a display separator.
_RESERVED = frozenset({"SEPARATOR"})


def encode(name: str, dots: bool = True) -> str:
    """The brat storage-form name for a project name (see the module docstring).

    With ``dots=False`` (roles, attribute names and values) a ``.`` is not a
    plain character: such names take the ``__`` form, so that plain names read
    back exactly as they are written.
    """
    plain = _PLAIN.match(name) if dots else _PLAIN_NO_DOT.match(name)
    if plain and not name[-1].isdigit() and name not in _RESERVED:
        return name.replace(".", "_")
    return "__" + "".join(c if _KEEP.match(c) else f"_{ord(c):x}_" for c in name)


def decode(code: str, dots: bool = True) -> str | None:
    """The project name for a brat name written by :func:`encode`; None if it is not one."""
    if not _STORAGE.match(code):
        return None
    if not code.startswith("__"):
        name = code.replace("_", ".") if dots else code
        return name if encode(name, dots) == code else None
    name = _ESCAPE.sub(lambda m: _char(m.group(1)), code[2:])
    return name if encode(name, dots) == code else None


def _char(hex_digits: str) -> str:
    value = int(hex_digits, 16)
    return chr(value) if value <= 0x10FFFF else "\ufffd"


def read_name(code: str, known: frozenset[str] | None, dots: bool = True) -> str:
    """The project name for a name found in a brat file.

    A ``__`` name decodes exactly. A plain name with ``_`` becomes the dotted
    name only when the project knows that name (or nothing is known): files
    made elsewhere use ``_`` in names such as ``Simple_chemical``, which then
    stay as they are. Names that do not decode are kept as they are.
    """
    name = decode(code, dots)
    if name is None or code.startswith("__") or known is None:
        return code if name is None else name
    return name if name in known else code


def display(name: str) -> str:
    """The name as brat's ``[labels]`` section can show it (no tab, newline or ``|``)."""
    return re.sub(r"[\t\n\r|]", " ", name).strip() or name
