"""Error types that carry a message meant for the user."""

from __future__ import annotations

from collections.abc import Iterable


class AnnotatorError(Exception):
    """Base class: ``str(error)`` is a complete sentence a user can act on."""


class DocumentRejected(AnnotatorError):
    """A file could not be imported as a document.

    Attributes:
        name: the file's name or path, as the user gave it.
        reason: why it was rejected, e.g. "is not valid UTF-8 (byte 0xff at offset 12)".
    """

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


class SpanError(AnnotatorError):
    """A span's offsets or label are not acceptable."""


class SchemaError(AnnotatorError):
    """A schema file or a schema edit is invalid."""


class ProjectError(AnnotatorError):
    """A project database cannot be opened or used."""


class EventError(AnnotatorError):
    """An event or relation edit is not acceptable (the project is unchanged)."""


class StaleEditError(AnnotatorError):
    """An undo or redo step no longer matches the project, so it was not applied.

    Something outside the undo stack (an import, a schema edit, another
    program) changed the rows that step would touch.
    """


class ReadOnlyError(ProjectError):
    """The project was opened read-only, so nothing can be changed."""


class AnnotatorKindError(AnnotatorError):
    """A change would write a layer of another kind (a person's edit into gold, or back)."""


class RightsError(AnnotatorError):
    """The team's server refused a change the person's login has no right to (ADR 0024)."""


class MergeCancelled(AnnotatorError):
    """The user cancelled a merge; the file being merged was not stored."""


class WorkCancelled(AnnotatorError):
    """The user cancelled long work before it wrote anything (pre-merge, Tag all)."""


def no_document_named(project_file: str, missing: Iterable[str]) -> str:
    """The sentence for document names that ``project_file`` has no document for."""
    return f"{project_file} has no document named " + ", ".join(repr(n) for n in missing) + "."
