"""Tokens, sentences and tags for the token-based formats (CoNLL, CoNLL-U, spaCy).

Tokens come from camel-tools (:func:`annotator.core.tokens.tokenize`). Where a
span boundary falls inside a token, the token is split there, so every span
covers whole tokens; each piece remembers the token it came from (``word``),
which CoNLL-U writes as a multiword token. Sentences end after . ! ? ؟ … and
at line breaks, but never inside a written span.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from annotator.core.model import Span
from annotator.core.tokens import tokenize

END_PUNCT = frozenset(".!?؟…")
SCHEMES = ("iob2", "bioes")
NESTED = ("outer", "inner")

Piece = tuple[int, int, int]  # start, end, index of the camel-tools token it came from


def split_at(tokens: Sequence[tuple[int, int]], cuts: Sequence[int]) -> list[Piece]:
    """Split tokens at the sorted offsets ``cuts`` that fall strictly inside them."""
    out: list[Piece] = []
    append = out.append
    j = 0
    n = len(cuts)
    for k, (a, b) in enumerate(tokens):
        while j < n and cuts[j] <= a:
            j += 1
        if j < n and cuts[j] < b:
            s = a
            while j < n and cuts[j] < b:
                append((s, cuts[j], k))
                s = cuts[j]
                j += 1
            append((s, b, k))
        else:
            append((a, b, k))
    return out


def pieces_for(text: str, spans: Iterable[Span]) -> list[Piece]:
    """Tokenize ``text`` and split the tokens at every boundary of ``spans``."""
    cuts = sorted({x for s in spans for x in (s.start, s.end)})
    return split_at(tokenize(text), cuts)


def select_level(spans: Sequence[Span], nested: str) -> tuple[list[Span], int]:
    """Keep one level of nested or overlapping spans; return ``(kept, dropped)``.

    ``outer`` keeps spans that no earlier-kept span overlaps (longest first);
    ``inner`` keeps spans that contain no other span, then resolves crossings.
    """
    if nested not in NESTED:
        raise ValueError(f"nested must be one of {NESTED}")
    ordered = sorted(spans, key=lambda s: (s.start, -s.end, s.label, s.id))
    if nested == "inner":
        ordered = [s for s in ordered if not _contains_other(s, ordered)]
    kept: list[Span] = []
    last_end = -1
    for s in ordered:
        if s.start >= last_end:
            kept.append(s)
            last_end = s.end
    return kept, len(spans) - len(kept)


def _contains_other(span: Span, ordered: Sequence[Span]) -> bool:
    starts = [s.start for s in ordered]
    i = bisect_left(starts, span.start)
    for other in ordered[i:]:
        if other.start >= span.end:
            break
        if (
            other is not span
            and span.contains(other)
            and (other.start, other.end)
            != (
                span.start,
                span.end,
            )
        ):
            return True
    return False


def tag_pieces(
    pieces: Sequence[Piece], starts: Sequence[int], spans: Sequence[Span], scheme: str
) -> tuple[list[str], int]:
    """Tag each piece for non-overlapping ``spans``; return tags and spans with no token.

    ``starts`` is the list of piece start offsets (for bisection).
    """
    tags = ["O"] * len(pieces)
    empty = 0
    bioes = scheme == "bioes"
    n = len(pieces)
    for s in spans:
        i = bisect_left(starts, s.start)
        j = i
        while j < n and pieces[j][1] <= s.end:
            j += 1
        if j == i:
            empty += 1
            continue
        label = s.label
        if bioes and j - i == 1:
            tags[i] = "S-" + label
            continue
        tags[i] = "B-" + label
        inner = "I-" + label
        for k in range(i + 1, j):
            tags[k] = inner
        if bioes:
            tags[j - 1] = "E-" + label
    return tags, empty


def continues(tag: str) -> bool:
    """True if ``tag`` continues a span begun on an earlier token."""
    return tag[:2] in ("I-", "E-")


def sentence_breaks(
    text: str, pieces: Sequence[Piece], columns: Sequence[Sequence[str]]
) -> list[int]:
    """Indexes of the pieces that start a new sentence (0 is always one)."""
    if not pieces:
        return []
    breaks = [0]
    prev_punct = text[pieces[0][0] : pieces[0][1]] in END_PUNCT
    prev_end = pieces[0][1]
    for i in range(1, len(pieces)):
        a, b, _ = pieces[i]
        piece = text[a:b]
        is_punct = piece in END_PUNCT
        boundary = (prev_punct and not is_punct) or "\n" in text[prev_end:a]
        if boundary and not any(continues(col[i]) for col in columns):
            breaks.append(i)
        prev_punct = is_punct
        prev_end = b
    return breaks
