"""Word tokens with code-point offsets, from camel-tools' word tokenizer.

camel-tools returns token strings; each is an exact substring of one
whitespace-delimited word, in order, so offsets are recovered by aligning
the tokens inside their word. camel-tools is imported on first use because
its character tables take about half a second to build.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from annotator.core.positions import CodePoint

_WORD = re.compile(r"\S+")


@cache
def _camel_tokenizer() -> Callable[[str], list[str]]:
    from camel_tools.tokenizers.word import simple_word_tokenize

    return simple_word_tokenize


Range = tuple[CodePoint, CodePoint]
"""A ``[start, end)`` range of code points."""

_TEXT_START = CodePoint(0)


def tokenize(
    text: str, start: CodePoint = _TEXT_START, end: CodePoint | None = None
) -> list[Range]:
    """Return ``(start, end)`` code-point offsets of the tokens in ``text[start:end]``.

    ``start`` and ``end`` should fall on whitespace or the text's ends; tokens are
    reported with offsets into the whole ``text``. camel-tools is called once on
    the whole range (not once per word), and each token is found by a forward
    search, because every token is an exact substring and tokens come in order.
    """
    stop = len(text) if end is None else end
    out: list[Range] = []
    find = text.find
    pos = start
    for piece in _camel_tokenizer()(text[start:stop]):
        found = CodePoint(find(piece, pos, stop))
        if found < 0:  # camel-tools never rewrites text; guard anyway
            continue
        pos = CodePoint(found + len(piece))
        out.append((found, pos))
    return out


def _word_bounds(text: str, start: CodePoint, end: CodePoint) -> Range:
    """Widen ``[start, end)`` to the whitespace around it."""
    while start > 0 and not text[start - 1].isspace():
        start = CodePoint(start - 1)
    while end < len(text) and not text[end].isspace():
        end = CodePoint(end + 1)
    return start, end


def snap_to_tokens(text: str, start: CodePoint, end: CodePoint) -> Range | None:
    """Grow ``[start, end)`` outward to whole tokens.

    Leading and trailing white space in the selection is ignored first.
    Returns ``None`` when the selection holds no token at all.
    """
    start, end = trim_whitespace(text, start, end)
    if start >= end:
        return None
    lo, hi = _word_bounds(text, start, end)
    hits = [(a, b) for a, b in tokenize(text, lo, hi) if a < end and b > start]
    if not hits:
        return None
    return hits[0][0], hits[-1][1]


def trim_whitespace(text: str, start: CodePoint, end: CodePoint) -> Range:
    """Shrink ``[start, end)`` so that it neither starts nor ends with white space."""
    while start < end and text[start].isspace():
        start = CodePoint(start + 1)
    while end > start and text[end - 1].isspace():
        end = CodePoint(end - 1)
    return start, end


def token_pieces(text: str) -> tuple[list[str], list[int], list[int]]:
    """The camel-tools tokens of the whole ``text``, with start and end offsets.

    The same tokens as :func:`tokenize`, returned as three parallel lists (the
    token strings, their starts and their ends) because the export formats need
    all three and building tuples for a million tokens is measurable.
    """
    words = _camel_tokenizer()(text)
    starts: list[int] = []
    ends: list[int] = []
    add_start = starts.append
    add_end = ends.append
    find = text.find
    pos = 0
    for piece in words:
        found = find(piece, pos)
        pos = found + len(piece)
        add_start(found)
        add_end(pos)
    return words, starts, ends


T = TypeVar("T", bound=tuple[Any, ...])


def outermost(ordered: list[T]) -> tuple[list[T], list[T]]:
    """Split token ranges ``(first, end, ...)``, sorted outer first, into one level and the rest.

    A range joins the level when it starts at or after the end of the last one kept,
    so the level holds the outermost ranges that do not overlap.
    """
    kept: list[T] = []
    rest: list[T] = []
    last_end = -1
    for it in ordered:
        if it[0] >= last_end:
            kept.append(it)
            last_end = it[1]
        else:
            rest.append(it)
    return kept, rest
