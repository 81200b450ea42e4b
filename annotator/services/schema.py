"""The project's schema: read, replace, export and import it."""

from __future__ import annotations

from pathlib import Path

from annotator.core import schema as schema_io
from annotator.core.schema import Schema
from annotator.core.signal import Signal
from annotator.store.repository import Repository


class SchemaService:
    """Holds the project's schema; every change is validated and stored at once.

    Signals:
        changed: emitted with the new :class:`Schema` after it is stored.
    """

    def __init__(self, repo: Repository) -> None:
        self._repo = repo
        body = repo.schema_json()
        if body is None:
            self._schema = schema_io.default_schema()
            repo.set_schema_json(schema_io.to_json(self._schema))
        else:
            self._schema = schema_io.from_json(body)
        self.changed: Signal[Schema] = Signal()

    @property
    def schema(self) -> Schema:
        """The current schema."""
        return self._schema

    def replace(self, schema: Schema) -> None:
        """Validate and store a new schema."""
        schema_io.validate(schema)
        self._repo.set_schema_json(schema_io.to_json(schema))
        self._schema = schema
        self.changed.emit(schema)

    def export_to(self, path: Path) -> None:
        """Write the schema to a JSON file a team can share."""
        Path(path).write_text(schema_io.to_json(self._schema), encoding="utf-8")

    def import_from(self, path: Path) -> Schema:
        """Replace the schema with one read from a JSON file (validated first)."""
        schema = schema_io.from_json(Path(path).read_text(encoding="utf-8"))
        self.replace(schema)
        return schema
