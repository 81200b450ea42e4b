"""What a deletion takes away, counted for its confirmation and its report."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.change import DOCUMENT_NOTE_PREFIX, Change


@dataclass(frozen=True)
class Removal:
    """What a deletion takes away, counted for its confirmation and report."""

    spans: int
    events: int
    relations: int
    notes: int

    def text(self) -> str:
        """``"12 spans, 3 events, 2 relations, 1 note"``."""
        parts = (
            (self.spans, "span"),
            (self.events, "event"),
            (self.relations, "relation"),
            (self.notes, "note"),
        )
        return ", ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in parts)


def removal(change: Change) -> Removal:
    """Count what ``change`` removes: annotations, and notes (with their documents)."""
    removed = [e.remove for e in change.edits]
    notes = sum(1 for n in change.notes if n.before and not n.after)
    notes += sum(
        1
        for doc in change.removed_documents
        for key, value in doc.facts
        if key.startswith(DOCUMENT_NOTE_PREFIX) and value
    )
    return Removal(
        sum(len(b.spans) for b in removed),
        sum(len(b.events) for b in removed),
        sum(len(b.relations) for b in removed),
        notes,
    )
