"""Pure edits of a :class:`Schema`: rename, delete, add or replace one item.

Nothing here touches the database; :mod:`annotator.services.schema` pairs
these with the annotations that use the item, so the two change together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal, TypeVar

from annotator.core.errors import SchemaError
from annotator.core.schema import EventType, Label, RelationType, Role, Schema

Kind = Literal["label", "event", "role", "relation"]
Item = Label | EventType | RelationType | Role


@dataclass(frozen=True)
class Target:
    """One schema item: a label, an event type, a relation type, or a role of an event type.

    ``parent`` is the event type's name for a role, else "".
    """

    kind: Kind
    name: str
    parent: str = ""

    def describe(self) -> str:
        """E.g. "event type Conflict.Attack" or "role Attacker of Conflict.Attack"."""
        if self.kind == "role":
            return f"role {self.name} of {self.parent}"
        return {"label": "label", "event": "event type", "relation": "relation type"}[
            self.kind
        ] + f" {self.name}"


def _swap(names: tuple[str, ...], old: str, new: str) -> tuple[str, ...]:
    return tuple(new if n == old else n for n in names)


def find(schema: Schema, target: Target) -> Item | None:
    """The item ``target`` names, or None."""
    if target.kind == "label":
        return schema.label(target.name)
    if target.kind == "event":
        return schema.event_type(target.name)
    if target.kind == "relation":
        return schema.relation_type(target.name)
    etype = schema.event_type(target.parent)
    return etype.role(target.name) if etype else None


def _require(schema: Schema, target: Target) -> Item:
    item = find(schema, target)
    if item is None:
        raise SchemaError(f"The schema has no {target.describe()}.")
    return item


def _map_roles(
    schema: Schema, event: str, fn: Callable[[tuple[Role, ...]], tuple[Role, ...]]
) -> Schema:
    events = tuple(replace(e, roles=fn(e.roles)) if e.name == event else e for e in schema.events)
    return replace(schema, events=events)


def rename(schema: Schema, target: Target, new: str) -> Schema:
    """A copy with the item renamed, and every reference to it in the schema."""
    _require(schema, target)
    new = new.strip()
    if not new:
        raise SchemaError("A name cannot be empty.")
    old = target.name
    if target.kind == "label":
        return replace(
            schema,
            labels=tuple(replace(lb, name=new) if lb.name == old else lb for lb in schema.labels),
            events=tuple(
                replace(
                    e, roles=tuple(replace(r, allowed=_swap(r.allowed, old, new)) for r in e.roles)
                )
                for e in schema.events
            ),
            relations=tuple(
                replace(r, arg1=_swap(r.arg1, old, new), arg2=_swap(r.arg2, old, new))
                for r in schema.relations
            ),
        )
    if target.kind == "event":
        return replace(
            schema,
            events=tuple(replace(e, name=new) if e.name == old else e for e in schema.events),
        )
    if target.kind == "relation":
        return replace(
            schema,
            relations=tuple(replace(r, name=new) if r.name == old else r for r in schema.relations),
        )
    etype = schema.event_type(target.parent)
    if etype is not None and etype.role(new) is not None:
        raise SchemaError(f"{target.parent} already has a role {new!r}.")
    return _map_roles(
        schema,
        target.parent,
        lambda roles: tuple(replace(r, name=new) if r.name == old else r for r in roles),
    )


def delete(schema: Schema, target: Target) -> Schema:
    """A copy without the item (role and relation constraints naming it are kept as they are)."""
    _require(schema, target)
    name = target.name
    if target.kind == "label":
        return replace(schema, labels=tuple(lb for lb in schema.labels if lb.name != name))
    if target.kind == "event":
        return replace(schema, events=tuple(e for e in schema.events if e.name != name))
    if target.kind == "relation":
        return replace(schema, relations=tuple(r for r in schema.relations if r.name != name))
    return _map_roles(
        schema, target.parent, lambda roles: tuple(r for r in roles if r.name != name)
    )


def put(schema: Schema, item: Item, parent: str = "", old_name: str = "") -> Schema:
    """A copy with ``item`` added, or replacing the item called ``old_name`` in place.

    ``old_name`` must equal ``item.name`` here: renames that touch annotations go
    through :func:`rename`. ``parent`` names the event type when ``item`` is a Role.
    """
    key = old_name or item.name
    if isinstance(item, Role):
        if schema.event_type(parent) is None:
            raise SchemaError(f"The schema has no event type {parent}.")
        return _map_roles(schema, parent, lambda roles: _put_in(roles, item, key))
    if isinstance(item, Label):
        return replace(schema, labels=_put_in(schema.labels, item, key))
    if isinstance(item, EventType):
        return replace(schema, events=_put_in(schema.events, item, key))
    return replace(schema, relations=_put_in(schema.relations, item, key))


T = TypeVar("T", Label, EventType, RelationType, Role)


def _put_in(items: tuple[T, ...], item: T, key: str) -> tuple[T, ...]:
    if any(i.name == key for i in items):
        return tuple(item if i.name == key else i for i in items)
    return items + (item,)
