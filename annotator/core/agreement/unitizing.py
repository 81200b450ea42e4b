"""Krippendorff's α_U for unitizing, per category, as DKPro Agreement computes it.

This follows ``KrippendorffAlphaUnitizingAgreement`` of DKPro Agreement
(Meyer et al. 2014), which implements Krippendorff (1995; 2004, pp. 251-256).
For one category c, each rater's units of c and the gaps between them
(everything else, other categories included) tile the continuum [B, B+L).

Observed disagreement: over every pair of raters and every pair of their
segments that share a position, with b = begin₁ − begin₂ and
d = length₁ − length₂,

- both units that overlap: b² + (b + d)²;
- a unit of rater 1 inside a gap of rater 2: length₁² (and vice versa);
- otherwise 0;

D_o = 2·Σ / (R·(R−1)·L²).

Expected disagreement, with N_c units of c of lengths l (all raters) and the
gaps g of c (all raters):
D_e = 2/L · Σ_l [(N_c−1)·l(l−1)(2l−1)/3 + l²·Σ_{g≥l}(g−l+1)] / (R·L·(R·L−1) − Σ_l l(l−1)).

α_c = 1 − D_o/D_e, and 0 when D_o = D_e (DKPro's rule). Over all categories,
α_U = 1 − mean(D_o)/mean(D_e): NaN with no category at all; 1 when both are
zero and some unit has a length, 0 when both are zero otherwise (DKPro).

A rater's units of one category must not overlap: overlapping ones are reduced
to the outermost (longest first), and the rest are counted as left out.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

import numpy as np
import numpy.typing as npt

Unit = tuple[int, int]  # start, end (exclusive)
Segment = tuple[int, int, bool]  # begin, length, is a unit


@dataclass(frozen=True)
class CategoryResult:
    """α_U of one category, with its observed and expected disagreement."""

    observed: float
    expected: float
    alpha: float
    units: int
    left_out: int


def outermost(units: Sequence[Unit]) -> tuple[list[Unit], int]:
    """Non-overlapping units (longest first at each start); the number left out."""
    kept: list[Unit] = []
    last_end = -1
    ordered = sorted(units)
    if len({start for start, _ in ordered}) < len(ordered):  # same start: longest first
        ordered.sort(key=lambda u: (u[0], -u[1]))
    for start, end in ordered:
        if start >= last_end:
            kept.append((start, end))
            last_end = end
    return kept, len(units) - len(kept)


def category_alpha(raters: Sequence[Sequence[Unit]], begin: int, length: int) -> CategoryResult:
    """α_U of one category: ``raters[r]`` holds rater r's units of it."""
    cleaned = [outermost(units) for units in raters]
    kept = [units for units, _ in cleaned]
    left_out = sum(n for _, n in cleaned)
    observed = observed_disagreement(kept, begin, length)
    expected = expected_disagreement(kept, begin, length)
    alpha = 0.0 if observed == expected else 1.0 - observed / expected
    return CategoryResult(observed, expected, alpha, sum(map(len, kept)), left_out)


def overall_alpha(results: Sequence[CategoryResult], any_length: bool) -> float:
    """α_U over categories: 1 − mean(D_o)/mean(D_e), with DKPro's special cases."""
    if not results:
        return math.nan
    observed = sum(r.observed for r in results) / len(results)
    expected = sum(r.expected for r in results) / len(results)
    if observed == expected:
        return 1.0 if observed == 0.0 and any_length else 0.0
    return 1.0 - observed / expected


def segments(units: Sequence[Unit], begin: int, length: int) -> list[Segment]:
    """Units and the gaps between them, tiling ``[begin, begin + length)``."""
    out: list[Segment] = []
    pos = begin
    for start, end in units:
        if start > pos:
            out.append((pos, start - pos, False))
        out.append((start, end - start, True))
        pos = end
    if pos < begin + length:
        out.append((pos, begin + length - pos, False))
    return out


def distance(one: Segment, two: Segment) -> int:
    """Krippendorff's δ² of two segments that share a position (DKPro's measureDistance)."""
    begin1, len1, unit1 = one
    begin2, len2, unit2 = two
    shift = begin1 - begin2
    stretch = len1 - len2
    if unit1 and unit2 and -len1 < shift < len2:
        return shift * shift + (shift + stretch) * (shift + stretch)
    if unit1 and not unit2 and -stretch >= shift >= 0:
        return len1 * len1
    if unit2 and not unit1 and -stretch <= shift <= 0:
        return len2 * len2
    return 0


def observed_disagreement(raters: Sequence[Sequence[Unit]], begin: int, length: int) -> float:
    """D_o over every pair of raters (integers until the final division)."""
    count = len(raters)
    if count < 2 or length <= 0:
        return math.nan
    total = 0
    for r1 in range(count):
        for r2 in range(r1 + 1, count):
            total += _pair_sum(raters[r1], raters[r2])
    return 2 * total / (count * (count - 1) * length * length)


def _pair_sum(one: Sequence[Unit], two: Sequence[Unit]) -> int:
    """Σ δ² of two raters' sorted, non-overlapping units.

    Equal to summing :func:`distance` over all segment pairs that share a
    position: overlapping units give b² + (b + d)² (b + d is the difference of
    the ends); a unit inside the other rater's gap, which is a unit that
    overlaps none of the other rater's units, gives its length squared; every
    other pair gives 0.
    """
    i = j = total = 0
    hit1: set[int] = set()
    hit2: set[int] = set()
    n1, n2 = len(one), len(two)
    while i < n1 and j < n2:
        s1, e1 = one[i]
        s2, e2 = two[j]
        if e1 <= s2:
            i += 1
            continue
        if e2 <= s1:
            j += 1
            continue
        total += (s1 - s2) * (s1 - s2) + (e1 - e2) * (e1 - e2)
        hit1.add(i)
        hit2.add(j)
        if e1 <= e2:
            i += 1
        else:
            j += 1
    total += sum((e - s) * (e - s) for k, (s, e) in enumerate(one) if k not in hit1)
    total += sum((e - s) * (e - s) for k, (s, e) in enumerate(two) if k not in hit2)
    return total


def _gaps(units: Sequence[Unit], begin: int, length: int) -> list[int]:
    """Lengths of the gaps between sorted, non-overlapping units (as :func:`segments` finds)."""
    if not units:
        return [length] if length > 0 else []
    out = [s - e for (_, e), (s, _) in zip(units, units[1:], strict=False) if s > e]
    if units[0][0] > begin:
        out.append(units[0][0] - begin)
    if units[-1][1] < begin + length:
        out.append(begin + length - units[-1][1])
    return out


def expected_disagreement(raters: Sequence[Sequence[Unit]], begin: int, length: int) -> float:
    """D_e: every unit against every place it could fall (integers until the end)."""
    count = len(raters)
    lengths = [end - start for units in raters for start, end in units]
    gaps = sorted(g for units in raters for g in _gaps(units, begin, length))
    suffix = list(accumulate(reversed(gaps)))[::-1] + [0]
    n_units = len(lengths)
    numerator = 0
    for ln, times in Counter(lengths).items():  # few distinct lengths: one bisect each
        k = bisect_left(gaps, ln)
        fits = len(gaps) - k
        one = (n_units - 1) * ln * (ln - 1) * (2 * ln - 1) // 3
        numerator += times * (one + ln * ln * (suffix[k] - (ln - 1) * fits))
    squares = sum(ln * (ln - 1) for ln in lengths)
    denominator = length * (count * length * (count * length - 1) - squares)
    return 2 * numerator / denominator if denominator else math.nan


# The same figures on arrays (what ``compute`` uses on a whole corpus). The functions
# above are the readable definitions; the tests hold these to them.

Ints = npt.NDArray[np.int64]


def outermost_arrays(start: Ints, end: Ints) -> tuple[Ints, Ints, int]:
    """:func:`outermost` of units given as arrays: kept starts and ends, and how many left out.

    Sorted by start (longest first), a unit is kept when it starts at or after the
    largest end before it. That equals "after the last kept end" as long as no unit
    left out reaches past it; otherwise the plain loop decides.
    """
    order = np.lexsort((-end, start))
    s, e = start[order], end[order]
    before = np.maximum.accumulate(np.concatenate([[-1], e]))[:-1]
    kept = s >= before
    if np.any(e[~kept] > before[~kept]):
        units, dropped = outermost(list(zip(s.tolist(), e.tolist(), strict=True)))
        pairs = np.array(units, dtype=np.int64).reshape(-1, 2)
        return pairs[:, 0], pairs[:, 1], dropped
    return s[kept], e[kept], int((~kept).sum())


def _pair_sum_arrays(one: tuple[Ints, Ints], two: tuple[Ints, Ints]) -> int:
    """:func:`_pair_sum` of two raters' sorted, non-overlapping units given as arrays."""
    (s1, e1), (s2, e2) = one, two
    lo = np.searchsorted(e2, s1, side="right")
    hi = np.searchsorted(s2, e1, side="left")
    width = np.maximum(hi - lo, 0)
    longest = int(max((e1 - s1).max(initial=0), (e2 - s2).max(initial=0)))
    if (2 * int(width.sum()) + len(s1) + len(s2)) * longest * longest >= 2**62:
        as_list = [list(zip(s.tolist(), e.tolist(), strict=True)) for s, e in (one, two)]
        return _pair_sum(*as_list)
    i = np.repeat(np.arange(len(s1), dtype=np.int64), width)
    first = np.cumsum(width) - width
    j = np.repeat(lo, width) + np.arange(len(i), dtype=np.int64) - np.repeat(first, width)
    total = int((((s1[i] - s2[j]) ** 2) + ((e1[i] - e2[j]) ** 2)).sum())
    alone2 = np.bincount(j, minlength=len(s2)) == 0
    total += int((((e1 - s1) ** 2)[width == 0]).sum()) + int((((e2 - s2) ** 2)[alone2]).sum())
    return total


def _gaps_arrays(s: Ints, e: Ints, begin: int, length: int) -> Ints:
    """:func:`_gaps` of sorted, non-overlapping units given as arrays."""
    if not len(s):
        return np.array([length] if length > 0 else [], dtype=np.int64)
    inner = s[1:] - e[:-1]
    parts = [inner[inner > 0]]
    if s[0] > begin:
        parts.append(np.array([s[0] - begin], dtype=np.int64))
    if e[-1] < begin + length:
        parts.append(np.array([begin + length - e[-1]], dtype=np.int64))
    return np.concatenate(parts)


def _expected_arrays(raters: Sequence[tuple[Ints, Ints]], begin: int, length: int) -> float:
    """:func:`expected_disagreement` on arrays (Python integers for the big products)."""
    count = len(raters)
    lengths = np.concatenate([e - s for s, e in raters])
    gaps = np.sort(np.concatenate([_gaps_arrays(s, e, begin, length) for s, e in raters]))
    suffix = np.concatenate([np.cumsum(gaps[::-1])[::-1], [0]]).tolist()
    distinct, times = np.unique(lengths, return_counts=True)
    at = np.searchsorted(gaps, distinct, side="left").tolist()
    n_units = len(lengths)
    numerator = 0
    for ln, many, k in zip(distinct.tolist(), times.tolist(), at, strict=True):
        one = (n_units - 1) * ln * (ln - 1) * (2 * ln - 1) // 3
        numerator += many * (one + ln * ln * (suffix[k] - (ln - 1) * (len(gaps) - k)))
    squares = int((lengths * (lengths - 1)).sum())
    denominator = length * (count * length * (count * length - 1) - squares)
    return 2 * numerator / denominator if denominator else math.nan


def category_alpha_arrays(
    raters: Sequence[tuple[Ints, Ints]], begin: int, length: int
) -> CategoryResult:
    """:func:`category_alpha` with each rater's units as ``(starts, ends)`` arrays."""
    cleaned = [outermost_arrays(s, e) for s, e in raters]
    kept = [(s, e) for s, e, _ in cleaned]
    left_out = sum(n for _, _, n in cleaned)
    count = len(kept)
    if count < 2 or length <= 0:
        observed = math.nan
    else:
        total = sum(
            _pair_sum_arrays(kept[r1], kept[r2])
            for r1 in range(count)
            for r2 in range(r1 + 1, count)
        )
        observed = 2 * total / (count * (count - 1) * length * length)
    expected = _expected_arrays(kept, begin, length)
    alpha = 0.0 if observed == expected else 1.0 - observed / expected
    return CategoryResult(observed, expected, alpha, sum(len(s) for s, _ in kept), left_out)
