"""The schemas of a merge: which files differ from ours in a way that needs a choice, and the
``--schema stop`` refusal that lists them (ADR 0012). Split from :mod:`.merge`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from annotator.core import schema_diff
from annotator.core.errors import AnnotatorError
from annotator.core.location import Location
from annotator.core.printable import escape_controls
from annotator.core.schema import Schema
from annotator.core.schema_diff import SchemaDiff

if TYPE_CHECKING:
    from annotator.services.merge import Source
    from annotator.services.project import Project


class MergeError(AnnotatorError):
    """A merge cannot be carried out as asked (nothing was changed)."""


def schema_conflicts(
    baseline: Schema, sources: Iterable[Source]
) -> list[tuple[Location, SchemaDiff]]:
    """The files whose schema differs from ``baseline`` in a way that needs a choice."""
    found = []
    for source in sources:
        diff = schema_diff.diff(baseline, source.schema)
        if diff.blocking:
            found.append((source.path, diff))
    return found


def conflicts_text(conflicts: list[tuple[Location, SchemaDiff]]) -> str:
    """The schema differences, one block per file."""
    lines = []
    for path, diff in conflicts:
        lines.append(escape_controls(f"{path.name}:"))
        lines += [escape_controls(f"  {line}") for line in diff.lines()]  # names may hold ESC
    return "\n".join(lines)


def refuse_on_conflicts(baseline: Schema, sources: list[Source]) -> None:
    """``--schema stop``: raise :class:`MergeError` listing the differences, if any."""
    conflicts = schema_conflicts(baseline, sources)
    if conflicts:
        raise MergeError(
            "The schemas differ, so nothing was merged (--schema stop). Choose --schema "
            "union to add their labels and types to ours, or --schema ours to keep ours "
            "and skip what does not fit.\n" + conflicts_text(conflicts)
        )


def baseline(team: Project, sources: list[Source]) -> tuple[Schema, list[Source]]:
    """The schema the files are compared with, and the files to compare.

    An empty project takes the first file's schema, so the others are compared with that.
    """
    if is_empty(team) and sources:
        return sources[0].schema, sources[1:]
    return team.write.schema, sources


def is_empty(project: Project) -> bool:
    """True for a project with no documents and no annotators (it takes the first schema)."""
    return not project.repo.document_ids() and not project.repo.identities()
