"""Steps the write service takes inside its transaction: checks, placeholders, merge layers.

Only :mod:`annotator.services.write.service` calls these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import fields, replace

from sqlalchemy.exc import DBAPIError

from annotator.core.change import Annotation, Change, NoteChange, Origin, StatusChange
from annotator.core.errors import (
    AnnotatorError,
    ProjectError,
    ReadOnlyError,
    SpanError,
    StaleEditError,
)
from annotator.core.merge import (
    IncomingLayer,
    MergedLayer,
    Person,
    bundle_key,
    layer_fingerprint,
    merge_key,
)
from annotator.core.model import Bundle, Edit, Span, Status, remap_event, remap_relation
from annotator.core.schema import Schema
from annotator.services.write.requests import (
    MERGE_HISTORY,
    document_note_key,
)
from annotator.store.dberrors import broken_rule, connection_lost, is_busy, on_server
from annotator.store.team_errors import refused_right
from annotator.store.writer import WriteTx


def place_person(tx: WriteTx, person: Person) -> None:
    """Create the merge's target annotator with its uid, unless it is here already."""
    stale = (
        "The project changed while the merge was being planned (annotators were added); "
        "nothing of this file was merged. Run the merge again."
    )
    found = tx.annotator_by_uid(person.uid)
    if found is not None:
        if found != person.name:
            raise StaleEditError(stale)
        return
    if tx.find_annotator(person.name) is not None:
        raise StaleEditError(stale)
    tx.add_annotator(person.name, person.kind, person.uid)


def merge_layer(
    tx: WriteTx,
    doc_id: int,
    layer: IncomingLayer,
    edits: list[Edit],
    statuses: list[StatusChange],
    notes: list[NoteChange],
    description: str,
    fresh: bool = False,
) -> MergedLayer | None:
    """Plan one incoming layer inside the merge's transaction (None: a version seen before).

    The layer's annotations, status and note go into ``edits``, ``statuses`` and
    ``notes`` (applied and logged by the write service with the rest of the change,
    so every window holding the layer is told, even when only its note changed).
    The merge record keeps the fingerprints of every version merged so far,
    newest first, so an older copy of a layer (from a file made before the last
    merge) never replaces a newer one.
    """
    key = merge_key(layer.person.uid, doc_id)
    incoming = layer_fingerprint(layer.bundle, layer.status, layer.note)
    seen = [] if fresh else (tx.meta(key) or "").split()
    if incoming in seen:
        return None
    name = layer.person.name
    note_key = document_note_key(doc_id, name)
    current, status, note = Bundle(), Status.NEW, ""
    if not fresh:
        current, status = tx.layer(doc_id, name), tx.status(doc_id, name)
        note = tx.meta(note_key) or ""
    here = layer_fingerprint(current, status, note)
    empty = current.is_empty() and status is Status.NEW and not note
    if here != incoming and not seen and not empty:
        return MergedLayer(doc_id, layer.doc_name, name, "kept")
    tx.set_meta(key, " ".join([incoming, *seen][:MERGE_HISTORY]))
    if here == incoming:
        return MergedLayer(doc_id, layer.doc_name, name, "same")
    if bundle_key(current) != bundle_key(layer.bundle):
        add = as_placeholders(layer.bundle, doc_id, name)
        edits.append(Edit(doc_id, name, current, add, description))
    if status is not layer.status:
        statuses.append(StatusChange(doc_id, name, status, layer.status))
    if note != layer.note:
        notes.append(NoteChange(doc_id, name, note, layer.note))
    replaced_local = bool(seen) and here != seen[0]
    return MergedLayer(
        doc_id, layer.doc_name, name, "added" if empty else "updated", replaced_local
    )


def twin_finder(tx: WriteTx, edit: Edit) -> Callable[[Span], list[Span]]:
    """Stored spans with the same offsets: one query per span, or one for a large edit."""
    if len(edit.add.spans) <= 8:
        return lambda sp: tx.spans_at(sp.doc_id, sp.annotator, sp.start, sp.end)
    by_range: dict[tuple[int, int], list[Span]] = {}
    for sp in tx.layer_spans(edit.doc_id, edit.annotator):
        by_range.setdefault((sp.start, sp.end), []).append(sp)
    return lambda sp: by_range.get((sp.start, sp.end), [])


def layer_kind(change: Change) -> str | None:
    """The annotator kind a change must write: "gold" for an adjudication change.

    None: any existing layer (a curator edits gold directly; a merge has placed
    each person with their own kind); a new one is a person's. An import
    insists on a person's layer itself (:meth:`WriteService.import_layers`).
    """
    return "gold" if change.gold else None


def place_layers(tx: WriteTx, change: Change) -> None:
    """Create the layers a change writes with its kind, or refuse a mismatch.

    A gold change may not create a second gold layer: ``WriteTx`` refuses it when it
    creates the row, inside the write transaction, so two windows choosing gold names
    at once cannot both create one (and the database's unique index backs it).

    Raises:
        AnnotatorKindError: a layer of the other kind, or another gold layer exists.
    """
    kind = layer_kind(change)
    if kind is None:
        return
    names = sorted({annotator for _doc_id, annotator in change.layers()})
    for annotator in names:
        tx.annotator_id(annotator, kind)


def imported_status(recorded: str, now: Status) -> Status:
    """The status after an import: the file's own (in progress or done), else started."""
    if recorded in (Status.IN_PROGRESS.value, Status.DONE.value):
        return Status(recorded)
    return Status.IN_PROGRESS if now is Status.NEW else now


def started(tx: WriteTx, change: Change) -> tuple[StatusChange, ...]:
    """A user's first edit on a document moves it from "new" to "in progress"."""
    layers = {(e.doc_id, e.annotator) for e in change.edits if not e.add.is_empty()}
    layers -= {(s.doc_id, s.annotator) for s in change.statuses}
    return tuple(
        StatusChange(doc_id, annotator, Status.NEW, Status.IN_PROGRESS)
        for doc_id, annotator in sorted(layers)
        if tx.status(doc_id, annotator) is Status.NEW
    )


def replayed_statuses(tx: WriteTx, change: Change) -> tuple[StatusChange, ...]:
    """The status steps an undo or redo still applies: those whose status is as they left it.

    A step whose layer has another status now was overtaken by the user (a document
    marked done after Tag all started it): the user's status stays, and the step is
    dropped instead of refusing the annotations the replay undoes or redoes.
    """
    return tuple(s for s in change.statuses if tx.status(s.doc_id, s.annotator) is s.before)


def outside_schema_change(previous: Schema | None, current: Schema) -> Change | None:
    """A change announcing that another program replaced the schema."""
    if previous is None:
        return None
    return Change(
        schema_before=previous,
        schema_after=current,
        description="Schema changed by another program",
        origin=Origin.OTHER,
    )


def check_stored(tx: WriteTx, edit: Edit, exact: bool) -> None:
    """Refuse an edit whose removed rows are not stored exactly as it says."""
    rm, add = edit.remove, edit.add
    spans = tx.spans(s.id for s in (*rm.spans, *add.spans))
    events = tx.events(e.id for e in (*rm.events, *add.events))
    relations = tx.relations(r.id for r in (*rm.relations, *add.relations))
    what = "This step can no longer be undone or redone" if exact else "This edit was not applied"
    for kind, stored, removed in (
        ("a span", spans, rm.spans),
        ("an event", events, rm.events),
        ("a relation", relations, rm.relations),
    ):
        if any(not same_row(stored.get(row.id), row) for row in removed):
            raise StaleEditError(f"{what}: {kind} it changes was changed elsewhere.")
    if (
        revived(spans, add.spans, rm.spans)
        or revived(events, add.events, rm.events)
        or revived(relations, add.relations, rm.relations)
    ):
        raise StaleEditError(f"{what}: a row it would restore already exists.")


def same_row(stored: Annotation | None, expected: Annotation) -> bool:
    """True if ``stored`` holds every column ``expected`` says, attributes included.

    The model's ``==`` leaves attributes out (they are not part of a span's
    identity), so it cannot judge staleness: compare every field instead.
    """
    if stored is None or type(stored) is not type(expected):
        return False
    return all(getattr(stored, f.name) == getattr(expected, f.name) for f in fields(expected))


def revived(
    stored: Iterable[int], added: Iterable[Annotation], removed: Iterable[Annotation]
) -> bool:
    """True if a row the edit adds by id is stored already and not removed by the edit."""
    return bool(set(stored) & {a.id for a in added} - {r.id for r in removed})


def as_placeholders(bundle: Bundle, doc_id: int, annotator: str) -> Bundle:
    """A file's local span ids as placeholders (negative), in document ``doc_id``."""
    ids = {sp.id: -(i + 1) for i, sp in enumerate(bundle.spans)}
    used = {e.trigger_id for e in bundle.events} | {
        a.span_id for e in bundle.events for a in e.arguments
    }
    used |= {r.arg1_id for r in bundle.relations} | {r.arg2_id for r in bundle.relations}
    if not used <= ids.keys():
        raise SpanError(f"annotations refer to spans not in the file: {sorted(used - ids.keys())}.")

    spans = tuple(
        replace(sp, id=ids[sp.id], doc_id=doc_id, annotator=annotator) for sp in bundle.spans
    )
    events = tuple(
        replace(remap_event(e, ids), id=0, doc_id=doc_id, annotator=annotator)
        for e in bundle.events
    )
    relations = tuple(
        replace(remap_relation(r, ids), id=0, doc_id=doc_id, annotator=annotator)
        for r in bundle.relations
    )
    return Bundle(spans, events, relations)


def is_locked(exc: DBAPIError) -> bool:
    """Another writer holds the lock (SQLite busy; PostgreSQL lock timeout, serialization
    failure or deadlock): worth another try."""
    return is_busy(exc)


def project_error(exc: DBAPIError) -> AnnotatorError:
    """The project's own error, with a sentence, for a database failure inside a change."""
    rule = broken_rule(exc) or refused_right(exc)
    if rule is not None:
        return rule
    text = str(exc.orig).lower()
    if is_locked(exc) and on_server(exc):
        return ProjectError(
            "Another person's change kept the project busy on the server, so this change was "
            "not saved. Try again in a moment."
        )
    if is_locked(exc):
        return ProjectError(
            "The project file stayed locked by another program, so the change was not saved. "
            "Close the other program (or wait for it) and try again."
        )
    if connection_lost(exc):
        return ProjectError(
            "The connection to the database server was lost, so the change was not saved (one "
            "being committed at that very moment may have been). Try again once the server is "
            "back: the connection is made again by itself."
        )
    if "full" in text:
        return ProjectError("The disk is full, so the change was not saved. Free some space.")
    if "readonly" in text or "read-only" in text:
        return ReadOnlyError("The project file cannot be written (read-only); nothing was saved.")
    return ProjectError(f"The project database refused the change ({exc.orig}); nothing was saved.")
