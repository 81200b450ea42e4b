"""One pair of annotators compared over the whole corpus at once, on arrays.

Documents are laid end to end (each span's offsets shifted by the lengths of
the documents before it), so spans of different documents never overlap and
one pass over the corpus gives the same matches as one pass per document;
every span also carries its document's index, which splits the counts back
into per-document figures (arrays of ``[tp, only_a, only_b]`` per document).

The rules are those of :mod:`.fscore` and :mod:`.confusion` (the readable
definitions, which the tests compare with this module): multiset matching on
(start, end, label) codes, and one-to-one greedy overlap matching where pairs
that compete for nothing are taken at once and only contested ones are
sorted, by overlap size (largest first), then the same label when asked, then
A's and B's position.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from annotator.core.agreement.confusion import NONE
from annotator.core.agreement.fscore import ANY_LABEL, Counts, Group, multiset_match, tally
from annotator.core.agreement.structures import LEVELS

Ints = npt.NDArray[np.int64]
Tagged = tuple[Hashable, ...]  # (document index, *item)
PerLabel = dict[str, Counts]


@dataclass
class Side:
    """One annotator's entity spans over the corpus, sorted by (start, end, label).

    ``label`` indexes the sorted label names shared by every side, so sorting by
    the index sorts by the name.
    """

    start: Ints
    end: Ints
    label: Ints
    doc: Ints
    items: dict[str, list[Tagged]] = field(default_factory=lambda: {lv: [] for lv in LEVELS})

    def __len__(self) -> int:
        return len(self.start)


@dataclass
class PairResult:
    """Counts per rule or level and label, the confusion counts, and per-document counts."""

    spans: dict[str, PerLabel]
    structures: dict[str, PerLabel]
    confusion: Counter[tuple[str, str]]
    per_doc: dict[str, Ints]  # shape (documents, 3): tp, only_a, only_b


def _counts(matched: Ints, size_a: Ints, size_b: Ints) -> Ints:
    """``[tp, only_a, only_b]`` rows from matched and total counts per group."""
    return np.stack([matched, size_a - matched, size_b - matched], axis=1)


def _per_label(rows: Ints, labels: Sequence[str]) -> PerLabel:
    """The groups either side has, as :class:`Counts` keyed by label."""
    return {
        labels[g]: Counts(int(tp), int(oa), int(ob))
        for g, (tp, oa, ob) in enumerate(rows.tolist())
        if tp + oa or tp + ob
    }


def _multiset(code_a: Ints, code_b: Ints) -> tuple[Ints, Ints]:
    """Indexes into A of the codes both sides share, each repeated min(count A, count B) times."""
    ua, first, ca = np.unique(code_a, return_index=True, return_counts=True)
    ub, cb = np.unique(code_b, return_counts=True)
    _, xa, xb = np.intersect1d(ua, ub, assume_unique=True, return_indices=True)
    times = np.minimum(ca[xa], cb[xb])
    return np.repeat(first[xa], times), times


def overlapping(a: Side, b: Side) -> tuple[Ints, Ints, Ints]:
    """``(i, j, shared)`` for every span of A and of B sharing at least one character."""
    if not len(a) or not len(b):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    longest = int((b.end - b.start).max())
    lo = np.searchsorted(b.start, a.start - longest, side="right")
    hi = np.searchsorted(b.start, a.end, side="left")
    width = np.maximum(hi - lo, 0)
    i = np.repeat(np.arange(len(a), dtype=np.int64), width)
    first = np.cumsum(width) - width
    j = np.repeat(lo, width) + np.arange(int(width.sum()), dtype=np.int64) - np.repeat(first, width)
    shared = np.minimum(a.end[i], b.end[j]) - np.maximum(a.start[i], b.start[j])
    keep = shared > 0
    return i[keep], j[keep], shared[keep]


def greedy(
    i: Ints, j: Ints, shared: Ints, sizes: tuple[int, int], other_label: Ints | None = None
) -> tuple[Ints, Ints]:
    """One-to-one matches among candidate pairs, largest overlap first (see the module doc).

    ``other_label`` (1 where the labels differ) puts same-label pairs first on ties.
    """
    uses_a = np.bincount(i, minlength=sizes[0])
    uses_b = np.bincount(j, minlength=sizes[1])
    free = (uses_a[i] == 1) & (uses_b[j] == 1)
    ci, cj, cs = i[~free], j[~free], shared[~free]
    keys = (cj, ci, other_label[~free], -cs) if other_label is not None else (cj, ci, -cs)
    order = np.lexsort(keys)
    used_a = bytearray(sizes[0])
    used_b = bytearray(sizes[1])
    took_a: list[int] = []
    took_b: list[int] = []
    for x, y in zip(ci[order].tolist(), cj[order].tolist(), strict=True):
        if not used_a[x] and not used_b[y]:
            used_a[x] = used_b[y] = 1
            took_a.append(x)
            took_b.append(y)
    return (
        np.concatenate([i[free], np.array(took_a, dtype=np.int64)]),
        np.concatenate([j[free], np.array(took_b, dtype=np.int64)]),
    )


@dataclass
class _Sizes:
    labels: int
    docs: int


def compare(a: Side, b: Side, labels: Sequence[str], docs: int) -> PairResult:
    """Every span, event and relation comparison of one pair."""
    n = _Sizes(len(labels), docs)
    spans: dict[str, PerLabel] = {}
    per_doc: dict[str, Ints] = {}
    by_label = (np.bincount(a.label, minlength=n.labels), np.bincount(b.label, minlength=n.labels))
    by_doc = (np.bincount(a.doc, minlength=n.docs), np.bincount(b.doc, minlength=n.docs))
    span = int(max((a.end - a.start).max(initial=0), (b.end - b.start).max(initial=0))) + 1
    top = int(max(a.start.max(initial=0), b.start.max(initial=0))) + 1
    if top * span * max(n.labels, 1) >= 2**62:
        raise ValueError("the corpus is too long for the span codes")

    def code(side: Side, with_label: bool) -> Ints:
        base = side.start * span + (side.end - side.start)
        return base * n.labels + side.label if with_label else base

    for rule, with_label in (("exact", True), ("boundaries", False)):
        found, _ = _multiset(code(a, with_label), code(b, with_label))
        docs_rows = _counts(np.bincount(a.doc[found], minlength=n.docs), *by_doc)
        per_doc[rule] = docs_rows
        if with_label:
            matched = np.bincount(a.label[found], minlength=n.labels)
            spans[rule] = _per_label(_counts(matched, *by_label), labels)
        else:
            total = docs_rows.sum(axis=0).tolist()
            spans[rule] = {ANY_LABEL: Counts(*total)} if len(a) or len(b) else {}
    i, j, shared = overlapping(a, b)
    differ = (a.label[i] != b.label[j]).astype(np.int64)
    same = differ == 0
    mi, _ = greedy(i[same], j[same], shared[same], (len(a), len(b)))
    spans["overlap"] = _per_label(
        _counts(np.bincount(a.label[mi], minlength=n.labels), *by_label), labels
    )
    per_doc["overlap"] = _counts(np.bincount(a.doc[mi], minlength=n.docs), *by_doc)
    ci, cj = greedy(i, j, shared, (len(a), len(b)), differ)
    confusion = _confusion(a.label[ci], b.label[cj], by_label, labels)
    structures = _structures(a, b, n.docs, per_doc)
    return PairResult(spans, structures, confusion, per_doc)


def _confusion(
    la: Ints, lb: Ints, by_label: tuple[Ints, Ints], labels: Sequence[str]
) -> Counter[tuple[str, str]]:
    width = len(labels)
    cells = np.bincount(la * width + lb, minlength=width * width).reshape(width, width)
    out: Counter[tuple[str, str]] = Counter()
    for r, c in zip(*(x.tolist() for x in np.nonzero(cells)), strict=True):
        out[(labels[r], labels[c])] = int(cells[r, c])
    left_a = by_label[0] - cells.sum(axis=1)
    left_b = by_label[1] - cells.sum(axis=0)
    for g in np.nonzero(left_a)[0].tolist():
        out[(labels[g], NONE)] = int(left_a[g])
    for g in np.nonzero(left_b)[0].tolist():
        out[(NONE, labels[g])] = int(left_b[g])
    return out


def _structures(a: Side, b: Side, docs: int, per_doc: dict[str, Ints]) -> dict[str, PerLabel]:
    """Events and relations: multiset matching of small item lists, per level."""
    out: dict[str, PerLabel] = {}
    for level in LEVELS:
        ia, ib = a.items[level], b.items[level]
        found = multiset_match(ia, ib)
        group: Group = None if level == LEVELS[0] else _last
        out[level] = tally(found, ia, ib, group)
        rows = np.zeros((docs, 3), dtype=np.int64)
        for doc, counts in tally(found, ia, ib, _first).items():
            rows[doc] = counts.as_list()
        per_doc[level] = rows
    return out


def _first(item: Tagged) -> Hashable:
    return item[0]


def _last(item: Tagged) -> Hashable:
    return item[-1]
