"""α_U against Krippendorff's worked example and DKPro's edge cases; matching rules
on hand-made examples; the bootstrap against explicitly resampled corpora."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from annotator.core.agreement import DocumentLayers, Layer, Options, compute, token_tags
from annotator.core.agreement.bootstrap import percentile
from annotator.core.agreement.confusion import confusion
from annotator.core.agreement.fscore import (
    greedy_matches,
    multiset_match,
    overlap_counts,
    overlapping_pairs,
)
from annotator.core.agreement.unitizing import (
    _gaps,
    _pair_sum,
    category_alpha,
    distance,
    outermost,
    overall_alpha,
    segments,
)
from annotator.core.model import Argument, Event, Relation, Span
from annotator.core.positions import CodePoint
from tests.agreement_corpus import make_corpus


def _units(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(start, start + length) for start, length in pairs]


def test_alpha_u_reproduces_krippendorff_2004() -> None:
    c = category_alpha(
        [_units([(225, 70), (370, 30)]), _units([(220, 80), (355, 20), (400, 20)])], 150, 300
    )
    k = category_alpha([_units([(180, 60), (300, 50)])] * 2, 150, 300)
    assert round(c.alpha, 4) == 0.7286
    assert round(c.observed, 4) == 0.0144 and round(c.expected, 4) == 0.0532
    assert round(k.alpha, 4) == 1.0
    assert round(k.expected, 4) == 0.0490
    assert round(overall_alpha([c, k], any_length=True), 4) == 0.8587


def test_alpha_u_dkpro_edge_cases() -> None:
    # DKPro's UnitizingAgreementTest: createExample, single unit, empty study
    example = category_alpha([[(1, 9)], [(2, 3), (4, 5), (6, 7)]], 0, 10)
    assert round(example.observed, 4) == 0.9100
    assert round(example.expected, 4) == 0.5352
    assert round(example.alpha, 4) == -0.7003
    single = category_alpha([[(0, 1)], [], []], 0, 20)
    assert overall_alpha([single], any_length=True) == 0.0
    assert math.isnan(overall_alpha([], any_length=False))


def _doc(layers: list[list[tuple[int, int, str]]], text: str = "كلمة " * 20) -> DocumentLayers:
    built = tuple(
        Layer(
            f"a{r}",
            tuple(
                Span(k + 1, 1, f"a{r}", CodePoint(s), CodePoint(e), lab)
                for k, (s, e, lab) in enumerate(keys)
            ),
        )
        for r, keys in enumerate(layers)
    )
    return DocumentLayers(1, "d.txt", text, "0" * 64, built)


def test_alpha_u_pair_sum_equals_dkpro_segment_pairs() -> None:
    """The fast observed-disagreement sum equals DKPro's sum of δ² over segment pairs."""
    rng = random.Random(1)
    for _ in range(300):
        one, two = (
            outermost([(s, min(60, s + rng.randint(1, 9))) for s in rng.sample(range(59), 6)])[0]
            for _ in range(2)
        )
        tiles1, tiles2 = segments(one, 0, 60), segments(two, 0, 60)
        expected = sum(
            distance(x, y)
            for x in tiles1
            for y in tiles2
            if x[0] < y[0] + y[1] and y[0] < x[0] + x[1]
        )
        assert _pair_sum(one, two) == expected


def test_gap_lengths_equal_the_gaps_of_the_segments() -> None:
    rng = random.Random(2)
    for _ in range(500):
        begin, length = rng.randint(0, 5), rng.randint(1, 50)
        starts = rng.sample(range(begin, begin + length), min(length, rng.randint(0, 6)))
        units = outermost([(s, min(begin + length, s + rng.randint(1, 6))) for s in starts])[0]
        tiles = segments(units, begin, length)
        assert sorted(_gaps(units, begin, length)) == sorted(t[1] for t in tiles if not t[2])


def test_multiset_match_counts_duplicates_like_counter_intersection() -> None:
    rng = random.Random(3)
    for _ in range(500):
        a = [rng.randrange(5) for _ in range(rng.randrange(9))]
        b = [rng.randrange(5) for _ in range(rng.randrange(9))]
        assert Counter(multiset_match(a, b)) == Counter(a) & Counter(b)


def test_alpha_u_with_no_units_is_nan_in_the_report() -> None:
    report = compute([_doc([[], []])], Options(resamples=0))
    assert math.isnan(report.unitizing_overall)
    assert report.unitizing == {}


def test_overlap_matching_is_greedy_by_overlap_size() -> None:
    # A's [0,10) overlaps B's [0,4) by 4 and B's [2,12) by 8: the larger overlap wins,
    # leaving B's [0,4) to A's [3,5) (overlap 1).
    a = [(0, 10, "X"), (3, 5, "X")]
    b = [(0, 4, "X"), (2, 12, "X")]
    counts = overlap_counts(sorted(a), sorted(b))["X"]
    assert (counts.tp, counts.only_a, counts.only_b) == (2, 0, 0)
    lone = overlap_counts([(0, 10, "X")], [(0, 4, "X"), (2, 12, "X")])["X"]
    assert (lone.tp, lone.only_a, lone.only_b) == (1, 0, 1)
    # Greedy, not a maximum matching: A's [0,10) takes B's [2,10) (overlap 8), so neither
    # B's [0,2) nor A's [8,12) finds a partner, although a matching of two exists.
    greedy = overlap_counts([(0, 10, "X"), (8, 12, "X")], [(0, 2, "X"), (2, 10, "X")])["X"]
    assert (greedy.tp, greedy.only_a, greedy.only_b) == (1, 1, 1)
    other_label = overlap_counts([(0, 10, "X")], [(0, 10, "Y")])
    assert other_label["X"].tp == 0 and other_label["Y"].only_b == 1


def test_greedy_matching_equals_a_plain_greedy_pass() -> None:
    """Setting aside uncontested pairs changes nothing: same matches as sorting all pairs."""
    rng = random.Random(5)
    for _ in range(300):
        a, b = (
            sorted((s, s + rng.randint(1, 6), rng.choice("XY")) for s in rng.sample(range(40), 7))
            for _ in range(2)
        )
        candidates = overlapping_pairs(a, b)
        used_a: set[int] = set()
        used_b: set[int] = set()
        expected = set()
        for _, i, j in sorted((-c[0], c[1], c[2]) for c in candidates):
            if i not in used_a and j not in used_b:
                used_a.add(i)
                used_b.add(j)
                expected.add((i, j))
        assert set(greedy_matches(a, b)) == expected


def test_confusion_pairs_overlaps_and_counts_the_rest_as_none() -> None:
    a = [(0, 5, "PER"), (10, 15, "ORG"), (20, 25, "GPE")]
    b = [(0, 5, "PER"), (11, 15, "GPE"), (30, 32, "LOC")]
    counts = confusion(a, b)
    assert counts == {("PER", "PER"): 1, ("ORG", "GPE"): 1, ("GPE", "none"): 1, ("none", "LOC"): 1}


def test_report_confusion_matrix_has_a_none_row_and_column() -> None:
    a = [(0, 5, "PER"), (10, 15, "ORG"), (20, 25, "GPE")]
    b = [(0, 5, "PER"), (11, 15, "GPE"), (30, 32, "LOC")]
    report = compute([_doc([a, b])], Options(resamples=0))
    labels = report.confusion_labels
    assert labels == ["GPE", "LOC", "ORG", "PER", "none"]
    cell = {
        (r, c): report.confusion_matrix[i][j]
        for i, r in enumerate(labels)
        for j, c in enumerate(labels)
    }
    assert {k: v for k, v in cell.items() if v} == {
        ("PER", "PER"): 1,
        ("ORG", "GPE"): 1,
        ("GPE", "none"): 1,
        ("none", "LOC"): 1,
    }


def _event_layer(name: str, role: str, arg: tuple[int, int], rel_label: str) -> Layer:
    spans = (
        Span(1, 1, name, CodePoint(0), CodePoint(5), "Conflict.Attack"),
        Span(2, 1, name, CodePoint(arg[0]), CodePoint(arg[1]), "PER"),
        Span(3, 1, name, CodePoint(20), CodePoint(25), rel_label),
    )
    event = Event(1, 1, name, "Conflict.Attack", 1, (Argument(role, 2),))
    return Layer(name, spans, (event,), (Relation(1, 1, name, "PHYS", 2, 3),))


def test_event_levels_and_relations() -> None:
    layers = (
        _event_layer("a", "Attacker", (6, 10), "GPE"),
        _event_layer("b", "Target", (6, 10), "LOC"),
        _event_layer("c", "Attacker", (6, 11), "GPE"),
    )
    doc = DocumentLayers(1, "e.txt", "هجوم " * 10, "1" * 64, layers)
    levels = compute([doc], Options(resamples=0)).structures
    ab, ac = ("a", "b"), ("a", "c")
    assert levels["trigger classification"][ab]["Conflict.Attack"].tp == 1
    assert levels["argument identification"][ab]["Conflict.Attack"].tp == 1
    assert levels["argument classification"][ab]["Attacker"].only_a == 1
    assert levels["argument classification"][ab]["Target"].only_b == 1
    assert levels["relation (offsets only)"][ab]["PHYS"].tp == 1
    assert levels["relation (typed ends)"][ab]["PHYS"].tp == 0
    assert levels["argument identification"][ac]["Conflict.Attack"].tp == 0
    assert levels["trigger identification"][ac]["(any label)"].tp == 1


def test_bootstrap_equals_explicit_resampling() -> None:
    corpus = make_corpus(seed=3, documents=6, words=40)
    resamples, seed = 25, 99
    report = compute(corpus, Options(resamples=resamples, seed=seed))
    rng = random.Random(seed)
    drawn: dict[str, list[float]] = {name: [] for name in report.headline}
    for _ in range(resamples):
        picked = rng.choices(range(len(corpus)), k=len(corpus))
        again = compute([corpus[k] for k in picked], Options(resamples=0))
        for name, (value, _, _) in again.headline.items():
            if not math.isnan(value):
                drawn[name].append(value)
    for name, (_, lo, hi) in report.headline.items():
        if name.startswith("Gwet"):
            continue  # AC1 keeps the whole corpus's q; a resample alone may see fewer tags
        assert lo == pytest.approx(percentile(drawn[name], 2.5), abs=1e-9), name
        assert hi == pytest.approx(percentile(drawn[name], 97.5), abs=1e-9), name


def test_per_document_figures_are_worst_first() -> None:
    report = compute(make_corpus(seed=4, documents=5, words=40), Options(resamples=0))
    first = next(iter(report.headline))
    scores = [d.figures[first] for d in report.documents]
    assert scores == sorted(scores)
    assert len({d.sha256 for d in report.documents}) == 5


def test_token_tags_levels_and_unaligned_spans() -> None:
    text = "قال مُحَمَّد بمحافظة حماة 😀 Latin\u00a02024"

    def span(k: int, piece: str, label: str, skip: int = 0) -> Span:
        start = text.find(piece) + skip
        return Span(k, 1, "a", CodePoint(start), CodePoint(start + len(piece) - skip), label)

    spans = [
        span(1, "مُحَمَّد", "PER"),
        span(2, "بمحافظة حماة", "LOC"),
        span(3, "حماة", "GPE"),
        span(4, "بمحافظة", "GPE", skip=1),  # «محافظة» inside «بمحافظة»: not a token
        span(5, "Latin", "ORG"),
    ]
    tags = token_tags(text, spans, levels=2)
    assert tags.levels[0] == ["O", "B-PER", "B-LOC", "I-LOC", "O", "B-ORG", "O"]
    assert tags.levels[1] == ["O", "O", "O", "B-GPE", "O", "O", "O"]
    assert (tags.unaligned, tags.deeper) == (1, 0)
    assert token_tags(text, spans, levels=1).deeper == 1
