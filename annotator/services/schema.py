"""The project's schema: read, replace, edit, export and import it.

Renaming or deleting a type changes the annotations that use it in the same
transaction as the schema. Each such edit is a :class:`SchemaChange` whose
``inverse()`` undoes it exactly (annotation ids are kept).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from annotator import errorlog
from annotator.core import cascade, schema_add
from annotator.core import schema as schema_io
from annotator.core.change import Change, Origin, split_by_layer
from annotator.core.errors import DocumentRejected, SchemaError
from annotator.core.location import Location
from annotator.core.model import Argument, Bundle, Event, Relation, Span
from annotator.core.schema import EventType, Label, Role, Schema
from annotator.core.signal import Signal
from annotator.core.text import decode_document, read_input
from annotator.formats import brat_conf
from annotator.formats.base import FormatError, ReadOptions
from annotator.formats.target import project_files, write_text
from annotator.services import schema_edit
from annotator.services.schema_edit import Item, Target

if TYPE_CHECKING:
    from annotator.services.write import Reads, WriteService
    from annotator.store.repository import Repository


class Uses(Protocol):
    """Where the annotations using a schema item are found: the repository (to plan
    and confirm) or the write transaction (to check the plan still holds)."""

    def touching(self, span_ids: Iterable[int]) -> tuple[list[Event], list[Relation]]:
        """Events and relations that use any of these spans."""
        ...

    def spans_with_labels(self, labels: Iterable[str]) -> list[Span]:
        """Every span whose label is one of ``labels``."""
        ...

    def events_of_types(self, types: Iterable[str]) -> list[Event]:
        """Every event whose type is one of ``types``."""
        ...

    def relations_of_types(self, types: Iterable[str]) -> list[Relation]:
        """Every relation whose type is one of ``types``."""
        ...


# the annotations a schema edit removes and adds, found through Uses
Replan = Callable[[Uses], tuple[Bundle, Bundle]]


@dataclass(frozen=True)
class SchemaChange:
    """A schema edit and the annotation edit that goes with it, applied together.

    ``replan`` finds the annotations again; :meth:`SchemaService.apply` runs it
    inside the write transaction and refuses the change if they differ from
    ``remove`` and ``add`` (what the user confirmed). Its inverse has none.
    """

    before: Schema
    after: Schema
    remove: Bundle = Bundle()
    add: Bundle = Bundle()
    description: str = ""
    replan: Replan | None = field(default=None, compare=False, repr=False)

    def inverse(self) -> SchemaChange:
        """The change that undoes this one."""
        return SchemaChange(self.after, self.before, self.add, self.remove, self.description)

    def removed_count(self) -> int:
        """How many annotations (spans, events, arguments, relations) this change deletes."""
        kept_spans = {sp.id for sp in self.add.spans}
        kept_rels = {r.id for r in self.add.relations}
        new_events = {e.id: e for e in self.add.events}
        n = sum(1 for sp in self.remove.spans if sp.id not in kept_spans)
        n += sum(1 for r in self.remove.relations if r.id not in kept_rels)
        for e in self.remove.events:
            after = new_events.get(e.id)
            n += 1 if after is None else max(0, len(e.arguments) - len(after.arguments))
        return n


class SchemaService:
    """Plans schema edits; every change is applied by the write service.

    Signals:
        changed: emitted with the new :class:`Schema` after it is stored (by
            this window, an import, or another program noticed on a write).
    """

    def __init__(
        self, repo: Repository, write: WriteService, project: Location | None = None
    ) -> None:
        self._repo = repo
        self._write = write
        self._protected = project_files(project) if project is not None else ()
        self.changed: Signal[Schema] = Signal(errorlog.record)
        write.changed.connect(self._on_change)

    def _on_change(self, change: Change) -> None:
        if change.schema_after is not None:
            self.changed.emit(change.schema_after)

    @property
    def _schema(self) -> Schema:
        return self._write.schema

    @property
    def schema(self) -> Schema:
        """The current schema."""
        return self._write.schema

    def replace(self, schema: Schema) -> None:
        """Validate and store a new schema (annotations are left as they are)."""
        self._write.replace_schema(schema)

    def set_role_check(self, mode: str) -> SchemaChange:
        """Plan switching role checks to "lenient" or "strict"."""
        return self._plain(replace(self._schema, role_check=mode), f"Role checks: {mode}")

    # -- planned edits: build a SchemaChange, then apply() it ----------------
    def plan_put(self, item: Item, parent: str = "") -> SchemaChange:
        """Plan adding ``item``, or replacing the item of the same name (colour, hotkey, roles)."""
        after = schema_edit.put(self._schema, item, parent)
        verb = "Edit" if schema_edit.find(self._schema, _target_of(item, parent)) else "Add"
        return self._plain(after, f"{verb} {_target_of(item, parent).describe()}")

    def plan_rename(self, target: Target, new: str) -> SchemaChange:
        """Plan renaming an item and every annotation that uses it.

        Raises:
            SchemaError: unknown item, empty or clashing name, or annotations
                already using the new name.
        """
        after = schema_edit.rename(self._schema, target, new)
        schema_io.validate(after)
        new = new.strip()

        def replan(uses: Uses) -> tuple[Bundle, Bundle]:
            if target.kind in ("label", "event") and uses.spans_with_labels([new]):
                raise SchemaError(f"Some spans already carry the label {new!r}; pick another name.")
            return _renamed(uses, target, new, after)

        remove, add = replan(self._repo)
        description = f"Rename {target.describe()} → {new}"
        return SchemaChange(self._schema, after, remove, add, description, replan)

    def plan_delete(self, target: Target) -> SchemaChange:
        """Plan deleting an item with every annotation that uses it.

        ``removed_count()`` of the result says how many annotations would go.
        """
        after = schema_edit.delete(self._schema, target)

        def replan(uses: Uses) -> tuple[Bundle, Bundle]:
            return _deleted(uses, target, after)

        remove, add = replan(self._repo)
        description = f"Delete {target.describe()}"
        return SchemaChange(self._schema, after, remove, add, description, replan)

    def apply(self, change: SchemaChange, origin: Origin = Origin.USER) -> SchemaChange:
        """Store ``change`` (schema and annotations) in one transaction.

        ``origin`` is UNDO when an undo stack replays a change or its inverse.

        Raises:
            SchemaError: the project's schema is no longer ``change.before``,
                or ``change.after`` is invalid (e.g. a hotkey clash).
        """
        as_change = Change(
            split_by_layer(change.remove, change.add, change.description),
            change.before,
            change.after,
            description=change.description,
            origin=origin,
        )
        replan = change.replan
        if origin is Origin.UNDO or replan is None:
            self._write.apply(as_change)
            return change

        def plan(reads: Reads, _schema: Schema) -> Change:
            remove, add = replan(reads)
            if not (_same(remove, change.remove) and _same(add, change.add)):
                raise SchemaError(
                    "The annotations it changes were changed since it was planned (by another "
                    "window or program), so nothing was changed. Try again to see what it "
                    "would change now."
                )
            return as_change

        self._write.apply_planned(plan)
        return change

    def _plain(self, after: Schema, description: str) -> SchemaChange:
        schema_io.validate(after)
        return SchemaChange(self._schema, after, description=description)

    def plan_import(self, path: Path) -> SchemaChange:
        """Plan replacing the schema with one read from a JSON file (validated first).

        Annotations are left as they are, even if the new schema lacks their types.
        A brat configuration (a ``.conf`` file, brat's ``annotation.conf``) adds what
        it declares and the schema lacks instead; nothing is removed.
        """
        path = Path(path)
        if path.suffix == ".conf":
            after = _with_brat_conf(path, self._schema)
            return SchemaChange(self._schema, after, description=f"Add from {path.name}")
        schema = _read_schema(path)
        return SchemaChange(self._schema, schema, description=f"Import schema {path.name}")

    def export_to(self, path: Path) -> None:
        """Write the schema to a JSON file a team can share, through the output guard.

        Never the project or its companions, nor another SQLite file or a device
        (:func:`annotator.formats.target.write_text`); all or nothing.
        """
        write_text(Path(path), schema_io.to_json(self._schema), self._protected)

    def import_from(self, path: Path) -> Schema:
        """Replace the schema with one read from a JSON file (validated first), or add what
        a brat ``.conf`` declares."""
        schema = self.plan_import(Path(path)).after
        self.replace(schema)
        return schema


def _renamed(uses: Uses, target: Target, new: str, after: Schema) -> tuple[Bundle, Bundle]:
    old = target.name
    if target.kind in ("label", "event"):
        spans = uses.spans_with_labels([old])
        events, relations = uses.touching(sp.id for sp in spans)
        relabelled = Bundle(tuple(replace(sp, label=new) for sp in spans))
        return cascade.expand(Bundle(tuple(spans)), relabelled, events, relations, after)
    evs: list[Event] = []
    rels: list[Relation] = []
    if target.kind == "role":
        evs = [
            e
            for e in uses.events_of_types([target.parent])
            if any(a.role == old for a in e.arguments)
        ]
    if target.kind == "relation":
        rels = uses.relations_of_types([old])
    remove = Bundle((), tuple(evs), tuple(rels))
    add = Bundle(
        (),
        tuple(_rename_in_event(e, target, new) for e in evs),
        tuple(replace(r, type=new) for r in rels),
    )
    return remove, add


def _deleted(uses: Uses, target: Target, after: Schema) -> tuple[Bundle, Bundle]:
    name = target.name
    if target.kind == "relation":
        return Bundle(relations=tuple(uses.relations_of_types([name]))), Bundle()
    if target.kind == "role":
        events = [
            e
            for e in uses.events_of_types([target.parent])
            if any(a.role == name for a in e.arguments)
        ]
        kept = tuple(
            replace(e, arguments=tuple(a for a in e.arguments if a.role != name)) for e in events
        )
        return Bundle(events=tuple(events)), Bundle(events=kept)
    spans = uses.spans_with_labels([name])
    events, relations = uses.touching(sp.id for sp in spans)
    return cascade.expand(Bundle(tuple(spans)), Bundle(), events, relations, after)


def _same(a: Bundle, b: Bundle) -> bool:
    """The same rows on both sides, in any order."""
    return all(
        set(x) == set(y)
        for x, y in ((a.spans, b.spans), (a.events, b.events), (a.relations, b.relations))
    )


def _read_schema(path: Path) -> Schema:
    """Read and validate a schema file; any problem is a :class:`SchemaError` naming it."""
    try:
        return schema_io.from_json(decode_document(read_input(path), str(path)))
    except DocumentRejected as exc:
        raise SchemaError(f"{exc} It cannot be read as a UTF-8 schema file.") from None
    except SchemaError as exc:
        raise SchemaError(f"{path}: {exc}") from None


def _with_brat_conf(path: Path, schema: Schema) -> Schema:
    """``schema`` plus what a brat ``annotation.conf`` declares (see ``formats.brat_conf``)."""
    try:
        text = decode_document(read_input(path), str(path))
        opts = ReadOptions(
            frozenset(schema.span_label_names()),
            frozenset(e.name for e in schema.events),
            frozenset(r.name for r in schema.relations),
            add_labels=True,
        )
        brat_conf.read_conf(text, str(path), opts)
        after = schema_add.apply(schema, opts.additions)
        schema_io.validate(after)
    except DocumentRejected as exc:
        raise SchemaError(f"{exc} It cannot be read as a UTF-8 brat configuration.") from None
    except (FormatError, SchemaError) as exc:
        raise SchemaError(f"{path}: {exc}" if isinstance(exc, SchemaError) else str(exc)) from None
    return after


def _target_of(item: Item, parent: str) -> Target:
    if isinstance(item, Role):
        return Target("role", item.name, parent)
    if isinstance(item, Label):
        return Target("label", item.name)
    if isinstance(item, EventType):
        return Target("event", item.name)
    return Target("relation", item.name)


def _rename_in_event(e: Event, target: Target, new: str) -> Event:
    if target.kind == "event" and e.type == target.name:
        return replace(e, type=new)
    if target.kind == "role" and e.type == target.parent:
        args = tuple(
            Argument(new if a.role == target.name else a.role, a.span_id) for a in e.arguments
        )
        return replace(e, arguments=args)
    return e
