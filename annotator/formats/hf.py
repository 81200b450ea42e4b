"""Hugging Face token classification: JSON lines that ``datasets.load_dataset("json")`` loads.

One line per sentence (sentences and tokens as in CoNLL, ADR 0010)::

    {"id": "NAME-3", "document": "NAME", "sentence": 3,
     "tokens": ["...", ...], "ner_tags": [0, 3, 4, ...]}

Tags are integer ids into one label list (``O``, then ``B-``/``I-`` (and
``E-``/``S-`` for BIOES) for each label of the schema, in schema order; a
label found only in the data is appended). With ``nested="all"`` further
levels go in ``ner_tags_2``, ``ner_tags_3``..., sharing the same list; with
``events``, ``trigger_tags`` has its own list. The lists are written beside
the file as ``NAME.features.json``: ``{"features": ..., "labels": ...}``,
where ``features`` is a ``datasets.Features`` dictionary, so
``Features.from_dict(sidecar["features"])`` passed to ``load_dataset`` gives
``ClassLabel`` columns. Spans left out are counted as in CoNLL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.formats.base import AnnotatedDocument
from annotator.formats.tagging import TokenOptions, WriteStats, tag_document

_PREFIXES = {"iob2": ("B", "I"), "bioes": ("B", "I", "E", "S")}


class LabelIndex:
    """Tag names and their ids, fixed from the schema and extended as new labels appear."""

    def __init__(self, labels: Iterable[str], scheme: str) -> None:
        self.prefixes = _PREFIXES[scheme]
        self.names: list[str] = ["O"]
        self.ids: dict[str, int] = {"O": 0}
        for label in labels:
            self.add_label(label)

    def add_label(self, label: str) -> None:
        """Give the tags of ``label`` ids, if they have none yet."""
        for prefix in self.prefixes:
            tag = f"{prefix}-{label}"
            if tag not in self.ids:
                self.ids[tag] = len(self.names)
                self.names.append(tag)

    def encode(self, tags: list[str]) -> list[int]:
        """The ids of ``tags``."""
        ids = self.ids
        try:
            return [ids[t] for t in tags]
        except KeyError:
            for t in tags:
                if t not in ids:
                    self.add_label(t.partition("-")[2])
            return [ids[t] for t in tags]


def dumps(
    doc: AnnotatedDocument,
    opts: TokenOptions,
    stats: WriteStats,
    entities: LabelIndex,
    triggers: LabelIndex,
) -> str:
    """One document as JSON lines, one per sentence."""
    tagged = tag_document(doc, opts)
    stats.add(doc, tagged)
    words = tagged.tokens.words
    columns = {_column(k): entities.encode(col) for k, col in enumerate(tagged.columns)}
    if tagged.triggers is not None:
        columns["trigger_tags"] = triggers.encode(tagged.triggers)
    bounds = [*tagged.breaks, len(words)]
    lines = []
    for k in range(len(bounds) - 1):
        lo, hi = bounds[k], bounds[k + 1]
        row: dict[str, Any] = {
            "id": f"{doc.name}-{k + 1}",
            "document": doc.name,
            "sentence": k + 1,
            "tokens": words[lo:hi],
        }
        for name, ids in columns.items():
            row[name] = ids[lo:hi]
        lines.append(json.dumps(row, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)


def _column(level: int) -> str:
    return "ner_tags" if level == 0 else f"ner_tags_{level + 1}"


def sidecar_path(out: Path) -> Path:
    """Where the label lists go: ``train.jsonl`` → ``train.features.json``."""
    return out.with_name(out.name.rsplit(".", 1)[0] + ".features.json")


def sidecar(opts: TokenOptions, entities: LabelIndex, triggers: LabelIndex) -> str:
    """The ``datasets.Features`` dictionary and the label lists, as JSON."""
    string = {"dtype": "string", "_type": "Value"}
    features: dict[str, Any] = {
        "id": string,
        "document": string,
        "sentence": {"dtype": "int64", "_type": "Value"},
        "tokens": {"feature": string, "_type": "Sequence"},
    }
    labels: dict[str, list[str]] = {}
    columns = [_column(k) for k in range(opts.level_count)]
    if opts.events:
        columns.append("trigger_tags")
    for name in columns:
        names = triggers.names if name == "trigger_tags" else entities.names
        labels[name] = list(names)
        features[name] = {
            "feature": {"names": list(names), "_type": "ClassLabel"},
            "_type": "Sequence",
        }
    return json.dumps({"features": features, "labels": labels}, ensure_ascii=False, indent=1) + "\n"
