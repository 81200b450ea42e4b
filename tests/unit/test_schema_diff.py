"""Schema differences, their union and fitting a layer into a schema (pure, no database)."""

from __future__ import annotations

from dataclasses import replace

from annotator.core import schema as schema_io
from annotator.core.model import Argument, Bundle, Event, Relation, Span
from annotator.core.positions import CodePoint
from annotator.core.schema import Attribute, EventType, Label, RelationType, Role, Schema
from annotator.core.schema_diff import diff, fit, union


def _base() -> Schema:
    return schema_io.default_schema()


def _theirs() -> Schema:
    """The default schema with a new label, a changed kind, wider roles and an attribute value."""
    base = _base()
    attack = base.event_type("Conflict.Attack")
    assert attack is not None
    roles = tuple(
        replace(r, allowed=(*r.allowed, "WEA")) if r.name == "Place" else r for r in attack.roles
    )
    attack = replace(attack, roles=(*roles, Role("Weapon-Used", ("WEA",), "w")))
    events = tuple(attack if e.name == attack.name else e for e in base.events)
    labels = tuple(replace(lb, kind="value") if lb.name == "WEA" else lb for lb in base.labels)
    labels += (Label("DRUG", "#123456", "P"),)  # P is PER's hotkey in ours
    attrs = tuple(
        replace(a, values=(*a.values, "GEN")) if a.name == base.attributes[0].name else a
        for a in base.attributes
    )
    relations = (*base.relations, RelationType("CAUSE", "#654321"))
    labels = tuple(replace(lb, color="#000000") if lb.name == "PER" else lb for lb in labels)
    return replace(base, labels=labels, events=events, attributes=attrs, relations=relations)


def test_the_same_schema_has_no_differences() -> None:
    found = diff(_base(), _base())
    assert not found.blocking and found.lines() == []


def test_differences_name_what_only_theirs_has_and_what_differs() -> None:
    found = diff(_base(), _theirs())
    assert found.only_theirs == (("label", "DRUG"), ("relation type", "CAUSE"))
    assert found.only_ours == ()
    conflicts = {(d.kind, d.name): d.detail for d in found.conflicts}
    assert conflicts["label", "WEA"] == "kind 'entity' (ours) vs 'value' (theirs)"
    attack = conflicts["event type", "Conflict.Attack"]
    assert "roles only in theirs: Weapon-Used" in attack
    assert "role Place allows" in attack
    first = _base().attributes[0].name
    assert "values" in conflicts["attribute", first]
    assert [(d.kind, d.name) for d in found.cosmetic] == [("label", "PER")]
    assert found.blocking
    text = "\n".join(found.lines())
    assert "Only in theirs: label DRUG, relation type CAUSE" in text
    assert "Differs in looks only (ours kept): label PER: colour" in text


def test_only_ours_and_looks_alone_do_not_need_a_choice() -> None:
    ours = _base()
    theirs = replace(
        ours,
        labels=tuple(replace(lb, color="#111111") for lb in ours.labels if lb.name != "VEH"),
    )
    found = diff(ours, theirs)
    assert ("label", "VEH") in found.only_ours
    assert not found.blocking


def test_a_name_that_is_a_label_here_and_an_event_type_there_is_a_conflict() -> None:
    ours = _base()
    theirs = replace(ours, events=(*ours.events, EventType("PER", "#ffffff")))
    found = diff(ours, theirs)
    assert [(d.kind, d.name) for d in found.conflicts] == [("label/event type", "PER")]
    assert found.only_theirs == ()
    merged, notes = union(ours, theirs)
    assert merged.event_type("PER") is None and merged.label("PER") is not None
    assert any("PER is a label in ours" in n for n in notes)


def test_union_adds_theirs_widens_shared_items_and_keeps_ours_where_it_must() -> None:
    ours, theirs = _base(), _theirs()
    merged, notes = union(ours, theirs)
    schema_io.validate(merged)
    drug = merged.label("DRUG")
    assert drug is not None and drug.hotkey == ""  # ours uses P
    weapon = merged.label("WEA")
    assert weapon is not None and weapon.kind == "entity"
    attack = merged.event_type("Conflict.Attack")
    assert attack is not None
    assert attack.role("Weapon-Used") == Role("Weapon-Used", ("WEA",), "w")
    place = attack.role("Place")
    ours_place = ours.event_type("Conflict.Attack").role("Place")  # type: ignore[union-attr]
    assert place is not None and ours_place is not None
    assert place.allowed == (*ours_place.allowed, "WEA")
    assert "GEN" in merged.attributes[0].values
    assert merged.relation_type("CAUSE") is not None
    per = merged.label("PER")
    assert per is not None and per.color == ours.label("PER").color  # type: ignore[union-attr]
    assert any("DRUG added without its hotkey P" in n for n in notes)
    assert any("WEA kept as entity" in n for n in notes)
    assert diff(merged, theirs).only_theirs == ()


def test_union_any_wins_over_a_list() -> None:
    ours = replace(_base(), relations=(RelationType("R", "#1", "", ("PER",), ("ORG",)),))
    theirs = replace(_base(), relations=(RelationType("R", "#1", "", (), ("GPE",)),))
    merged, _notes = union(ours, theirs)
    assert merged.relation_type("R") == RelationType("R", "#1", "", (), ("ORG", "GPE"))


def _span(i: int, start: int, end: int, label: str) -> Span:
    return Span(i, 1, "ali", CodePoint(start), CodePoint(end), label, {"mention": "NAM"})


def test_fit_drops_what_the_schema_cannot_hold_and_counts_it() -> None:
    schema = replace(_base(), attributes=(Attribute("mention", ("NAM",)),))
    attack = Event(
        9,
        1,
        "ali",
        "Conflict.Attack",
        1,
        (Argument("Attacker", 2), Argument("Weapon-Used", 5), Argument("Place", 3)),
    )
    bundle = Bundle(
        (
            _span(1, 0, 4, "Conflict.Attack"),
            _span(2, 5, 9, "PER"),
            _span(3, 10, 12, "DRUG"),  # not in the schema: its argument and relation go with it
            _span(4, 13, 15, "GPE"),
            _span(5, 16, 18, "WEA"),
        ),
        (attack,),
        (
            Relation(7, 1, "ali", "PHYS", 2, 4),
            Relation(8, 1, "ali", "CAUSE", 2, 4),
            Relation(6, 1, "ali", "PHYS", 3, 4),
        ),
    )
    kept, dropped = fit(bundle, schema)
    assert [s.label for s in kept.spans] == ["Conflict.Attack", "PER", "GPE", "WEA"]
    assert kept.spans[1].attributes == {"mention": "NAM"}
    assert kept.events[0].arguments == (Argument("Attacker", 2),)
    assert [r.id for r in kept.relations] == [7]
    assert dropped == {
        "span DRUG": 1,
        "argument Weapon-Used of Conflict.Attack": 1,
        "relation CAUSE": 1,
    }


def test_fit_in_strict_mode_drops_arguments_and_relations_with_disallowed_labels() -> None:
    schema = replace(_base(), role_check="strict")
    attack = Event(9, 1, "ali", "Conflict.Attack", 1, (Argument("Place", 2),))
    bundle = Bundle(
        (_span(1, 0, 4, "Conflict.Attack"), _span(2, 5, 9, "PER"), _span(3, 10, 12, "ORG")),
        (attack,),
        (Relation(7, 1, "ali", "PHYS", 3, 2),),  # PHYS: PER/FAC/... -> places, not ORG -> PER
    )
    kept, dropped = fit(bundle, schema)
    assert kept.events[0].arguments == ()
    assert kept.relations == ()
    assert dropped == {"argument Place of Conflict.Attack": 1, "relation PHYS": 1}
    lenient, nothing = fit(bundle, _base())
    assert lenient == bundle and not nothing
