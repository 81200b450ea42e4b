"""Type names that brat's configuration accepts, and back: a lossless, deterministic code.

brat stores every type, role and attribute name in "storage form": it must
match ``^[a-zA-Z0-9_-]*$`` (brat ``server/src/projectconfig.py``,
``normalize_to_storage_form``; any other character is rewritten to ``_``, so
``Conflict.Attack`` in a configuration silently becomes ``Conflict_Attack``
and no longer matches the ``.ann`` files). A role name ending in a digit is
read as a repeated role (``Theme2`` is the second ``Theme``, brat
``annotation.py`` ``split_role``), and such a role cannot be declared
repeatable.

The code, from a project name to a brat name, in this order:

1. *plain dotted* type names, dot-separated parts of ASCII letters, digits
   and ``-`` (every ACE 2005 name), turn each ``.`` into ``_``:
   ``Conflict.Attack`` → ``Conflict_Attack``, which is also what brat's own
   rewrite gives; a role, attribute name or value has no ``.`` rule;
2. a name already in storage form is written as it is (``Simple_chemical``,
   the relation ``N_lt_``, the attribute value ``Sg3``), unless it starts with
   ``__``, is brat's reserved ``SEPARATOR``, is a role ending in a digit, or
   is a type name that a plain dotted name of the schema already writes
   (``A_B`` when the schema also has ``A.B``: its *twin*);
3. every other name is written as ``__`` followed by the name with each
   character outside ``[A-Za-z-]`` written as ``_HEX_`` (its code point in
   lower-case hex): ``محافظة`` → ``___645__62d_...``, ``A_1`` (a role) →
   ``__A_5f__31_``.

Codes of rule 3 always start with ``__``, the others never do. A ``__`` code
decodes exactly. Any other code is the name itself, except that a type code
whose ``_`` read as ``.`` give a name the project knows is that dotted name
(:func:`read_name`); rule 2's twin exception keeps that unambiguous. The
readable name is shown in brat through the ``[labels]`` section that the
export writes to ``visual.conf``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PLAIN = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$")
_KEEP = re.compile(r"[A-Za-z-]")
_STORAGE = re.compile(r"^[a-zA-Z0-9_-]+$")
_ESCAPE = re.compile(r"_([0-9a-f]+)_")
# brat reads a line "SEPARATOR" in a configuration as a display separator.
_RESERVED = frozenset({"SEPARATOR"})

TYPE = "type"  # span labels, event types, relation types
ROLE = "role"  # event argument roles: no final digit
VALUE = "value"  # attribute names and values


def twins(names: Iterable[str]) -> frozenset[str]:
    """The codes that the plain dotted names among ``names`` take (``A.B`` → ``A_B``)."""
    return frozenset(n.replace(".", "_") for n in names if "." in n and _PLAIN.match(n))


def encode(name: str, kind: str = TYPE, taken: frozenset[str] = frozenset()) -> str:
    """The brat storage-form name for a project name (see the module docstring).

    ``kind`` is :data:`TYPE`, :data:`ROLE` or :data:`VALUE`; ``taken`` holds
    the codes of the schema's plain dotted names (:func:`twins`).
    """
    if name in _RESERVED or (kind == ROLE and name[-1:].isdigit()):
        return _escaped(name)
    if kind == TYPE and "." in name and _PLAIN.match(name):
        return name.replace(".", "_")
    kept = _STORAGE.match(name) and not name.startswith("__")
    if kept and (kind != TYPE or name not in taken):
        return name
    return _escaped(name)


def _escaped(name: str) -> str:
    return "__" + "".join(c if _KEEP.match(c) else f"_{ord(c):x}_" for c in name)


def decode(code: str, kind: str = TYPE) -> str | None:
    """The exact project name for a ``__`` code, the code for any other storage-form name.

    None if ``code`` is not in storage form or is a ``__`` code that
    :func:`encode` never writes.
    """
    if not _STORAGE.match(code):
        return None
    if not code.startswith("__"):
        return None if kind == ROLE and code[-1].isdigit() else code
    name = _ESCAPE.sub(lambda m: _char(m.group(1)), code[2:])
    return name if name and _escaped(name) == code else None


def _char(hex_digits: str) -> str:
    value = int(hex_digits, 16)
    return chr(value) if value <= 0x10FFFF else "\ufffd"


def read_name(code: str, known: frozenset[str] | None, kind: str = TYPE) -> str:
    """The project name for a name found in a brat file.

    A ``__`` name decodes exactly. A type name with ``_`` becomes the dotted
    name only when the project knows that name (or nothing is known, ``None``):
    files made elsewhere use
    ``_`` in names such as ``Simple_chemical``, which then stay as they are.
    Names that do not decode are kept as they are.
    """
    name = decode(code, kind)
    if name is None:
        return code
    if code.startswith("__") or kind != TYPE:
        return name
    dotted = code.replace("_", ".")
    if not _PLAIN.match(dotted):
        return code
    return dotted if known is None or dotted in known else code


def display(name: str) -> str:
    """The name as brat's ``[labels]`` section can show it (no tab, newline or ``|``)."""
    return re.sub(r"[\t\n\r|]", " ", name).strip() or name
