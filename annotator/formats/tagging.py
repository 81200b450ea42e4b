"""Documents as tagged tokens: the options and the step that CoNLL, CoNLL-U and HF share.

:func:`tag_document` tokenizes the text (text only, ADR 0010), aligns the
spans to tokens, leaves out (and counts) spans that are unaligned or cross a
sentence start, reduces nesting to the requested levels and writes the tags.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.core.model import Span
from annotator.formats.base import AnnotatedDocument
from annotator.formats.segment import (
    NESTED,
    SCHEMES,
    SEGMENTS,
    Tokens,
    align,
    levels,
    sentence_starts,
    tag_column,
    text_tokens,
    within_sentences,
)

SEPARATORS = {"tab": "\t", "space": " "}
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class TokenOptions:
    """How documents become tagged tokens.

    ``nested="all"`` writes ``levels`` entity columns (outermost first);
    ``segment`` is a rule of :mod:`annotator.core.clitics`; ``separator`` is
    ``"tab"`` or ``"space"`` between CoNLL columns.
    """

    scheme: str = "iob2"
    nested: str = "outer"
    events: bool = False
    event_types: frozenset[str] = frozenset()
    segment: str = "none"
    levels: int = 2
    separator: str = "tab"

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise ValueError(f"scheme must be one of {SCHEMES}, not {self.scheme!r}")
        if self.nested not in NESTED:
            raise ValueError(f"nested must be one of {NESTED}, not {self.nested!r}")
        if self.segment not in SEGMENTS:
            raise ValueError(f"segment must be one of {SEGMENTS}, not {self.segment!r}")
        if self.separator not in SEPARATORS:
            raise ValueError(f"separator must be one of {tuple(SEPARATORS)}")
        if self.levels < 1:
            raise ValueError("levels must be at least 1")

    @property
    def level_count(self) -> int:
        """How many entity tag columns a document gets."""
        return self.levels if self.nested == "all" else 1


@dataclass
class Tagged:
    """A document as tagged tokens, with sentence starts and what was left out."""

    tokens: Tokens
    columns: list[list[str]]
    triggers: list[str] | None
    breaks: list[int]
    left_out: int = 0
    unaligned: list[Span] = field(default_factory=list)
    crossing: int = 0
    triggers_skipped: int = 0


@dataclass
class WriteStats:
    """Totals a token-based writer reports.

    ``left_out`` counts spans dropped by the nesting choice, ``unaligned``
    spans whose start or end falls inside a token, ``crossing`` spans that
    cross a sentence start; ``examples`` names a few unaligned spans.
    """

    documents: int = 0
    tokens: int = 0
    left_out: int = 0
    unaligned: int = 0
    crossing: int = 0
    triggers_skipped: int = 0
    examples: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, doc: AnnotatedDocument, tagged: Tagged) -> None:
        """Count one document."""
        self.documents += 1
        self.tokens += len(tagged.tokens)
        self.left_out += tagged.left_out
        self.crossing += tagged.crossing
        self.triggers_skipped += tagged.triggers_skipped
        self.note_unaligned(doc, tagged.unaligned)

    def note_unaligned(self, doc: AnnotatedDocument, spans: list[Span]) -> None:
        """Count unaligned spans and keep the first few as examples."""
        self.unaligned += len(spans)
        for s in spans[: MAX_EXAMPLES - len(self.examples)]:
            self.examples.append(
                f"{doc.name} [{s.start}, {s.end}) {s.label} «{doc.text[s.start : s.end]}»"
            )


def trigger_ids(doc: AnnotatedDocument, event_types: frozenset[str]) -> set[int]:
    """Ids of the spans that are event triggers (by event or by label)."""
    ids = {e.trigger_id for e in doc.events}
    return ids | {s.id for s in doc.spans if s.label in event_types}


def tag_document(doc: AnnotatedDocument, opts: TokenOptions, sentences: bool = True) -> Tagged:
    """Tokenize, align, choose levels, tag, and find sentence starts."""
    tokens = text_tokens(doc.text, opts.segment)
    breaks = sentence_starts(doc.text, tokens) if sentences else [0]
    trig = trigger_ids(doc, opts.event_types)
    entities, unaligned = align(tokens, [s for s in doc.spans if s.id not in trig])
    entities, crossing = within_sentences(entities, breaks)
    chosen, left_out = levels(entities, opts.nested, opts.level_count)
    size = len(tokens)
    columns = [tag_column(size, level, opts.scheme) for level in chosen]
    tagged = Tagged(tokens, columns, None, breaks, left_out, unaligned, crossing)
    trig_spans = [s for s in doc.spans if s.id in trig]
    if not opts.events:
        tagged.triggers_skipped = len(trig_spans)
        return tagged
    items, trig_unaligned = align(tokens, trig_spans)
    items, trig_crossing = within_sentences(items, breaks)
    (level,), trig_left = levels(items, "outer", 1)
    tagged.triggers = tag_column(size, level, opts.scheme)
    tagged.unaligned += trig_unaligned
    tagged.crossing += trig_crossing
    tagged.left_out += trig_left
    return tagged
