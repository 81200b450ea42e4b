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
unambiguous. The readable name is shown in brat through the ``[labels]``
section that the export writes to ``visual.conf``.
"""

from __future__ import annotations

import re

_PLAIN = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$")
_KEEP = re.compile(r"[A-Za-z-]")
_STORAGE = re.compile(r"^[a-zA-Z0-9_-]+$")
_ESCAPE = re.compile(r"_([0-9a-f]+)_")
# brat reads a line "SEPARATOR" in a configuration as a display separator.
_RESERVED = frozenset({"SEPARATOR"})


def encode(name: str) -> str:
    """The brat storage-form name for a project name (see the module docstring)."""
    if _PLAIN.match(name) and not name[-1].isdigit() and name not in _RESERVED:
        return name.replace(".", "_")
    return "__" + "".join(c if _KEEP.match(c) else f"_{ord(c):x}_" for c in name)


def decode(code: str) -> str | None:
    """The project name for a brat name written by :func:`encode`; None if it is not one."""
    if not _STORAGE.match(code):
        return None
    if not code.startswith("__"):
        name = code.replace("_", ".")
        return name if encode(name) == code else None
    name = _ESCAPE.sub(lambda m: _char(m.group(1)), code[2:])
    return name if encode(name) == code else None


def _char(hex_digits: str) -> str:
    value = int(hex_digits, 16)
    return chr(value) if value <= 0x10FFFF else "\ufffd"


def read_name(code: str, known: frozenset[str] | None) -> str:
    """The project name for a name found in a brat file.

    A name this app wrote decodes exactly. A file made elsewhere may use a
    name as it is (``Time_Within``): when only the undecoded form is known to
    the project, it is kept as it is.
    """
    name = decode(code)
    if name is None:
        return code
    if known is not None and name not in known and code in known:
        return code
    return name


def display(name: str) -> str:
    """The name as brat's ``[labels]`` section can show it (no tab, newline or ``|``)."""
    return re.sub(r"[\t\n\r|]", " ", name).strip() or name
