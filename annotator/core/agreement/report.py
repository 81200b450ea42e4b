"""Compute every agreement measure for a set of documents in one pass.

Per document, the layers are reduced once (span keys, token tags, event and
relation items) and compared pair by pair; corpus figures are sums of the
per-document counts (span F1 is micro-averaged over documents). The headline
figures are also computed per document and bootstrapped over documents.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from annotator.core.agreement import coefficients as co
from annotator.core.agreement import tokenarrays as tk
from annotator.core.agreement.bootstrap import Figure, intervals
from annotator.core.agreement.confusion import as_table
from annotator.core.agreement.fscore import RULES, Counts, f1
from annotator.core.agreement.pairwise import Ints, PairResult, Side, Tagged, compare
from annotator.core.agreement.structures import LEVELS, layer_items
from annotator.core.agreement.tokenarrays import SpanArrays, corpus_tokens, level_tags
from annotator.core.agreement.tokentags import TokenBounds, text_tokens
from annotator.core.agreement.unitizing import (
    CategoryResult,
    category_alpha_arrays,
    overall_alpha,
)
from annotator.core.agreement.units import (
    DocumentLayers,
    Layer,
    Options,
    check_layers,
    entity_spans,
    pairs,
)
from annotator.core.gcpause import collector_paused

PerLabel = dict[str, Counts]
HEADLINE_F1 = {
    "span F1, exact (mean over pairs)": ("span", "exact"),
    "span F1, overlap (mean over pairs)": ("span", "overlap"),
    "span F1, boundaries only (mean over pairs)": ("span", "boundaries"),
    "trigger classification F1 (mean over pairs)": ("event", LEVELS[1]),
    "argument classification F1 (mean over pairs)": ("event", LEVELS[3]),
    "relation F1, typed ends (mean over pairs)": ("event", LEVELS[4]),
}
TOKEN_FIGURES = ("Cohen's κ (mean over pairs)", "Fleiss' κ", "Krippendorff's α", "Gwet's AC1")


@dataclass
class TokenLevel:
    """Chance-corrected token agreement on one nesting level."""

    level: int
    tokens: int
    categories: list[str]
    cohen: dict[tuple[str, str], float]
    fleiss: float
    alpha: float
    ac1: float


@dataclass
class DocumentFigures:
    """The headline figures of one document."""

    name: str
    sha256: str
    tokens: int
    spans: list[int]
    figures: dict[str, float]


@dataclass
class AgreementReport:
    """Every figure, with the counts behind it (see ``render`` for the output)."""

    annotators: list[str]
    options: Options
    span_f1: dict[str, dict[tuple[str, str], PerLabel]]
    structures: dict[str, dict[tuple[str, str], PerLabel]]
    token_levels: list[TokenLevel]
    left_out: dict[str, int]
    unitizing: dict[str, CategoryResult]
    unitizing_overall: float
    confusion_labels: list[str]
    confusion_matrix: list[list[int]]
    documents: list[DocumentFigures]
    headline: dict[str, tuple[float, float, float]]
    provenance: dict[str, object] = field(default_factory=dict)
    # each annotator (A) against the gold layer (B), by rule ("exact", "overlap")
    gold_f1: dict[str, dict[tuple[str, str], PerLabel]] = field(default_factory=dict)


@dataclass
class _Doc:
    name: str
    sha256: str
    tokens: int
    spans: list[int]


@dataclass
class _Layers:
    """One annotator's entity spans over the corpus (shifted offsets) and event items."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    docs: list[int] = field(default_factory=list)
    items: dict[str, list[Tagged]] = field(default_factory=lambda: {lv: [] for lv in LEVELS})


@dataclass
class _Acc:
    names: tuple[str, ...]
    layers: list[_Layers]
    bounds: list[TokenBounds] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)
    offset: int = 0
    docs: list[_Doc] = field(default_factory=list)
    gold: _Layers | None = None
    gold_name: str = ""


def compute(
    docs: Sequence[DocumentLayers],
    options: Options | None = None,
    tokens: Sequence[TokenBounds] | None = None,
    gold: Sequence[Layer] | None = None,
) -> AgreementReport:
    """Compute every measure; ``tokens[k]`` may give document k's text-only tokens.

    ``gold[k]``, if given, is document k's gold layer: each annotator's span F1
    against it goes in :attr:`AgreementReport.gold_f1` (same matching rules).
    """
    options = options or Options()
    names = check_layers(docs)
    acc = _Acc(names, [_Layers() for _ in names])
    if gold is not None:
        acc.gold, acc.gold_name = _Layers(), gold[0].annotator if gold else "gold"
    with collector_paused():
        for k, doc in enumerate(docs):
            bounds = tokens[k] if tokens is not None else text_tokens(doc.text)
            if acc.gold is not None and gold is not None:
                _add_layer(acc.gold, k, acc.offset, gold[k], options)
            _add_document(acc, k, doc, bounds, options)
        report = _finish(acc, options)
        if acc.gold is not None:
            report.gold_f1 = _against_gold(acc, acc.gold)
        return report


def _against_gold(acc: _Acc, gold: _Layers) -> dict[str, dict[tuple[str, str], PerLabel]]:
    """Each annotator's exact and overlap span counts against gold (annotator = A)."""
    labels, sides, _ = _arrays([*acc.layers, gold])
    results = {
        name: compare(side, sides[-1], labels, len(acc.docs))
        for name, side in zip(acc.names, sides[:-1], strict=True)
    }
    return {
        rule: {(name, acc.gold_name): r.spans[rule] for name, r in results.items()}
        for rule in ("exact", "overlap")
    }


def _add_document(
    acc: _Acc, index: int, doc: DocumentLayers, bounds: TokenBounds, opts: Options
) -> None:
    off = acc.offset
    spans = [
        _add_layer(flat, index, off, layer, opts)
        for flat, layer in zip(acc.layers, doc.layers, strict=True)
    ]
    acc.bounds.append(bounds)
    acc.offsets.append(off)
    acc.offset += len(doc.text)
    acc.docs.append(_Doc(doc.name, doc.sha256, len(bounds), spans))


def _add_layer(flat: _Layers, index: int, off: int, layer: Layer, opts: Options) -> int:
    """Add one layer's entity spans (shifted into the corpus) and items; return how many."""
    found = entity_spans(layer, opts)
    flat.starts += [s.start + off for s in found]
    flat.ends += [s.end + off for s in found]
    flat.labels += [s.label for s in found]
    flat.ids += [s.id for s in found]
    flat.docs += [index] * len(found)
    for level, items in layer_items(layer).items():
        flat.items[level].extend((index, *item) for item in items)
    return len(found)


def _arrays(layers: Sequence[_Layers]) -> tuple[list[str], list[Side], list[SpanArrays]]:
    """Label names (sorted) and each layer's spans as arrays, sorted by start, end,
    label and id (documents follow each other, as their offsets do)."""
    labels = sorted({label for flat in layers for label in flat.labels})
    index = {label: k for k, label in enumerate(labels)}
    sides, spans = [], []
    for flat in layers:
        start, end, ident, doc = (
            np.array(column, dtype=np.int64)
            for column in (flat.starts, flat.ends, flat.ids, flat.docs)
        )
        label = np.array([index[x] for x in flat.labels], dtype=np.int64)
        order = np.lexsort((ident, label, end, start))
        start, end, label, ident, doc = (x[order] for x in (start, end, label, ident, doc))
        sides.append(Side(start, end, label, doc, flat.items))
        spans.append(SpanArrays(start, end, label, ident))
    return labels, sides, spans


def _finish(acc: _Acc, options: Options) -> AgreementReport:
    names = acc.names
    labels, sides, spans = _arrays(acc.layers)
    n_docs = len(acc.docs)
    results = {
        (names[i], names[j]): compare(sides[i], sides[j], labels, n_docs)
        for i, j in pairs(len(names))
    }
    tokens = corpus_tokens(acc.bounds, acc.offsets)
    tagged = [level_tags(tokens, s, options.levels) for s in spans]
    levels, token_rows = [], np.zeros((n_docs, 0), dtype=np.int64)
    for lv in range(options.levels):
        categories, coded = tk.categories([t.levels[lv] for t in tagged], labels)
        doc_rows = tk.document_stats(coded, len(categories), tokens.doc, n_docs)
        levels.append(_token_level(lv + 1, doc_rows.sum(axis=0).tolist(), names, categories))
        if lv == 0:
            token_rows = doc_rows
    categories = levels[0].categories
    figures = _figures(len(names), categories)
    matrix = np.concatenate([_f1_rows(results, n_docs), token_rows], axis=1)
    rows = matrix.tolist()
    totals = matrix.sum(axis=0).tolist() if rows else []
    ci = intervals(matrix, figures, options.resamples, options.seed)
    headline = {
        name: (fig(totals) if totals else math.nan, *ci[name]) for name, fig in figures.items()
    }
    unitizing = _unitizing(labels, sides, acc.offset)
    any_length = any(r.units for r in unitizing.values())
    matrix_counts: Counter[tuple[str, str]] = Counter()
    for result in results.values():
        matrix_counts.update(result.confusion)
    confusion_labels, confusion = as_table(matrix_counts)
    left_out = {
        "unaligned spans": sum(t.unaligned for t in tagged),
        "spans below the measured levels": sum(t.deeper for t in tagged),
        "units overlapping a unit of the same label": sum(r.left_out for r in unitizing.values()),
    }
    return AgreementReport(
        list(names),
        options,
        {rule: {p: r.spans[rule] for p, r in results.items()} for rule in RULES},
        {level: {p: r.structures[level] for p, r in results.items()} for level in LEVELS},
        levels,
        left_out,
        unitizing,
        overall_alpha(list(unitizing.values()), any_length) if acc.offset else math.nan,
        confusion_labels,
        confusion,
        _per_document(acc.docs, rows, figures),
        headline,
    )


def _f1_rows(results: dict[tuple[str, str], PairResult], n_docs: int) -> Ints:
    """Per-document counts of the headline F1 figures: figure-major, then pair."""
    parts = [
        result.per_doc[name] for _, name in HEADLINE_F1.values() for result in results.values()
    ]
    return np.concatenate(parts, axis=1) if parts else np.zeros((n_docs, 0), dtype=np.int64)


def _unitizing(labels: list[str], sides: list[Side], length: int) -> dict[str, CategoryResult]:
    out = {}
    for g, label in enumerate(labels):
        masks = [side.label == g for side in sides]
        raters = [(side.start[m], side.end[m]) for side, m in zip(sides, masks, strict=True)]
        out[label] = category_alpha_arrays(raters, 0, length)
    return out


def _token_level(
    level: int, stats: list[int], names: Sequence[str], categories: list[str]
) -> TokenLevel:
    raters = len(names)
    width = len(categories)
    multi = stats[: 2 + width]
    cohen_width = 2 + 2 * width
    cohen = {
        (names[i], names[j]): co.cohen_from(
            stats[2 + width + p * cohen_width : 2 + width + (p + 1) * cohen_width]
        )
        for p, (i, j) in enumerate(pairs(raters))
    }
    return TokenLevel(
        level,
        multi[0],
        categories,
        cohen,
        co.fleiss_from(multi, raters),
        co.alpha_from(multi, raters),
        co.ac1_from(multi, raters, width),
    )


def _figures(raters: int, categories: list[str]) -> dict[str, Figure]:
    n_pairs = len(pairs(raters))
    out: dict[str, Figure] = {}
    for k, name in enumerate(HEADLINE_F1):
        out[name] = _f1_figure(k * 3 * n_pairs, n_pairs)
    start = len(HEADLINE_F1) * 3 * n_pairs
    width = 2 + len(categories)
    multi = slice(start, start + width)
    cohen_width = 2 + 2 * len(categories)
    first = start + width

    def cohen_mean(s: Sequence[int]) -> float:
        scores = [
            co.cohen_from(s[first + p * cohen_width : first + (p + 1) * cohen_width])
            for p in range(n_pairs)
        ]
        return _nanmean(scores)

    out[TOKEN_FIGURES[0]] = cohen_mean
    out[TOKEN_FIGURES[1]] = lambda s: co.fleiss_from(s[multi], raters)
    out[TOKEN_FIGURES[2]] = lambda s: co.alpha_from(s[multi], raters)
    out[TOKEN_FIGURES[3]] = lambda s: co.ac1_from(s[multi], raters, len(categories))
    return out


def _f1_figure(base: int, n_pairs: int) -> Figure:
    def mean_f1(sums: Sequence[int]) -> float:
        return _nanmean([f1(*sums[base + 3 * p : base + 3 * p + 3]) for p in range(n_pairs)])

    return mean_f1


def _nanmean(values: Sequence[float]) -> float:
    kept = [v for v in values if not math.isnan(v)]
    return sum(kept) / len(kept) if kept else math.nan


def _per_document(
    docs: list[_Doc], rows: list[list[int]], figures: dict[str, Figure]
) -> list[DocumentFigures]:
    out = [
        DocumentFigures(d.name, d.sha256, d.tokens, d.spans, {n: f(r) for n, f in figures.items()})
        for d, r in zip(docs, rows, strict=True)
    ]
    first = next(iter(HEADLINE_F1))

    def worst_first(d: DocumentFigures) -> tuple[bool, float, str]:
        value = d.figures[first]
        return (math.isnan(value), value if not math.isnan(value) else 0.0, d.name)

    return sorted(out, key=worst_first)
