"""The annotation schema: entity labels, event types with roles, relation types.

A schema is plain data, loaded from and saved to JSON. The default schema is
ACE 2005 (``annotator/assets/ace2005.json``). Each project stores its own copy.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from typing import Any

from annotator.core.errors import SchemaError
from annotator.core.names import name_problem
from annotator.core.printable import escape_controls

LABEL_KINDS = ("entity", "value")  # what a span label marks


@dataclass(frozen=True)
class Label:
    """An entity or value type that a span can carry.

    ``kind`` is "entity" (PER, ORG, ...) or "value" (TIME, MONEY, ...).
    """

    name: str
    color: str
    hotkey: str = ""
    description: str = ""
    kind: str = "entity"


@dataclass(frozen=True)
class Role:
    """An argument slot of an event type. An empty ``allowed`` admits any label."""

    name: str
    allowed: tuple[str, ...] = ()
    hotkey: str = ""


@dataclass(frozen=True)
class EventType:
    """An event type (e.g. Conflict.Attack); its trigger spans carry this name as label."""

    name: str
    color: str
    hotkey: str = ""
    roles: tuple[Role, ...] = ()
    description: str = ""

    def role(self, name: str) -> Role | None:
        """The role called ``name``, if the type has one."""
        return next((r for r in self.roles if r.name == name), None)


@dataclass(frozen=True)
class RelationType:
    """A relation type with the labels allowed at each end (empty = any)."""

    name: str
    color: str
    hotkey: str = ""
    arg1: tuple[str, ...] = ()
    arg2: tuple[str, ...] = ()
    description: str = ""


ATTRIBUTE_TARGETS = ("entity", "value", "event")
NOTE = "note"  # the span or event attribute that holds a free-text note (not a schema choice)


@dataclass(frozen=True)
class Attribute:
    """A closed-choice attribute of spans or events (e.g. ACE mention type, event tense).

    ``targets`` says what carries it: "entity" or "value" (spans whose label has
    that kind) and/or "event" (events). ``hotkey`` cycles the value of the
    selected span or event; an unset attribute is stored as no value at all.
    """

    name: str
    values: tuple[str, ...]
    targets: tuple[str, ...] = ("entity",)
    hotkey: str = ""
    description: str = ""


@dataclass(frozen=True)
class Schema:
    """Everything a project can annotate with."""

    name: str
    labels: tuple[Label, ...] = ()
    events: tuple[EventType, ...] = ()
    relations: tuple[RelationType, ...] = ()
    role_check: str = "lenient"  # or "strict"
    version: int = 1
    attributes: tuple[Attribute, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def entity_labels(self) -> tuple[Label, ...]:
        """Labels of kind "entity"."""
        return tuple(label for label in self.labels if label.kind == "entity")

    def label(self, name: str) -> Label | None:
        """The span label called ``name``."""
        return next((lb for lb in self.labels if lb.name == name), None)

    def event_type(self, name: str) -> EventType | None:
        """The event type called ``name``."""
        return next((e for e in self.events if e.name == name), None)

    def relation_type(self, name: str) -> RelationType | None:
        """The relation type called ``name``."""
        return next((r for r in self.relations if r.name == name), None)

    def span_label_names(self) -> set[str]:
        """Every name a span may carry: entity/value labels and event types (triggers)."""
        return {lb.name for lb in self.labels} | {e.name for e in self.events}

    def span_attributes(self, label: str) -> tuple[Attribute, ...]:
        """Attributes a span with ``label`` can carry (none for triggers or unknown labels)."""
        found = self.label(label)
        if found is None:
            return ()
        return tuple(a for a in self.attributes if found.kind in a.targets)

    def event_attributes(self) -> tuple[Attribute, ...]:
        """Attributes an event can carry."""
        return tuple(a for a in self.attributes if "event" in a.targets)

    def color_of(self, name: str) -> str:
        """Colour for a span label or event type; grey if unknown."""
        item = self.label(name) or self.event_type(name)
        return item.color if item else "#9e9e9e"

    def hotkeys(self) -> dict[str, str]:
        """Map each hotkey to the name of the label, event or relation type it triggers."""
        keys: dict[str, str] = {}
        for item in self.items():
            if item.hotkey:
                keys[item.hotkey] = item.name
        return keys

    def items(self) -> list[Label | EventType | RelationType]:
        """Every label, event type and relation type, in that order."""
        return [*self.labels, *self.events, *self.relations]

    def with_label(self, label: Label) -> Schema:
        """A copy with ``label`` added, or replacing the label of the same name."""
        labels = [lb for lb in self.labels if lb.name != label.name] + [label]
        return replace(self, labels=tuple(labels))


def validate(schema: Schema) -> None:
    """Raise :class:`SchemaError` on bad fields, duplicate names, hotkey clashes or bad roles."""
    _validate_fields(schema)
    names: set[str] = set()
    for name in [lb.name for lb in schema.labels] + [e.name for e in schema.events]:
        if name in names:
            raise SchemaError(f"The name {name!r} is used twice in the schema.")
        names.add(name)
    seen_rel: set[str] = set()
    for rel in schema.relations:
        if rel.name in seen_rel:
            raise SchemaError(f"The relation type {rel.name!r} is defined twice.")
        seen_rel.add(rel.name)
    keys: dict[str, str] = {}
    for item in schema.items():
        if not item.hotkey:
            continue
        norm = item.hotkey.lower()
        if norm in keys:
            raise SchemaError(
                f"The hotkey {item.hotkey} is given to both {keys[norm]} and {item.name}."
            )
        keys[norm] = item.name
    _validate_attributes(schema, keys)
    if schema.role_check not in ("lenient", "strict"):
        raise SchemaError("role_check must be 'lenient' or 'strict'.")


_WHAT = {Label: "label", EventType: "event type", RelationType: "relation type", Role: "role"}


def _validate_fields(schema: Schema) -> None:
    """Every name is non-empty text; colours, hotkeys and descriptions are text."""
    items: list[Label | EventType | RelationType | Role] = list(schema.items())
    items += [role for ev in schema.events for role in ev.roles]
    for item in items:
        what = _WHAT[type(item)]
        if not isinstance(item.name, str) or not item.name.strip():
            raise SchemaError(f"A {what} name must be non-empty text, not {item.name!r:.40}.")
        problem = name_problem(item.name, f"{what} name")
        if problem is not None:
            shown = escape_controls(item.name[:60])
            raise SchemaError(f"{problem[0].upper()}{problem[1:]}: «{shown}».")
        for field_name in ("color", "hotkey", "description", "kind"):
            value = getattr(item, field_name, "")
            if not isinstance(value, str):
                raise SchemaError(
                    f"The {field_name} of the {what} {item.name!r} must be text, not {value!r:.40}."
                )
    for label in schema.labels:
        if label.kind not in LABEL_KINDS:
            raise SchemaError(
                f"The label {label.name!r} has kind {label.kind!r}; it must be 'entity' or 'value'."
            )


def _validate_attributes(schema: Schema, keys: dict[str, str]) -> None:
    seen: set[str] = set()
    for attr in schema.attributes:
        if attr.name in seen:
            raise SchemaError(f"The attribute {attr.name!r} is defined twice.")
        seen.add(attr.name)
        if not attr.values or any(not v for v in attr.values):
            raise SchemaError(f"The attribute {attr.name!r} needs non-empty values.")
        if not attr.targets or any(t not in ATTRIBUTE_TARGETS for t in attr.targets):
            raise SchemaError(
                f"The attribute {attr.name!r} applies to 'entity', 'value' or 'event'."
            )
        norm = attr.hotkey.lower()
        if norm and norm in keys:
            raise SchemaError(
                f"The hotkey {attr.hotkey} is given to both {keys[norm]} and {attr.name}."
            )
        if norm:
            keys[norm] = attr.name


def _attribute(data: dict[str, Any]) -> Attribute:
    return Attribute(
        name=str(data["name"]),
        values=_tuple(data.get("values")),
        targets=_tuple(data.get("targets", ("entity",))),
        hotkey=str(data.get("hotkey", "")),
        description=str(data.get("description", "")),
    )


def to_dict(schema: Schema) -> dict[str, Any]:
    """JSON-ready form of a schema."""
    data = asdict(schema)
    extra = data.pop("extra", {})
    if not data["attributes"]:
        del data["attributes"]  # older schemas had none: keep their JSON as it was
    data.update(extra)
    return data


def to_json(schema: Schema) -> str:
    """Serialize a schema as pretty JSON (UTF-8, Arabic kept readable)."""
    return json.dumps(to_dict(schema), ensure_ascii=False, indent=2) + "\n"


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (value or ()))


def from_dict(data: dict[str, Any]) -> Schema:
    """Build and validate a schema from parsed JSON; raise :class:`SchemaError`."""
    if not isinstance(data, dict):
        raise SchemaError("A schema must be a JSON object.")
    try:
        labels = tuple(Label(**lb) for lb in data.get("labels", []))
        events = tuple(
            EventType(
                name=e["name"],
                color=e.get("color", "#9e9e9e"),
                hotkey=e.get("hotkey", ""),
                description=e.get("description", ""),
                roles=tuple(
                    Role(r["name"], _tuple(r.get("allowed")), r.get("hotkey", ""))
                    for r in e.get("roles", [])
                ),
            )
            for e in data.get("events", [])
        )
        relations = tuple(
            RelationType(
                name=r["name"],
                color=r.get("color", "#9e9e9e"),
                hotkey=r.get("hotkey", ""),
                arg1=_tuple(r.get("arg1")),
                arg2=_tuple(r.get("arg2")),
                description=r.get("description", ""),
            )
            for r in data.get("relations", [])
        )
        attributes = tuple(_attribute(a) for a in data.get("attributes", []))
    except (KeyError, TypeError) as exc:
        raise SchemaError(f"The schema is malformed: {exc}") from None
    known = {"name", "labels", "events", "relations", "role_check", "version", "attributes"}
    schema = Schema(
        name=str(data.get("name", "Untitled schema")),
        labels=labels,
        events=events,
        relations=relations,
        role_check=str(data.get("role_check", "lenient")),
        version=_version(data.get("version", 1)),
        attributes=attributes,
        extra={k: v for k, v in data.items() if k not in known},
    )
    validate(schema)
    return schema


def _version(value: object) -> int:
    if type(value) is not int:
        raise SchemaError(f"The schema's version must be an integer, not {str(value)[:40]!r}.")
    return value


def from_json(text: str) -> Schema:
    """Parse a schema from JSON text; raise :class:`SchemaError` on any problem."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise SchemaError("The schema is not valid JSON: it is nested too deeply.") from None
    except ValueError as exc:  # JSONDecodeError, or an integer with thousands of digits
        raise SchemaError(f"The schema is not valid JSON: {exc}") from None
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise SchemaError("The schema contains an unpaired surrogate (\\ud800-\\udfff).") from None
    return from_dict(data)


def default_schema() -> Schema:
    """The bundled ACE 2005 schema."""
    text = resources.files("annotator.assets").joinpath("ace2005.json").read_text("utf-8")
    return from_json(text)
