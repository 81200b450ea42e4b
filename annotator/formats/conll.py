"""CoNLL: one token per line with its tags, a blank line after each sentence, and a
CoNLL-2003 document line ``-DOCSTART- -X- -X- O`` (then a blank line) before each document.

Tokens depend on the text only (ADR 0010). Columns are separated by a tab
(default) or a space. Tags are IOB2 (default) or BIOES. Nested entity spans
are reduced to one level (``outer`` or ``inner``), or written as several
columns, outermost first (``all``, GermEval 2014 style). With ``events``, a
last column tags the event triggers. The writer counts the spans it leaves
out: nested at another level, not on token boundaries, or across sentences.

The reader rebuilds each document's text by joining tokens with spaces and
sentences with line breaks, so offsets refer to that rebuilt text. Columns
after the first tag column are entity levels, except that a column whose
labels are all event types of the schema is read as triggers.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import PurePath

from annotator.core.model import Document, Event, Span
from annotator.core.positions import CodePoint
from annotator.core.text import text_sha256
from annotator.formats.base import (
    AnnotatedDocument,
    FormatError,
    ReadOptions,
    check_content,
    check_text,
)
from annotator.formats.segment import SCHEMES, joined
from annotator.formats.tagging import (
    SEPARATORS,
    Tagged,
    TokenOptions,
    WriteStats,
    dressed_forms,
    tag_documents,
)

__all__ = ["Tagged", "TokenOptions", "WriteStats", "dumps", "dumps_many", "read"]

DOCSTART = "-DOCSTART-"
REBUILT_NOTE = (
    "CoNLL holds tokens, not text: each document's text was rebuilt by joining "
    "tokens with spaces and sentences with line breaks."
)


def dumps(doc: AnnotatedDocument, opts: TokenOptions, stats: WriteStats) -> str:
    """One document in CoNLL, starting with its ``-DOCSTART- -X- -X- O`` line."""
    return "".join(dumps_many([doc], opts, stats))


def dumps_many(
    docs: Sequence[AnnotatedDocument], opts: TokenOptions, stats: WriteStats
) -> list[str]:
    """Documents in CoNLL, each starting with its ``-DOCSTART- -X- -X- O`` line.

    Each tag comes with the separator before it, and the last column's with the
    line break after it, so a row is its token followed by its tags, and the
    documents are one ``join`` of the columns interleaved (returned as a few
    pieces to write in turn).
    """
    sep = SEPARATORS[opts.separator]
    last = dressed_forms(opts.scheme, sep, "\n")
    forms = [dressed_forms(opts.scheme, sep)] * opts.level_count
    if not opts.events:
        forms[-1] = last
    tagged = tag_documents(docs, opts, forms=forms, trigger_forms=last)
    stats.add(tagged)
    head = sep.join((DOCSTART, "-X-", "-X-", "O")) + "\n\n"
    size = len(tagged.tokens)
    columns = [tagged.tokens.words, *tagged.columns]
    if tagged.triggers is not None:
        columns.append(tagged.triggers)
    ends = columns[-1]  # every row ends here; a sentence's last row with a blank line
    for k in [*tagged.breaks[1:], size] if size else ():
        ends[k - 1] += "\n"
    words = columns[0]
    pending = ""  # the heads of documents without tokens, put before the next one's
    for first, end in itertools.pairwise(tagged.batch.firsts):
        if first == end:
            pending += head
        else:
            words[first] = pending + head + words[first]
            pending = ""
    width = len(columns)
    parts: list[str] = [head] * (size * width)
    for c, column in enumerate(columns):
        parts[c::width] = column
    return [*joined(parts), pending]


# -- reading ------------------------------------------------------------------
Row = tuple[int, list[str]]  # line number, columns


def read(content: str, path: str, options: ReadOptions) -> list[AnnotatedDocument]:
    """Parse a CoNLL file into documents with rebuilt text."""
    if options.scheme not in (*SCHEMES, "iob1"):
        raise FormatError(path, None, f"unknown tag scheme {options.scheme!r}.")
    check_content(content, path)
    stem = PurePath(path).stem
    docs = []
    ignored: set[int] = set()
    for index, sentences in enumerate(_documents(content, path), 1):
        if sentences:
            doc, skipped = _build(sentences, f"{stem}-{index:03d}", path, options)
            docs.append(doc)
            ignored |= skipped
    if not docs:
        raise FormatError(path, None, "the file holds no tokens.")
    options.summary.note(REBUILT_NOTE)
    if ignored:
        columns = ", ".join(str(c + 1) for c in sorted(ignored))
        options.summary.note(
            f"columns {columns} hold no IOB tags (POS, chunk or placeholder columns such as "
            "'-X-' and '_', as in CoNLL 2003 files from DKPro, INCEpTION or Label Studio's "
            "converter); the tags were read from the last column only."
        )
    return docs


def _documents(content: str, path: str) -> Iterator[list[list[Row]]]:
    sentences: list[list[Row]] = []
    current: list[Row] = []
    width = 0
    for line_no, raw in enumerate(content.split("\n"), 1):
        line = raw.rstrip("\r")
        cols = line.split("\t") if "\t" in line else line.split(" ")
        if cols[0] == DOCSTART or line.startswith(DOCSTART + " "):
            if current:
                sentences.append(current)
            if sentences:
                yield sentences
            sentences, current = [], []
            continue
        if not line.strip():
            if current:
                sentences.append(current)
            current = []
            continue
        width = width or len(cols)
        _check_row(cols, width, path, line_no)
        current.append((line_no, cols))
    if current:
        sentences.append(current)
    if sentences:
        yield sentences


def _check_row(cols: list[str], width: int, path: str, line: int) -> None:
    if len(cols) < 2:
        raise FormatError(
            path, line, f"expected 'token<TAB>tag' (2 or more columns), found {len(cols)}."
        )
    if len(cols) != width:
        raise FormatError(path, line, f"expected {width} columns like the first line.")
    if not cols[0] or any(ch.isspace() for ch in cols[0]):
        raise FormatError(path, line, f"the token {cols[0]!r} is empty or has white space.")


def _build(
    sentences: list[list[Row]], name: str, path: str, opts: ReadOptions
) -> tuple[AnnotatedDocument, set[int]]:
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    for si, sentence in enumerate(sentences):
        if si:
            parts.append("\n")
            pos += 1
        for ti, (_, cols) in enumerate(sentence):
            if ti:
                parts.append(" ")
                pos += 1
            parts.append(cols[0])
            offsets.append((pos, pos + len(cols[0])))
            pos += len(cols[0])
    flat = [row for sentence in sentences for row in sentence]
    width = len(flat[0][1])
    columns = range(1, width)
    ignored: set[int] = set()
    if not all(_is_tag_column(flat, c) for c in columns):
        # a foreign layout (token POS chunk NE, token -X- _ TAG): the tags are in the last column
        ignored, columns = set(range(1, width - 1)), range(width - 1, width)
    triggers = {c for c in columns if c > 1 and _is_trigger_column(flat, c, opts)}
    doc = annotated_from_tags(
        name,
        "".join(parts),
        flat,
        _sentence_bounds(sentences),
        offsets,
        columns,
        opts,
        path,
        triggers,
    )
    return doc, ignored


_TAG = re.compile(r"O|[BIESLU]-\S+")


def _is_tag_column(rows: Sequence[Row], col: int) -> bool:
    """True if every value of the column looks like an IOB/BIOES tag."""
    return all(_TAG.fullmatch(cols[col]) for _, cols in rows)


def _is_trigger_column(rows: Sequence[Row], col: int, opts: ReadOptions) -> bool:
    """A later column whose labels are all event types of the schema holds triggers."""
    labels = {cols[col].partition("-")[2] for _, cols in rows if cols[col] != "O"}
    return bool(labels) and opts.event_types is not None and labels <= opts.event_types


def annotated_from_tags(
    name: str,
    text: str,
    rows: Sequence[Row],
    bounds: list[tuple[int, int]],
    offsets: list[tuple[int, int]],
    columns: Iterable[int],
    opts: ReadOptions,
    path: str,
    triggers: set[int] | frozenset[int] = frozenset(),
) -> AnnotatedDocument:
    """Build a document from tag columns: ``triggers`` name the trigger columns.

    ``offsets[i]`` is the character range of token row ``i`` in ``text``; each
    trigger span gets an event without arguments. The rebuilt ``text`` must
    follow the stored-text rules (see :func:`annotator.formats.base.check_text`).
    """
    check_text(text, path, rows[0][0] if rows else None)
    spans: list[Span] = []
    events: list[Event] = []
    for col in columns:
        for i, j, written, line in decode_tags(rows, bounds, col, opts.scheme, path):
            label = opts.label_map.get(written, written)
            span = Span(
                len(spans) + 1, 0, "", CodePoint(offsets[i][0]), CodePoint(offsets[j - 1][1]), label
            )
            spans.append(span)
            is_event = opts.event_types is not None and label in opts.event_types
            if col not in triggers and not is_event:
                opts.check_label(label, path, line)
            else:
                opts.check_event_type(label, path, line)
                events.append(Event(len(events) + 1, 0, "", label, span.id))
    document = Document(0, name, text, text_sha256(text))
    return AnnotatedDocument(document, "", tuple(spans), tuple(events))


def _sentence_bounds(sentences: list[list[Row]]) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for sentence in sentences:
        out.append((pos, pos + len(sentence)))
        pos += len(sentence)
    return out


def decode_tags(
    rows: Sequence[Row], bounds: list[tuple[int, int]], col: int, scheme: str, path: str
) -> Iterator[tuple[int, int, str, int]]:
    """Yield ``(first, end, label, line)`` token ranges; raise on an invalid sequence."""
    for lo, hi in bounds:
        open_at: int | None = None
        label = ""
        for i in range(lo, hi):
            line, cols = rows[i]
            tag = cols[col]
            prefix, _, name = tag.partition("-")
            if tag != "O" and (prefix not in _PREFIXES[scheme] or not name):
                raise FormatError(path, line, _bad_tag(tag, scheme))
            if scheme == "iob1" and prefix == "I" and (open_at is None or name != label):
                prefix = "B"  # IOB1: an I- tag that continues nothing starts a span
            if prefix in ("I", "E") and (open_at is None or name != label):
                before = rows[i - 1][1][col] if i > lo else "the sentence start"
                raise FormatError(
                    path,
                    line,
                    f"invalid {scheme.upper()} sequence: {tag!r} follows {before!r} "
                    f"(an {prefix}- tag must continue a span of the same label)."
                    + (_IOB1_HINT if scheme == "iob2" and prefix == "I" else ""),
                )
            if tag == "O" or prefix in ("B", "S"):
                if open_at is not None:
                    if scheme == "bioes":
                        raise FormatError(path, line, _unclosed(label, scheme))
                    yield open_at, i, label, rows[open_at][0]
                open_at, label = (i, name) if prefix == "B" else (None, "")
                if prefix == "S":
                    yield i, i + 1, name, line
            elif prefix == "E":
                assert open_at is not None
                yield open_at, i + 1, label, rows[open_at][0]
                open_at, label = None, ""
        if open_at is not None:
            if scheme == "bioes":
                raise FormatError(path, rows[hi - 1][0], _unclosed(label, scheme))
            yield open_at, hi, label, rows[open_at][0]


_PREFIXES = {"iob2": ("B", "I"), "iob1": ("B", "I"), "bioes": ("B", "I", "E", "S")}
_IOB1_HINT = (
    " If the file is IOB1 (CoNLL 2003 as DKPro and INCEpTION write it, where a span "
    "starts with I-), import it with --scheme iob1."
)


def _bad_tag(tag: str, scheme: str) -> str:
    allowed = "O, B-X, I-X, E-X, S-X" if scheme == "bioes" else "O, B-X, I-X"
    hint = " Use --scheme bioes for BIOES files." if scheme == "iob2" else ""
    return f"the tag {tag!r} is not valid {scheme.upper()} (expected {allowed}).{hint}"


def _unclosed(label: str, scheme: str) -> str:
    return f"invalid {scheme.upper()} sequence: the {label} span is not closed with an E- tag."
