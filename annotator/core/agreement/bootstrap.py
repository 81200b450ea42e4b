"""Bootstrap confidence intervals over documents.

Each headline figure is a function of sums of per-document integer counts, so
a resample (documents drawn with replacement, as many as there are) only needs
those sums: how often each document was drawn, times the documents' counts.

The draws are Python's: ``random.Random(seed).choices(documents, k=n)`` per
resample, i.e. ``floor(random() * n)``; numpy's Mersenne Twister is started
from the same state and gives the same doubles, so the documents drawn do not
depend on numpy. The interval is the percentile interval (Efron & Tibshirani
1993): the 2.5th and 97.5th percentiles of the resampled figures, interpolated
linearly between order statistics (numpy's default). Resamples where a figure
is undefined (NaN) are skipped for that figure.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator, Sequence

import numpy as np
import numpy.typing as npt

Figure = Callable[[Sequence[int]], float]
Ints = npt.NDArray[np.int64]
CHUNK = 1 << 19  # draws per block of resamples (a few MB of arrays at a time)
EXACT = 1 << 53  # floats hold every integer below this exactly


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation; NaN if empty."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    h = (len(ordered) - 1) * q / 100
    lo = math.floor(h)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo])


def draws(seed: int, resamples: int, n: int) -> Iterator[Ints]:
    """Blocks of resamples, one row of ``n`` document indexes each, as ``Random.choices``."""
    _, state, _ = random.Random(seed).getstate()
    twister = np.random.RandomState()
    key = np.array(state[:-1], dtype=np.uint32)
    twister.set_state(("MT19937", key, state[-1], 0, 0.0))  # no cached Gaussian
    per_block = max(1, CHUNK // max(n, 1))
    done = 0
    while done < resamples:
        block = min(per_block, resamples - done)
        picked = np.floor(twister.random_sample(block * n) * float(n)).astype(np.int64)
        yield picked.reshape(block, n)
        done += block


def resampled_sums(rows: Ints, seed: int, resamples: int) -> Iterator[list[int]]:
    """The column sums of ``rows`` for each resample of its rows, in order."""
    n = len(rows)
    exact = int(rows.max(initial=0)) * n < EXACT
    table = rows.astype(np.float64) if exact else rows
    for block in draws(seed, resamples, n):
        offsets = np.arange(len(block), dtype=np.int64)[:, None] * n
        times = np.bincount((block + offsets).ravel(), minlength=block.size).reshape(block.shape)
        sums = times.astype(np.float64) @ table if exact else times @ table
        yield from np.rint(sums).astype(np.int64).tolist() if exact else sums.tolist()


def intervals(
    rows: Ints, figures: dict[str, Figure], resamples: int, seed: int
) -> dict[str, tuple[float, float]]:
    """95% percentile intervals of each figure over ``resamples`` document resamples."""
    if not len(rows) or resamples <= 0:
        return {name: (math.nan, math.nan) for name in figures}
    drawn: dict[str, list[float]] = {name: [] for name in figures}
    for sums in resampled_sums(rows, seed, resamples):
        for name, figure in figures.items():
            value = figure(sums)
            if not math.isnan(value):
                drawn[name].append(value)
    return {name: (percentile(v, 2.5), percentile(v, 97.5)) for name, v in drawn.items()}
