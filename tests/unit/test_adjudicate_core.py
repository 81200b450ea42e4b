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
from annotator.core.model import Bundle
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
