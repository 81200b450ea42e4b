"""doccano sequence labelling JSONL: ``{"text": ..., "label": [[start, end, "LABEL"], ...]}``.

This is what doccano's "JSONL" import for sequence labelling expects; spans are
listed in (start, end, label) order. Only spans are carried: events and
relations have no place in this format. The reader also accepts doccano's
newer export shape, ``"entities": [{"start_offset", "end_offset", "label"}]``.
"""

from __future__ import annotations

import json
from typing import Any

from annotator.core.model import Document, Span
from annotator.core.positions import CodePoint
from annotator.core.text import text_sha256
from annotator.formats.base import (
    AnnotatedDocument,
    FormatError,
    ReadOptions,
    check_offsets,
    number,
)
from annotator.formats.jsonl import document_text, read_documents


def dumps(doc: AnnotatedDocument) -> str:
    """One document as one doccano line."""
    labels = [[s.start, s.end, s.label] for s in number(doc).spans]
    return json.dumps({"text": doc.text, "label": labels}, ensure_ascii=False) + "\n"


def read(content: str, path: str, options: ReadOptions) -> list[AnnotatedDocument]:
    """Parse a doccano JSONL file; documents are named ``FILE:LINE``."""
    return read_documents(content, path, options, _read_line)


def _triples(obj: dict[str, Any], path: str, line: int) -> list[tuple[object, object, object]]:
    if "entities" in obj and "label" not in obj:
        ents = obj["entities"]
        if not isinstance(ents, list) or not all(isinstance(e, dict) for e in ents):
            raise FormatError(path, line, "'entities' must be a list of objects.")
        return [(e.get("start_offset"), e.get("end_offset"), e.get("label")) for e in ents]
    labels = obj.get("label", [])
    if not isinstance(labels, list):
        raise FormatError(path, line, "'label' must be a list of [start, end, label].")
    out = []
    for item in labels:
        if not isinstance(item, list) or len(item) != 3:
            raise FormatError(path, line, f"expected [start, end, label], found {item!r}.")
        out.append((item[0], item[1], item[2]))
    return out


def _read_line(obj: dict[str, Any], path: str, line: int, opts: ReadOptions) -> AnnotatedDocument:
    text = document_text(obj, path, line)
    spans: list[Span] = []
    for start, end, label in _triples(obj, path, line):
        a, b = check_offsets(text, start, end, path, line)
        if not isinstance(label, str):
            raise FormatError(path, line, f"the label {label!r} is not a string.")
        opts.check_label(label, path, line)
        spans.append(Span(len(spans) + 1, 0, "", CodePoint(a), CodePoint(b), label))
    name = f"{path.rsplit('/', 1)[-1]}:{line}"
    document = Document(0, name, text, text_sha256(text))
    return AnnotatedDocument(document, "", tuple(spans))
