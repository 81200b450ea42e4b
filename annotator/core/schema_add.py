"""What an import adds to the schema with ``--add-labels``: labels, event types, roles,
relation types and attributes that a file uses or declares and the schema lacks.

Readers collect names in :class:`Additions` (through ``ReadOptions``' checks);
:func:`apply` turns them into a new schema inside the import's transaction, so
the schema additions and the file's annotations are stored together. Nothing
already in the schema is changed, except that an attribute gains the values
and targets it lacks and an event type gains the roles it lacks.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from annotator.core.schema import Attribute, EventType, Label, RelationType, Role, Schema

EVENT = "\x00event"  # the owner of an event attribute (no label can be this name)
ENTITY = "\x00entity"  # the owner of an attribute of any entity span
PALETTE = ("#8e24aa", "#00897b", "#f4511e", "#3949ab", "#c0ca33", "#6d4c41", "#d81b60")


def color_for(name: str) -> str:
    """A colour for a new schema entry, fixed by its name."""
    return PALETTE[sum(map(ord, name)) % len(PALETTE)]


@dataclass
class Additions:
    """Names met while reading that the schema may lack.

    ``events`` maps an event type to its roles, each with the labels allowed
    to fill it (empty: any); ``relations`` maps a type to the labels allowed
    at each end; ``attributes`` maps a name to its values and to what carries
    it: :data:`EVENT`, or the label of a span that carries it.
    """

    labels: set[str] = field(default_factory=set)
    events: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    relations: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)
    attributes: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.labels or self.events or self.relations or self.attributes)

    def event(self, name: str, role: str = "", allowed: set[str] | None = None) -> None:
        """Note an event type, and a role of it with the labels allowed to fill it."""
        roles = self.events.setdefault(name, {})
        if role:
            roles.setdefault(role, set()).update(allowed or ())

    def relation(
        self, name: str, arg1: set[str] | None = None, arg2: set[str] | None = None
    ) -> None:
        """Note a relation type and the labels allowed at its ends (none given: any)."""
        ends = self.relations.setdefault(name, (set(), set()))
        ends[0].update(arg1 or ())
        ends[1].update(arg2 or ())

    def attribute(self, name: str, value: str, owner: str) -> None:
        """Note an attribute, a value of it ("" for a flag) and what carries it."""
        values, owners = self.attributes.setdefault(name, (set(), set()))
        if value:
            values.add(value)
        owners.add(owner)


def apply(schema: Schema, add: Additions) -> Schema:
    """``schema`` with every name of ``add`` that it lacks (see the module docstring)."""
    labels = list(schema.labels)
    known = schema.span_label_names()
    for name in sorted(add.labels - set(add.events) - known):
        labels.append(Label(name, color_for(name)))
    events = [_with_roles(e, add.events.get(e.name, {})) for e in schema.events]
    for name in sorted(set(add.events) - known):
        roles = add.events[name]
        events.append(
            EventType(
                name,
                color_for(name),
                roles=tuple(Role(r, tuple(sorted(roles[r]))) for r in sorted(roles)),
            )
        )
    relations = list(schema.relations)
    for name in sorted(set(add.relations) - {r.name for r in schema.relations}):
        arg1, arg2 = add.relations[name]
        relations.append(
            RelationType(name, color_for(name), arg1=tuple(sorted(arg1)), arg2=tuple(sorted(arg2)))
        )
    out = replace(schema, labels=tuple(labels), events=tuple(events), relations=tuple(relations))
    return replace(out, attributes=_attributes(out, add))


def _with_roles(event: EventType, roles: dict[str, set[str]]) -> EventType:
    new = [Role(r, tuple(sorted(roles[r]))) for r in sorted(roles) if event.role(r) is None]
    return replace(event, roles=(*event.roles, *new)) if new else event


def _attributes(schema: Schema, add: Additions) -> tuple[Attribute, ...]:
    out = list(schema.attributes)
    for name in sorted(add.attributes):
        values, owners = add.attributes[name]
        targets = {_target(schema, owner) for owner in owners} - {""}
        found = next((i for i, a in enumerate(out) if a.name == name), None)
        if found is None:
            if values and targets:  # a flag attribute (no value) has no closed choice to declare
                out.append(Attribute(name, tuple(sorted(values)), _ordered(targets)))
            continue
        old = out[found]
        more_values = tuple(sorted(values - set(old.values)))
        more_targets = _ordered(targets - set(old.targets))
        if more_values or more_targets:
            out[found] = replace(
                old, values=old.values + more_values, targets=old.targets + more_targets
            )
    return tuple(out)


def _target(schema: Schema, owner: str) -> str:
    if owner == EVENT:
        return "event"
    if owner == ENTITY:
        return "entity"
    label = schema.label(owner)
    return label.kind if label is not None else ""  # triggers carry no span attributes


def _ordered(targets: set[str]) -> tuple[str, ...]:
    return tuple(t for t in ("entity", "value", "event") if t in targets)


def summary(before: Schema, after: Schema) -> str:
    """One sentence naming what ``after`` adds to ``before`` ("" for nothing)."""
    parts = []
    for what, old, new in (
        ("labels", before.labels, after.labels),
        ("event types", before.events, after.events),
        ("relation types", before.relations, after.relations),
        ("attributes", before.attributes, after.attributes),
    ):
        names = sorted({n.name for n in new} - {o.name for o in old})
        if names:
            parts.append(f"{what} " + ", ".join(names))
    roles = sorted(
        f"{e.name} {r.name}"
        for old in before.events
        for e in after.events
        if e.name == old.name
        for r in e.roles
        if old.role(r.name) is None
    )
    if roles:
        parts.append("roles " + ", ".join(roles))
    return "Added to the schema: " + "; ".join(parts) + "." if parts else ""
