"""The Prodigy/spaCy span format, one document per line.

``{"text", "tokens": [{"text", "start", "end", "id", "ws"}],
"spans": [{"start", "end", "label", "token_start", "token_end"}], "meta": {...}}``

``token_end`` is inclusive. Tokens come from camel-tools and are split at span
boundaries, so every span covers whole tokens (``doc.char_span(start, end,
alignment_mode="strict")`` succeeds in spaCy). A span that starts or ends in
white space is trimmed to its tokens. ``ws`` says whether white space follows.
Events and relations are not carried.
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
    check_name,
    check_offsets,
    number,
    shown,
)
from annotator.formats.conll import WriteStats
from annotator.formats.jsonl import document_text, read_documents
from annotator.formats.segment import pieces_for


def dumps(doc: AnnotatedDocument, stats: WriteStats) -> str:
    """One document as one spaCy/Prodigy line."""
    text = doc.text
    spans = number(doc).spans
    pieces = pieces_for(text, spans)
    size = len(text)
    tokens = [
        {"text": text[a:b], "start": a, "end": b, "id": i, "ws": b < size and text[b].isspace()}
        for i, (a, b, _) in enumerate(pieces)
    ]
    by_start = {p[0]: i for i, p in enumerate(pieces)}
    by_end = {p[1]: i for i, p in enumerate(pieces)}
    out_spans = []
    for s in spans:
        first = _first_token(pieces, by_start, s)
        last = _last_token(pieces, by_end, s)
        if first is None or last is None or last < first:
            stats.left_out += 1
            continue
        out_spans.append(
            {
                "start": pieces[first][0],
                "end": pieces[last][1],
                "label": s.label,
                "token_start": first,
                "token_end": last,
            }
        )
    stats.documents += 1
    stats.tokens += len(pieces)
    obj = {
        "text": text,
        "tokens": tokens,
        "spans": out_spans,
        "meta": {"name": doc.name, "id": doc.document.id},
    }
    return json.dumps(obj, ensure_ascii=False) + "\n"


def _first_token(
    pieces: list[tuple[int, int, int]], by_start: dict[int, int], s: Span
) -> int | None:
    if s.start in by_start:
        return by_start[s.start]
    return next((i for i, p in enumerate(pieces) if p[0] >= s.start and p[1] <= s.end), None)


def _last_token(pieces: list[tuple[int, int, int]], by_end: dict[int, int], s: Span) -> int | None:
    if s.end in by_end:
        return by_end[s.end]
    inside = [i for i, p in enumerate(pieces) if p[0] >= s.start and p[1] <= s.end]
    return inside[-1] if inside else None


def read(content: str, path: str, options: ReadOptions) -> list[AnnotatedDocument]:
    """Parse a spaCy/Prodigy JSONL file."""
    return read_documents(content, path, options, _read_line)


def _read_line(obj: dict[str, Any], path: str, line: int, opts: ReadOptions) -> AnnotatedDocument:
    text = document_text(obj, path, line)
    tokens = obj.get("tokens", [])
    items = obj.get("spans", [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise FormatError(path, line, "'spans' must be a list of objects.")
    if not isinstance(tokens, list) or not all(isinstance(t, dict) for t in tokens):
        raise FormatError(path, line, "'tokens' must be a list of objects.")
    spans: list[Span] = []
    for item in items:
        start, end = check_offsets(text, item.get("start"), item.get("end"), path, line)
        _check_tokens(item, tokens, start, end, path, line)
        label = item.get("label")
        if not isinstance(label, str):
            raise FormatError(path, line, f"span [{start}, {end}) has no label.")
        opts.check_label(label, path, line)
        spans.append(Span(len(spans) + 1, 0, "", CodePoint(start), CodePoint(end), label))
    raw_meta = obj.get("meta")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    name = meta.get("name") or f"{path.rsplit('/', 1)[-1]}:{line}"
    check_name(name, path, line, "'meta' 'name'")
    return AnnotatedDocument(Document(0, name, text, text_sha256(text)), "", tuple(spans))


def _check_tokens(
    item: dict[str, Any], tokens: list[dict[str, Any]], start: int, end: int, path: str, line: int
) -> None:
    first, last = item.get("token_start"), item.get("token_end")
    if first is None or last is None or not tokens:
        return
    ok = (
        type(first) is int
        and type(last) is int
        and 0 <= first <= last < len(tokens)
        and tokens[first].get("start") == start
        and tokens[last].get("end") == end
    )
    if not ok:
        raise FormatError(
            path,
            line,
            f"span [{start}, {end}) does not line up with tokens {shown(first)}..{shown(last)} "
            "(token_end is inclusive).",
        )
