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

from annotator.core.agreement import coefficients as co
from annotator.core.agreement.bootstrap import Figure, intervals
from annotator.core.agreement.confusion import as_table
from annotator.core.agreement.fscore import RULES, Counts, f1
from annotator.core.agreement.pairwise import Flat, PairResult, compare, prepare
from annotator.core.agreement.structures import LEVELS, layer_items
from annotator.core.agreement.tokentags import TokenBounds, tags_for, text_tokens
from annotator.core.agreement.unitizing import CategoryResult, category_alpha, overall_alpha
from annotator.core.agreement.units import (
    DocumentLayers,
    Layer,
    Options,
    check_layers,
    entity_keys,
    entity_spans,
    pairs,
)

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
    joint: co.Joint


@dataclass
class _Acc:
    names: tuple[str, ...]
    flats: list[Flat]
    joints: list[co.Joint]
    unaligned: int = 0
    deeper: int = 0
    offset: int = 0
    docs: list[_Doc] = field(default_factory=list)
    gold: Flat | None = None
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
    acc = _Acc(names, [Flat() for _ in names], [Counter() for _ in range(options.levels)])
    if gold is not None:
        acc.gold, acc.gold_name = Flat(), gold[0].annotator if gold else "gold"
    for k, doc in enumerate(docs):
        bounds = tokens[k] if tokens is not None else text_tokens(doc.text)
        if acc.gold is not None and gold is not None:
            _add_keys(acc.gold, k, acc.offset, gold[k], options)
        _add_document(acc, k, doc, bounds, options)
    report = _finish(acc, options)
    if acc.gold is not None:
        report.gold_f1 = _against_gold(acc, acc.gold)
    return report


def _add_keys(flat: Flat, index: int, offset: int, layer: Layer, opts: Options) -> int:
    """Add one layer's entity span keys, shifted into the corpus continuum; return how many."""
    keys = entity_keys(layer, opts)
    flat.keys.extend((s + offset, e + offset, label, index) for s, e, label in keys)
    return len(keys)


def _against_gold(acc: _Acc, gold: Flat) -> dict[str, dict[tuple[str, str], PerLabel]]:
    """Each annotator's exact and overlap span counts against gold (annotator = A)."""
    side = prepare(gold)
    results = {
        name: compare(prepare(flat), side) for name, flat in zip(acc.names, acc.flats, strict=True)
    }
    return {
        rule: {(name, acc.gold_name): r.spans[rule] for name, r in results.items()}
        for rule in ("exact", "overlap")
    }


def _add_document(
    acc: _Acc, index: int, doc: DocumentLayers, bounds: TokenBounds, opts: Options
) -> None:
    spans = []
    for flat, layer in zip(acc.flats, doc.layers, strict=True):
        spans.append(_add_keys(flat, index, acc.offset, layer, opts))
        for level, found in layer_items(layer).items():
            flat.items[level].extend((index, *item) for item in found)
    tags = [tags_for(bounds, entity_spans(layer, opts), opts.levels) for layer in doc.layers]
    for t in tags:
        acc.unaligned += t.unaligned
        acc.deeper += t.deeper
    joints = [Counter(zip(*(t.levels[lv] for t in tags), strict=True)) for lv in range(opts.levels)]
    for total, joint in zip(acc.joints, joints, strict=True):
        total.update(joint)
    acc.offset += len(doc.text)
    acc.docs.append(_Doc(doc.name, doc.sha256, len(bounds), spans, joints[0]))


def _finish(acc: _Acc, options: Options) -> AgreementReport:
    names = acc.names
    sides = [prepare(flat) for flat in acc.flats]
    results = {(names[i], names[j]): compare(sides[i], sides[j]) for i, j in pairs(len(names))}
    levels = [_token_level(lv + 1, joint, names) for lv, joint in enumerate(acc.joints)]
    categories = levels[0].categories
    figures = _figures(len(names), categories)
    rows = [
        _f1_row(results, k) + _token_row(doc.joint, names, categories)
        for k, doc in enumerate(acc.docs)
    ]
    totals = [sum(col) for col in zip(*rows, strict=True)] if rows else []
    ci = intervals(rows, figures, options.resamples, options.seed)
    headline = {
        name: (fig(totals) if totals else math.nan, *ci[name]) for name, fig in figures.items()
    }
    unitizing = _unitizing(acc)
    any_length = any(r.units for r in unitizing.values())
    matrix_counts: Counter[tuple[str, str]] = Counter()
    for result in results.values():
        matrix_counts.update(result.confusion)
    labels, matrix = as_table(matrix_counts)
    left_out = {"unaligned spans": acc.unaligned, "spans below the measured levels": acc.deeper}
    left_out["units overlapping a unit of the same label"] = sum(
        r.left_out for r in unitizing.values()
    )
    return AgreementReport(
        list(names),
        options,
        {rule: {p: r.spans[rule] for p, r in results.items()} for rule in RULES},
        {level: {p: r.structures[level] for p, r in results.items()} for level in LEVELS},
        levels,
        left_out,
        unitizing,
        overall_alpha(list(unitizing.values()), any_length) if acc.offset else math.nan,
        labels,
        matrix,
        _per_document(acc.docs, rows, figures),
        headline,
    )


def _f1_row(results: dict[tuple[str, str], PairResult], doc: int) -> list[int]:
    """Per-document counts of the headline F1 figures: figure-major, then pair."""
    row: list[int] = []
    empty = Counts()
    for _, name in HEADLINE_F1.values():
        for result in results.values():
            row += result.per_doc[name].get(doc, empty).as_list()
    return row


def _unitizing(acc: _Acc) -> dict[str, CategoryResult]:
    raters = len(acc.flats)
    units: dict[str, list[list[tuple[int, int]]]] = {}
    for r, flat in enumerate(acc.flats):
        for start, end, label, _ in flat.keys:
            slots = units.get(label)
            if slots is None:
                slots = units[label] = [[] for _ in range(raters)]
            slots[r].append((start, end))
    return {label: category_alpha(u, 0, acc.offset) for label, u in sorted(units.items())}


def _token_level(level: int, joint: co.Joint, names: Sequence[str]) -> TokenLevel:
    categories = sorted({tag for combo in joint for tag in combo})
    raters = len(names)
    stats = co.multi_stats(joint, categories)
    cohen = {
        (names[i], names[j]): co.cohen_from(co.cohen_stats(joint, i, j, categories))
        for i, j in pairs(raters)
    }
    return TokenLevel(
        level,
        stats[0],
        categories,
        cohen,
        co.fleiss_from(stats, raters),
        co.alpha_from(stats, raters),
        co.ac1_from(stats, raters, len(categories)),
    )


def _token_row(joint: co.Joint, names: Sequence[str], categories: list[str]) -> list[int]:
    row = co.multi_stats(joint, categories)
    for i, j in pairs(len(names)):
        row += co.cohen_stats(joint, i, j, categories)
    return row


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
