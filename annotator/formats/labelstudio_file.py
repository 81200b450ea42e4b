"""The Label Studio export on disk: ``OUT.json`` (a JSON array of tasks) and ``OUT.config.xml``.

Both are written to new temporary files beside their targets and renamed into place
only when the export finishes (see :mod:`annotator.formats.files`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from annotator.core.schema import Schema
from annotator.formats import labelstudio, target
from annotator.formats.base import AnnotatedDocument
from annotator.formats.tagging import WriteStats


class LabelStudioWriter:
    """Writes tasks one by one into a JSON array, then the labeling config beside it."""

    def __init__(self, out: Path, schema: Schema, protected: tuple[Path, ...] = ()) -> None:
        self.stats = WriteStats()
        self._out = out
        self._schema = schema
        self._config = Path(labelstudio.config_path(out))
        if any(target.same_file(self._config, p) for p in protected):
            raise target.OutputRefused(f"Export would overwrite the open project {self._config}.")
        self._labels: set[str] = set()
        self._links: set[str] = set()
        fd, self._tmp = target.new_temp_file(out)
        self._handle: TextIO = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        self._first = True

    def write(self, doc: AnnotatedDocument) -> None:
        """Append one task."""
        ident = self.stats.documents + 1
        self._handle.write(("[\n" if self._first else ",\n") + labelstudio.dumps(doc, ident))
        self._first = False
        self._labels.update(s.label for s in doc.spans)
        self._links.update(r.type for r in doc.relations)
        self._links.update(a.role for e in doc.events for a in e.arguments)
        self.stats.documents += 1

    def finish(self) -> None:
        """Close the array, write the config, and rename both into place."""
        self._handle.write("[]\n" if self._first else "\n]\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        known = {lb.name for lb in self._schema.labels} | {e.name for e in self._schema.events}
        rels = {r.name for r in self._schema.relations}
        rels |= {role.name for e in self._schema.events for role in e.roles}
        xml = labelstudio.config_xml(self._schema, self._labels - known, self._links - rels)
        fd, tmp = target.new_temp_file(self._config)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(xml)
        os.replace(tmp, self._config)
        os.replace(self._tmp, self._out)

    def abort(self) -> None:
        """Close and delete the temporary file (only the one this writer made)."""
        try:
            self._handle.close()
        except OSError:
            pass
        finally:
            self._tmp.unlink(missing_ok=True)
