"""Put a document's stored multiword tokens (ADR 0021) into the tokens a CoNLL-U export writes.

The export's tokens are camel-tools tokens of the text (ADR 0010). Where a
document keeps a multiword token ``[start, end)`` that begins and ends on
token boundaries, the tokens it covers are replaced by its parts, which form
one group: the writer puts the surface (the text) on a range line and the
parts' forms on the lines after it. Each part gets a piece of the surface as
its offsets, so that spans are aligned and tagged on the parts as on any
token: parts that spell the surface get exactly their letters; other parts
(``ب`` + ``إقامة`` for ``باقامة``) take their own length where it fits, in
order, each at least one code point, the last one ending with the surface.

Reading goes the other way: parts that do not spell their surface share its
offsets, so their tags become one tag for the surface (:func:`merged_tag`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from annotator.core.multiword import Multiword
from annotator.formats.segment import Batch, Tokens


def part_offsets(start: int, end: int, parts: Sequence[str]) -> list[tuple[int, int]]:
    """Offsets for the parts of the multiword token ``[start, end)`` (see the module text).

    Needs ``end - start >= len(parts)``: every part gets at least one code point.
    """
    size, count = end - start, len(parts)
    starts: list[int] = []
    done = 0
    for k, part in enumerate(parts):
        starts.append(start + min(done, size - (count - k)))
        done += len(part)
    return list(zip(starts, [*starts[1:], end], strict=True))


def with_multiwords(batch: Batch, words: Sequence[Sequence[Multiword]]) -> tuple[Batch, int]:
    """The batch with each document's multiword tokens put in; and how many did not fit.

    A multiword token fits when it starts where a token starts, ends where a
    token ends, does not overlap the one before it, and is at least as long
    (in code points) as it has parts.
    """
    tokens = batch.tokens
    n = len(tokens)
    groups = tokens.groups if tokens.groups is not None else list(range(n))
    group = max(groups, default=-1) + 1
    out_words: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    out_groups: list[int] = []
    skipped = done = 0
    for offset, doc_words in zip(batch.offsets, words, strict=False):
        for word in doc_words:
            s, e = word.start + offset, word.end + offset
            a = int(np.searchsorted(tokens.start_at, s))
            b = int(np.searchsorted(tokens.end_at, e))
            if not (done <= a <= b < n and tokens.starts[a] == s and tokens.ends[b] == e):
                skipped += 1
                continue
            if e - s < len(word.parts):
                skipped += 1
                continue
            out_words += tokens.words[done:a]
            out_starts += tokens.starts[done:a]
            out_ends += tokens.ends[done:a]
            out_groups += groups[done:a]
            for (lo, hi), part in zip(part_offsets(s, e, word.parts), word.parts, strict=True):
                out_words.append(part)
                out_starts.append(lo)
                out_ends.append(hi)
                out_groups.append(group)
            group += 1
            done = b + 1
    out_words += tokens.words[done:]
    out_starts += tokens.starts[done:]
    out_ends += tokens.ends[done:]
    out_groups += groups[done:]
    start_at = np.array(out_starts, np.int64)
    made = Tokens(out_words, start_at, np.array(out_ends, np.int64), out_groups)
    firsts = np.searchsorted(start_at, np.array(batch.offsets, np.int64)).tolist()
    return Batch(batch.text, made, batch.offsets, firsts), skipped


def merged_tag(tags: list[str], scheme: str) -> tuple[str, bool]:
    """One tag for a surface token from its parts' tags, and whether a span was widened.

    A span that begins (or ends) on any part begins (or ends) on the surface;
    one whose edge falls inside the surface, or parts with different labels,
    cover the whole surface (``widened``). Tags that are not well formed pass
    through, so that the tag checks name them.
    """
    marked = [t for t in tags if t != "O"]
    if not marked:
        return "O", False
    head, tail = marked[0], marked[-1]
    if len(head) < 3 or head[1] != "-" or len(tail) < 3 or tail[1] != "-":
        return head, False
    label = head[2:]
    widened = len(marked) != len(tags) or any(t[2:] != label for t in marked)
    begins, ends = head[0] in "BS", tail[0] in "ES"
    if scheme == "iob2":
        return ("B-" if begins else "I-") + label, widened
    prefix = ("S" if ends else "B") if begins else ("E" if ends else "I")
    return f"{prefix}-{label}", widened


def merged_levels(
    parts: Sequence[tuple[int, str, list[str], str | None]], depth: int, scheme: str
) -> tuple[list[str], bool]:
    """Each entity level's and the trigger's tag for a surface from its parts."""
    columns = [[p[2][k] if k < len(p[2]) else "O" for p in parts] for k in range(depth)]
    columns.append([p[3] or "O" for p in parts])
    merged = [merged_tag(column, scheme) for column in columns]
    return [tag for tag, _ in merged], any(w for _, w in merged)
