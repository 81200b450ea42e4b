"""Three annotators' layers on the seed articles, for the Agreement screenshots.

Each annotator (Arabic names, so the pictures show right-to-left headers) tags
the same hidden spans with a few misses, other labels and longer spans, drawn
from a fixed seed; one label is Arabic («مَعلَم», added to the schema).
"""

from __future__ import annotations

import random

from annotator.core.agreement.tokentags import text_tokens
from annotator.core.positions import CodePoint
from annotator.core.schema import Label
from annotator.services.project import Project

ANNOTATORS = ("أمل", "بدر", "كريم")
ARABIC_LABEL = Label("مَعلَم", "#b58900", description="landmark (demo label)")
LABELS = ("PER", "ORG", "GPE", "LOC", ARABIC_LABEL.name)


def add_demo_layers(project: Project, seed: int = 10) -> None:
    """Add the Arabic label to the schema and three layers to every document."""
    schemas = project.schemas
    schemas.apply(schemas.plan_put(ARABIC_LABEL))
    rng = random.Random(seed)
    for summary in project.documents.summaries(ANNOTATORS[0]):
        text = project.documents.document(summary.id).text
        tokens = text_tokens(text)
        base = [
            (i, i + rng.choice((1, 1, 2)), rng.choice(LABELS))
            for i in range(0, len(tokens) - 3, rng.choice((5, 6, 7)))
        ]
        for name in ANNOTATORS:
            for i, j, label in base:
                roll = rng.random()
                if roll < 0.08:
                    continue
                if roll < 0.16:
                    label = rng.choice(LABELS)
                elif roll < 0.2:
                    j += 1
                start, end = CodePoint(tokens.starts[i]), CodePoint(tokens.ends[j - 1])
                project.annotations.create_span(summary.id, name, start, end, label)
