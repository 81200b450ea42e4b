"""Generated layers for the agreement tests: three annotators, nested spans, a label
only one annotator uses, events and relations, on texts with emoji, NBSP, ZWNJ,
tatweel, diacritics, Latin letters and digits."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from annotator.core.agreement import DocumentLayers, Layer
from annotator.core.agreement.tokentags import text_tokens
from annotator.core.model import Argument, Event, Relation, Span
from annotator.core.positions import CodePoint
from annotator.core.text import text_sha256

if TYPE_CHECKING:
    from annotator.services.project import Project

WORDS = [
    "مُحَمَّدٌ",
    "بمحافظة",
    "حماة",
    "الســـوريّة",
    "روسيا",
    "😀",
    "👍🏽",
    "Latin",
    "ACE",
    "2024",
    "٣٤",
    "قال",
    "إنّ",
    "الجيش",
    "هجوماً",
    "،",
    ".",
    "؟",
    "Z\u200cW",
    "موسكو",
]
SEPARATORS = [" ", " ", " ", "\u00a0", "\n"]
LABELS = ["PER", "ORG", "GPE", "LOC"]
ANNOTATORS = ("amal", "badr", "carim")
ONLY_C = "WEA"  # only the third annotator uses it


def make_text(rng: random.Random, words: int) -> str:
    """Random words joined by spaces, NBSP and line breaks."""
    parts = []
    for _ in range(words):
        parts.append(rng.choice(WORDS))
        parts.append(rng.choice(SEPARATORS))
    return "".join(parts[:-1])


def _base_spans(rng: random.Random, n_tokens: int, nested: bool) -> list[tuple[int, int, str]]:
    out = []
    i = 0
    while i < n_tokens - 3:
        if rng.random() < 0.35:
            length = rng.choice([1, 1, 2, 3])
            out.append((i, i + length, rng.choice(LABELS)))
            if nested and length > 1 and rng.random() < 0.4:
                out.append((i, i + length - 1, rng.choice(LABELS)))  # nested inside
            i += length + 1
        else:
            i += 1
    return out


def make_document(
    rng: random.Random, doc_id: int, words: int, nested: bool = True
) -> DocumentLayers:
    """One document with three annotators' layers derived from a hidden base."""
    text = make_text(rng, words)
    tokens = text_tokens(text)
    base = _base_spans(rng, len(tokens), nested)
    layers = []
    for r, name in enumerate(ANNOTATORS):
        keys = []
        for i, j, label in base:
            roll = rng.random()
            if roll < 0.1:
                continue  # missed
            if roll < 0.2:
                label = rng.choice(LABELS)  # other label
            elif roll < 0.27 and j < len(tokens):
                j += 1  # longer
            keys.append((tokens.starts[i], tokens.ends[j - 1], label))
        if r == 2 and len(tokens) > 4:
            keys.append((tokens.starts[1], tokens.ends[1], ONLY_C))
        if nested and rng.random() < 0.5 and len(tokens) > 2:
            a = tokens.starts[0]
            keys.append(
                (a + 1, tokens.ends[0], "LOC")
                if tokens.ends[0] - a > 1
                else (a, tokens.ends[0], "LOC")
            )
        if not nested:
            keys = _flat(keys)
        layers.append(_layer(rng, doc_id, name, keys, 1000 * r))
    return DocumentLayers(doc_id, f"doc{doc_id:03d}.txt", text, text_sha256(text), tuple(layers))


def _flat(keys: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    out = []
    last = -1
    for s, e, label in sorted(keys, key=lambda k: (k[0], -k[1])):
        if s >= last:
            out.append((s, e, label))
            last = e
    return out


def _layer(rng: random.Random, doc_id: int, name: str, keys: list, first_id: int) -> Layer:
    spans = [
        Span(first_id + k + 1, doc_id, name, CodePoint(s), CodePoint(e), label)
        for k, (s, e, label) in enumerate(keys)
    ]
    events: list[Event] = []
    relations: list[Relation] = []
    if len(spans) >= 3:
        trigger = Span(
            first_id + 900, doc_id, name, spans[0].start, spans[0].end, "Conflict.Attack"
        )
        role = "Attacker" if rng.random() < 0.7 else "Target"
        events.append(
            Event(
                first_id + 1,
                doc_id,
                name,
                "Conflict.Attack",
                trigger.id,
                (Argument(role, spans[1].id),),
            )
        )
        spans.append(trigger)
        relations.append(Relation(first_id + 1, doc_id, name, "PHYS", spans[1].id, spans[2].id))
    return Layer(name, tuple(spans), tuple(events), tuple(relations))


def make_corpus(
    seed: int = 7, documents: int = 8, words: int = 60, nested: bool = True
) -> list[DocumentLayers]:
    """``documents`` generated documents."""
    rng = random.Random(seed)
    return [make_document(rng, k + 1, words, nested) for k in range(documents)]


def store_spans(project: Project, docs: list[DocumentLayers]) -> None:
    """Add the documents to ``project`` with each layer's spans, leaving out event triggers."""
    for doc in docs:
        doc_id, _ = project.documents.add_text(doc.name, doc.text)
        for layer in doc.layers:
            triggers = {e.trigger_id for e in layer.events}
            for s in layer.spans:
                if s.id not in triggers:
                    project.annotations.create_span(
                        doc_id, layer.annotator, s.start, s.end, s.label
                    )
