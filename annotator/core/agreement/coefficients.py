"""Chance-corrected agreement on categorical items (here: IOB tags of tokens).

Every item is rated by every annotator (each annotator's tag for every token),
so the data are complete and all multi-rater coefficients follow from a few
additive sums over the items (which is what makes the bootstrap cheap):

- ``N``: the number of items, ``R``: the number of raters;
- ``A = Σ_items Σ_c n_ic (n_ic − 1)``: ordered pairs of raters that agree;
- ``n_c = Σ_items n_ic``: how often category ``c`` was used.

Formulas (P_a = A / (N·R·(R−1)), p_c = n_c / (N·R)):

- Fleiss' κ (Fleiss 1971): (P_a − Σ p_c²) / (1 − Σ p_c²).
- Krippendorff's α, nominal (Krippendorff 2004/2011), from the coincidence
  matrix: 1 − (n − 1) · (N·R·(R−1) − A)/(R − 1) / (n² − Σ n_c²), n = N·R.
- Gwet's AC1 (Gwet 2008): (P_a − P_e) / (1 − P_e), P_e = Σ p_c (1 − p_c) / (q − 1),
  q the number of categories (those observed anywhere in the compared data).
- Cohen's κ (Cohen 1960), per pair, from that pair's contingency table.

A coefficient whose chance term leaves nothing to correct (1 − P_e = 0) is NaN.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

Joint = Counter[tuple[str, ...]]
"""How many items got each combination of tags (one tag per rater)."""


def multi_stats(joint: Joint, categories: Sequence[str]) -> list[int]:
    """``[N, A, n_c for c in categories]`` for the multi-rater coefficients."""
    index = {c: k for k, c in enumerate(categories)}
    totals = [0] * len(categories)
    items = agreeing = 0
    for combo, count in joint.items():
        items += count
        for tag, used in Counter(combo).items():
            totals[index[tag]] += used * count
            agreeing += used * (used - 1) * count
    return [items, agreeing, *totals]


def fleiss_from(stats: Sequence[int], raters: int) -> float:
    """Fleiss' κ from :func:`multi_stats`."""
    items, agreeing, totals = stats[0], stats[1], stats[2:]
    ratings = items * raters
    if not items:
        return math.nan
    observed = agreeing / (items * raters * (raters - 1))
    expected = sum(t * t for t in totals) / (ratings * ratings)
    return _corrected(observed, expected)


def alpha_from(stats: Sequence[int], raters: int) -> float:
    """Krippendorff's α (nominal) from :func:`multi_stats`."""
    items, agreeing, totals = stats[0], stats[1], stats[2:]
    n = items * raters
    spread = n * n - sum(t * t for t in totals)
    if not items or not spread:
        return math.nan
    disagreeing = (items * raters * (raters - 1) - agreeing) / (raters - 1)
    return 1.0 - (n - 1) * disagreeing / spread


def ac1_from(stats: Sequence[int], raters: int, categories: int) -> float:
    """Gwet's AC1 from :func:`multi_stats`, with ``categories`` = q."""
    items, agreeing, totals = stats[0], stats[1], stats[2:]
    if not items or categories < 2:
        return math.nan
    ratings = items * raters
    observed = agreeing / (items * raters * (raters - 1))
    expected = sum(t * (ratings - t) for t in totals) / (ratings * ratings) / (categories - 1)
    return _corrected(observed, expected)


def cohen_stats(joint: Joint, i: int, j: int, categories: Sequence[str]) -> list[int]:
    """``[N, agreements, row totals..., column totals...]`` of raters ``i`` and ``j``."""
    index = {c: k for k, c in enumerate(categories)}
    width = len(categories)
    out = [0] * (2 + 2 * width)
    for combo, count in joint.items():
        a, b = combo[i], combo[j]
        out[0] += count
        if a == b:
            out[1] += count
        out[2 + index[a]] += count
        out[2 + width + index[b]] += count
    return out


def cohen_from(stats: Sequence[int]) -> float:
    """Cohen's κ from :func:`cohen_stats`."""
    items, agreements = stats[0], stats[1]
    if not items:
        return math.nan
    width = (len(stats) - 2) // 2
    rows, cols = stats[2 : 2 + width], stats[2 + width :]
    expected = sum(r * c for r, c in zip(rows, cols, strict=True)) / (items * items)
    return _corrected(agreements / items, expected)


def _corrected(observed: float, expected: float) -> float:
    if expected >= 1.0:
        return math.nan
    return (observed - expected) / (1.0 - expected)
