"""A label confusion matrix over overlapping spans of two annotators.

Spans of A and B that overlap are paired one-to-one, whatever their labels,
greedily by the number of shared characters (ties: same label first, then
position), as :func:`.fscore.greedy_matches` does. Each pair adds one to
(label in A, label in B); a span left without a partner adds one to
(label, none) or (none, label). Summed over documents and over every pair of
annotators, rows being the first annotator of each pair.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from annotator.core.agreement.fscore import Keyed, greedy_matches

NONE = "none"


def confusion(
    a: Sequence[Keyed], b: Sequence[Keyed], candidates: list[tuple[int, int, int]] | None = None
) -> Counter[tuple[str, str]]:
    """(label in A, label in B) counts for one document and one pair (``a``, ``b`` sorted)."""
    matches = greedy_matches(a, b, prefer_same_label=True, candidates=candidates)
    out: Counter[tuple[str, str]] = Counter()
    for i, j in matches:
        out[(a[i][2], b[j][2])] += 1
    matched_a = {i for i, _ in matches}
    matched_b = {j for _, j in matches}
    for i, key in enumerate(a):
        if i not in matched_a:
            out[(key[2], NONE)] += 1
    for j, key in enumerate(b):
        if j not in matched_b:
            out[(NONE, key[2])] += 1
    return out


def confusion_from(
    a: Sequence[Keyed],
    b: Sequence[Keyed],
    matches: list[tuple[int, int]],
    sizes: tuple[Counter[str], Counter[str]],
) -> Counter[tuple[str, str]]:
    """:func:`confusion` from ready matches and each side's label counts (faster)."""
    out: Counter[tuple[str, str]] = Counter((a[i][2], b[j][2]) for i, j in matches)
    left_a = sizes[0] - Counter(a[i][2] for i, _ in matches)
    left_b = sizes[1] - Counter(b[j][2] for _, j in matches)
    out.update({(label, NONE): n for label, n in left_a.items()})
    out.update({(NONE, label): n for label, n in left_b.items()})
    return out


def as_table(counts: Counter[tuple[str, str]]) -> tuple[list[str], list[list[int]]]:
    """Labels (sorted, "none" last) and the square matrix of counts."""
    labels = sorted({x for pair in counts for x in pair} - {NONE}) + [NONE]
    return labels, [[counts[(r, c)] for c in labels] for r in labels]
