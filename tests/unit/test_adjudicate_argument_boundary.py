"""An argument whose span boundaries differ is one disagreement (issue 18, point 5).

badr's Attacker is the shorter «وزارة الدفاع», ali's «وزارة الدفاع الروسية»: one
place with both versions, not "ali: nothing" at badr's place and ali's argument
again as a second disagreement.
"""

from __future__ import annotations

from annotator.core.adjudicate import Unit, UnitKind, accept_version, disagreements
from annotator.core.model import Argument, Bundle, Event, Span
from annotator.core.positions import CodePoint

TEXT = "😀 أعلنت وزارة الدفاع الروسية\u00a0أنها شنّت هجوماً على مـــواقع «Z\u200cW» عام 2024."
ATTACK = "Conflict.Attack"
LONG, SHORT, TRIGGER = "وزارة الدفاع الروسية", "وزارة الدفاع", "هجوماً"


def _key(phrase: str, label: str) -> tuple[int, int, str]:
    start = TEXT.index(phrase)
    return (start, start + len(phrase), label)


def _layer(who: str, args: list[tuple[str, str, str]]) -> Bundle:
    """``who``'s layer: the attack on «هجوماً» with ``(role, phrase, label)`` arguments."""
    spans = [Span(1, 1, who, *map(CodePoint, _key(TRIGGER, ATTACK)[:2]), ATTACK)]
    arguments = []
    for n, (role, phrase, label) in enumerate(args, 2):
        start, end, _ = _key(phrase, label)
        spans.append(Span(n, 1, who, CodePoint(start), CodePoint(end), label))
        arguments.append(Argument(role, n))
    return Bundle(tuple(spans), (Event(1, 1, who, ATTACK, 1, tuple(arguments)),))


def _argument(role: str, phrase: str) -> Unit:
    return Unit(UnitKind.ARGUMENT, _key(TRIGGER, ATTACK), role, _key(phrase, "ORG"))


def test_arguments_with_overlapping_spans_are_one_place_with_both_versions() -> None:
    layers = {
        "ali": _layer("ali", [("Attacker", LONG, "ORG")]),
        "badr": _layer("badr", [("Attacker", SHORT, "ORG")]),
    }
    found = [d for d in disagreements(layers) if d.kind is UnitKind.ARGUMENT]
    assert len(found) == 1
    place = found[0]
    assert place.units_of("ali") == (_argument("Attacker", LONG),)
    assert place.units_of("badr") == (_argument("Attacker", SHORT),)
    assert all(v.units for v in place.versions)  # nobody has "nothing" here
    # the span place is one place too (it already was)
    assert len([d for d in disagreements(layers) if d.kind is UnitKind.SPAN]) == 1


def test_accepting_one_argument_boundary_replaces_the_other_in_gold() -> None:
    layers = {
        "ali": _layer("ali", [("Attacker", LONG, "ORG")]),
        "badr": _layer("badr", [("Attacker", SHORT, "ORG")]),
    }
    place = next(d for d in disagreements(layers) if d.kind is UnitKind.ARGUMENT)
    gold = _layer("gold", [("Attacker", SHORT, "ORG")])  # gold has badr's
    remove, add = accept_version(place, "ali", layers["ali"], gold, doc_id=1)
    assert [[(a.role, a.span_id) for a in e.arguments] for e in remove.events] == [
        [("Attacker", 2)]
    ]
    new = {s.id: (s.start, s.end) for s in add.spans}
    assert [[(a.role, new[a.span_id]) for a in e.arguments] for e in add.events] == [
        [("Attacker", _key(LONG, "ORG")[:2])]
    ]


def test_an_argument_nested_in_another_of_the_same_annotator_stays_its_own_place() -> None:
    layers = {  # ali's Place «الروسية» lies inside ali's own Attacker: two questions
        "ali": _layer("ali", [("Attacker", LONG, "ORG"), ("Place", "الروسية", "GPE")]),
        "badr": _layer("badr", [("Attacker", SHORT, "ORG")]),
    }
    found = [d for d in disagreements(layers) if d.kind is UnitKind.ARGUMENT]
    assert [[u.role for u in d.units()] for d in found] == [["Attacker", "Attacker"], ["Place"]]


def test_arguments_of_different_triggers_stay_apart() -> None:
    other = "شنّت"
    ali = _layer("ali", [("Attacker", LONG, "ORG")])
    trigger = Span(9, 1, "badr", *map(CodePoint, _key(other, ATTACK)[:2]), ATTACK)
    attacker = Span(10, 1, "badr", *map(CodePoint, _key(SHORT, "ORG")[:2]), "ORG")
    badr = Bundle(
        (trigger, attacker), (Event(1, 1, "badr", ATTACK, 9, (Argument("Attacker", 10),)),)
    )
    found = [d for d in disagreements({"ali": ali, "badr": badr}) if d.kind is UnitKind.ARGUMENT]
    assert len(found) == 2
