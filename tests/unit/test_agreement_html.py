"""The HTML agreement report: the same figures as the JSON report, escaped, self-contained."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from annotator.core.agreement import Options, compute
from annotator.core.agreement.html import to_html
from annotator.core.agreement.render import to_json
from annotator.core.agreement.structures import LEVELS
from tests.agreement_corpus import make_corpus

# A label with markup, an ampersand, a quote and Arabic: it must come out as text.
NASTY = 'موقع <script>alert("x")</script> & ق'
ROUND = 5.1e-5  # the page shows four decimals


class Page(HTMLParser):
    """Tables by id (rows of cell texts), SVG rects' attributes, and every tag seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.rects: list[dict[str, str | None]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.bdi: list[str] = []
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._in_bdi = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if tag == "table":
            self._table = str(found["id"])
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "rect" and "data-count" in found:
            self.rects.append(found)
        elif tag == "bdi":
            self._in_bdi = True
            self.bdi.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "bdi":
            self._in_bdi = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._in_bdi:
            self.bdi[-1] += data


def _corpus() -> list:
    docs = make_corpus(seed=5, documents=6, words=60)
    out = []
    for doc in docs:
        layers = tuple(
            replace(
                layer,
                spans=tuple(
                    replace(s, label=NASTY) if s.label == "LOC" else s for s in layer.spans
                ),
            )
            for layer in doc.layers
        )
        out.append(replace(doc, layers=layers))
    return out


@pytest.fixture(scope="module")
def pages() -> tuple[Page, dict, str]:
    report = compute(_corpus(), Options(resamples=200))
    report.provenance = {"app": "arabic-annotator test", "documents": {"d.txt": "ab" * 32}}
    html = to_html(report)
    page = Page()
    page.feed(html)
    page.close()
    return page, json.loads(to_json(report)), html


def _close(text: str, value: float | None) -> bool:
    if value is None:
        return text == "n/a"
    return abs(float(text) - value) <= ROUND


def _body(page: Page, ident: str) -> list[list[str]]:
    return page.tables[ident][1:]


def test_headline_and_pair_grid_equal_the_json(pages: tuple[Page, dict, str]) -> None:
    page, data, _ = pages
    rows = _body(page, "headline")
    assert [r[0] for r in rows] == list(data["headline"])
    for figure, value, lo, hi in rows:
        entry = data["headline"][figure]
        assert _close(value, entry["value"])
        assert _close(lo, entry["ci95"][0]) and _close(hi, entry["ci95"][1])
    for rule in ("exact", "overlap", "boundaries"):
        header, *grid = page.tables[f"pairs-{rule}"]
        names = header[1:]
        assert names == data["annotators"]
        for row in grid:
            a = row[0]
            for b, cell in zip(names, row[1:], strict=True):
                if a == b:
                    assert cell == "—"
                    continue
                key = f"{a} / {b}" if f"{a} / {b}" in data["span_f1"][rule] else f"{b} / {a}"
                assert _close(cell, data["span_f1"][rule][key]["micro"]["f1"])


@pytest.mark.parametrize(
    ("ident", "section", "rules"),
    [
        ("span-labels", "span_f1", ("exact", "overlap", "boundaries")),
        ("events", "events_and_relations", LEVELS[:4]),
        ("relations", "events_and_relations", LEVELS[4:]),
    ],
)
def test_count_tables_equal_the_json(
    pages: tuple[Page, dict, str], ident: str, section: str, rules: tuple[str, ...]
) -> None:
    page, data, _ = pages
    rows = _body(page, ident)
    assert rows
    seen = set()
    for rule, pair, label, f1, tp, only_a, only_b in rows:
        entry = data[section][rule][pair]
        seen.add((rule, pair))
        if label == "macro":
            assert _close(f1, entry["macro_f1"])
            continue
        counts = entry["micro"] if label == "micro" else entry["labels"][label]
        assert (int(tp), int(only_a), int(only_b)) == (
            counts["tp"],
            counts["only_a"],
            counts["only_b"],
        )
        assert _close(f1, counts["f1"])
    assert seen == {(r, p) for r in rules for p in data[section][r]}


def test_coefficients_alpha_u_and_documents_equal_the_json(
    pages: tuple[Page, dict, str],
) -> None:
    page, data, _ = pages
    level = data["tokens"][0]
    by_measure = {(r[1], r[2]): r[3] for r in _body(page, "tokens")}
    assert _close(by_measure[("Fleiss' κ", "all")], level["fleiss_kappa"])
    assert _close(by_measure[("Krippendorff's α", "all")], level["krippendorff_alpha_nominal"])
    assert _close(by_measure[("Gwet's AC1", "all")], level["gwet_ac1"])
    assert int(by_measure[("tokens", "all")]) == level["tokens"]
    for pair, kappa in level["cohen_kappa"].items():
        assert _close(by_measure[("Cohen's κ", pair)], kappa)
    alpha_u = {r[0]: r for r in _body(page, "alpha-u")}
    assert NASTY in alpha_u
    for label, entry in data["alpha_u"]["labels"].items():
        assert _close(alpha_u[label][1], entry["alpha_u"])
        assert int(alpha_u[label][4]) == entry["units"]
    assert _close(alpha_u["all labels"][1], data["alpha_u"]["overall"])
    header, *docs = page.tables["documents"]
    assert [d[0] for d in docs] == [d["name"] for d in data["per_document"]]  # worst first
    for row, entry in zip(docs, data["per_document"], strict=True):
        for figure, value in entry["figures"].items():
            assert _close(row[header.index(figure)], value)
        assert row[-1] == entry["sha256"]


def test_heatmap_cells_equal_the_confusion_matrix(pages: tuple[Page, dict, str]) -> None:
    page, data, _ = pages
    labels, matrix = data["confusion"]["labels"], data["confusion"]["matrix"]
    assert labels[-1] == "none" and NASTY in labels
    cells = {(r["data-row"], r["data-col"]): int(str(r["data-count"])) for r in page.rects}
    assert cells == {
        (labels[i], labels[j]): matrix[i][j] for i in range(len(labels)) for j in range(len(labels))
    }
    assert sum(cells.values()) > 0


def test_names_are_escaped_and_isolated(pages: tuple[Page, dict, str]) -> None:
    page, _, html = pages
    assert NASTY not in html and "<script" not in html
    assert "موقع &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; ق" in html
    assert not [tag for tag, _ in page.tags if tag in ("script", "link", "img", "iframe")]
    assert NASTY in page.bdi  # the parsed text is the label itself, isolated
    assert page.tables["provenance"][1] == ["app", "arabic-annotator test"]


def test_refers_to_nothing_outside_itself(pages: tuple[Page, dict, str]) -> None:
    page, _, html = pages
    lowered = html.lower()
    for needle in ("http:", "https:", "url(", "@import", "src=", "href=", "//fonts"):
        assert needle not in lowered
    assert not [attrs for _, attrs in page.tags if "src" in attrs or "href" in attrs]
    assert lowered.startswith("<!doctype html>")


def test_names_the_apps_arabic_font_first(pages: tuple[Page, dict, str]) -> None:
    _, _, html = pages
    families = re.findall(r"font-family:([^;}\"]+)", html)
    assert families  # the page and its charts' text
    # the family the app bundles and draws Arabic with (annotator/ui/fonts.py, ADR 0016)
    assert {f.split(",")[0].strip("'") for f in families} == {"Noto Naskh Arabic"}
