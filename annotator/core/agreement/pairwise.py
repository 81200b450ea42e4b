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
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from annotator.core.agreement.confusion import confusion
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
class PairResult:
    """Counts per rule or level and label, the confusion counts, and per-document counts."""

    spans: dict[str, PerLabel]
    structures: dict[str, PerLabel]
    confusion: Counter[tuple[str, str]]
    per_doc: dict[str, dict[int, Counts]]


def compare(a: Flat, b: Flat) -> PairResult:
    """Every span, event and relation comparison of one pair."""
    spans: dict[str, PerLabel] = {}
    per_doc: dict[str, dict[int, Counts]] = {}
    common = multiset_match(a.keys, b.keys)
    spans["exact"] = tally(common, a.keys, b.keys, _LABEL)
    per_doc["exact"] = tally(common, a.keys, b.keys, _DOC)
    candidates = overlapping_pairs(a.keys, b.keys)
    spans["overlap"], per_doc["overlap"] = _overlap(a.keys, b.keys, candidates)
    ba = [(s, e, d) for s, e, _, d in a.keys]
    bb = [(s, e, d) for s, e, _, d in b.keys]
    common_b = multiset_match(ba, bb)
    spans["boundaries"] = tally(common_b, ba, bb, None)
    per_doc["boundaries"] = tally(common_b, ba, bb, _LABEL)
    structures: dict[str, PerLabel] = {}
    for level in LEVELS:
        ia, ib = a.items[level], b.items[level]
        found = multiset_match(ia, ib)
        group: Group = None if level == LEVELS[0] else _LAST
        structures[level] = tally(found, ia, ib, group)
        per_doc[level] = tally(found, ia, ib, _FIRST)
    return PairResult(spans, structures, confusion(a.keys, b.keys, candidates), per_doc)


def _overlap(
    a: Sequence[GlobalKey], b: Sequence[GlobalKey], candidates: list[tuple[int, int, int]]
) -> tuple[PerLabel, dict[int, Counts]]:
    same = [c for c in candidates if a[c[1]][2] == b[c[2]][2]]
    matches = greedy_matches(a, b, candidates=same)
    return _split(a, b, matches, _LABEL), _split(a, b, matches, _DOC)  # type: ignore[return-value]


def _split(
    a: Sequence[GlobalKey], b: Sequence[GlobalKey], matches: list[tuple[int, int]], key: Group
) -> dict[Hashable, Counts]:
    assert key is not None
    matched = Counter(key(a[i]) for i, _ in matches)
    size_a, size_b = Counter(map(key, a)), Counter(map(key, b))
    return {
        g: Counts(matched[g], size_a[g] - matched[g], size_b[g] - matched[g])
        for g in size_a.keys() | size_b.keys()
    }
