"""What callers hand to the write service: documents, imported layers, merge batches."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from annotator.core.change import DOCUMENT_NOTE_PREFIX, Change
from annotator.core.merge import (
    IncomingLayer,
    MergedLayer,
    Person,
)
from annotator.core.model import Bundle, Event, Relation, Span, Status
from annotator.core.multiword import Multiword
from annotator.core.schema import Schema

# busy(attempt) -> True to try again; attempt counts from 1
BusyHandler = Callable[[int], bool]


class Reads(Protocol):
    """What a plan may read inside the write transaction that applies it.

    A service whose change depends on what is stored ("does this span already
    have an event?", "what does gold lack?") hands the write service a plan
    (:meth:`WriteService.apply_planned`) that reads through this, so the answer
    still holds when the change is written, whatever other windows or programs do.
    It reads only; the write service's transaction object provides it.
    """

    def spans(self, ids: Iterable[int]) -> dict[int, Span]:
        """Stored spans by id (missing ids are absent)."""
        ...

    def spans_at(self, doc_id: int, annotator: str, start: int, end: int) -> list[Span]:
        """Stored spans of one layer with exactly these offsets."""
        ...

    def events_on(self, trigger_id: int) -> list[Event]:
        """Stored events whose trigger is span ``trigger_id``."""
        ...

    def layer(self, doc_id: int, annotator: str) -> Bundle:
        """One annotator's whole layer on one document."""
        ...

    def status(self, doc_id: int, annotator: str) -> Status:
        """A document's status for one annotator."""
        ...

    def touching(self, span_ids: Iterable[int]) -> tuple[list[Event], list[Relation]]:
        """Stored events and relations that use any of these spans."""
        ...

    def spans_with_labels(self, labels: Iterable[str]) -> list[Span]:
        """Every span, in any document and layer, whose label is one of ``labels``."""
        ...

    def events_of_types(self, types: Iterable[str]) -> list[Event]:
        """Every event, in any document and layer, whose type is one of ``types``."""
        ...

    def relations_of_types(self, types: Iterable[str]) -> list[Relation]:
        """Every relation, in any document and layer, whose type is one of ``types``."""
        ...


# a plan: the change to apply, made inside the write transaction from what is stored then
Plan = Callable[[Reads, Schema], Change]


def wait_and_retry(attempts: int = 30, pause: float = 0.2) -> BusyHandler:
    """A busy handler for the CLI: sleep a little, give up after ``attempts`` tries."""

    def busy(attempt: int) -> bool:
        if attempt > attempts:
            return False
        time.sleep(pause)
        return True

    return busy


def document_note_key(doc_id: int, annotator: str) -> str:
    """The project fact (``project_meta`` key) that holds one annotator's note on a document.

    Document notes are per annotator: ``note/document/<doc id>/<annotator>``.
    """
    return f"{DOCUMENT_NOTE_PREFIX}{doc_id}/{annotator}"


@dataclass(frozen=True)
class NewDocument:
    """A document to store: name, normalized text and its SHA-256.

    ``words`` are the multiword tokens a treebank gave (ADR 0021), kept with the
    document when it is added.
    """

    name: str
    text: str
    sha256: str
    words: tuple[Multiword, ...] = ()


@dataclass(frozen=True)
class LayerImport:
    """One document's annotations from an imported file (span ids local to the file).

    ``status`` is the status the file records ("in_progress" or "done"), if any.
    """

    document: NewDocument
    bundle: Bundle
    status: str = ""
    note: str = ""  # the annotator's note on the document, if the file has one


@dataclass(frozen=True)
class MergeBatch:
    """Everything one other project file brings to a merge (planned by ``services/merge.py``).

    ``people`` are the annotators the layers go to (created with their uid if
    missing); ``schema_after`` is the schema to store, planned against
    ``schema_before``.
    """

    documents: tuple[NewDocument, ...]
    people: tuple[Person, ...]
    layers: tuple[IncomingLayer, ...]
    schema_before: Schema | None = None
    schema_after: Schema | None = None
    description: str = "Merge"


@dataclass(frozen=True)
class MergeResult:
    """The committed change of a merge, and what happened to each incoming layer."""

    change: Change
    layers: tuple[MergedLayer, ...]


MERGE_HISTORY = 50  # fingerprints kept per merged layer
