"""Hugging Face token classification: JSON lines that ``datasets.load_dataset("json")`` loads.

One line per sentence (sentences and tokens as in CoNLL, ADR 0010)::

    {"id": "NAME-3", "document": "NAME", "annotator": "amal", "status": "done",
     "sentence": 3, "tokens": ["...", ...], "ner_tags": [0, 3, 4, ...]}

``annotator`` and ``status`` (the layer's status for the document: ``new``,
``in_progress`` or ``done``) repeat the document's metadata on each of its lines.

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
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from annotator.formats.base import AnnotatedDocument
from annotator.formats.segment import TagForms, json_words
from annotator.formats.tagging import TokenOptions, WriteStats, tag_documents

_PREFIXES = {"iob2": ("B", "I"), "bioes": ("B", "I", "E", "S")}


class LabelIndex:
    """Tag names and their ids, fixed from the schema and extended as new labels appear."""

    def __init__(self, labels: Iterable[str], scheme: str) -> None:
        self.prefixes = _PREFIXES[scheme]
        self.names: list[str] = ["O"]
        self.ids: dict[str, int] = {"O": 0}
        for label in labels:
            self.add_label(label)
        self.forms = TagForms(scheme, self._id_text)  # tags as their ids' text, for tagging

    def add_label(self, label: str) -> None:
        """Give the tags of ``label`` ids, if they have none yet."""
        for prefix in self.prefixes:
            tag = f"{prefix}-{label}"
            if tag not in self.ids:
                self.ids[tag] = len(self.names)
                self.names.append(tag)

    def _id_text(self, tag: str) -> str:
        """The id of ``tag`` as JSON text (giving its label ids first if it has none)."""
        if tag not in self.ids:
            self.add_label(tag.partition("-")[2])
        return str(self.ids[tag])


def dumps(
    doc: AnnotatedDocument,
    opts: TokenOptions,
    stats: WriteStats,
    entities: LabelIndex,
    triggers: LabelIndex,
) -> str:
    """One document as JSON lines, one per sentence."""
    return "".join(dumps_many([doc], opts, stats, entities, triggers))


def dumps_many(
    docs: Sequence[AnnotatedDocument],
    opts: TokenOptions,
    stats: WriteStats,
    entities: LabelIndex,
    triggers: LabelIndex,
) -> list[str]:
    """Documents as JSON lines, one per sentence.

    Tags come out of tagging as their ids' text, and each line is put together
    from pieces (``json.dumps`` of the token list, joined ids) so that it reads
    exactly like ``json.dumps`` of the row.
    """
    forms = [entities.forms] * opts.level_count
    tagged = tag_documents(docs, opts, forms=forms, trigger_forms=triggers.forms)
    stats.add(tagged)
    words = json_words(tagged.batch)
    names = [_column(k) for k in range(len(tagged.columns))]
    columns = list(zip(names, tagged.columns, strict=True))
    if tagged.triggers is not None:
        columns.append(("trigger_tags", tagged.triggers))
    lines = []
    for k, doc in enumerate(docs):
        bounds = tagged.sentences(k)
        name = json.dumps(doc.name, ensure_ascii=False)
        meta = json.dumps({"annotator": doc.annotator, "status": doc.status}, ensure_ascii=False)
        meta = f'"document": {name}, {meta[1:-1]}'
        for n in range(len(bounds) - 1):
            lo, hi = bounds[n], bounds[n + 1]
            listed = '", "'.join(words[lo:hi])
            tags = "".join(f', "{key}": [{", ".join(ids[lo:hi])}]' for key, ids in columns)
            lines.append(
                f'{{"id": {name[:-1]}-{n + 1}", {meta}, "sentence": {n + 1}, '
                f'"tokens": ["{listed}"]{tags}}}\n'
            )
    return lines


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
        "annotator": string,
        "status": string,
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
