"""Two annotators who disagree on seed 000, for the review-mode screenshot.

Both tag «حماة» (GPE) and the attack event with the ministry as Attacker, but
ali's ministry is «وزارة الدفاع الروسية» and badr's the shorter «وزارة الدفاع»
(a boundary disagreement, on the span and on the Attacker argument). They
differ on «داعش» (ORG or GPE), on «آستانة» (only ali tags it), on «روسيا» (PER
against GPE), on the attack's Place and Target, and on another boundary: badr's
«بمحافظة حماة» keeps the proclitic ب that ali leaves out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.positions import CodePoint
from annotator.services.events import EventService

if TYPE_CHECKING:
    from annotator.services.project import Project

ALI, BADR = "ali", "badr"
ATTACK, TRIGGER = "Conflict.Attack", "هجوماً"
BOUNDARY = "بمحافظة حماة"  # badr tags it whole; ali leaves out the proclitic ب
MINISTRY, SHORT_MINISTRY = "وزارة الدفاع الروسية", "وزارة الدفاع"  # ali's, badr's Attacker

# annotator -> (label, phrase); both annotators get SHARED
SHARED = [("GPE", "حماة")]
OWN = {
    ALI: [("ORG", MINISTRY), ("ORG", "داعش"), ("GPE", "آستانة"), ("GPE", "روسيا")],
    BADR: [("ORG", SHORT_MINISTRY), ("GPE", "داعش"), ("PER", "روسيا")],
}
# annotator -> (role, phrase) arguments of the attack
ARGS = {
    ALI: [("Attacker", MINISTRY), ("Place", "حماة")],
    BADR: [("Attacker", SHORT_MINISTRY), ("Target", "داعش")],
}


def _at(text: str, phrase: str) -> tuple[CodePoint, CodePoint]:
    start = text.index(phrase)
    return CodePoint(start), CodePoint(start + len(phrase))


def build_disagreement(project: Project, doc_id: int) -> None:
    """Write ali's and badr's layers of ``doc_id`` through the services."""
    text = project.documents.document(doc_id).text
    events = EventService(project.annotations, lambda: project.schemas.schema)
    start, end = _at(text, BOUNDARY)
    project.annotations.create_span(doc_id, BADR, start, end, "LOC")
    project.annotations.create_span(doc_id, ALI, CodePoint(start + 1), end, "LOC")
    for name in (ALI, BADR):
        for label, phrase in SHARED + OWN[name]:
            project.annotations.create_span(doc_id, name, *_at(text, phrase), label)
        edit = events.create_event(doc_id, name, *_at(text, TRIGGER), ATTACK)
        event = edit.add.events[0]
        spans = {s.text_in(text): s for s in project.annotations.spans(doc_id, name)}
        for role, phrase in ARGS[name]:
            fresh = events.event(doc_id, name, event.id)
            assert fresh is not None
            events.add_argument(fresh, role, spans[phrase].id)
