"""Bootstrap confidence intervals over documents, in plain Python.

Each headline figure is a function of sums of per-document integer counts, so
a resample (documents drawn with replacement, as many as there are) only needs
those sums. Every document's counts are packed into one big integer, with a
field wide enough that no sum can carry into the next field; summing the
packed integers of a resample then adds all counts at once.

The interval is the percentile interval (Efron & Tibshirani 1993): the 2.5th
and 97.5th percentiles of the resampled figures, interpolated linearly between
order statistics (numpy's default). Resamples where a figure is undefined
(NaN) are skipped for that figure.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

Figure = Callable[[Sequence[int]], float]


def pack(rows: Sequence[Sequence[int]]) -> tuple[list[int], int]:
    """Pack each row into one integer; return the integers and the field width in bits."""
    biggest = max((max(row, default=0) for row in rows), default=0)
    width = max(1, (biggest * max(1, len(rows))).bit_length() + 1)
    packed = []
    for row in rows:
        value = 0
        for k, field in enumerate(row):
            if field < 0:
                raise ValueError("bootstrap counts must not be negative")
            value |= field << (k * width)
        packed.append(value)
    return packed, width


def unpack(value: int, fields: int, width: int) -> list[int]:
    """The fields of a packed sum."""
    mask = (1 << width) - 1
    return [(value >> (k * width)) & mask for k in range(fields)]


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation; NaN if empty."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    h = (len(ordered) - 1) * q / 100
    lo = math.floor(h)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo])


def intervals(
    rows: Sequence[Sequence[int]],
    figures: dict[str, Figure],
    resamples: int,
    seed: int,
) -> dict[str, tuple[float, float]]:
    """95% percentile intervals of each figure over ``resamples`` document resamples."""
    if not rows or resamples <= 0:
        return {name: (math.nan, math.nan) for name in figures}
    packed, width = pack(rows)
    fields = len(rows[0])
    rng = random.Random(seed)
    drawn: dict[str, list[float]] = {name: [] for name in figures}
    for _ in range(resamples):
        sums = unpack(sum(rng.choices(packed, k=len(packed))), fields, width)
        for name, figure in figures.items():
            value = figure(sums)
            if not math.isnan(value):
                drawn[name].append(value)
    return {name: (percentile(v, 2.5), percentile(v, 97.5)) for name, v in drawn.items()}
