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
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

from annotator.core.agreement.units import Key

RULES = ("exact", "overlap", "boundaries")
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


def multiset_counts(
    a: Iterable[Hashable], b: Iterable[Hashable], group: Callable[[Hashable], str]
) -> dict[str, Counts]:
    """Match equal items as multisets; counts per ``group(item)``."""
    ca, cb = Counter(a), Counter(b)
    out: dict[str, Counts] = {}
    for item in ca.keys() | cb.keys():
        na, nb = ca[item], cb[item]
        counts = out.setdefault(group(item), Counts())
        matched = min(na, nb)
        counts.tp += matched
        counts.only_a += na - matched
        counts.only_b += nb - matched
    return out


def _label(item: Hashable) -> str:
    return item[2]  # type: ignore[index]


def _any(_: Hashable) -> str:
    return ANY_LABEL


def pair_counts(a: Sequence[Key], b: Sequence[Key]) -> dict[str, dict[str, Counts]]:
    """Counts per rule and label for one document and one pair of annotators."""
    return {
        "exact": multiset_counts(a, b, _label),
        "overlap": overlap_counts(a, b),
        "boundaries": multiset_counts(((s, e) for s, e, _ in a), ((s, e) for s, e, _ in b), _any),
    }


def overlap_counts(a: Sequence[Key], b: Sequence[Key]) -> dict[str, Counts]:
    """Same-label overlap matching, one-to-one and greedy by overlap size, per label."""
    by_label: dict[str, tuple[list[Key], list[Key]]] = {}
    for key in a:
        by_label.setdefault(key[2], ([], []))[0].append(key)
    for key in b:
        by_label.setdefault(key[2], ([], []))[1].append(key)
    out = {}
    for label, (la, lb) in by_label.items():
        tp = len(greedy_matches(la, lb))
        out[label] = Counts(tp, len(la) - tp, len(lb) - tp)
    return out


def overlapping_pairs(a: Sequence[Key], b: Sequence[Key]) -> list[tuple[int, int, int]]:
    """``(overlap, i, j)`` for every ``a[i]``, ``b[j]`` sharing a character; both sorted."""
    if not a or not b:
        return []
    b_starts = [k[0] for k in b]
    longest = max(k[1] - k[0] for k in b)
    out = []
    for i, (start, end, _) in enumerate(a):
        j = bisect_left(b_starts, end) - 1
        floor = start - longest
        while j >= 0 and b_starts[j] > floor:
            b_start, b_end, _ = b[j]
            shared = min(end, b_end) - max(start, b_start)
            if shared > 0:
                out.append((shared, i, j))
            j -= 1
    return out


def greedy_matches(
    a: Sequence[Key], b: Sequence[Key], prefer_same_label: bool = False
) -> list[tuple[int, int]]:
    """One-to-one matches ``(i, j)`` of overlapping keys, largest overlap first.

    ``a`` and ``b`` must be sorted. Ties go to the same label first when
    ``prefer_same_label``, then to the earlier span of A, then of B.
    """
    candidates = overlapping_pairs(a, b)
    if prefer_same_label:
        candidates.sort(key=lambda c: (-c[0], a[c[1]][2] != b[c[2]][2], c[1], c[2]))
    else:
        candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for _, i, j in candidates:
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


def add_into(target: dict[str, Counts], source: dict[str, Counts]) -> None:
    """Add per-label counts into ``target``."""
    for label, counts in source.items():
        target.setdefault(label, Counts()).add(counts)
