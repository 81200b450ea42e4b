"""IOB2 tags of text-only tokens, the unit of the chance-corrected token measures.

Tokens come from :func:`annotator.core.tokens.tokenize` on the document's stored
text alone (camel-tools' word tokenizer, no clitic rule): the same tokens for
every annotator, as the CoNLL export writes them (ADR "text-only tokens").
A span is *aligned* when it starts where a token starts and ends where a token
ends; an unaligned span (a boundary inside a token, e.g. «محافظة» inside
«بمحافظة») is left out of the token measures and counted.

Nesting: level 1 is the outermost level (sorted by start, longest first; a span
is kept when it starts at or after the end of the last kept one); level 2 is the
outermost level of what is left, and so on. Every token gets a tag on every
level, untagged tokens get ``O``, and ``O`` is a category like any other.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from annotator.core.model import Span
from annotator.core.tokens import outermost, tokenize

OUTSIDE = "O"


@dataclass(frozen=True)
class TokenBounds:
    """A text's tokens as parallel lists of start and end offsets."""

    starts: list[int]
    ends: list[int]

    def __len__(self) -> int:
        return len(self.starts)


@dataclass
class LevelTags:
    """One annotator's tags per nesting level, with what was left out."""

    levels: list[list[str]]
    unaligned: int
    deeper: int  # aligned spans below the last level measured


def text_tokens(text: str) -> TokenBounds:
    """The text-only tokens of ``text`` (see the module docstring)."""
    bounds = tokenize(text)
    return TokenBounds([a for a, _ in bounds], [b for _, b in bounds])


def token_tags(text: str, spans: Sequence[Span], levels: int = 1) -> LevelTags:
    """Tag the tokens of ``text`` for ``spans``: the function the token measures use."""
    return tags_for(text_tokens(text), spans, levels)


def tags_for(tokens: TokenBounds, spans: Sequence[Span], levels: int = 1) -> LevelTags:
    """IOB2 tags of ``tokens`` on ``levels`` nesting levels."""
    items, unaligned = _align(tokens, spans)
    items.sort(key=lambda it: (it[0], -it[1], it[2], it[3]))
    out = []
    for _ in range(levels):
        kept, items = outermost(items)
        tags = [OUTSIDE] * len(tokens)
        for i, j, label, _ in kept:
            tags[i] = "B-" + label
            if j - i > 1:
                tags[i + 1 : j] = ["I-" + label] * (j - i - 1)
        out.append(tags)
    return LevelTags(out, unaligned, len(items))


Item = tuple[int, int, str, int]  # first token, end token (exclusive), label, span id


def _align(tokens: TokenBounds, spans: Sequence[Span]) -> tuple[list[Item], int]:
    starts, ends = tokens.starts, tokens.ends
    n = len(starts)
    items: list[Item] = []
    for s in spans:
        i = bisect_left(starts, s.start)
        j = bisect_left(ends, s.end)
        if i < n and j < n and starts[i] == s.start and ends[j] == s.end and i <= j:
            items.append((i, j + 1, s.label, s.id))
    return items, len(spans) - len(items)
