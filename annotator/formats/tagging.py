"""Documents as tagged tokens: the options and the step that CoNLL, CoNLL-U and HF share.

:func:`tag_document` tokenizes the text (text only, ADR 0010), aligns the
spans to tokens, leaves out (and counts) spans that are unaligned or cross a
sentence start, reduces nesting to the requested levels and writes the tags.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from annotator.core.model import Span
from annotator.formats.base import AnnotatedDocument
from annotator.formats.multiword_tokens import with_multiwords
from annotator.formats.segment import (
    NESTED,
    SCHEMES,
    SEGMENTS,
    Batch,
    Item,
    TagForms,
    Tokens,
    align_batch,
    batch_tokens,
    levels,
    sentence_starts,
    tag_column,
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
    """Documents as tagged tokens (tokenized together, see :class:`Batch`), with sentence starts.

    ``columns``, ``triggers`` and ``breaks`` run over the whole batch;
    :meth:`sentences` gives one document's sentence bounds.
    """

    docs: Sequence[AnnotatedDocument]
    batch: Batch
    columns: list[list[str]]
    triggers: list[str] | None
    breaks: list[int]
    left_out: int = 0
    crossing: int = 0
    triggers_skipped: int = 0
    unaligned: list[list[Span]] = field(default_factory=list)  # per document
    words_skipped: int = 0  # stored multiword tokens not on token boundaries

    @property
    def tokens(self) -> Tokens:
        """The tokens of the whole batch."""
        return self.batch.tokens

    def sentences(self, k: int) -> list[int]:
        """Document ``k``'s sentence starts and its end, as token indexes into the batch."""
        lo, hi = self.batch.firsts[k], self.batch.firsts[k + 1]
        return [*self.breaks[bisect_left(self.breaks, lo) : bisect_left(self.breaks, hi)], hi]


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
    words_skipped: int = 0
    examples: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, tagged: Tagged) -> None:
        """Count a batch of documents."""
        self.documents += len(tagged.docs)
        self.tokens += len(tagged.tokens)
        self.left_out += tagged.left_out
        self.crossing += tagged.crossing
        self.triggers_skipped += tagged.triggers_skipped
        self.words_skipped += tagged.words_skipped
        for doc, spans in zip(tagged.docs, tagged.unaligned, strict=True):
            self.note_unaligned(doc, spans)

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


def tag_document(
    doc: AnnotatedDocument,
    opts: TokenOptions,
    sentences: bool = True,
    forms: Sequence[TagForms] = (),
    trigger_forms: TagForms | None = None,
) -> Tagged:
    """One document as tagged tokens (see :func:`tag_documents`)."""
    return tag_documents([doc], opts, sentences, forms, trigger_forms)


def tag_documents(
    docs: Sequence[AnnotatedDocument],
    opts: TokenOptions,
    sentences: bool = True,
    forms: Sequence[TagForms] = (),
    trigger_forms: TagForms | None = None,
    multiword: bool = False,
) -> Tagged:
    """Tokenize, align, choose levels, tag, and find sentence starts, for a batch of documents.

    With ``multiword``, the documents' stored multiword tokens replace the
    tokens they cover (:mod:`annotator.formats.multiword_tokens`).

    ``forms[k]`` writes the tags of entity level ``k`` (plain tags if not
    given), ``trigger_forms`` those of the trigger column. Documents never
    share a token or a sentence, so nesting and sentence checks over the batch
    give what each document alone would.
    """
    batch = batch_tokens([d.text for d in docs], opts.segment, [d.tokens for d in docs])
    words_skipped = 0
    if multiword and any(d.words for d in docs):
        batch, words_skipped = with_multiwords(batch, [d.words for d in docs])
    tokens = batch.tokens
    if sentences:
        breaks = sentence_starts(batch.text, tokens)
    else:
        breaks = sorted({k for k in batch.firsts if k < len(tokens)})
    entity_spans, trigger_spans = _split_spans(docs, opts.event_types)
    entities, unaligned = _flat(align_batch(batch, entity_spans))
    entities, crossing = within_sentences(entities, breaks)
    chosen, left_out = levels(entities, opts.nested, opts.level_count)
    size = len(tokens)
    plain = plain_forms(opts.scheme)
    columns = [
        tag_column(size, level, forms[k] if k < len(forms) else plain)
        for k, level in enumerate(chosen)
    ]
    tagged = Tagged(docs, batch, columns, None, breaks, left_out, crossing, 0, unaligned)
    tagged.words_skipped = words_skipped
    if not opts.events:
        tagged.triggers_skipped = sum(map(len, trigger_spans))
        return tagged
    items, trig_unaligned = _flat(align_batch(batch, trigger_spans))
    items, trig_crossing = within_sentences(items, breaks)
    (level,), trig_left = levels(items, "outer", 1)
    tagged.triggers = tag_column(size, level, trigger_forms or plain)
    tagged.unaligned = [a + b for a, b in zip(unaligned, trig_unaligned, strict=True)]
    tagged.crossing += trig_crossing
    tagged.left_out += trig_left
    return tagged


Aligned = tuple[list[list[Item]], list[list[Span]]]


def _flat(aligned: Aligned) -> tuple[list[Item], list[list[Span]]]:
    items, unaligned = aligned
    return [it for group in items for it in group], unaligned


def _split_spans(
    docs: Sequence[AnnotatedDocument], event_types: frozenset[str]
) -> tuple[list[list[Span]], list[list[Span]]]:
    """Each document's entity spans and trigger spans, in stored order."""
    entities, triggers = [], []
    for doc in docs:
        trig = trigger_ids(doc, event_types)
        if trig:
            entities.append([s for s in doc.spans if s.id not in trig])
            triggers.append([s for s in doc.spans if s.id in trig])
        else:
            entities.append(list(doc.spans))
            triggers.append([])
    return entities, triggers


@cache
def plain_forms(scheme: str) -> TagForms:
    """Tags as they are (``"B-PER"``)."""
    return TagForms(scheme)


@cache
def dressed_forms(scheme: str, before: str, after: str = "") -> TagForms:
    """Tags with fixed text around them (``before + "B-PER" + after``)."""
    return TagForms(scheme, lambda tag: before + tag + after)
