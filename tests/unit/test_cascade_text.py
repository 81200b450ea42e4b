"""The question before deleting used spans names each span, event and relation (issue 18)."""

from __future__ import annotations

from annotator.core.model import Argument, Event, Relation, Span
from annotator.ui.bidi import isolate
from annotator.ui.cascade_text import MAX_LISTED, cascade_question

MINISTRY = "وَزَارَةُ\u00a0الدفاع"
TEXT = "😀 هاجمت وَزَارَةُ\u00a0الدفاع شركة Acme في می\u200cخواهم الـــقاهرة 2024."


def _span(span_id: int, phrase: str, label: str) -> Span:
    start = TEXT.index(phrase)
    return Span(span_id, 1, "ali", start, start + len(phrase), label)


SPANS = {
    1: _span(1, "هاجمت", "Conflict.Attack"),
    2: _span(2, MINISTRY, "ORG"),
    3: _span(3, "الـــقاهرة", "GPE"),
    4: _span(4, "Acme", "ORG"),
}


def test_names_the_span_its_role_the_event_trigger_and_the_relation() -> None:
    event = Event(7, 1, "ali", "Conflict.Attack", 1, (Argument("Attacker", 2),))
    relation = Relation(8, 1, "ali", "PHYS", 3, 2)
    question = cascade_question(TEXT, [(SPANS[2], [event], [relation])], SPANS.get)
    assert question.startswith(
        f"«{isolate(MINISTRY)}» (ORG) is used by:\n"
        f"  • Attacker of the Conflict.Attack event triggered by «{isolate('هاجمت')}»\n"
        f"  • the PHYS relation with «{isolate('الـــقاهرة')}»\n\n"
    )
    assert question.endswith("Delete anyway?")


def test_a_trigger_and_a_long_list_is_cut_with_a_count() -> None:
    event = Event(7, 1, "ali", "Conflict.Attack", 1, ())
    relations = [Relation(10 + k, 1, "ali", "PHYS", 1, 4) for k in range(MAX_LISTED + 2)]
    question = cascade_question(TEXT, [(SPANS[1], [event], relations)], SPANS.get)
    lines = question.splitlines()
    assert lines[1] == "  • the Conflict.Attack event it triggers"
    assert lines[2] == f"  • the PHYS relation with «{isolate('Acme')}»"
    assert sum(line.startswith("  • ") for line in lines) == MAX_LISTED
    assert "…and 3 more." in lines
