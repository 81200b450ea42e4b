"""What an annotator, a label, an event or relation type or a role may be called,
and the kinds of annotator a project knows.

One rule for every way a name comes in: ``import --annotator``, the layers of
another project file that a merge brings (ADR 0012) and every schema. A name is shown in
lists, written into exports and printed on terminals, so it must have a visible
character, no control character (NUL, line breaks, ESC...), valid Unicode and
at most :data:`MAX_NAME_LENGTH` characters (the column's declared length).
"""

from __future__ import annotations

import re

from annotator.core.text import is_invisible

MAX_NAME_LENGTH = 200  # annotator names, labels, event and relation types, roles
ANNOTATOR_KINDS = ("human", "gold")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def name_problem(name: object, what: str = "annotator name") -> str | None:
    """Why ``name`` cannot be a ``what`` (an annotator name, a label...), or None if it can."""
    if not isinstance(name, str):
        return f"the {what} must be text, not {type(name).__name__}"
    if is_invisible(name):
        return f"the {what} is empty or has no visible character"
    bad = _CONTROL.search(name) or _SURROGATE.search(name)
    if bad is not None:
        return f"the {what} contains the character U+{ord(bad.group()):04X}"
    if len(name) > MAX_NAME_LENGTH:
        return f"the {what} is {len(name)} characters long (at most {MAX_NAME_LENGTH} are allowed)"
    return None


def annotator_name_problem(name: object) -> str | None:
    """Why ``name`` cannot be an annotator's name, or None if it can."""
    return name_problem(name, "annotator name")


def annotator_kind_problem(kind: object) -> str | None:
    """Why ``kind`` is not an annotator kind ("human" or "gold"), or None."""
    if kind in ANNOTATOR_KINDS:
        return None
    return f"the annotator kind {kind!r} is not one of {', '.join(ANNOTATOR_KINDS)}"
