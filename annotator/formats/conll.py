"""CoNLL: ``token<TAB>tag`` per line, a blank line after each sentence, and a
``-DOCSTART-`` line (then a blank line) before each document.

Tags are IOB2 (default) or BIOES. With ``events``, a third column tags the
event triggers the same way. Nested entity spans are reduced to one level
(``outer`` or ``inner``); the writer counts the spans it left out.

The reader rebuilds each document's text by joining tokens with spaces and
sentences with line breaks, so offsets refer to that rebuilt text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
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
from annotator.formats.segment import (
    NESTED,
    SCHEMES,
    Piece,
    pieces_for,
    select_level,
    sentence_breaks,
    tag_pieces,
)

DOCSTART = "-DOCSTART-"
REBUILT_NOTE = (
    "CoNLL holds tokens, not text: each document's text was rebuilt by joining "
    "tokens with spaces and sentences with line breaks."
)


@dataclass(frozen=True)
class TokenOptions:
    """How documents become tagged tokens."""

    scheme: str = "iob2"
    nested: str = "outer"
    events: bool = False
    event_types: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise ValueError(f"scheme must be one of {SCHEMES}, not {self.scheme!r}")
        if self.nested not in NESTED:
            raise ValueError(f"nested must be one of {NESTED}, not {self.nested!r}")


@dataclass
class Tagged:
    """A document as tagged token pieces, with sentence starts."""

    pieces: list[Piece]
    tags: list[str]
    triggers: list[str] | None
    breaks: list[int]
    left_out: int = 0
    triggers_skipped: int = 0


@dataclass
class WriteStats:
    """Totals a token-based writer reports."""

    documents: int = 0
    tokens: int = 0
    left_out: int = 0
    triggers_skipped: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, tagged: Tagged) -> None:
        """Count one document."""
        self.documents += 1
        self.tokens += len(tagged.pieces)
        self.left_out += tagged.left_out
        self.triggers_skipped += tagged.triggers_skipped


def _trigger_ids(doc: AnnotatedDocument, opts: TokenOptions) -> set[int]:
    ids = {e.trigger_id for e in doc.events}
    return ids | {s.id for s in doc.spans if s.label in opts.event_types}


def tag_document(doc: AnnotatedDocument, opts: TokenOptions) -> Tagged:
    """Tokenize, split at span boundaries, tag, and find sentence starts."""
    trig_ids = _trigger_ids(doc, opts)
    entities = [s for s in doc.spans if s.id not in trig_ids]
    kept, dropped = select_level(entities, opts.nested)
    trig_kept: list[Span] = []
    skipped = len(doc.spans) - len(entities)
    if opts.events:
        trig_kept, trig_dropped = select_level(
            [s for s in doc.spans if s.id in trig_ids], opts.nested
        )
        dropped += trig_dropped
        skipped = 0
    pieces = pieces_for(doc.text, kept + trig_kept)
    starts = [p[0] for p in pieces]
    tags, empty = tag_pieces(pieces, starts, kept, opts.scheme)
    columns: list[list[str]] = [tags]
    triggers = None
    if opts.events:
        triggers, trig_empty = tag_pieces(pieces, starts, trig_kept, opts.scheme)
        columns.append(triggers)
        empty += trig_empty
    breaks = sentence_breaks(doc.text, pieces, columns)
    return Tagged(pieces, tags, triggers, breaks, dropped + empty, skipped)


def dumps(doc: AnnotatedDocument, opts: TokenOptions, stats: WriteStats) -> str:
    """One document in CoNLL, starting with its ``-DOCSTART-`` line."""
    tagged = tag_document(doc, opts)
    stats.add(tagged)
    text = doc.text
    tags = tagged.tags
    trig = tagged.triggers
    lines = [DOCSTART, ""]
    append = lines.append
    bounds = [*tagged.breaks, len(tagged.pieces)]
    for si in range(len(bounds) - 1):
        for i in range(bounds[si], bounds[si + 1]):
            a, b, _ = tagged.pieces[i]
            if trig is None:
                append(f"{text[a:b]}\t{tags[i]}")
            else:
                append(f"{text[a:b]}\t{tags[i]}\t{trig[i]}")
        append("")
    return "\n".join(lines) + "\n"


# -- reading ------------------------------------------------------------------
Row = tuple[int, list[str]]  # line number, columns


def read(content: str, path: str, options: ReadOptions) -> list[AnnotatedDocument]:
    """Parse a CoNLL file into documents with rebuilt text."""
    if options.scheme not in SCHEMES:
        raise FormatError(path, None, f"unknown tag scheme {options.scheme!r}.")
    check_content(content, path)
    stem = PurePath(path).stem
    docs = []
    for index, sentences in enumerate(_documents(content, path), 1):
        if sentences:
            docs.append(_build(sentences, f"{stem}-{index:03d}", path, options))
    if not docs:
        raise FormatError(path, None, "the file holds no tokens.")
    return docs


def _documents(content: str, path: str) -> Iterator[list[list[Row]]]:
    sentences: list[list[Row]] = []
    current: list[Row] = []
    width = 0
    for line_no, raw in enumerate(content.split("\n"), 1):
        line = raw.rstrip("\r")
        cols = line.split("\t")
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
    if len(cols) not in (2, 3):
        raise FormatError(
            path, line, f"expected 'token<TAB>tag' (2 or 3 columns), found {len(cols)}."
        )
    if len(cols) != width:
        raise FormatError(path, line, f"expected {width} columns like the first line.")
    if not cols[0] or any(ch.isspace() for ch in cols[0]):
        raise FormatError(path, line, f"the token {cols[0]!r} is empty or has white space.")


def _build(
    sentences: list[list[Row]], name: str, path: str, opts: ReadOptions
) -> AnnotatedDocument:
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
    columns = range(1, len(flat[0][1]))
    return annotated_from_tags(
        name, "".join(parts), flat, _sentence_bounds(sentences), offsets, columns, opts, path
    )


def annotated_from_tags(
    name: str,
    text: str,
    rows: Sequence[Row],
    bounds: list[tuple[int, int]],
    offsets: list[tuple[int, int]],
    columns: Iterable[int],
    opts: ReadOptions,
    path: str,
) -> AnnotatedDocument:
    """Build a document from tag columns: column 1 holds entities, later ones triggers.

    ``offsets[i]`` is the character range of token row ``i`` in ``text``; each
    trigger span gets an event without arguments. The rebuilt ``text`` must
    follow the stored-text rules (see :func:`annotator.formats.base.check_text`).
    """
    check_text(text, path, rows[0][0] if rows else None)
    spans: list[Span] = []
    events: list[Event] = []
    for col in columns:
        for i, j, label, line in decode_tags(rows, bounds, col, opts.scheme, path):
            span = Span(
                len(spans) + 1, 0, "", CodePoint(offsets[i][0]), CodePoint(offsets[j - 1][1]), label
            )
            spans.append(span)
            if col == 1:
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
            if prefix in ("I", "E") and (open_at is None or name != label):
                before = rows[i - 1][1][col] if i > lo else "the sentence start"
                raise FormatError(
                    path,
                    line,
                    f"invalid {scheme.upper()} sequence: {tag!r} follows {before!r} "
                    f"(an {prefix}- tag must continue a span of the same label).",
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


_PREFIXES = {"iob2": ("B", "I"), "bioes": ("B", "I", "E", "S")}


def _bad_tag(tag: str, scheme: str) -> str:
    allowed = "O, B-X, I-X" if scheme == "iob2" else "O, B-X, I-X, E-X, S-X"
    hint = " Use --scheme bioes for BIOES files." if scheme == "iob2" else ""
    return f"the tag {tag!r} is not valid {scheme.upper()} (expected {allowed}).{hint}"


def _unclosed(label: str, scheme: str) -> str:
    return f"invalid {scheme.upper()} sequence: the {label} span is not closed with an E- tag."
