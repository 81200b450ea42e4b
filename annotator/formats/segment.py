"""Tokens, sentences, alignment and tags for the token formats (CoNLL, CoNLL-U, spaCy, HF).

Token boundaries are a function of the text alone (ADR 0010): camel-tools
tokens (:func:`annotator.core.tokens.token_pieces`), optionally cut further
by the clitic rule of :mod:`annotator.core.clitics`, the same way for every
token. Annotations never move a boundary. A span whose start or end falls
inside a token is *unaligned*: the writers leave it out and count it.

Sentences are text-only too: a new sentence starts after a line break, and
after . ! ? ؟ … (and any closing quotes or brackets) followed by white space.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from annotator.core.clitics import SEGMENTS, clitic_cuts
from annotator.core.model import Span
from annotator.core.tokens import outermost, token_pieces

SCHEMES = ("iob2", "bioes")
NESTED = ("outer", "inner", "all")
__all__ = ["NESTED", "SCHEMES", "SEGMENTS", "Tokens", "text_tokens"]

_SENTENCE_END = re.compile(r"[.!?؟…][.!?؟…»\"'”’)\]]*\s|\n")

Item = tuple[int, int, Span]  # first token, end token (exclusive), span


@dataclass
class Tokens:
    """A text's tokens as parallel lists.

    ``groups[i]`` is the index of the camel-tools token that piece ``i`` was
    cut from; ``None`` when nothing was cut (each piece is its own token).
    """

    words: list[str]
    starts: list[int]
    ends: list[int]
    groups: list[int] | None = None

    def __len__(self) -> int:
        return len(self.words)


def text_tokens(text: str, segment: str = "none") -> Tokens:
    """The tokens of ``text``: camel-tools tokens, cut by the ``segment`` rule."""
    if segment not in SEGMENTS:
        raise ValueError(f"segment must be one of {SEGMENTS}, not {segment!r}")
    words, starts, ends = token_pieces(text)
    if segment == "none":
        return Tokens(words, starts, ends)
    out = Tokens([], [], [], [])
    assert out.groups is not None
    for k, (word, a, b) in enumerate(zip(words, starts, ends, strict=True)):
        prev = 0
        for cut in [*clitic_cuts(word, segment), len(word)]:
            out.words.append(word[prev:cut])
            out.starts.append(a + prev)
            out.ends.append(a + cut)
            out.groups.append(k)
            prev = cut
        assert a + prev == b
    return out


def sentence_starts(text: str, tokens: Tokens) -> list[int]:
    """Indexes of the tokens that start a sentence (0 is always one, if any)."""
    if not len(tokens):
        return []
    starts = tokens.starts
    found = {bisect_left(starts, m.end()) for m in _SENTENCE_END.finditer(text)}
    found.discard(len(starts))
    found.add(0)
    return sorted(found)


def align(tokens: Tokens, spans: Sequence[Span]) -> tuple[list[Item], list[Span]]:
    """Map spans to token ranges; return ``(aligned, unaligned)``.

    A span is aligned when it starts where a token starts and ends where a
    token ends; nothing is snapped or trimmed.
    """
    starts, ends = tokens.starts, tokens.ends
    n = len(starts)
    aligned: list[Item] = []
    unaligned: list[Span] = []
    for s in spans:
        i = bisect_left(starts, s.start)
        j = bisect_left(ends, s.end)
        if i < n and j < n and starts[i] == s.start and ends[j] == s.end and i <= j:
            aligned.append((i, j + 1, s))
        else:
            unaligned.append(s)
    return aligned, unaligned


def within_sentences(items: list[Item], breaks: Sequence[int]) -> tuple[list[Item], int]:
    """Drop items that cross a sentence start; return kept items and the number dropped."""
    kept = [it for it in items if bisect_right(breaks, it[0]) == bisect_right(breaks, it[1] - 1)]
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


def tag_column(size: int, items: Sequence[Item], scheme: str) -> list[str]:
    """IOB2 or BIOES tags for ``size`` tokens from non-overlapping items."""
    tags = ["O"] * size
    bioes = scheme == "bioes"
    for i, j, s in items:
        label = s.label
        if bioes and j - i == 1:
            tags[i] = "S-" + label
            continue
        tags[i] = "B-" + label
        if j - i > 1:
            tags[i + 1 : j] = ["I-" + label] * (j - i - 1)
        if bioes:
            tags[j - 1] = "E-" + label
    return tags


def continues(tag: str) -> bool:
    """True if ``tag`` continues a span begun on an earlier token."""
    return tag[:2] in ("I-", "E-")


def gaps_after(text: str, tokens: Tokens) -> list[str]:
    """The white space after each token (up to the next token, or the end of the text)."""
    nexts = tokens.starts[1:]
    nexts.append(len(text))
    return [text[e:s] for e, s in zip(tokens.ends, nexts, strict=True)]
