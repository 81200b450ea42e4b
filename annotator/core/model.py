"""Plain data objects for documents and annotations.

Offsets count Unicode code points in the stored text; ``end`` is exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from annotator.core.positions import CodePoint


class Status(StrEnum):
    """A document's progress for one annotator."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def display(self) -> str:
        """Human-readable name."""
        return {"new": "New", "in_progress": "In progress", "done": "Done"}[self.value]


@dataclass(frozen=True)
class Document:
    """A stored document. ``text`` is the source of truth for every span."""

    id: int
    name: str
    text: str
    sha256: str


@dataclass(frozen=True)
class DocumentSummary:
    """One row of the document list, for one annotator."""

    id: int
    name: str
    status: Status
    span_count: int
    length: int

    @property
    def worked_on(self) -> bool:
        """True if the annotator has spans here or a status past "new" (imports mark theirs)."""
        return bool(self.span_count) or self.status is not Status.NEW


@dataclass(frozen=True)
class Span:
    """A labelled range ``[start, end)`` of a document's text, in one annotator's layer."""

    id: int
    doc_id: int
    annotator: str
    start: CodePoint
    end: CodePoint
    label: str
    attributes: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def text_in(self, text: str) -> str:
        """The span's text, sliced from the stored document text."""
        return text[self.start : self.end]

    def contains(self, other: Span) -> bool:
        """True if ``other`` lies within this span."""
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True)
class Argument:
    """A role of an event filled by an entity span."""

    role: str
    span_id: int


@dataclass(frozen=True)
class Event:
    """An ACE-style event: a trigger span plus role-labelled argument spans."""

    id: int
    doc_id: int
    annotator: str
    type: str
    trigger_id: int
    arguments: tuple[Argument, ...] = ()
    attributes: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Relation:
    """A typed, directed relation between two spans."""

    id: int
    doc_id: int
    annotator: str
    type: str
    arg1_id: int
    arg2_id: int


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one file in an import."""

    path: str
    status: str  # "added", "duplicate" or "rejected"
    message: str
    doc_id: int | None = None


@dataclass
class ImportReport:
    """The outcome of importing a batch of files."""

    outcomes: list[ImportOutcome] = field(default_factory=list)

    @property
    def added(self) -> list[ImportOutcome]:
        """Files that became new documents."""
        return [o for o in self.outcomes if o.status == "added"]

    @property
    def duplicates(self) -> list[ImportOutcome]:
        """Files whose text was already in the project."""
        return [o for o in self.outcomes if o.status == "duplicate"]

    @property
    def rejected(self) -> list[ImportOutcome]:
        """Files that could not be imported, with the reason."""
        return [o for o in self.outcomes if o.status == "rejected"]

    def summary(self) -> str:
        """One line for a status bar or terminal."""
        return (
            f"{len(self.added)} added, {len(self.duplicates)} already in the project, "
            f"{len(self.rejected)} rejected"
        )


@dataclass(frozen=True)
class Bundle:
    """A set of annotations taken out together, so that they can be put back as one step.

    Used to undo a cascading delete and to import a document's annotations.
    """

    spans: tuple[Span, ...] = ()
    events: tuple[Event, ...] = ()
    relations: tuple[Relation, ...] = ()

    def is_empty(self) -> bool:
        """True if the bundle holds nothing."""
        return not (self.spans or self.events or self.relations)


@dataclass(frozen=True)
class Edit:
    """One undoable change: delete ``remove``, then insert ``add``, atomically.

    Ids are kept on both sides, so ``edit.inverse()`` undoes ``edit`` exactly,
    including cascades (a deleted span's events and relations come back too).
    """

    doc_id: int
    annotator: str
    remove: Bundle = Bundle()
    add: Bundle = Bundle()
    description: str = ""

    def inverse(self) -> Edit:
        """The edit that undoes this one."""
        return Edit(self.doc_id, self.annotator, self.add, self.remove, self.description)


def remap_event(e: Event, ids: dict[int, int]) -> Event:
    """``e`` with span ids replaced by ``ids`` (placeholders by assigned ids, say)."""
    if not ids:
        return e
    args = tuple(Argument(a.role, ids.get(a.span_id, a.span_id)) for a in e.arguments)
    return replace(e, trigger_id=ids.get(e.trigger_id, e.trigger_id), arguments=args)


def remap_relation(r: Relation, ids: dict[int, int]) -> Relation:
    """``r`` with span ids replaced by ``ids``."""
    if not ids:
        return r
    return replace(r, arg1_id=ids.get(r.arg1_id, r.arg1_id), arg2_id=ids.get(r.arg2_id, r.arg2_id))
