"""One pair of annotators compared over the whole corpus at once.

Documents are laid end to end (each span's offsets shifted by the lengths of
the documents before it), so spans of different documents never overlap and
one pass over the corpus gives the same matches as one pass per document;
every key also carries its document's index, which splits the counts back into
per-document figures. Keeping to whole-corpus set and Counter operations is
what makes a million tokens fast in plain Python.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from annotator.core.agreement.confusion import confusion_from
from annotator.core.agreement.fscore import (
    Counts,
    Group,
    greedy_matches,
    multiset_match,
    overlapping_pairs,
    tally,
)
from annotator.core.agreement.structures import LEVELS

GlobalKey = tuple[int, int, str, int]  # start, end (shifted), label, document index
Tagged = tuple[Hashable, ...]  # (document index, *item)
PerLabel = dict[str, Counts]

_LABEL = itemgetter(2)
_DOC = itemgetter(3)
_FIRST = itemgetter(0)
_LAST = itemgetter(-1)


@dataclass
class Flat:
    """One annotator's layers over the corpus: sorted span keys and event/relation items."""

    keys: list[GlobalKey] = field(default_factory=list)
    items: dict[str, list[Tagged]] = field(default_factory=lambda: {lv: [] for lv in LEVELS})


@dataclass
class _Side:
    """What every pair needs from one annotator, built once."""

    keys: list[GlobalKey]
    key_set: set[Hashable]
    bounds: list[tuple[int, int, int]]
    bound_set: set[Hashable]
    by_label: Counter[Any]
    by_doc: Counter[Any]
    items: dict[str, list[Tagged]]


def prepare(flat: Flat) -> _Side:
    """Sets and counts of one annotator's keys, shared by all pairs it is in."""
    bounds = [(s, e, d) for s, e, _, d in flat.keys]
    return _Side(
        flat.keys,
        set(flat.keys),
        bounds,
        set(bounds),
        Counter(map(_LABEL, flat.keys)),
        Counter(map(_DOC, flat.keys)),
        flat.items,
    )


@dataclass
class PairResult:
    """Counts per rule or level and label, the confusion counts, and per-document counts."""

    spans: dict[str, PerLabel]
    structures: dict[str, PerLabel]
    confusion: Counter[tuple[str, str]]
    per_doc: dict[str, dict[int, Counts]]


def compare(a: _Side, b: _Side) -> PairResult:
    """Every span, event and relation comparison of one pair (sides from :func:`prepare`)."""
    spans: dict[str, PerLabel] = {}
    per_doc: dict[str, dict[int, Counts]] = {}
    labels, docs = (a.by_label, b.by_label), (a.by_doc, b.by_doc)
    common = multiset_match(a.keys, b.keys, (a.key_set, b.key_set))
    spans["exact"] = tally(common, a.keys, b.keys, _LABEL, labels)
    per_doc["exact"] = tally(common, a.keys, b.keys, _DOC, docs)
    candidates = overlapping_pairs(a.keys, b.keys)
    same = [c for c in candidates if a.keys[c[1]][2] == b.keys[c[2]][2]]
    matched = [a.keys[i] for i, _ in greedy_matches(a.keys, b.keys, candidates=same)]
    spans["overlap"] = tally(matched, a.keys, b.keys, _LABEL, labels)
    per_doc["overlap"] = tally(matched, a.keys, b.keys, _DOC, docs)
    common_b = multiset_match(a.bounds, b.bounds, (a.bound_set, b.bound_set))
    spans["boundaries"] = tally(common_b, a.bounds, b.bounds, None)
    per_doc["boundaries"] = tally(common_b, a.bounds, b.bounds, _LABEL, docs)
    structures: dict[str, PerLabel] = {}
    for level in LEVELS:
        ia, ib = a.items[level], b.items[level]
        found = multiset_match(ia, ib)
        group: Group = None if level == LEVELS[0] else _LAST
        structures[level] = tally(found, ia, ib, group)
        per_doc[level] = tally(found, ia, ib, _FIRST)
    pairs = greedy_matches(a.keys, b.keys, prefer_same_label=True, candidates=candidates)
    return PairResult(spans, structures, confusion_from(a.keys, b.keys, pairs, labels), per_doc)
