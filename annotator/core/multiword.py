"""A document's multiword tokens, as a treebank gave them (ADR 0021).

A CoNLL-U multiword token (a range line ``6-7 باقامة``, then its parts
``ب`` and ``إقامة``) covers the code points ``[start, end)`` of the stored text,
its surface form; its parts are the syntactic words, whose forms need not spell
the surface (``ب`` + ``إقامة``, ``have`` + ``not``). The stored text follows the
surface; the parts are kept here, beside the document, so that a CoNLL-U export
can write the range line and the parts again.

They are stored as one project fact per document (key :func:`multiword_key`),
a JSON list of ``[start, end, [part, ...]]``, written by the write service when
it adds the document, and deleted and restored with it.
"""

from __future__ import annotations

import json
from typing import NamedTuple

MULTIWORD_PREFIX = "words/document/"
"""Project facts under this prefix hold documents' multiword tokens: ``words/document/<id>/``."""


_BREAKS = frozenset("\t\n\r")  # a part is one CoNLL-U column on one line


class Multiword(NamedTuple):
    """One multiword token: its surface ``[start, end)`` in the stored text, and its parts."""

    start: int
    end: int
    parts: tuple[str, ...]


def multiword_key(doc_id: int) -> str:
    """The project fact that holds document ``doc_id``'s multiword tokens."""
    return f"{MULTIWORD_PREFIX}{doc_id}/"


def encode(words: tuple[Multiword, ...]) -> str:
    """The stored form: compact JSON, non-ASCII kept as it is."""
    rows = [[w.start, w.end, list(w.parts)] for w in words]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def decode(value: str | None, length: int) -> tuple[Multiword, ...]:
    """The multiword tokens stored in ``value`` for a text of ``length`` code points.

    A fact is project data and may come from another program: anything that is
    not a list of well-formed, ordered, non-overlapping tokens inside the text
    gives no multiword tokens at all (the export then writes plain tokens).
    """
    if not value:
        return ()
    try:
        rows = json.loads(value)
    except ValueError:
        return ()
    out: list[Multiword] = []
    at = 0
    for row in rows if isinstance(rows, list) else [None]:
        word = _one(row, at, length)
        if word is None:
            return ()
        out.append(word)
        at = word.end
    return tuple(out)


def _one(row: object, at: int, length: int) -> Multiword | None:
    if not (isinstance(row, list) and len(row) == 3):
        return None
    start, end, parts = row
    ints = all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end))
    if not ints or not at <= start < end <= length:
        return None
    if not (isinstance(parts, list) and len(parts) >= 2):
        return None
    if not all(isinstance(p, str) and p and not _BREAKS & set(p) for p in parts):
        return None
    return Multiword(start, end, tuple(parts))
