"""Pure parts of merging project files: who is who, and whether a layer changed.

- :func:`place_people` decides, for each person of the other file, which
  annotator of ours receives their layers: the one with the same identity
  (``uid``), else a new one of the same name, else (the name belongs to somebody
  else) a new one with a distinct name such as ``"ali (laptop2)"``: a clash.
  A project has one gold layer: another file's gold layer that is not ours
  comes in as a person's layer ("second gold"), so it can be compared and
  curated like any annotator's.
- :func:`layer_fingerprint` sums up a layer (annotations, status, note) without
  its ids, so a merge can tell whether the other file's layer is a version
  merged before (the fingerprints are kept under :func:`merge_key`).

See docs/adr/0012-merge.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from annotator.core.model import Bundle, Status

MERGE_PREFIX = "merged/"


@dataclass(frozen=True)
class Person:
    """An annotator as a merge sees it: name, kind ("human" or "gold") and identity."""

    name: str
    kind: str
    uid: str


@dataclass(frozen=True)
class Placement:
    """Where one person of the other file goes in ours.

    ``how`` is "known" (same identity: their layers go into ``target``),
    "new" (a new annotator of the same name), "clash" (the name is somebody
    else's here: a new annotator with a distinct name) or "second gold"
    (another gold layer: a new person's layer, under a distinct name if needed).
    """

    incoming: Person
    target: Person
    how: str


@dataclass(frozen=True)
class IncomingLayer:
    """One person's layer on one document of the other file (span ids local to that file).

    ``person`` is the annotator of ours that receives it (see :class:`Placement`).
    """

    sha256: str
    doc_name: str
    person: Person
    bundle: Bundle
    status: Status
    note: str


@dataclass(frozen=True)
class MergedLayer:
    """What a merge did with one incoming layer.

    ``action`` is "added" (the layer was empty here), "updated" (replaced by
    the other file's newer version), "same" (already equal: only the merge
    record was written) or "kept" (never merged before and different here:
    nobody can tell which is newer, so this project's version stays).
    ``replaced_local`` is True when the layer replaced here had been changed
    since the last merge of this person.
    """

    doc_id: int
    doc_name: str
    annotator: str
    action: str
    replaced_local: bool = False


def merge_key(uid: str, doc_id: int) -> str:
    """The project fact that records the fingerprint of the last merge of one layer."""
    return f"{MERGE_PREFIX}{uid}/{doc_id}"


def distinct_name(name: str, stem: str, taken: set[str]) -> str:
    """``"name (stem)"``, or ``"name (stem 2)"``, ... whichever is not taken."""
    candidate = f"{name} ({stem})"
    number = 2
    while candidate in taken:
        candidate = f"{name} ({stem} {number})"
        number += 1
    return candidate


def place_people(team: Iterable[Person], incoming: Iterable[Person], stem: str) -> list[Placement]:
    """Match the other file's people to ours by identity first, then by free name.

    ``stem`` (the other file's name without extension) makes clashing names
    distinct. Two people of the other file never end up in one annotator.
    """
    ours = list(team)
    by_uid = {p.uid: p for p in ours}
    taken = {p.name for p in ours}
    gold_here = any(p.kind == "gold" for p in ours)
    out: list[Placement] = []
    for person in incoming:
        if person.uid in by_uid:
            out.append(Placement(person, by_uid[person.uid], "known"))
        elif person.kind == "gold" and gold_here:
            name = person.name if person.name not in taken else None
            name = name or distinct_name(person.name, stem, taken)
            taken.add(name)
            out.append(Placement(person, Person(name, "human", person.uid), "second gold"))
        elif person.name not in taken:
            gold_here = gold_here or person.kind == "gold"
            taken.add(person.name)
            out.append(Placement(person, person, "new"))
        else:
            name = distinct_name(person.name, stem, taken)
            taken.add(name)
            target = Person(name, person.kind, person.uid)
            out.append(Placement(person, target, "clash"))
    return out


def bundle_key(bundle: Bundle) -> str:
    """A canonical text of a layer's annotations, the same whatever the row ids are."""
    spans = sorted(
        bundle.spans, key=lambda s: (s.start, s.end, s.label, sorted(s.attributes.items()))
    )
    index = {sp.id: i for i, sp in enumerate(spans)}
    rows = [[sp.start, sp.end, sp.label, sorted(sp.attributes.items())] for sp in spans]
    events = sorted(
        [
            e.type,
            index.get(e.trigger_id, -1),
            sorted([a.role, index.get(a.span_id, -1)] for a in e.arguments),
            sorted(e.attributes.items()),
        ]
        for e in bundle.events
    )
    relations = sorted(
        [r.type, index.get(r.arg1_id, -1), index.get(r.arg2_id, -1)] for r in bundle.relations
    )
    return json.dumps([rows, events, relations], ensure_ascii=False)


def layer_fingerprint(bundle: Bundle, status: Status, note: str) -> str:
    """SHA-256 (hex) of a layer's annotations, status and note."""
    text = json.dumps([bundle_key(bundle), status.value, note], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
