"""Tokens, sentences, alignment and tags for the token formats (CoNLL, CoNLL-U, spaCy, HF).

Token boundaries are a function of the text alone (ADR 0010): camel-tools
tokens (:func:`annotator.core.tokens.token_pieces`), optionally cut further
by the clitic rule of :mod:`annotator.core.clitics`, the same way for every
token. Annotations never move a boundary. A span whose start or end falls
inside a token is *unaligned*: the writers leave it out and count it.

Sentences are text-only too: a new sentence starts after a line break, and
after . ! ? ؟ … (and any closing quotes or brackets) followed by white space.

Speed: a million tokens go through here per export, so offsets live in numpy
arrays (alignment and sentence starts are one ``searchsorted`` each), and tags
are written straight in the form a writer puts out (:class:`TagForms`), so no
writer walks the tokens a second time to dress them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from annotator.core.clitics import SEGMENTS, clitic_cuts
from annotator.core.model import Span
from annotator.core.tokens import (
    WordTokens,
    join_tokens,
    joined_offsets,
    outermost,
    word_tokens,
)

SCHEMES = ("iob2", "bioes")
NESTED = ("outer", "inner", "all")
__all__ = ["NESTED", "SCHEMES", "SEGMENTS", "TagForms", "Tokens", "text_tokens"]

_SENTENCE_END = re.compile(r"[.!?؟…][.!?؟…»\"'”’)\]]*\s|\n")

Item = tuple[int, int, Span]  # first token, end token (exclusive), span


Offsets = npt.NDArray[np.int64]


@dataclass
class Tokens:
    """A text's tokens: their strings, and start and end offsets as arrays.

    ``groups[i]`` is the index of the camel-tools token that piece ``i`` was
    cut from; ``None`` when nothing was cut (each piece is its own token).
    """

    words: list[str]
    start_at: Offsets
    end_at: Offsets
    groups: list[int] | None = None

    def __len__(self) -> int:
        return len(self.words)

    @cached_property
    def starts(self) -> list[int]:
        """Start offsets as a list of ints."""
        return self.start_at.tolist()

    @cached_property
    def ends(self) -> list[int]:
        """End offsets as a list of ints."""
        return self.end_at.tolist()


def text_tokens(text: str, segment: str = "none", given: WordTokens | None = None) -> Tokens:
    """The tokens of ``text``: camel-tools tokens (``given``, or made now), cut by the
    ``segment`` rule."""
    if segment not in SEGMENTS:
        raise ValueError(f"segment must be one of {SEGMENTS}, not {segment!r}")
    if given is None:
        given = word_tokens(text)
    words, start_at, end_at = given.words, given.starts, given.ends
    if segment == "none":
        return Tokens(words, start_at, end_at)
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    groups: list[int] = []
    for k, (word, a) in enumerate(zip(words, start_at.tolist(), strict=True)):
        prev = 0
        for cut in [*clitic_cuts(word, segment), len(word)]:
            pieces.append(word[prev:cut])
            starts.append(a + prev)
            ends.append(a + cut)
            groups.append(k)
            prev = cut
    return Tokens(pieces, np.array(starts, np.int64), np.array(ends, np.int64), groups)


@dataclass
class Batch:
    """Documents tokenized as one text: their texts joined by line breaks.

    camel-tools splits at white space first, so the tokens of the joined text
    are exactly each document's tokens in turn; a line break also starts a
    sentence. Document ``k`` is ``text[offsets[k]:offsets[k + 1] - 1]`` and has
    the tokens ``firsts[k]`` to ``firsts[k + 1]`` (exclusive).
    """

    text: str
    tokens: Tokens
    offsets: list[int]
    firsts: list[int]

    def stops(self) -> list[tuple[int, int]]:
        """``(last token, end)`` of each document with tokens: where the white space after stops."""
        f, o = self.firsts, self.offsets
        return [(f[k + 1] - 1, o[k + 1] - 1) for k in range(len(f) - 1) if f[k + 1] > f[k]]


def batch_tokens(
    texts: Sequence[str], segment: str = "none", given: Sequence[WordTokens | None] = ()
) -> Batch:
    """Tokenize ``texts`` together (see :class:`Batch`).

    ``given`` may hold each text's stored camel-tools tokens (ADR 0015); when
    every text has them, they are put together instead of tokenizing again.
    """
    text = "\n".join(texts)
    offsets = joined_offsets(texts)
    stored = None
    if given and len(given) == len(texts) and all(g is not None for g in given):
        stored = join_tokens([g for g in given if g is not None], offsets)
    tokens = text_tokens(text, segment, stored)
    firsts = np.searchsorted(tokens.start_at, np.array(offsets, np.int64)).tolist()
    return Batch(text, tokens, offsets, firsts)


def sentence_starts(text: str, tokens: Tokens) -> list[int]:
    """Indexes of the tokens that start a sentence (0 is always one, if any)."""
    n = len(tokens)
    if not n:
        return []
    after = [m.end() for m in _SENTENCE_END.finditer(text)]
    found = np.unique(np.searchsorted(tokens.start_at, np.array([0, *after], np.int64)))
    return found[found < n].tolist()


def align(tokens: Tokens, spans: Sequence[Span]) -> tuple[list[Item], list[Span]]:
    """Map spans to token ranges; return ``(aligned, unaligned)``.

    A span is aligned when it starts where a token starts and ends where a
    token ends; nothing is snapped or trimmed.
    """
    items, good = align_at(tokens, [s.start for s in spans], [s.end for s in spans], spans)
    return items, [s for s, ok in zip(spans, good, strict=True) if not ok]


def align_batch(
    batch: Batch, spans: Sequence[Sequence[Span]]
) -> tuple[list[list[Item]], list[list[Span]]]:
    """Align each document's spans on the batch's tokens.

    Returns, per document, the aligned items and the unaligned spans.
    """
    flat: list[Span] = []
    starts: list[int] = []
    ends: list[int] = []
    for offset, group in zip(batch.offsets, spans, strict=False):
        flat += group
        starts += [s.start + offset for s in group] if offset else [s.start for s in group]
        ends += [s.end + offset for s in group] if offset else [s.end for s in group]
    items, good = align_at(batch.tokens, starts, ends, flat)
    aligned: list[list[Item]] = []
    unaligned: list[list[Span]] = []
    at = done = 0
    for group in spans:
        marks = good[at : at + len(group)]
        count = sum(marks)
        aligned.append(items[done : done + count])
        unaligned.append([s for s, ok in zip(group, marks, strict=True) if not ok])
        at += len(group)
        done += count
    return aligned, unaligned


def align_at(
    tokens: Tokens, starts: list[int], ends: list[int], spans: Sequence[Span]
) -> tuple[list[Item], list[bool]]:
    """Align spans given their (shifted) offsets; return the items and which spans aligned."""
    n = len(tokens)
    if not spans or not n:
        return [], [False] * len(spans)
    lo = np.array(starts, np.int64)
    hi = np.array(ends, np.int64)
    first = np.searchsorted(tokens.start_at, lo)
    last = np.searchsorted(tokens.end_at, hi)
    good: list[bool] = (
        (first < n)
        & (last < n)
        & (first <= last)
        & (tokens.start_at[np.minimum(first, n - 1)] == lo)
        & (tokens.end_at[np.minimum(last, n - 1)] == hi)
    ).tolist()
    rows = zip(first.tolist(), last.tolist(), spans, good, strict=True)
    return [(i, j + 1, s) for i, j, s, ok in rows if ok], good


def within_sentences(items: list[Item], breaks: Sequence[int]) -> tuple[list[Item], int]:
    """Drop items that cross a sentence start; return kept items and the number dropped."""
    if len(breaks) < 2 or not items:
        return items, 0
    bounds = np.array(breaks, np.int64)
    first = np.searchsorted(bounds, np.array([it[0] for it in items], np.int64), "right")
    last = np.searchsorted(bounds, np.array([it[1] - 1 for it in items], np.int64), "right")
    kept = [it for it, ok in zip(items, (first == last).tolist(), strict=True) if ok]
    return kept, len(items) - len(kept)


def levels(items: list[Item], nested: str, count: int) -> tuple[list[list[Item]], int]:
    """Split items into non-overlapping levels; return ``(levels, left out)``.

    ``outer`` keeps the longest spans that nothing kept overlaps; ``inner``
    keeps spans that contain no other span, then resolves crossings the same
    way; ``all`` gives ``count`` levels: the outer level, then the outer level
    of what is left, and so on (GermEval 2014 style). Linear after sorting.
    """
    if nested not in NESTED:
        raise ValueError(f"nested must be one of {NESTED}")
    ordered = sorted(items, key=lambda it: (it[0], -it[1], it[2].label, it[2].id))
    if nested == "inner":
        ordered = _innermost(ordered)
    out: list[list[Item]] = []
    rest = ordered
    for _ in range(count if nested == "all" else 1):
        level, rest = outermost(rest)
        out.append(level)
    return out, len(items) - sum(len(level) for level in out)


def _innermost(ordered: list[Item]) -> list[Item]:
    """Items (sorted by start, then longest first) that contain no item of another extent.

    An item contains another exactly when some item after it in this order,
    past the items of identical extent, ends no later than it does.
    """
    n = len(ordered)
    suffix_min = [0] * (n + 1)
    suffix_min[n] = 1 << 62
    for k in range(n - 1, -1, -1):
        suffix_min[k] = min(ordered[k][1], suffix_min[k + 1])
    out = []
    k = 0
    while k < n:
        m = k
        while m < n and ordered[m][:2] == ordered[k][:2]:
            m += 1
        if suffix_min[m] > ordered[k][1]:
            out.extend(ordered[k:m])
        k = m
    return out


class TagForms:
    """The text a writer puts out for each tag (``"\\tB-PER"``, ``"NE=B-PER"``, an id), made once.

    ``form`` turns a tag such as ``"B-PER"`` into that text; it is called once
    per tag, the first time a label is met, so label ids can be handed out in
    order of appearance. :meth:`of` gives a label's begin, inside, end and
    single-token forms (IOB2: end is inside, single is begin).
    """

    def __init__(self, scheme: str, form: Callable[[str], str] = str) -> None:
        self._bioes = scheme == "bioes"
        self._form = form
        self.outside = form("O")
        self._known: dict[str, tuple[str, str, str, str]] = {}

    def of(self, label: str) -> tuple[str, str, str, str]:
        """Begin, inside, end and single-token forms of ``label``."""
        known = self._known.get(label)
        if known is None:
            form = self._form
            begin, inside = form("B-" + label), form("I-" + label)
            if self._bioes:
                known = (begin, inside, form("E-" + label), form("S-" + label))
            else:
                known = (begin, inside, inside, begin)
            self._known[label] = known
        return known


def tag_column(size: int, items: Sequence[Item], forms: TagForms) -> list[str]:
    """Tags (in ``forms``) for ``size`` tokens from non-overlapping items."""
    tags = [forms.outside] * size
    of = forms.of
    for i, j, s in items:
        begin, inside, end, single = of(s.label)
        if j - i == 1:
            tags[i] = single
            continue
        tags[i] = begin
        if j - i > 2:
            tags[i + 1 : j - 1] = [inside] * (j - i - 2)
        tags[j - 1] = end
    return tags


def gap_forms(
    text: str,
    tokens: Tokens,
    one: str,
    none: str,
    other: Callable[[str], str],
    stops: Sequence[tuple[int, int]] = (),
) -> tuple[list[str], dict[int, str]]:
    """A form of the white space after each token, and the gaps that are neither one nor none.

    The gap runs up to the next token or the text's end; ``stops`` lists
    ``(token, end)``: the gap after that token ends at ``end`` instead (the end
    of its document). ``one`` stands for a single space, ``none`` for no white
    space at all, and ``other(gap)`` for anything else (line breaks, tabs,
    NBSP, several spaces); the second result maps those tokens to their gap.
    """
    n = len(tokens)
    if not n:
        return [], {}
    ends = tokens.end_at
    follow = np.empty(n, np.int64)
    follow[:-1] = tokens.start_at[1:]
    follow[-1] = len(text)
    if stops:
        at, stop = zip(*stops, strict=True)
        follow[list(at)] = stop
    length = follow - ends
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    single = length == 1
    space = np.zeros(n, bool)
    space[single] = codes[ends[single]] == 32
    kind = np.where(space, 0, np.where(length == 0, 1, 2))
    out: list[str] = np.array([one, none, None], dtype=object)[kind].tolist()
    gaps = {}
    for k in np.flatnonzero(kind == 2).tolist():
        gap = gaps[k] = text[ends[k] : follow[k]]
        out[k] = other(gap)
    return out, gaps


CHUNK = 1 << 16  # pieces joined at a time: output is built and encoded while it is in cache


def joined(parts: list[str], sep: str = "", size: int = CHUNK) -> list[str]:
    """``sep.join(parts)`` as a few pieces to write one after the other."""
    pieces = [sep.join(parts[at : at + size]) for at in range(0, len(parts), size)]
    if sep and len(pieces) > 1:  # the separator between chunks is a piece of its own, so
        spaced = [sep] * (2 * len(pieces) - 1)  # no chunk is copied to add it
        spaced[::2] = pieces
        return spaced
    return pieces


def json_words(batch: Batch) -> list[str]:
    """The tokens as JSON string contents: only tokens holding ``"``, ``\\`` or a control
    character are escaped, found with one pass over the text's code points."""
    tokens = batch.tokens
    codes = np.frombuffer(batch.text.encode("utf-32-le", "surrogatepass"), np.uint32)
    at = np.flatnonzero((codes < 32) | (codes == 34) | (codes == 92))
    if not at.size:
        return tokens.words
    k = np.searchsorted(tokens.end_at, at, "right")
    inside = k < len(tokens)
    k, at = k[inside], at[inside]
    k = np.unique(k[tokens.start_at[k] <= at])
    words = list(tokens.words)
    for i in k.tolist():
        words[i] = json.dumps(words[i], ensure_ascii=False)[1:-1]
    return words


def _escaped(word: str) -> str:
    return json.dumps(word, ensure_ascii=False)[1:-1]
