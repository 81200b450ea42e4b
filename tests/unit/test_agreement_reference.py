"""Every coefficient against an independent implementation on the same generated data."""

from __future__ import annotations

import math
from collections import Counter

import krippendorff
import numpy as np
import pytest
from seqeval.metrics import f1_score
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

from annotator.core.agreement import Options, compute, token_tags
from annotator.core.agreement.units import entity_spans
from tests.agreement_corpus import ANNOTATORS, ONLY_C, make_corpus

TOL = 1e-9


@pytest.fixture(scope="module")
def corpus() -> list:
    return make_corpus(seed=11, documents=6, words=70)


def _tags(corpus: list, level: int) -> list[list[str]]:
    """Each annotator's tags over all documents, from the public tagging function."""
    out: list[list[str]] = [[] for _ in ANNOTATORS]
    for doc in corpus:
        for r, layer in enumerate(doc.layers):
            spans = entity_spans(layer, Options())
            out[r] += token_tags(doc.text, spans, levels=2).levels[level - 1]
    return out


def _codes(tags: list[list[str]]) -> np.ndarray:
    categories = sorted({t for row in tags for t in row})
    index = {c: k for k, c in enumerate(categories)}
    return np.array([[index[t] for t in row] for row in tags])


def test_corpus_has_what_the_checks_need(corpus: list) -> None:
    labels = [{s.label for s in layer.spans} for layer in corpus[0].layers]
    assert ONLY_C in labels[2] and ONLY_C not in labels[0] | labels[1]
    text = "".join(d.text for d in corpus)
    for needle in ("\u00a0", "\u200c", "ـ", "\u064f", "😀", "Latin", "2024"):
        assert needle in text
    level2 = _tags(corpus, 2)
    assert any(t != "O" for row in level2 for t in row)  # nested spans exist


@pytest.mark.parametrize("level", [1, 2])
def test_token_coefficients_match_references(corpus: list, level: int) -> None:
    report = compute(corpus, Options(levels=2, resamples=0))
    measured = report.token_levels[level - 1]
    tags = _tags(corpus, level)
    codes = _codes(tags)
    for i, j in [(0, 1), (0, 2), (1, 2)]:
        expected = cohen_kappa_score(tags[i], tags[j])
        assert measured.cohen[(ANNOTATORS[i], ANNOTATORS[j])] == pytest.approx(expected, abs=TOL)
    table, _ = aggregate_raters(codes.T)
    assert measured.fleiss == pytest.approx(fleiss_kappa(table, method="fleiss"), abs=TOL)
    alpha = krippendorff.alpha(reliability_data=codes, level_of_measurement="nominal")
    assert measured.alpha == pytest.approx(alpha, abs=TOL)
    assert measured.ac1 == pytest.approx(_gwet_ac1_by_hand(tags), abs=TOL)


def _gwet_ac1_by_hand(tags: list[list[str]]) -> float:
    """Gwet (2008), eq. for r raters, item by item: pa, πk, pe = Σπk(1−πk)/(q−1)."""
    raters = len(tags)
    items = list(zip(*tags, strict=True))
    categories = sorted({t for item in items for t in item})
    q = len(categories)
    pa = 0.0
    pi = dict.fromkeys(categories, 0.0)
    for item in items:
        counts = Counter(item)
        pa += sum(n * (n - 1) for n in counts.values()) / (raters * (raters - 1))
        for c, n in counts.items():
            pi[c] += n / raters
    pa /= len(items)
    pe = sum((p / len(items)) * (1 - p / len(items)) for p in pi.values()) / (q - 1)
    return (pa - pe) / (1 - pe)


def test_span_f1_matches_seqeval_on_flat_spans() -> None:
    corpus = make_corpus(seed=5, documents=5, words=60, nested=False)
    report = compute(corpus, Options(resamples=0))
    tags = [
        [token_tags(d.text, entity_spans(d.layers[r], Options())).levels[0] for d in corpus]
        for r in range(3)
    ]
    for i, j in [(0, 1), (0, 2), (1, 2)]:
        per_label = report.span_f1["exact"][(ANNOTATORS[i], ANNOTATORS[j])]
        tp = sum(c.tp for c in per_label.values())
        fa = sum(c.only_a for c in per_label.values())
        fb = sum(c.only_b for c in per_label.values())
        assert 2 * tp / (2 * tp + fa + fb) == pytest.approx(f1_score(tags[j], tags[i]), abs=TOL)
        macro = f1_score(tags[j], tags[i], average="macro", zero_division=0)
        scores = [c.f1 for c in per_label.values()]
        assert sum(scores) / len(scores) == pytest.approx(macro, abs=TOL)
        assert not any(math.isnan(s) for s in scores)


def test_headline_figures_equal_the_detailed_figures(corpus: list) -> None:
    report = compute(corpus, Options(resamples=0))
    level = report.token_levels[0]
    assert report.headline["Fleiss' κ"][0] == level.fleiss
    assert report.headline["Krippendorff's α"][0] == level.alpha
    assert report.headline["Gwet's AC1"][0] == level.ac1
    mean_kappa = sum(level.cohen.values()) / 3
    assert report.headline["Cohen's κ (mean over pairs)"][0] == pytest.approx(mean_kappa, abs=TOL)
