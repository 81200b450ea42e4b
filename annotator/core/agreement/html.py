"""An :class:`AgreementReport` as one self-contained HTML page.

The page holds the same tables as the text report (headline figures with
bootstrap intervals, the pair F1 matrices as coloured grids, per-label F1, the
token coefficients, α_U per label, event levels, relations, per-document
figures worst first), the label confusion matrix as an inline SVG heatmap,
the methods and the provenance (versions, project, input hashes). It refers
to nothing outside itself: inline CSS, inline SVG, no script, no font file.
Every name from the project (annotators, labels, documents) is escaped and
wrapped in ``<bdi>`` so that Arabic names keep their own direction.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from html import escape

from annotator.core.agreement.fscore import Counts, macro_f1, micro
from annotator.core.agreement.methods import METHODS, option_notes
from annotator.core.agreement.report import AgreementReport
from annotator.core.agreement.structures import LEVELS
from annotator.core.agreement.svg import confusion_svg, css, score_rgb

Cell = str | int | float | tuple[str, str]
"""A table cell: text (escaped), a number, or ``(safe html, extra attributes)``."""
RELATION_LEVELS = LEVELS[4:]
EVENT_LEVELS = LEVELS[:4]

STYLE = """
body{font-family:'Noto Naskh Arabic','Noto Sans','Noto Color Emoji',sans-serif;margin:2em;
color:#222;max-width:80em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.2em .6em;text-align:start}
td.num{text-align:end;font-variant-numeric:tabular-nums}
th{background:#f3f3f3}
.grid td.num{min-width:4.5em;text-align:center}
code{font-size:.9em}
"""


def fmt(value: float) -> str:
    """A figure as the report shows it: four decimals, ``n/a`` for NaN."""
    return "n/a" if math.isnan(value) else f"{value:.4f}"


def name(text: str) -> str:
    """A project-given name, escaped and isolated from the surrounding direction."""
    return f'<bdi dir="auto">{escape(text)}</bdi>'


def _cell(value: Cell, header: bool = False) -> str:
    tag = "th" if header else "td"
    if isinstance(value, tuple):
        html, attrs = value
        return f"<{tag}{attrs}>{html}</{tag}>"
    if isinstance(value, float):
        return f'<{tag} class="num">{fmt(value)}</{tag}>'
    if isinstance(value, int):
        return f'<{tag} class="num">{value}</{tag}>'
    return f"<{tag}>{escape(value)}</{tag}>"


def table(
    ident: str, headers: Sequence[Cell], rows: Iterable[Sequence[Cell]], cls: str = ""
) -> str:
    """A ``<table id=ident>`` with one header row."""
    klass = f' class="{cls}"' if cls else ""
    out = [f'<table id="{ident}"{klass}>', "<thead><tr>"]
    out += [_cell(h, header=True) for h in headers]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(_cell(c) for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def score_cell(value: float) -> Cell:
    """A score coloured by :func:`~annotator.core.agreement.svg.score_rgb`."""
    return (fmt(value), f' class="num" style="background:{css(score_rgb(value))}"')


def named(text: str) -> Cell:
    """A cell holding a project-given name."""
    return (name(text), "")


def pair_f1(by_pair: dict[tuple[str, str], dict[str, Counts]], a: str, b: str) -> float:
    """Micro F1 of annotators ``a`` and ``b`` in either order; NaN if not compared."""
    per_label = by_pair.get((a, b)) or by_pair.get((b, a))
    return micro(per_label).f1 if per_label else math.nan


def _pair_grid(rule: str, report: AgreementReport) -> str:
    names = report.annotators
    by_pair = report.span_f1[rule]
    rows = []
    for a in names:
        cells: list[Cell] = [(name(a), ' scope="row"')]
        for b in names:
            cells.append(("—", ' class="num"') if a == b else score_cell(pair_f1(by_pair, a, b)))
        rows.append(cells)
    headers: list[Cell] = [""]
    headers += [(name(n), "") for n in names]
    return f"<h3>{escape(rule)}</h3>\n" + table(f"pairs-{rule}", headers, rows, "grid")


def _counts_rows(
    section: dict[str, dict[tuple[str, str], dict[str, Counts]]], rules: Sequence[str]
) -> Iterable[list[Cell]]:
    for rule in rules:
        for (a, b), per_label in section[rule].items():
            pair = (f"{name(a)} / {name(b)}", "")
            for label, c in sorted(per_label.items()):
                yield [rule, pair, named(label), score_cell(c.f1), c.tp, c.only_a, c.only_b]
            total = micro(per_label)
            yield [rule, pair, "micro", score_cell(total.f1), total.tp, total.only_a, total.only_b]
            yield [rule, pair, "macro", score_cell(macro_f1(per_label)), "", "", ""]


COUNT_HEADERS: list[Cell] = ["rule", "pair", "label", "F1", "TP", "only A", "only B"]


def _against_gold(report: AgreementReport) -> list[str]:
    """The section of each annotator's span F1 against gold (only when it was measured)."""
    if not report.gold_f1:
        return []
    rows = _counts_rows(report.gold_f1, list(report.gold_f1))
    return [
        "<h2>Span F1 against gold (A: annotator, B: gold)</h2>",
        table("gold", COUNT_HEADERS, rows),
    ]


def _headline(report: AgreementReport) -> str:
    rows = [
        [figure, score_cell(value), lo, hi] for figure, (value, lo, hi) in report.headline.items()
    ]
    return table("headline", ["figure", "value", "95% CI low", "95% CI high"], rows)


def _tokens(report: AgreementReport) -> str:
    rows: list[list[Cell]] = []
    for lv in report.token_levels:
        for (a, b), kappa in lv.cohen.items():
            rows.append([lv.level, "Cohen's κ", (f"{name(a)} / {name(b)}", ""), score_cell(kappa)])
        rows.append([lv.level, "Fleiss' κ", "all", score_cell(lv.fleiss)])
        rows.append([lv.level, "Krippendorff's α", "all", score_cell(lv.alpha)])
        rows.append([lv.level, "Gwet's AC1", "all", score_cell(lv.ac1)])
        rows.append([lv.level, "tokens", "all", lv.tokens])
        cats = ", ".join(name(c) for c in lv.categories)
        rows.append([lv.level, "categories", "all", (cats, "")])
    return table("tokens", ["level", "measure", "annotators", "value"], rows)


def _alpha_u(report: AgreementReport) -> str:
    rows: list[list[Cell]] = [
        [named(label), score_cell(r.alpha), r.observed, r.expected, r.units]
        for label, r in report.unitizing.items()
    ]
    rows.append(["all labels", score_cell(report.unitizing_overall), "", "", ""])
    return table("alpha-u", ["label", "α_U", "D_o", "D_e", "units"], rows)


def _documents(report: AgreementReport) -> str:
    figures = list(report.headline)
    headers: list[Cell] = ["document", *figures, "tokens"]
    headers += [(f"spans: {name(a)}", "") for a in report.annotators]
    headers.append("sha256")
    rows = [
        [
            named(d.name),
            *(score_cell(d.figures[f]) for f in figures),
            d.tokens,
            *d.spans,
            (f"<code>{d.sha256}</code>", ""),
        ]
        for d in report.documents
    ]
    return table("documents", headers, rows)


def _provenance(report: AgreementReport) -> str:
    rows: list[list[Cell]] = []
    hashes: list[list[Cell]] = []
    for key, value in report.provenance.items():
        if isinstance(value, dict):
            for item, digest in value.items():
                hashes.append([key, named(str(item)), (f"<code>{escape(str(digest))}</code>", "")])
        else:
            rows.append([key, str(value)])
    return (
        table("provenance", ["item", "value"], rows)
        + "\n"
        + table("inputs", ["input", "name", "sha256"], hashes)
    )


def _methods(report: AgreementReport) -> str:
    notes = {**METHODS, **option_notes(report.options)}
    rows: list[list[Cell]] = [[key, text] for key, text in notes.items()]
    rows += [[what, count] for what, count in report.left_out.items()]
    return table("methods", ["rule or unit", "definition"], rows)


def to_html(report: AgreementReport) -> str:
    """The whole report as one HTML page (UTF-8, self-contained)."""
    who = ", ".join(name(a) for a in report.annotators)
    grids = "\n".join(_pair_grid(rule, report) for rule in report.span_f1)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Agreement between {escape(', '.join(report.annotators))}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Agreement between {who}</h1>",
        "<h2>Headline figures (95% bootstrap CI over documents)</h2>",
        _headline(report),
        "<h2>Span F1 per pair (micro)</h2>",
        grids,
        "<h2>Span F1 per label</h2>",
        table("span-labels", COUNT_HEADERS, _counts_rows(report.span_f1, list(report.span_f1))),
        *_against_gold(report),
        "<h2>Token coefficients</h2>",
        _tokens(report),
        "<h2>Krippendorff's α_U per label</h2>",
        _alpha_u(report),
        "<h2>Events (ACE levels)</h2>",
        table("events", COUNT_HEADERS, _counts_rows(report.structures, EVENT_LEVELS)),
        "<h2>Relations</h2>",
        table("relations", COUNT_HEADERS, _counts_rows(report.structures, RELATION_LEVELS)),
        "<h2>Label confusion (rows: first annotator of each pair; none: no partner)</h2>",
        confusion_svg(report.confusion_labels, report.confusion_matrix),
        "<h2>Per document, worst exact span F1 first</h2>",
        _documents(report),
        "<h2>Methods, options and what was left out</h2>",
        _methods(report),
        "<h2>Provenance</h2>",
        _provenance(report),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
