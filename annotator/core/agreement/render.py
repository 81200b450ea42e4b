"""An :class:`AgreementReport` as a plain-text table, JSON, CSV or HTML (:mod:`.html`)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator

from annotator.core.agreement.fscore import Counts, macro_f1, micro
from annotator.core.agreement.html import to_html
from annotator.core.agreement.methods import METHODS, option_notes
from annotator.core.agreement.report import AgreementReport
from annotator.core.printable import csv_text, escape_controls

FORMATS = ("table", "json", "csv", "html")
Row = tuple[str, str, str, str, object]  # section, measure, subject, label, value


def _num(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 6)


def rows(report: AgreementReport) -> Iterator[Row]:
    """Every figure as ``(section, measure, subject, label, value)``."""
    for name, (value, lo, hi) in report.headline.items():
        yield "headline", name, "all", "value", _num(value)
        yield "headline", name, "all", "95% CI low", _num(lo)
        yield "headline", name, "all", "95% CI high", _num(hi)
    for rule, by_pair in report.span_f1.items():
        yield from _counts_rows("span F1", rule, by_pair)
    for level, by_pair in report.structures.items():
        yield from _counts_rows("events and relations", level, by_pair)
    for rule, by_gold in report.gold_f1.items():
        yield from _counts_rows("span F1 against gold", rule, by_gold)
    for lv in report.token_levels:
        measure = f"tokens, level {lv.level}"
        for (a, b), kappa in lv.cohen.items():
            yield "tokens", measure, f"{a} / {b}", "Cohen's κ", _num(kappa)
        yield "tokens", measure, "all", "Fleiss' κ", _num(lv.fleiss)
        yield "tokens", measure, "all", "Krippendorff's α", _num(lv.alpha)
        yield "tokens", measure, "all", "Gwet's AC1", _num(lv.ac1)
        yield "tokens", measure, "all", "tokens", lv.tokens
    for label, res in report.unitizing.items():
        yield "α_U", "Krippendorff's α_U", label, "α_U", _num(res.alpha)
        yield "α_U", "Krippendorff's α_U", label, "D_o", _num(res.observed)
        yield "α_U", "Krippendorff's α_U", label, "D_e", _num(res.expected)
    yield "α_U", "Krippendorff's α_U", "all labels", "α_U", _num(report.unitizing_overall)
    labels = report.confusion_labels
    for r, row in enumerate(report.confusion_matrix):
        for c, count in enumerate(row):
            if count:
                yield "confusion", "label confusion", labels[r], labels[c], count
    for doc in report.documents:
        for name, value in doc.figures.items():
            yield "per document", name, doc.name, doc.sha256, _num(value)
    for what, count in report.left_out.items():
        yield "left out", what, "all", "count", count


def _counts_rows(
    section: str, rule: str, by_pair: dict[tuple[str, str], dict[str, Counts]]
) -> Iterator[Row]:
    for (a, b), per_label in by_pair.items():
        subject = f"{a} / {b}"
        for label, c in sorted(per_label.items()):
            yield (
                section,
                rule,
                subject,
                label,
                f"F1={_fmt(c.f1)} TP={c.tp} onlyA={c.only_a} onlyB={c.only_b}",
            )
        total = micro(per_label)
        yield (
            section,
            rule,
            subject,
            "micro",
            f"F1={_fmt(total.f1)} TP={total.tp} onlyA={total.only_a} onlyB={total.only_b}",
        )
        yield section, rule, subject, "macro", f"F1={_fmt(macro_f1(per_label))}"


def _fmt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.4f}"


def to_json(report: AgreementReport) -> str:
    """The report as JSON: methods, options, provenance and every figure."""
    data = {
        "provenance": report.provenance,
        "annotators": report.annotators,
        "methods": METHODS,
        "options": option_notes(report.options),
        "left_out": report.left_out,
        "headline": {
            n: {"value": _num(v), "ci95": [_num(lo), _num(hi)]}
            for n, (v, lo, hi) in report.headline.items()
        },
        "span_f1": _pairs_json(report.span_f1),
        "events_and_relations": _pairs_json(report.structures),
        "span_f1_against_gold": _pairs_json(report.gold_f1),
        "tokens": [
            {
                "level": lv.level,
                "tokens": lv.tokens,
                "categories": lv.categories,
                "cohen_kappa": {f"{a} / {b}": _num(k) for (a, b), k in lv.cohen.items()},
                "fleiss_kappa": _num(lv.fleiss),
                "krippendorff_alpha_nominal": _num(lv.alpha),
                "gwet_ac1": _num(lv.ac1),
            }
            for lv in report.token_levels
        ],
        "alpha_u": {
            "overall": _num(report.unitizing_overall),
            "labels": {
                label: {
                    "alpha_u": _num(r.alpha),
                    "D_o": _num(r.observed),
                    "D_e": _num(r.expected),
                    "units": r.units,
                }
                for label, r in report.unitizing.items()
            },
        },
        "confusion": {"labels": report.confusion_labels, "matrix": report.confusion_matrix},
        "per_document": [
            {
                "name": d.name,
                "sha256": d.sha256,
                "tokens": d.tokens,
                "spans": dict(zip(report.annotators, d.spans, strict=True)),
                "figures": {n: _num(v) for n, v in d.figures.items()},
            }
            for d in report.documents
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _pairs_json(table: dict[str, dict[tuple[str, str], dict[str, Counts]]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for rule, by_pair in table.items():
        out[rule] = {
            f"{a} / {b}": {
                "labels": {
                    label: {"tp": c.tp, "only_a": c.only_a, "only_b": c.only_b, "f1": _num(c.f1)}
                    for label, c in sorted(per_label.items())
                },
                "micro": {**_counts_json(micro(per_label))},
                "macro_f1": _num(macro_f1(per_label)),
            }
            for (a, b), per_label in by_pair.items()
        }
    return out


def _counts_json(c: Counts) -> dict[str, object]:
    return {
        "tp": c.tp,
        "only_a": c.only_a,
        "only_b": c.only_b,
        "precision": _num(c.precision),
        "recall": _num(c.recall),
        "f1": _num(c.f1),
    }


def to_csv(report: AgreementReport) -> str:
    """One row per figure: section, measure, subject, label, value (RFC 4180, cells defused)."""
    out: list[Row] = [("section", "measure", "subject", "label", "value")]
    out.extend(rows(report))
    for key, text in {**METHODS, **option_notes(report.options)}.items():
        out.append(("method", key, "", "", text))
    for key, value in report.provenance.items():
        if isinstance(value, dict):
            out.extend(("provenance", key, name, "", item) for name, item in value.items())
        else:
            out.append(("provenance", key, "", "", value))
    return csv_text(out)


def to_table(report: AgreementReport) -> str:
    """A plain-text report for a terminal; control characters in names are escaped."""
    lines = [f"Agreement between {', '.join(report.annotators)}"]
    for key, value in report.provenance.items():
        if key != "documents":
            lines.append(f"  {key}: {value}")
    lines.append("")
    lines.append("Headline figures (95% bootstrap CI over documents)")
    for name, (value, lo, hi) in report.headline.items():
        lines.append(f"  {name:<48} {_fmt(value):>7}  [{_fmt(lo)}, {_fmt(hi)}]")
    lines.append("")
    lines.append("Span F1 pair matrix (micro)")
    for rule, by_pair in report.span_f1.items():
        lines.extend(_matrix(rule, report.annotators, by_pair))
    lines.append("")
    lines.extend(_documents(report))
    current = ""
    for section, measure, subject, label, value in rows(report):
        if section in ("headline", "per document"):
            continue
        if section != current:
            lines.append(f"[{section}]")
            current = section
        lines.append(f"  {measure} | {subject} | {label} | {value}")
    lines.append("")
    lines.append("Methods")
    for key, text in {**METHODS, **option_notes(report.options)}.items():
        lines.append(f"  {key}: {text}")
    return "\n".join(escape_controls(line) for line in lines) + "\n"  # names may hold ESC


def _matrix(
    rule: str, names: list[str], by_pair: dict[tuple[str, str], dict[str, Counts]]
) -> list[str]:
    width = max(len(n) for n in names) + 2
    out = [f"  {rule}", "  " + " " * width + "".join(f"{n:>{width}}" for n in names)]
    for a in names:
        cells = []
        for b in names:
            per_label = by_pair.get((a, b)) or by_pair.get((b, a))
            cells.append("-" if a == b else _fmt(micro(per_label).f1) if per_label else "n/a")
        out.append("  " + f"{a:<{width}}" + "".join(f"{c:>{width}}" for c in cells))
    return out


def _documents(report: AgreementReport) -> list[str]:
    """One line per document, worst first: exact and overlap F1, Fleiss' κ, α, tokens."""
    names = ["span F1, exact (mean over pairs)", "span F1, overlap (mean over pairs)"]
    names += ["Fleiss' κ", "Krippendorff's α"]
    out = ["Per document, worst exact span F1 first: exact F1, overlap F1, Fleiss' κ, α, tokens"]
    for doc in report.documents:
        cells = " ".join(f"{_fmt(doc.figures[n]):>7}" for n in names)
        out.append(f"  {doc.name[:40]:<40} {cells} {doc.tokens:>8}  {doc.sha256[:12]}")
    out.append("")
    return out


def render(report: AgreementReport, fmt: str) -> str:
    """The report in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return to_json(report)
    if fmt == "csv":
        return to_csv(report)
    if fmt == "html":
        return to_html(report)
    return to_table(report)
