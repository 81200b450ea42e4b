"""The array implementations that ``compute`` runs equal the readable definitions.

Random spans with duplicates, nesting, crossing ranges, several labels and
several documents; each fast function is compared with the plain-Python rule it
replaces (fscore, confusion, tokentags, unitizing, Random.choices).
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from annotator.core.agreement.bootstrap import draws
from annotator.core.agreement.confusion import confusion
from annotator.core.agreement.fscore import multiset_counts, overlap_counts
from annotator.core.agreement.pairwise import Side, compare
from annotator.core.agreement.tokenarrays import (
    SpanArrays,
    categories,
    corpus_tokens,
    level_tags,
    outermost_mask,
)
from annotator.core.agreement.tokentags import TokenBounds, tags_for
from annotator.core.agreement.unitizing import category_alpha, category_alpha_arrays
from annotator.core.model import Span
from annotator.core.positions import CodePoint

LABELS = ["GPE", "LOC", "ORG", "موقع"]
COUNT_FIELDS = ("tp", "only_a", "only_b")


def _keys(rng: random.Random, docs: int, length: int) -> list[tuple[int, int, str, int]]:
    """Sorted (start, end, label, doc) keys; offsets shifted by document."""
    out = []
    for d in range(docs):
        for _ in range(rng.randrange(12)):
            start = rng.randrange(length - 1)
            end = min(length, start + rng.randint(1, 8))
            out.append((d * length + start, d * length + end, rng.choice(LABELS), d))
        if out and rng.random() < 0.3:
            out.append(out[-1])  # a duplicate
    return sorted(out)


def _side(keys: list[tuple[int, int, str, int]]) -> Side:
    index = {label: k for k, label in enumerate(LABELS)}
    column = [np.array([k[c] for k in keys], dtype=np.int64) for c in (0, 1, 3)]
    labels = np.array([index[k[2]] for k in keys], dtype=np.int64)
    return Side(column[0], column[1], labels, column[2])


def test_pair_comparison_equals_the_definitions() -> None:
    rng = random.Random(17)
    for _ in range(200):
        a, b = _keys(rng, 3, 30), _keys(rng, 3, 30)
        result = compare(_side(a), _side(b), LABELS, 3)

        def label(k: tuple) -> str:
            return str(k[2])

        assert result.spans["exact"] == multiset_counts(a, b, label)
        assert result.spans["overlap"] == overlap_counts(a, b)
        bounds_a, bounds_b = [k[:2] for k in a], [k[:2] for k in b]
        assert result.spans["boundaries"] == multiset_counts(bounds_a, bounds_b, None)
        assert result.confusion == confusion(a, b)
        for d in range(3):
            in_a, in_b = [k for k in a if k[3] == d], [k for k in b if k[3] == d]
            for rule, counts in (
                ("exact", multiset_counts(in_a, in_b, label)),
                ("overlap", overlap_counts(in_a, in_b)),
            ):
                want = [sum(getattr(c, f) for c in counts.values()) for f in COUNT_FIELDS]
                assert result.per_doc[rule][d].tolist() == want, (rule, d)


def _text_and_tokens(rng: random.Random, n: int) -> TokenBounds:
    starts, ends, pos = [], [], 0
    for _ in range(n):
        pos += rng.randint(0, 1)
        starts.append(pos)
        pos += rng.randint(1, 4)
        ends.append(pos)
    return TokenBounds(starts, ends)


def test_token_tags_equal_tags_for_with_crossing_and_unaligned_spans() -> None:
    rng = random.Random(23)
    for _ in range(150):
        bounds = [_text_and_tokens(rng, rng.randint(1, 14)) for _ in range(3)]
        offsets = [0, 100, 200]
        spans_per_doc = []
        for tokens in bounds:
            spans = []
            for k in range(rng.randrange(9)):
                i = rng.randrange(len(tokens))
                j = min(len(tokens) - 1, i + rng.randint(0, 4))
                start, end = tokens.starts[i], tokens.ends[j]
                if rng.random() < 0.15:
                    end -= 1  # unaligned, or empty: left out
                spans.append(
                    Span(k + 1, 1, "a", CodePoint(start), CodePoint(end), rng.choice(LABELS))
                )
            spans_per_doc.append(spans)
        flat = [
            (s.start + off, s.end + off, LABELS.index(s.label), s.id)
            for spans, off in zip(spans_per_doc, offsets, strict=True)
            for s in spans
        ]
        arrays = SpanArrays(*(np.array([f[c] for f in flat], dtype=np.int64) for c in range(4)))
        tagged = level_tags(corpus_tokens(bounds, offsets), arrays, 3)
        expected = [tags_for(t, s, 3) for t, s in zip(bounds, spans_per_doc, strict=True)]
        assert tagged.unaligned == sum(e.unaligned for e in expected)
        assert tagged.deeper == sum(e.deeper for e in expected)
        for lv in range(3):
            names, coded = categories([tagged.levels[lv]], LABELS)
            shown = [names[c] for c in coded[0].tolist()]
            assert shown == [tag for e in expected for tag in e.levels[lv]]


def test_outermost_mask_with_a_crossing_range_follows_the_last_kept_end() -> None:
    # [0, 4) kept; [2, 9) crosses it and is left out; [5, 6) starts after the last kept
    # end (4), although the largest end so far is 9: it is kept.
    first = np.array([0, 2, 5], dtype=np.int64)
    stop = np.array([4, 9, 6], dtype=np.int64)
    assert outermost_mask(first, stop).tolist() == [True, False, True]


def _units(rng: random.Random, length: int) -> list[tuple[int, int]]:
    out = []
    for _ in range(rng.randrange(7)):
        start = rng.randrange(length - 1)
        out.append((start, min(length, start + rng.randint(1, 12))))
    return out


def test_alpha_u_on_arrays_equals_the_definition() -> None:
    rng = random.Random(29)
    for _ in range(300):
        raters = [_units(rng, 60) for _ in range(3)]
        arrays = [
            (
                np.array([u[0] for u in units], dtype=np.int64),
                np.array([u[1] for u in units], dtype=np.int64),
            )
            for units in raters
        ]
        want = category_alpha(raters, 0, 60)
        got = category_alpha_arrays(arrays, 0, 60)
        assert (got.units, got.left_out) == (want.units, want.left_out)
        for field in ("observed", "expected", "alpha"):
            a, b = getattr(got, field), getattr(want, field)
            assert a == b or (a != a and b != b), field  # equal, or both NaN


# 1212 documents, 500 resamples: more than one block of draws
@pytest.mark.parametrize(("seed", "n", "resamples"), [(2004, 7, 40), (1, 1, 5), (99, 1212, 500)])
def test_bootstrap_draws_equal_random_choices(seed: int, n: int, resamples: int) -> None:
    rng = random.Random(seed)
    want = [rng.choices(range(n), k=n) for _ in range(resamples)]
    got = [row for block in draws(seed, resamples, n) for row in block.tolist()]
    assert got == want
