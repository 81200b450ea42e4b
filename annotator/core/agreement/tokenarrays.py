"""The token measures' tags and counts for the whole corpus at once, on arrays.

The same tags as :func:`.tokentags.tags_for` (the readable definition, which the
tests compare with this module), for every document laid end to end: token
offsets are shifted like span offsets, so a span aligns with the tokens of its
own document only, and the outermost-level split runs once over the corpus.
A tag is a small integer: 0 is ``O``, ``1 + 2g`` is ``B-`` and ``2 + 2g`` is
``I-`` of label ``g`` (labels sorted by name); :func:`categories` turns them
into the sorted tag names the coefficients count.

The counts are those of :mod:`.coefficients`: ``[N, A, n_c...]`` for the
multi-rater coefficients (A = 2 · the agreeing unordered rater pairs) and
``[N, agreements, row totals..., column totals...]`` per pair, per document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, combinations

import numpy as np
import numpy.typing as npt

from annotator.core.agreement.tokentags import OUTSIDE, TokenBounds

Ints = npt.NDArray[np.int64]


@dataclass
class CorpusTokens:
    """Every document's text-only tokens, shifted, with each token's document index."""

    start: Ints
    end: Ints
    doc: Ints
    docs: int

    def __len__(self) -> int:
        return len(self.start)


def corpus_tokens(bounds: Sequence[TokenBounds], offsets: Sequence[int]) -> CorpusTokens:
    """Lay the documents' tokens end to end (``offsets[k]``: where document k begins)."""
    sizes = np.array([len(b) for b in bounds], dtype=np.int64)
    total = int(sizes.sum())
    shift = np.repeat(np.array(offsets, dtype=np.int64), sizes)
    starts = np.fromiter(chain.from_iterable(b.starts for b in bounds), np.int64, total)
    ends = np.fromiter(chain.from_iterable(b.ends for b in bounds), np.int64, total)
    doc = np.repeat(np.arange(len(bounds), dtype=np.int64), sizes)
    return CorpusTokens(starts + shift, ends + shift, doc, len(bounds))


@dataclass
class SpanArrays:
    """One annotator's entity spans (shifted offsets, label index, span id)."""

    start: Ints
    end: Ints
    label: Ints
    ident: Ints


@dataclass
class LevelTags:
    """One annotator's tag codes per level, with what was left out."""

    levels: list[Ints]
    unaligned: int
    deeper: int


def level_tags(tokens: CorpusTokens, spans: SpanArrays, levels: int) -> LevelTags:
    """Tag codes of every token on ``levels`` nesting levels (see the module docstring)."""
    n = len(tokens)
    i = np.searchsorted(tokens.start, spans.start, side="left")
    j = np.searchsorted(tokens.end, spans.end, side="left")
    ok = (i < n) & (j < n) & (i <= j)
    ok[ok] &= (tokens.start[i[ok]] == spans.start[ok]) & (tokens.end[j[ok]] == spans.end[ok])
    first, stop, label, ident = i[ok], j[ok] + 1, spans.label[ok], spans.ident[ok]
    order = np.lexsort((ident, label, -stop, first))
    first, stop, label = first[order], stop[order], label[order]
    out = []
    for _ in range(levels):
        kept = outermost_mask(first, stop)
        out.append(_tags(n, first[kept], stop[kept], label[kept]))
        rest = ~kept
        first, stop, label = first[rest], stop[rest], label[rest]
    return LevelTags(out, int((~ok).sum()), len(first))


def outermost_mask(first: Ints, stop: Ints) -> npt.NDArray[np.bool_]:
    """Keep a range (sorted outer first) when it starts at or after the end of the last kept.

    That equals "at or after the largest end before it" as long as no range left out
    reaches past that end (then the largest end is always a kept one's); otherwise
    the plain loop of :func:`annotator.core.tokens.outermost` decides.
    """
    before = np.maximum.accumulate(np.concatenate([[-1], stop]))[:-1]
    kept = first >= before
    if not np.any(stop[~kept] > before[~kept]):
        return kept
    kept = np.zeros(len(first), dtype=np.bool_)
    last = -1
    for k, (a, b) in enumerate(zip(first.tolist(), stop.tolist(), strict=True)):
        if a >= last:
            kept[k] = True
            last = b
    return kept


def _tags(n: int, first: Ints, stop: Ints, label: Ints) -> Ints:
    tags = np.zeros(n, dtype=np.int64)
    tags[first] = 1 + 2 * label
    inner = stop - first - 1
    total = int(inner.sum())
    if total:
        starts = np.cumsum(inner) - inner
        pos = np.repeat(first + 1, inner) + np.arange(total, dtype=np.int64)
        pos -= np.repeat(starts, inner)
        tags[pos] = np.repeat(2 + 2 * label, inner)
    return tags


def categories(tags: Sequence[Ints], labels: Sequence[str]) -> tuple[list[str], list[Ints]]:
    """The sorted tag names used anywhere, and each annotator's tags as indexes into them."""
    seen = [np.bincount(t) for t in tags]
    width = max((len(x) for x in seen), default=0)
    counts = sum((np.pad(x, (0, width - len(x))) for x in seen), np.zeros(width, np.int64))
    used = np.nonzero(counts)[0]
    names = {int(c): _name(int(c), labels) for c in used}
    ordered = sorted(names.values())
    lookup = np.zeros(int(used.max(initial=0)) + 1, dtype=np.int64)
    for code, name in names.items():
        lookup[code] = ordered.index(name)
    return ordered, [lookup[t] for t in tags]


def _name(code: int, labels: Sequence[str]) -> str:
    if code == 0:
        return OUTSIDE
    prefix = "B-" if code % 2 else "I-"
    return prefix + labels[(code - 1) // 2]


def document_stats(tags: Sequence[Ints], width: int, doc: Ints, docs: int) -> Ints:
    """Per document, ``[N, A, n_c...]`` then ``[N, agreements, rows..., columns...]`` per pair.

    Summed over the documents, a row gives the corpus's counts.
    """
    size = np.bincount(doc, minlength=docs)
    used = [np.bincount(doc * width + t, minlength=docs * width).reshape(docs, width) for t in tags]
    agree = {
        (r, s): np.bincount(doc[tags[r] == tags[s]], minlength=docs)
        for r, s in combinations(range(len(tags)), 2)
    }
    total_agree = sum(agree.values(), np.zeros(docs, dtype=np.int64))
    parts = [size[:, None], 2 * total_agree[:, None], sum(used, np.zeros((docs, width), np.int64))]
    for (r, s), count in agree.items():
        parts += [size[:, None], count[:, None], used[r], used[s]]
    return np.concatenate(parts, axis=1).astype(np.int64)
