"""Span F1 between two annotators: exact, overlap and boundaries-only matching.

Both sides are treated alike: ``only_a`` spans are A's misses from B's point of
view and vice versa, so F1 = 2·TP / (2·TP + only_a + only_b) is symmetric.
Precision is TP / |A| and recall TP / |B| (A scored against B as reference).

- **exact**: same start, end and label. Duplicates match as a multiset.
- **overlap**: same label and at least one shared character. Matching is
  one-to-one and greedy: all overlapping pairs are sorted by the number of
  shared characters (largest first; ties by A's then B's position) and a pair
  is taken when neither span is taken yet.
- **boundaries**: same start and end, any label (one "any label" row).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

RULES = ("exact", "overlap", "boundaries")
Keyed = tuple[Any, ...]
"""A span key: ``(start, end, label, ...)``, sorted by start then end."""
ANY_LABEL = "(any label)"


@dataclass
class Counts:
    """Matched spans (true positives) and spans only one side has."""

    tp: int = 0
    only_a: int = 0
    only_b: int = 0

    def add(self, other: Counts) -> None:
        """Add another count in place."""
        self.tp += other.tp
        self.only_a += other.only_a
        self.only_b += other.only_b

    @property
    def f1(self) -> float:
        """2·TP / (2·TP + only-in-A + only-in-B); NaN when both sides are empty."""
        return f1(self.tp, self.only_a, self.only_b)

    @property
    def precision(self) -> float:
        """TP / |A| (NaN if A is empty)."""
        total = self.tp + self.only_a
        return self.tp / total if total else math.nan

    @property
    def recall(self) -> float:
        """TP / |B| (NaN if B is empty)."""
        total = self.tp + self.only_b
        return self.tp / total if total else math.nan

    def as_list(self) -> list[int]:
        """``[tp, only_a, only_b]``."""
        return [self.tp, self.only_a, self.only_b]


def f1(tp: int, only_a: int, only_b: int) -> float:
    """The F1 of matched and unmatched counts; NaN when there is nothing at all."""
    denominator = 2 * tp + only_a + only_b
    return 2 * tp / denominator if denominator else math.nan


Group = Callable[[Any], Any] | None
"""How items are grouped into rows: a key function, or None for the one "any label" row."""


def multiset_match(
    a: Sequence[Hashable],
    b: Sequence[Hashable],
    sets: tuple[set[Hashable], set[Hashable]] | None = None,
) -> list[Hashable]:
    """The items A and B share, as a multiset (each matches min(count in A, count in B) times).

    Without duplicates the intersection is taken with sets (the common case, and fast);
    ``sets`` may pass ``set(a)`` and ``set(b)`` already built.
    """
    sa, sb = sets if sets is not None else (set(a), set(b))
    if len(sa) == len(a) and len(sb) == len(b):
        return list(sa & sb)
    ca, cb = Counter(a), Counter(b)
    common: list[Hashable] = list(sa & sb)
    for item in [x for x, n in ca.items() if n > 1]:
        extra = min(ca[item], cb[item]) - 1
        if extra > 0:
            common.extend([item] * extra)
    return common


def tally(
    common: Sequence[Hashable],
    a: Sequence[Hashable],
    b: Sequence[Hashable],
    group: Group,
    sizes: tuple[Counter[Any], Counter[Any]] | None = None,
) -> dict[Any, Counts]:
    """Matched and unmatched counts per ``group(item)`` (one "any label" row for None).

    ``sizes`` may pass the group counts of ``a`` and ``b`` already built.
    """
    if group is None:
        tp = len(common)
        return {ANY_LABEL: Counts(tp, len(a) - tp, len(b) - tp)} if a or b else {}
    matched = Counter(map(group, common))
    size_a, size_b = (
        sizes if sizes is not None else (Counter(map(group, a)), Counter(map(group, b)))
    )
    return {
        g: Counts(matched[g], size_a[g] - matched[g], size_b[g] - matched[g])
        for g in size_a.keys() | size_b.keys()
    }


def multiset_counts(
    a: Sequence[Hashable], b: Sequence[Hashable], group: Group
) -> dict[str, Counts]:
    """Match equal items as multisets; counts per ``group(item)``."""
    return tally(multiset_match(a, b), a, b, group)


def overlap_counts(
    a: Sequence[Keyed], b: Sequence[Keyed], candidates: list[tuple[int, int, int]] | None = None
) -> dict[str, Counts]:
    """Same-label overlap matching, one-to-one and greedy by overlap size, per label.

    Labels never share a span, so one greedy pass over the same-label pairs of
    sorted ``a`` and ``b`` equals a separate pass per label.
    """
    if candidates is None:
        candidates = overlapping_pairs(a, b)
    same = [c for c in candidates if a[c[1]][2] == b[c[2]][2]]
    matched = Counter(a[i][2] for i, _ in greedy_matches(a, b, candidates=same))
    size_a, size_b = Counter(k[2] for k in a), Counter(k[2] for k in b)
    return {
        g: Counts(matched[g], size_a[g] - matched[g], size_b[g] - matched[g])
        for g in size_a.keys() | size_b.keys()
    }


def overlapping_pairs(a: Sequence[Keyed], b: Sequence[Keyed]) -> list[tuple[int, int, int]]:
    """``(overlap, i, j)`` for every ``a[i]``, ``b[j]`` sharing a character; both sorted."""
    if not a or not b:
        return []
    b_starts = [k[0] for k in b]
    longest = max(k[1] - k[0] for k in b)
    out = []
    for i, key in enumerate(a):
        start, end = key[0], key[1]
        j = bisect_left(b_starts, end) - 1
        floor = start - longest
        while j >= 0 and b_starts[j] > floor:
            b_start, b_end = b[j][0], b[j][1]
            shared = min(end, b_end) - max(start, b_start)
            if shared > 0:
                out.append((shared, i, j))
            j -= 1
    return out


def greedy_matches(
    a: Sequence[Keyed],
    b: Sequence[Keyed],
    prefer_same_label: bool = False,
    candidates: list[tuple[int, int, int]] | None = None,
) -> list[tuple[int, int]]:
    """One-to-one matches ``(i, j)`` of overlapping keys, largest overlap first.

    ``a`` and ``b`` must be sorted. Ties go to the same label first when
    ``prefer_same_label``, then to the earlier span of A, then of B.
    ``candidates`` (from :func:`overlapping_pairs`) limits the pairs considered.
    """
    if candidates is None:
        candidates = overlapping_pairs(a, b)
    # A pair whose spans overlap nothing else is taken whatever the order: keep those
    # aside and sort only the contested ones.
    uses_a = Counter(map(itemgetter(1), candidates))
    uses_b = Counter(map(itemgetter(2), candidates))
    free = [(c[1], c[2]) for c in candidates if uses_a[c[1]] == 1 and uses_b[c[2]] == 1]
    candidates = [c for c in candidates if uses_a[c[1]] > 1 or uses_b[c[2]] > 1]
    if prefer_same_label:
        order = sorted([(-c[0], a[c[1]][2] != b[c[2]][2], c[1], c[2]) for c in candidates])
        pairs = [(i, j) for _, _, i, j in order]
    else:
        pairs = [(i, j) for _, i, j in sorted([(-c[0], c[1], c[2]) for c in candidates])]
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = free
    for i, j in pairs:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.append((i, j))
    return out


def micro(per_label: dict[str, Counts]) -> Counts:
    """The counts summed over labels."""
    total = Counts()
    for counts in per_label.values():
        total.add(counts)
    return total


def macro_f1(per_label: dict[str, Counts]) -> float:
    """The mean of per-label F1 over labels that either side used (NaN if none)."""
    scores = [c.f1 for c in per_label.values() if c.tp + c.only_a + c.only_b]
    return sum(scores) / len(scores) if scores else math.nan
