"""How two schemas differ, their union, and what of a layer fits a schema (used by merge).

Pure functions over :class:`~annotator.core.schema.Schema`:

- :func:`diff` lists what only "theirs" has, what only "ours" has, definitions
  that differ in meaning (a label's kind, an event type's roles and the labels
  they allow, a relation type's end labels, an attribute's values or targets,
  ``role_check``) and definitions that differ only in looks (colour, hotkey,
  description);
- :func:`union` keeps every item of ours and adds theirs (see its rules);
- :func:`fit` drops from a layer what a schema cannot hold, and counts it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TypeVar

from annotator.core.model import Bundle, Event, Span
from annotator.core.schema import Attribute, EventType, Label, RelationType, Role, Schema

Item = Label | EventType | RelationType | Attribute
T = TypeVar("T", EventType, RelationType, Attribute)


@dataclass(frozen=True)
class Difference:
    """One schema item that both sides define differently.

    ``kind`` is "label", "event type", "relation type", "attribute" or
    "setting"; ``detail`` says what differs, ours first.
    """

    kind: str
    name: str
    detail: str

    def line(self) -> str:
        """One line for a report."""
        return f"{self.kind} {self.name}: {self.detail}"


@dataclass(frozen=True)
class SchemaDiff:
    """What separates their schema from ours.

    Attributes:
        only_theirs: ``(kind, name)`` of items only their schema has.
        only_ours: ``(kind, name)`` of items only our schema has (their layers fit them).
        conflicts: items defined differently in meaning.
        cosmetic: items that differ only in colour, hotkey or description (ours is kept).
    """

    only_theirs: tuple[tuple[str, str], ...] = ()
    only_ours: tuple[tuple[str, str], ...] = ()
    conflicts: tuple[Difference, ...] = ()
    cosmetic: tuple[Difference, ...] = ()

    @property
    def blocking(self) -> bool:
        """True if their layers may not fit ours: a choice (union, ours, stop) is needed."""
        return bool(self.only_theirs or self.conflicts)

    def lines(self) -> list[str]:
        """The differences as report lines (empty when the schemas agree)."""
        out: list[str] = []
        if self.only_theirs:
            out.append("Only in theirs: " + _listing(self.only_theirs))
        for item in self.conflicts:
            out.append("Differs: " + item.line())
        if self.only_ours:
            out.append("Only in ours: " + _listing(self.only_ours))
        if self.cosmetic:
            out.append(
                "Differs in looks only (ours kept): "
                + "; ".join(item.line() for item in self.cosmetic)
            )
        return out


def _listing(items: Iterable[tuple[str, str]]) -> str:
    return ", ".join(f"{kind} {name}" for kind, name in items)


def _kinded(schema: Schema) -> dict[tuple[str, str], Item]:
    found: dict[tuple[str, str], Item] = {}
    for label in schema.labels:
        found["label", label.name] = label
    for etype in schema.events:
        found["event type", etype.name] = etype
    for rtype in schema.relations:
        found["relation type", rtype.name] = rtype
    for attr in schema.attributes:
        found["attribute", attr.name] = attr
    return found


def diff(ours: Schema, theirs: Schema) -> SchemaDiff:
    """Compare ``theirs`` (the other project's schema) with ``ours``."""
    mine, other = _kinded(ours), _kinded(theirs)
    conflicts: list[Difference] = []
    cosmetic: list[Difference] = []
    for key in [k for k in other if k in mine]:
        meaning, looks = _compare(mine[key], other[key])
        if meaning:
            conflicts.append(Difference(key[0], key[1], "; ".join(meaning)))
        elif looks:
            cosmetic.append(Difference(key[0], key[1], "; ".join(looks)))
    conflicts += _crossed(ours, theirs)
    if ours.role_check != theirs.role_check:
        detail = f"ours {ours.role_check}, theirs {theirs.role_check}"
        conflicts.append(Difference("setting", "role_check", detail))
    crossed = {d.name for d in conflicts if d.kind == "label/event type"}
    return SchemaDiff(
        only_theirs=tuple(k for k in other if k not in mine and k[1] not in crossed),
        only_ours=tuple(k for k in mine if k not in other and k[1] not in crossed),
        conflicts=tuple(conflicts),
        cosmetic=tuple(cosmetic),
    )


def _crossed(ours: Schema, theirs: Schema) -> list[Difference]:
    """Names that are a label on one side and an event type on the other."""
    out = []
    for a, b, side in ((ours, theirs, "ours"), (theirs, ours, "theirs")):
        for label in a.labels:
            if b.event_type(label.name) is not None:
                other = "theirs" if side == "ours" else "ours"
                detail = f"a label in {side}, an event type in {other}"
                out.append(Difference("label/event type", label.name, detail))
    return out


def _pair(field: str, ours: object, theirs: object) -> list[str]:
    return [] if ours == theirs else [f"{field} {_show(ours)} (ours) vs {_show(theirs)} (theirs)"]


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]" if value else "any"
    return repr(value)


def _compare(ours: Item, theirs: Item) -> tuple[list[str], list[str]]:
    """(differences in meaning, differences in looks) between two items of one kind."""
    looks = _pair("hotkey", ours.hotkey, theirs.hotkey)
    looks += _pair("description", ours.description, theirs.description)
    if isinstance(ours, Label) and isinstance(theirs, Label):
        return _pair("kind", ours.kind, theirs.kind), _pair("colour", ours.color, theirs.color)
    if isinstance(ours, EventType) and isinstance(theirs, EventType):
        return _roles(ours, theirs), looks + _pair("colour", ours.color, theirs.color)
    if isinstance(ours, RelationType) and isinstance(theirs, RelationType):
        meaning = _pair("first end", set(ours.arg1), set(theirs.arg1))
        meaning += _pair("second end", set(ours.arg2), set(theirs.arg2))
        return [m.replace("{", "[").replace("}", "]") for m in meaning], looks + _pair(
            "colour", ours.color, theirs.color
        )
    assert isinstance(ours, Attribute) and isinstance(theirs, Attribute)
    meaning = _pair("values", tuple(sorted(ours.values)), tuple(sorted(theirs.values)))
    meaning += _pair("targets", tuple(sorted(ours.targets)), tuple(sorted(theirs.targets)))
    return meaning, looks + _pair("value order", ours.values, theirs.values)


def _roles(ours: EventType, theirs: EventType) -> list[str]:
    out: list[str] = []
    mine = {r.name: r for r in ours.roles}
    other = {r.name: r for r in theirs.roles}
    extra = [n for n in other if n not in mine]
    missing = [n for n in mine if n not in other]
    if extra:
        out.append("roles only in theirs: " + ", ".join(extra))
    if missing:
        out.append("roles only in ours: " + ", ".join(missing))
    for name in [n for n in other if n in mine]:
        if set(mine[name].allowed) != set(other[name].allowed):
            a, b = tuple(sorted(mine[name].allowed)), tuple(sorted(other[name].allowed))
            out.append(f"role {name} allows {_show(a)} (ours) vs {_show(b)} (theirs)")
    return out


# -- union ----------------------------------------------------------------------------------
def union(ours: Schema, theirs: Schema) -> tuple[Schema, tuple[str, ...]]:
    """Our schema with everything of theirs added; returns it and notes on what was decided.

    Rules: an item only theirs have is added (its hotkey dropped if ours uses that
    key); an event type both have gets the roles of both, and a role, relation end
    or attribute both have allows what either allows ("any" wins); an
    attribute's values are ours followed by theirs' new ones. Where the two cannot
    be joined, ours is kept and a note says so: a label's kind, a name that is a
    label on one side and an event type on the other, and ``role_check``. Their
    annotations that still do not fit are then dropped by :func:`fit`.
    """
    notes: list[str] = []
    keys = {item.hotkey.lower() for item in [*ours.items(), *ours.attributes] if item.hotkey}
    span_names = ours.span_label_names()

    def free_key(item: Item) -> str:
        key = item.hotkey.lower()
        if not key:
            return ""
        if key in keys:
            notes.append(f"{item.name} added without its hotkey {item.hotkey} (ours uses it).")
            return ""
        keys.add(key)
        return item.hotkey

    labels = list(ours.labels)
    for label in theirs.labels:
        mine = ours.label(label.name)
        if label.name not in span_names:
            labels.append(replace(label, hotkey=free_key(label)))
        elif mine is None:
            notes.append(f"{label.name} is an event type in ours; their label was not added.")
        elif mine.kind != label.kind:
            notes.append(f"label {label.name} kept as {mine.kind} (theirs: {label.kind}).")
    events = _merged(
        ours.events, theirs.events, ours.label, free_key, notes, _join_event, "event type"
    )
    relations = _merged(
        ours.relations, theirs.relations, lambda _n: None, free_key, notes, _join_relation, ""
    )
    attributes = _merged(
        ours.attributes, theirs.attributes, lambda _n: None, free_key, notes, _join_attr, ""
    )
    if ours.role_check != theirs.role_check:
        notes.append(
            f"role_check kept as {ours.role_check} (theirs: {theirs.role_check}); "
            "their annotations that break it are dropped."
        )
    merged = replace(
        ours,
        labels=tuple(labels),
        events=tuple(events),
        relations=tuple(relations),
        attributes=tuple(attributes),
    )
    return merged, tuple(notes)


def _merged(
    ours: tuple[T, ...],
    theirs: tuple[T, ...],
    blocked: Callable[[str], Label | None],
    free_key: Callable[[Item], str],
    notes: list[str],
    join: Callable[[T, T], T],
    kind: str,
) -> list[T]:
    out = list(ours)
    index = {item.name: i for i, item in enumerate(out)}
    for item in theirs:
        if item.name in index:
            joined = join(out[index[item.name]], item)
            if joined != out[index[item.name]]:
                notes.append(f"{item.name}: definitions joined (what either allows is allowed).")
            out[index[item.name]] = joined
        elif blocked(item.name) is not None:
            notes.append(f"{item.name} is a label in ours; their {kind} was not added.")
        else:
            out.append(replace(item, hotkey=free_key(item)))
    return out


def _any_of(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    """What either list allows; an empty list allows anything."""
    if not a or not b:
        return ()
    return a + tuple(x for x in b if x not in a)


def _join_event(ours: EventType, theirs: EventType) -> EventType:
    other = {r.name: r for r in theirs.roles}
    roles = [
        replace(r, allowed=_any_of(r.allowed, other[r.name].allowed)) if r.name in other else r
        for r in ours.roles
    ]
    names = {r.name for r in ours.roles}
    used = {r.hotkey.lower() for r in ours.roles if r.hotkey}
    for role in theirs.roles:
        if role.name not in names:
            key = "" if role.hotkey.lower() in used else role.hotkey
            roles.append(Role(role.name, role.allowed, key))
    return replace(ours, roles=tuple(roles))


def _join_relation(ours: RelationType, theirs: RelationType) -> RelationType:
    return replace(ours, arg1=_any_of(ours.arg1, theirs.arg1), arg2=_any_of(ours.arg2, theirs.arg2))


def _join_attr(ours: Attribute, theirs: Attribute) -> Attribute:
    values = ours.values + tuple(v for v in theirs.values if v not in ours.values)
    targets = ours.targets + tuple(t for t in theirs.targets if t not in ours.targets)
    return replace(ours, values=values, targets=targets)


# -- fitting a layer into a schema ---------------------------------------------------------------
def fit(bundle: Bundle, schema: Schema) -> tuple[Bundle, Counter[str]]:
    """The part of ``bundle`` that ``schema`` can hold, and a count of what was dropped.

    Dropped: spans whose label the schema lacks (with the events they trigger and
    the relations they end; events lose them as arguments), arguments in roles the
    event type lacks, relations of unknown types, and in strict mode arguments and
    relation ends with labels their role or type does not allow. The counter's
    keys name what went, e.g. ``"span FOO"`` or ``"argument Victim of Life.Die"``.
    """
    dropped: Counter[str] = Counter()
    names = schema.span_label_names()
    spans = []
    for span in bundle.spans:
        if span.label in names:
            spans.append(span)
        else:
            dropped[f"span {span.label}"] += 1
    kept = {s.id: s for s in spans}
    events = []
    for event in bundle.events:
        fitted = _fit_event(event, kept, schema, dropped) if event.trigger_id in kept else None
        if fitted is not None:
            events.append(fitted)
    relations = []
    for rel in bundle.relations:
        a, b = kept.get(rel.arg1_id), kept.get(rel.arg2_id)
        if a is None or b is None:
            continue  # went with its span
        if _relation_fits(rel.type, a, b, schema):
            relations.append(rel)
        else:
            dropped[f"relation {rel.type}"] += 1
    return Bundle(tuple(spans), tuple(events), tuple(relations)), dropped


def _relation_fits(type_: str, a: Span, b: Span, schema: Schema) -> bool:
    rtype = schema.relation_type(type_)
    if rtype is None:
        return False
    if schema.role_check != "strict":
        return True
    return (not rtype.arg1 or a.label in rtype.arg1) and (not rtype.arg2 or b.label in rtype.arg2)


def _fit_event(
    event: Event, kept: dict[int, Span], schema: Schema, dropped: Counter[str]
) -> Event | None:
    etype = schema.event_type(event.type)
    if etype is None:  # its type is a label in this schema
        dropped[f"event {event.type}"] += 1
        return None
    args = []
    for arg in event.arguments:
        span = kept.get(arg.span_id)
        if span is None:
            continue  # went with its span
        role = etype.role(arg.role)
        strict = schema.role_check == "strict" and role is not None and role.allowed
        if role is None or (strict and span.label not in role.allowed):
            dropped[f"argument {arg.role} of {event.type}"] += 1
            continue
        args.append(arg)
    return replace(event, arguments=tuple(args))
