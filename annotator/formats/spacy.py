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
triggers, labelled with the event type; ``meta`` has the document's name, id,
annotator and status (the reader restores a known status). A span that does not start and end on
token boundaries is left out and counted, never moved. Event arguments and
relations are not carried; the reader turns triggers into events without
arguments.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from annotator.core.model import Document, Event, Span
from annotator.core.positions import CodePoint
from annotator.core.text import text_sha256
from annotator.formats.base import (
    AnnotatedDocument,
    FormatError,
    ReadOptions,
    check_name,
    check_offsets,
    ordered_spans,
    shown,
)
from annotator.formats.jsonl import document_text, line_status, read_documents
from annotator.formats.segment import (
    CHUNK,
    Batch,
    Item,
    align_batch,
    batch_tokens,
    gap_forms,
    json_words,
)
from annotator.formats.tagging import TokenOptions, WriteStats, trigger_ids


def dumps(doc: AnnotatedDocument, stats: WriteStats, opts: TokenOptions | None = None) -> str:
    """One document as one spaCy/Prodigy line."""
    return "".join(dumps_many([doc], stats, opts))


def dumps_many(
    docs: Sequence[AnnotatedDocument], stats: WriteStats, opts: TokenOptions | None = None
) -> list[str]:
    """Documents as spaCy/Prodigy lines, tokenized together (see :class:`Batch`).

    Returned as pieces to write one after the other (a document's token list
    is one piece), so a long document's text is not copied once more.
    """
    opts = opts or TokenOptions()
    batch = batch_tokens([d.text for d in docs], opts.segment, [d.tokens for d in docs])
    made = _token_json(batch)
    numbered = [(ordered_spans(doc), trigger_ids(doc, opts.event_types)) for doc in docs]
    entities, unaligned = align_batch(
        batch, [[s for s in spans if s.id not in trig] for spans, trig in numbered]
    )
    triggers, trig_unaligned = align_batch(
        batch, [[s for s in spans if s.id in trig] for spans, trig in numbered]
    )
    pieces = []
    for k, doc in enumerate(docs):
        first, end = batch.firsts[k], batch.firsts[k + 1]
        stats.note_unaligned(doc, unaligned[k] + trig_unaligned[k])
        stats.documents += 1
        stats.tokens += end - first
        meta = {"name": doc.name, "id": doc.document.id, "annotator": doc.annotator}
        meta["status"] = doc.status
        text = json.dumps(doc.text, ensure_ascii=False)
        pieces.append(f'{{"text": {text}, "tokens": [{made.leads.get(k, "")}')
        pieces += made.pieces(first, end)
        pieces += [
            f'], "spans": {_spans_json(entities[k], made)}, '
            f'"triggers": {_spans_json(triggers[k], made)}, '
            f'"meta": {json.dumps(meta, ensure_ascii=False)}}}\n',
        ]
    return pieces


_NUMBERS = [str(k) for k in range(1 << 15)]  # formatting an int costs more than a lookup


@dataclass
class _Made:
    """Per token: its JSON string content, local offsets, output id and ``ws`` text.

    A white-space token that follows a token rides in that token's ``ws``
    text (``'true}, {"text": "\\n", ...'`` closed by the token's own brace);
    ``leads`` holds, per document, the white-space token before its first one.
    """

    quoted: list[str]
    starts: list[int]
    ends: list[int]
    index: list[int]
    ws: list[str]
    small: bool  # every offset and id has its text in _NUMBERS
    leads: dict[int, str]

    def pieces(self, first: int, end: int) -> list[str]:
        """The token objects ``first`` to ``end``, joined by ``", "``, in a few pieces."""
        out = []
        for a in range(first, end, CHUNK):
            b = min(a + CHUNK, end)
            words, starts, ends = self.quoted[a:b], self.starts[a:b], self.ends[a:b]
            rows = zip(words, starts, ends, self.index[a:b], self.ws[a:b], strict=True)
            if self.small:
                num = _NUMBERS
                made = [
                    f'{{"text": "{w}", "start": {num[p]}, "end": {num[q]}, "id": {num[i]}, '
                    f'"ws": {s}}}'
                    for w, p, q, i, s in rows
                ]
            else:
                made = [
                    f'{{"text": "{w}", "start": {p}, "end": {q}, "id": {i}, "ws": {s}}}'
                    for w, p, q, i, s in rows
                ]
            out.append(", ".join(made))
            if b != end:
                out.append(", ")  # its own piece: adding it to the chunk would copy the chunk
        return out


def _token_json(batch: Batch) -> _Made:
    """What the token objects are made of (see :class:`_Made`), for the whole batch.

    Each object is one f-string (no dict, no ``json.dumps``): the export of a
    million tokens spends most of its time there otherwise.
    """
    tokens, text = batch.tokens, batch.text
    n = len(tokens)
    if not n:
        return _Made([], [], [], [], [], True, {})
    ws, gaps = gap_forms(text, tokens, "true", "false", _ws, batch.stops())
    firsts = np.array(batch.firsts, np.int64)
    counts = firsts[1:] - firsts[:-1]
    first_of = np.repeat(np.array(batch.firsts[:-1], np.int64), counts)
    offset_of = np.repeat(np.array(batch.offsets[:-1], np.int64), counts)
    local_start = tokens.start_at - offset_of
    lead = np.repeat((local_start[np.minimum(batch.firsts[:-1], n - 1)] > 0) & (counts > 0), counts)
    shift = np.zeros(n, np.int64)
    shift[[k + 1 for k in gaps if k + 1 < n]] = 1
    shift[first_of] = 0  # a document's last token's white space shifts nothing after it
    shifted = np.cumsum(shift)
    index_at = np.arange(n) - first_of + lead + shifted - shifted[first_of]
    starts, ends = local_start.tolist(), (tokens.end_at - offset_of).tolist()
    index: list[int] = index_at.tolist()
    for k, gap in gaps.items():
        own = 1 if gap[0] == " " else 0
        ws[k] += "}, " + _space_token(gap[own:], ends[k] + own, index[k] + 1)[:-1]
    leads = {}
    for k, first in enumerate(batch.firsts[:-1]):
        if first < batch.firsts[k + 1] and starts[first] > 0:
            start = batch.offsets[k]
            leads[k] = _space_token(text[start : start + starts[first]], 0, 0) + ", "
    longest = max(b - a for a, b in itertools.pairwise(batch.offsets))
    small = longest < len(_NUMBERS)
    return _Made(json_words(batch), starts, ends, index, ws, small, leads)


def _ws(gap: str) -> str:
    return "true" if gap[0] == " " else "false"


@cache
def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _space_token(space: str, start: int, ident: int) -> str:
    return (
        f'{{"text": {_quoted(space)}, "start": {start}, "end": {start + len(space)}, '
        f'"id": {ident}, "ws": false}}'
    )


def _spans_json(items: list[Item], made: _Made) -> str:
    starts, ends, index = made.starts, made.ends, made.index
    out = [
        f'{{"start": {starts[i]}, "end": {ends[j - 1]}, "label": {_quoted(s.label)}, '
        f'"token_start": {index[i]}, "token_end": {index[j - 1]}}}'
        for i, j, s in items
    ]
    return "[" + ", ".join(out) + "]"


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
    return AnnotatedDocument(document, "", tuple(spans), tuple(events), (), line_status(meta))


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
