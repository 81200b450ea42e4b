"""CoNLL 2002 as INCEpTION reads it (its ``conll2002`` format, DKPro's ``Conll2002Reader``).

DKPro's reader (dkpro-core-io-conll-asl ``Conll2002Reader``, default parameters, which is
what INCEpTION uses) needs exactly two fields per line, split on one space: the token
and its IOB2 tag; a blank line ends a sentence. It has no document line, so
``-DOCSTART-`` fails there, and its tag decoder (``IobDecoder``) splits a tag on every
``-`` and drops a tag that does not split into exactly two parts, so ``B-JOB-TITLE``
would be lost. This writer therefore puts out ``token TAG`` with one space, no
document line, one entity level, IOB2, and labels whose ``-`` and white space are
written as ``_`` (``B-JOB_TITLE``). When a label is renamed, ``OUT.labels.tsv`` beside
the file maps each written name back to the label (``JOB_TITLE<TAB>JOB-TITLE``); the
CoNLL reader applies that file when it finds it beside the file it reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from annotator.formats.base import AnnotatedDocument
from annotator.formats.segment import TagForms, joined
from annotator.formats.tagging import TokenOptions, WriteStats, tag_documents

_UNSAFE = re.compile(r"[-\s]")


class LabelNames:
    """Names that survive DKPro's tag decoder, one per label, stable within an export."""

    def __init__(self, known: Iterable[str] = ()) -> None:
        self._names: dict[str, str] = {}
        self._taken: set[str] = set()
        for label in known:
            self.name(label)

    def name(self, label: str) -> str:
        """The written name of ``label`` (itself when it has no ``-`` or white space)."""
        if label in self._names:
            return self._names[label]
        base = _UNSAFE.sub("_", label)
        written, k = base, 1
        while written in self._taken:
            k += 1
            written = f"{base}_{k}"
        self._names[label] = written
        self._taken.add(written)
        return written

    def renamed(self) -> dict[str, str]:
        """Written name -> label, for the labels written under another name."""
        return {w: label for label, w in self._names.items() if w != label}


def forms(names: LabelNames) -> TagForms:
    """Tags as `` B-NAME\\n`` (the separator before, the line break after)."""

    def form(tag: str) -> str:
        return " O\n" if tag == "O" else f" {tag[:2]}{names.name(tag[2:])}\n"

    return TagForms("iob2", form)


def dumps_many(
    docs: Sequence[AnnotatedDocument], opts: TokenOptions, stats: WriteStats, tag_forms: TagForms
) -> list[str]:
    """Documents as ``token TAG`` lines, a blank line after each sentence."""
    one = TokenOptions(
        "iob2",
        opts.nested,
        False,
        opts.event_types,
        opts.segment,
        1,
        "space",
    )
    tagged = tag_documents(docs, one, forms=[tag_forms])
    stats.add(tagged)
    size = len(tagged.tokens)
    tags = tagged.columns[0]
    for k in [*tagged.breaks[1:], size] if size else ():
        tags[k - 1] += "\n"
    parts: list[str] = [""] * (2 * size)
    parts[0::2] = tagged.tokens.words
    parts[1::2] = tags
    return joined(parts)


def map_path(out: Path) -> Path:
    """Where the label map goes: ``OUT.labels.tsv`` beside ``OUT.conll``."""
    return out.with_name(out.stem + ".labels.tsv")


def map_text(names: LabelNames) -> str:
    """The label map file: ``written<TAB>label`` per renamed label."""
    return "".join(f"{w}\t{label}\n" for w, label in sorted(names.renamed().items()))


def read_map(conll_path: Path) -> dict[str, str]:
    """The label map beside a CoNLL file (empty when there is none)."""
    path = map_path(conll_path)
    if not path.is_file():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        written, sep, label = line.partition("\t")
        if sep and written and label:
            out[written] = label
    return out
