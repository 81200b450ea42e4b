"""Build large benchmark corpora by repeating the seed articles."""

from __future__ import annotations

from pathlib import Path

from annotator.core.text import decode_document

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed_texts() -> list[str]:
    """The five seed articles as stored text."""
    return [decode_document(p.read_bytes(), p.name) for p in sorted(SEEDS.glob("*.txt"))]


def repeated_text(words: int) -> str:
    """Seed articles repeated (one per paragraph) until the text holds ``words`` words."""
    seeds = seed_texts()
    parts: list[str] = []
    count = 0
    i = 0
    while count < words:
        text = seeds[i % len(seeds)]
        parts.append(text)
        count += len(text.split())
        i += 1
    return "\n".join(parts)
