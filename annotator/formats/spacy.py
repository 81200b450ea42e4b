"""The Prodigy/spaCy span format, one document per line.

``{"text", "tokens": [{"text", "start", "end", "id", "ws"}], "spans": [...],
"triggers": [...], "meta": {...}}``; each span is ``{"start", "end", "label",
"token_start", "token_end"}`` with ``token_end`` inclusive.

Tokens depend on the text only (ADR 0010) and follow spaCy's own convention
for white space: ``ws`` is true only when exactly one ASCII space follows a
token; any other white space (line breaks, tabs, NBSP, runs of spaces, less
the one space a token may own) is a token of its own. So
``Doc(vocab, words, spaces)`` rebuilt from the tokens has exactly the stored
text, and ``doc.char_span(start, end, alignment_mode="strict")`` succeeds for
every span written. ``spans`` holds entity spans (nested ones too: use
``spacy.util.filter_spans`` for ``doc.ents``); ``triggers`` holds event
triggers, labelled with the event type. A span that does not start and end on
token boundaries is left out and counted, never moved. Event arguments and
relations are not carried; the reader turns triggers into events without
arguments.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from operator import add
from typing import Any

from annotator.core.model import Document, Event, Span
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
from annotator.formats.jsonl import document_text, read_documents
from annotator.formats.segment import Item, Tokens, align, gaps_after, text_tokens
from annotator.formats.tagging import TokenOptions, WriteStats, trigger_ids


def dumps(doc: AnnotatedDocument, stats: WriteStats, opts: TokenOptions | None = None) -> str:
    """One document as one spaCy/Prodigy line."""
    opts = opts or TokenOptions()
    text = doc.text
    tokens = text_tokens(text, opts.segment)
    parts, index = _token_json(text, tokens)
    spans = number(doc).spans
    trig = trigger_ids(doc, opts.event_types)
    entities, unaligned = align(tokens, [s for s in spans if s.id not in trig])
    triggers, trig_unaligned = align(tokens, [s for s in spans if s.id in trig])
    stats.note_unaligned(doc, unaligned + trig_unaligned)
    stats.documents += 1
    stats.tokens += len(tokens)
    meta = json.dumps(
        {"name": doc.name, "id": doc.document.id, "annotator": doc.annotator}, ensure_ascii=False
    )
    return (
        f'{{"text": {json.dumps(text, ensure_ascii=False)}, "tokens": [{", ".join(parts)}], '
        f'"spans": {_spans_json(entities, tokens, index)}, '
        f'"triggers": {_spans_json(triggers, tokens, index)}, "meta": {meta}}}\n'
    )


_TOKEN = '{"text": "%s", "start": %d, "end": %d, "id": %d, "ws": %s}'
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b]")


def _token_json(text: str, tokens: Tokens) -> tuple[list[str], list[int]]:
    """JSON objects for the tokens and white-space tokens, and each token's output index.

    Written with one ``%`` format per token (no dict, no ``json.dumps``): the
    export of a million tokens spends most of its time here otherwise.
    """
    words, starts, ends = tokens.words, tokens.starts, tokens.ends
    gaps = gaps_after(text, tokens)
    extra = [k for k, g in enumerate(gaps) if g and g != " "]
    lead = 1 if starts and starts[0] > 0 else 0
    if _CONTROL.search(text):
        quoted = [json.dumps(w, ensure_ascii=False)[1:-1] for w in words]
    elif '"' in text or "\\" in text:
        quoted = [
            json.dumps(w, ensure_ascii=False)[1:-1] if '"' in w or "\\" in w else w for w in words
        ]
    else:
        quoted = words
    shift = [0] * (len(words) + 1)
    for k in extra:
        shift[k + 1] += 1
    index = list(map(add, range(lead, len(words) + lead), accumulate(shift[:-1])))
    ws = ["true" if g[:1] == " " else "false" for g in gaps]
    made = [_TOKEN % t for t in zip(quoted, starts, ends, index, ws, strict=True)]
    out: list[str] = [_space_token(text[: starts[0]], 0, 0)] if lead else []
    prev = 0
    for k in extra:
        out += made[prev : k + 1]
        own = 1 if gaps[k][0] == " " else 0
        out.append(_space_token(gaps[k][own:], ends[k] + own, index[k] + 1))
        prev = k + 1
    out += made[prev:]
    return out, index


def _space_token(space: str, start: int, ident: int) -> str:
    obj = {"text": space, "start": start, "end": start + len(space), "id": ident, "ws": False}
    return json.dumps(obj, ensure_ascii=False)


def _spans_json(items: list[Item], tokens: Tokens, index: list[int]) -> str:
    return json.dumps(
        [
            {
                "start": tokens.starts[i],
                "end": tokens.ends[j - 1],
                "label": s.label,
                "token_start": index[i],
                "token_end": index[j - 1],
            }
            for i, j, s in items
        ],
        ensure_ascii=False,
    )


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
    triggers = obj.get("triggers", [])
    if not isinstance(triggers, list) or not all(isinstance(i, dict) for i in triggers):
        raise FormatError(path, line, "'triggers' must be a list of objects.")
    spans: list[Span] = []
    events: list[Event] = []
    for key, group in (("spans", items), ("triggers", triggers)):
        for item in group:
            start, end = check_offsets(text, item.get("start"), item.get("end"), path, line)
            _check_tokens(item, tokens, start, end, path, line)
            label = item.get("label")
            if not isinstance(label, str):
                raise FormatError(path, line, f"span [{start}, {end}) has no label.")
            spans.append(Span(len(spans) + 1, 0, "", CodePoint(start), CodePoint(end), label))
            if key == "spans":
                opts.check_label(label, path, line)
            else:
                opts.check_event_type(label, path, line)
                events.append(Event(len(events) + 1, 0, "", label, spans[-1].id))
    raw_meta = obj.get("meta")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    name = meta.get("name") or f"{path.rsplit('/', 1)[-1]}:{line}"
    check_name(name, path, line, "'meta' 'name'")
    document = Document(0, name, text, text_sha256(text))
    return AnnotatedDocument(document, "", tuple(spans), tuple(events))


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
