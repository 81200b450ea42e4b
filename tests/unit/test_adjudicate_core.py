"""Units, votes, pre-merge and disagreements of core.adjudicate (pure, no database)."""

from __future__ import annotations

import pytest

from annotator.core.adjudicate import (
    AdjudicationError,
    Strategy,
    Unit,
    UnitKind,
    accept_version,
    disagreements,
    layer_units,
    premerge,
    votes,
)
from annotator.core.change import Change
from annotator.core.model import Argument, Bundle, Edit, Event, Span
from annotator.core.positions import CodePoint
from tests.adjudication_corpus import ARMY, ATTACK, TEXT, at, layers


def _key(word: str, label: str) -> tuple[int, int, str]:
    return (*at(TEXT, word), label)


TRIGGER = _key("هاجم", ATTACK)


def _gold_keys(bundle: Bundle) -> set[tuple[int, int, str]]:
    return {(s.start, s.end, s.label) for s in bundle.spans}


def test_strategy_parsing_and_thresholds() -> None:
    assert Strategy.parse("unanimous").threshold(3) == 3
    assert Strategy.parse("majority").threshold(3) == 2
    assert Strategy.parse("majority").threshold(4) == 3
    assert Strategy.parse("majority:1").threshold(3) == 1
    assert str(Strategy.parse("majority:2")) == "majority:2"
    for bad in ("most", "majority:0", "majority:x", "unanimous:2"):
        with pytest.raises(AdjudicationError, match="Unknown strategy"):
            Strategy.parse(bad)


def test_units_split_events_into_trigger_and_one_unit_per_argument() -> None:
    units = layer_units(layers()["amal"])
    army = _key(ARMY, "ORG")
    assert Unit(UnitKind.EVENT, TRIGGER) in units
    assert Unit(UnitKind.ARGUMENT, TRIGGER, "Attacker", army) in units
    assert Unit(UnitKind.ARGUMENT, TRIGGER, "Instrument", _key("Z\u200cW", "WEA")) in units
    assert Unit(UnitKind.RELATION, _key("مُحَمَّدٌ", "PER"), "ORG-AFF", army) in units
    # the trigger is part of the event unit, not a span unit of its own
    assert Unit(UnitKind.SPAN, TRIGGER) not in units
    assert Unit(UnitKind.SPAN, _key("الســـوريّة", "GPE")) in units  # nested span


def test_votes_name_the_annotators_who_have_a_unit() -> None:
    voted = votes(layers())
    assert voted[Unit(UnitKind.SPAN, _key("حماة", "GPE"))] == ("badr", "carim")
    assert voted[Unit(UnitKind.EVENT, TRIGGER)] == ("amal", "badr", "carim")


def test_unanimous_premerge_takes_only_what_all_three_have() -> None:
    merged = premerge(layers(), Strategy.parse("unanimous"), doc_id=1)
    assert _gold_keys(merged.add) == {
        _key("مُحَمَّدٌ", "PER"),
        _key("Z\u200cW", "WEA"),
        _key("2024", "TIME"),
        TRIGGER,
    }
    (event,) = merged.add.events
    assert event.arguments == ()  # no argument is unanimous
    assert merged.add.relations == ()
    assert all(s.id < 0 and s.annotator == "gold" for s in merged.add.spans)
    assert len(merged.left) == len(disagreements(layers())) == 9


def test_majority_two_merges_event_arguments_one_by_one() -> None:
    merged = premerge(layers(), Strategy.parse("majority:2"), doc_id=1)
    spans = {s.id: (s.start, s.end, s.label) for s in merged.add.spans}
    assert set(spans.values()) == {
        _key("مُحَمَّدٌ", "PER"),
        _key(ARMY, "ORG"),
        _key("Z\u200cW", "WEA"),
        _key("حماة", "GPE"),
        _key("2024", "TIME"),
        TRIGGER,
    }
    (event,) = merged.add.events
    assert spans[event.trigger_id] == TRIGGER
    assert {(a.role, spans[a.span_id]) for a in event.arguments} == {
        ("Attacker", _key(ARMY, "ORG")),
        ("Instrument", _key("Z\u200cW", "WEA")),
    }  # Place (badr only) stays out although its span is in gold
    (relation,) = merged.add.relations
    assert (relation.type, spans[relation.arg1_id], spans[relation.arg2_id]) == (
        "ORG-AFF",
        _key("مُحَمَّدٌ", "PER"),
        _key(ARMY, "ORG"),
    )
    # only ACE (ORG / GPE / nothing) is undecided
    (left,) = merged.left
    assert (left.kind, left.start, left.end) == (UnitKind.SPAN, *at(TEXT, "ACE"))
    assert [v.annotators for v in left.versions] == [("amal",), ("badr",), ("carim",)]
    assert left.versions[-1].units == ()


def test_premerge_adds_only_what_gold_lacks() -> None:
    first = premerge(layers(), Strategy.parse("majority:2"), doc_id=1)
    gold = _as_stored(first.add)
    again = premerge(layers(), Strategy.parse("majority:2"), gold, doc_id=1)
    assert again.is_empty() and again.add.is_empty() and again.remove.is_empty()


def test_premerge_adds_arguments_to_an_existing_gold_event() -> None:
    gold = _as_stored(premerge(layers(), Strategy.parse("unanimous"), doc_id=1).add)
    more = premerge(layers(), Strategy.parse("majority:2"), gold, doc_id=1)
    (old,) = more.remove.events
    (new,) = more.add.events
    assert old.id == new.id > 0 and len(new.arguments) == 2
    assert more.counts()[UnitKind.ARGUMENT] == 2 and more.counts()[UnitKind.EVENT] == 0


def test_disagreements_are_in_document_order_with_every_version() -> None:
    found = disagreements(layers())
    assert [d.start for d in found] == sorted(d.start for d in found)
    army = next(d for d in found if d.kind is UnitKind.SPAN and d.start == at(TEXT, ARMY)[0])
    assert army.units_of("carim") == (Unit(UnitKind.SPAN, _key(ARMY, "GPE")),)
    assert (
        army.units_of("amal") == army.units_of("badr") == (Unit(UnitKind.SPAN, _key(ARMY, "ORG")),)
    )
    assert "carim" in army.describe(TEXT) and ARMY in army.describe(TEXT)


def test_accept_version_replaces_gold_at_that_place() -> None:
    gold = _as_stored(premerge(layers(), Strategy.parse("majority:2"), doc_id=1).add)
    army = next(d for d in disagreements(layers()) if d.kind is UnitKind.SPAN and d.start == 20)
    remove, add = accept_version(army, "carim", layers()["carim"], gold, doc_id=1)
    assert _gold_keys(remove) == {_key(ARMY, "ORG")}
    assert _gold_keys(add) == {_key(ARMY, "GPE")}


def _as_stored(add: Bundle) -> Bundle:
    """``add`` as if the write service had stored it (positive ids)."""
    from dataclasses import replace

    from annotator.core.model import remap_event, remap_relation

    ids = {s.id: 100 + i for i, s in enumerate(add.spans)}
    spans = tuple(replace(s, id=ids[s.id]) for s in add.spans)
    events = tuple(replace(remap_event(e, ids), id=200 + i) for i, e in enumerate(add.events))
    rels = tuple(replace(remap_relation(r, ids), id=300 + i) for i, r in enumerate(add.relations))
    return Bundle(spans, events, rels)


def test_a_threshold_two_versions_reach_leaves_the_place_undecided() -> None:
    merged = premerge(layers(), Strategy.parse("majority:1"), doc_id=1)
    ace = at(TEXT, "ACE")
    assert {(*ace, "ORG"), (*ace, "GPE")} <= _gold_keys(merged.add)  # both reach one vote
    left = [(d.kind, d.start, d.end) for d in merged.left]
    assert (UnitKind.SPAN, *ace) in left
    army = at(TEXT, ARMY)
    assert (UnitKind.SPAN, *army) in left  # ORG (amal, badr) and GPE (carim) both reach


def test_an_agreed_argument_whose_span_is_not_in_gold_is_left_not_added() -> None:
    """amal's argument span is the trigger of a second event; badr's is a plain span."""
    trigger_two = at(TEXT, "جندياً")
    two = {}
    for who in ("amal", "badr"):
        spans = [
            Span(1, 1, who, CodePoint(TRIGGER[0]), CodePoint(TRIGGER[1]), ATTACK),
            Span(2, 1, who, CodePoint(trigger_two[0]), CodePoint(trigger_two[1]), "Life.Die"),
        ]
        events = [Event(1, 1, who, ATTACK, 1, (Argument("Target", 2),))]
        if who == "amal":
            events.append(Event(2, 1, who, "Life.Die", 2))
        two[who] = Bundle(tuple(spans), tuple(events))
    merged = premerge(two, Strategy.parse("unanimous"), doc_id=1)
    (event,) = merged.add.events
    assert event.type == ATTACK and event.arguments == ()
    argument = Unit(UnitKind.ARGUMENT, TRIGGER, "Target", (*trigger_two, "Life.Die"))
    assert any(d.units() == (argument,) for d in merged.left)
    assert argument not in merged.added


def test_inverse_and_replay_of_a_gold_change_stay_gold() -> None:
    change = Change((Edit(1, "gold"),), gold=True)
    assert change.inverse().gold and change.as_replay().gold
    assert not Change((Edit(1, "amal"),)).inverse().gold


def test_f1_against_gold_keeps_documents_apart() -> None:
    """Gold's span in the second document must not overlap a span of the first."""
    from annotator.core.agreement import DocumentLayers, Layer, compute
    from annotator.core.agreement.fscore import micro

    first, second = "مُحَمَّدٌ 😀 Latin 42", "Z\u200cW الســـوريّة\u00a0٣٤"

    def span(doc: int, who: str) -> Span:
        return Span(doc, doc, who, CodePoint(0), CodePoint(3), "PER")

    docs = [
        DocumentLayers(i, f"d{i}", text, f"{i}" * 64, tuple(
            Layer(who, (span(i, who),) if i == 1 else ()) for who in ("amal", "badr")
        ))
        for i, text in ((1, first), (2, second))
    ]  # fmt: skip
    gold = [Layer("gold", ()), Layer("gold", (span(2, "gold"),))]
    report = compute(docs, gold=gold)
    for rule in ("exact", "overlap"):
        counts = micro(report.gold_f1[rule][("amal", "gold")])
        assert (counts.tp, counts.only_a, counts.only_b) == (0, 1, 1)
    assert compute(docs).gold_f1 == {}


def test_accept_copies_the_annotators_attributes() -> None:
    from dataclasses import replace

    three = layers()
    amal = three["amal"]
    (event,) = amal.events
    three["amal"] = replace(amal, events=(replace(event, attributes={"Polarity": "NEGATIVE"}),))
    carim = three["carim"]
    army = next(s for s in carim.spans if s.label == "GPE" and s.start == at(TEXT, ARMY)[0])
    marked = replace(army, attributes={"MentionType": "NAM"})
    three["carim"] = replace(
        carim, spans=tuple(marked if s.id == army.id else s for s in carim.spans), events=()
    )
    found = disagreements(three)
    trigger = next(d for d in found if d.kind is UnitKind.EVENT)
    _, add = accept_version(trigger, "amal", three["amal"], Bundle(), doc_id=1)
    assert add.events[0].attributes == {"Polarity": "NEGATIVE"}
    place = next(d for d in found if d.kind is UnitKind.SPAN and d.start == army.start)
    _, add = accept_version(place, "carim", three["carim"], Bundle(), doc_id=1)
    assert [s.attributes for s in add.spans] == [{"MentionType": "NAM"}]


# A boundary disagreement: the proclitic ب in or out, the article in or out.
BOUNDARY = "قصفت 😀 طائراتٌ بمحافظة\u00a0حماة الســـورية و Z\u200cW عام 2024."


def _spans(who: str, *parts: tuple[str, str]) -> Bundle:
    """``who``'s layer: one span per ``(text, label)``, at that text's first occurrence."""
    spans = []
    for n, (word, label) in enumerate(parts, 1):
        start = BOUNDARY.index(word)
        spans.append(Span(n, 1, who, CodePoint(start), CodePoint(start + len(word)), label))
    return Bundle(tuple(spans))


def test_a_boundary_disagreement_is_one_place_with_both_versions() -> None:
    found = disagreements(
        {
            "ali": _spans("ali", ("بمحافظة", "GPE")),
            "badr": _spans("badr", ("محافظة", "GPE")),
            "carim": _spans("carim", ("بمحافظة", "GPE")),
        }
    )
    assert len(found) == 1
    place = found[0]
    with_b, without = (*at(BOUNDARY, "بمحافظة"), "GPE"), (*at(BOUNDARY, "محافظة"), "GPE")
    assert [(v.units, v.annotators) for v in place.versions] == [
        ((Unit(UnitKind.SPAN, with_b),), ("ali", "carim")),
        ((Unit(UnitKind.SPAN, without),), ("badr",)),
    ]
    assert (place.start, place.end) == (with_b[0], with_b[1])


def test_accepting_one_boundary_replaces_the_other_in_gold() -> None:
    layers_ = {
        "ali": _spans("ali", ("بمحافظة", "GPE")),
        "badr": _spans("badr", ("محافظة", "GPE")),
    }
    place = disagreements(layers_)[0]
    badr = layers_["badr"].spans[0]
    gold = Bundle((Span(7, 1, "gold", badr.start, badr.end, badr.label),))  # gold has badr's
    remove, add = accept_version(place, "ali", layers_["ali"], gold, doc_id=1)
    assert _gold_keys(remove) == {(*at(BOUNDARY, "محافظة"), "GPE")}
    assert _gold_keys(add) == {(*at(BOUNDARY, "بمحافظة"), "GPE")}


def test_an_entity_split_in_two_against_one_whole_is_one_place() -> None:
    found = disagreements(
        {
            "ali": _spans("ali", ("بمحافظة\u00a0حماة", "GPE")),
            "badr": _spans("badr", ("بمحافظة", "GPE"), ("حماة", "GPE")),
        }
    )
    assert len(found) == 1
    assert len(found[0].units_of("badr")) == 2 and len(found[0].units_of("ali")) == 1


def test_a_span_one_annotator_nested_in_another_stays_its_own_place() -> None:
    found = disagreements(
        {
            "ali": _spans("ali", ("حماة الســـورية", "GPE"), ("الســـورية", "GPE")),
            "badr": _spans("badr", ("حماة", "GPE")),
        }
    )
    nested = (*at(BOUNDARY, "الســـورية"), "GPE")
    assert [d.units_of("ali") for d in found if d.start == nested[0]] == [
        (Unit(UnitKind.SPAN, nested),)
    ]
    assert len(found) == 2


def test_majority_settles_a_boundary_disagreement() -> None:
    merged = premerge(
        {
            "ali": _spans("ali", ("بمحافظة", "GPE")),
            "badr": _spans("badr", ("محافظة", "GPE")),
            "carim": _spans("carim", ("بمحافظة", "GPE")),
        },
        Strategy.parse("majority"),
        doc_id=1,
    )
    assert _gold_keys(merged.add) == {(*at(BOUNDARY, "بمحافظة"), "GPE")}
    assert merged.left == ()
