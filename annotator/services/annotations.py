"""Annotation use cases: create, relabel and delete spans, as undoable edits.

Each method returns the :class:`Edit` it applied, with real ids filled in,
so an undo stack can replay ``edit.inverse()`` and then ``edit`` again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from annotator.core.errors import SpanError
from annotator.core.model import Bundle, Edit, Event, Relation, Span
from annotator.core.positions import CodePoint
from annotator.core.schema import Schema
from annotator.core.signal import Signal
from annotator.store.repository import Repository


def _follow_trigger(event: Event, span_id: int, label: str, schema: Schema) -> Event | None:
    """``event`` after its trigger ``span_id`` is relabelled ``label``.

    The event takes the new type (dropping roles the type lacks), or goes if
    the new label is not an event type. Events that only use the span as an
    argument are unchanged.
    """
    if event.trigger_id != span_id:
        return event
    etype = schema.event_type(label)
    if etype is None:
        return None
    args = tuple(a for a in event.arguments if etype.role(a.role) is not None)
    return replace(event, type=label, arguments=args)


class AnnotationService:
    """Reads and edits one project's annotations.

    Signals:
        changed: emitted with every applied :class:`Edit` (after it is committed).
    """

    def __init__(self, repo: Repository, schema: Callable[[], Schema]) -> None:
        self._repo = repo
        self._schema = schema
        self._lengths: dict[int, int] = {}
        self.changed: Signal[Edit] = Signal()

    # -- reading -------------------------------------------------------------
    def spans(self, doc_id: int, annotator: str) -> list[Span]:
        """Spans of one document in one annotator's layer, sorted by offsets."""
        return self._repo.spans(doc_id, annotator)

    def span(self, span_id: int) -> Span | None:
        """One span by id, or None."""
        return self._repo.span(span_id)

    def events(self, doc_id: int, annotator: str) -> list[Event]:
        """Events of one document in one annotator's layer."""
        return self._repo.events(doc_id, annotator)

    def relations(self, doc_id: int, annotator: str) -> list[Relation]:
        """Relations of one document in one annotator's layer."""
        return self._repo.relations(doc_id, annotator)

    def dependents(self, span_id: int) -> tuple[list[Event], list[Relation]]:
        """Events and relations that use a span (what deleting it would touch)."""
        return self._repo.touching([span_id])

    # -- editing -------------------------------------------------------------
    def apply(self, edit: Edit) -> Edit:
        """Apply an edit in one transaction; return it with the ids actually used."""
        added = self._repo.apply(edit.remove, edit.add)
        done = replace(edit, add=added)
        self.changed.emit(done)
        return done

    def check_span(self, doc_id: int, start: CodePoint, end: CodePoint, label: str) -> None:
        """Raise :class:`SpanError` unless ``[start, end)`` and ``label`` are acceptable."""
        length = self._length(doc_id)
        if not 0 <= start < end <= length:
            raise SpanError(
                f"The span [{start}, {end}) is outside the document (0 to {length}) or empty."
            )
        if label not in self._schema().span_label_names():
            raise SpanError(f"The label {label!r} is not in the project's schema.")

    def create_span(
        self, doc_id: int, annotator: str, start: CodePoint, end: CodePoint, label: str
    ) -> Edit:
        """Create a span and return the applied edit."""
        self.check_span(doc_id, start, end, label)
        span = Span(0, doc_id, annotator, start, end, label)
        return self.apply(
            Edit(doc_id, annotator, add=Bundle(spans=(span,)), description=f"Tag {label}")
        )

    def relabel_span(self, span_id: int, label: str) -> Edit:
        """Give a span a new label, keeping its id and everything that refers to it."""
        old = self._require(span_id)
        self.check_span(old.doc_id, old.start, old.end, label)
        events, relations = self._repo.touching([span_id])
        new = replace(old, label=label)
        keep = Bundle(events=tuple(events), relations=tuple(relations))
        followed = tuple(
            f for e in events if (f := _follow_trigger(e, span_id, label, self._schema()))
        )
        edit = Edit(
            old.doc_id,
            old.annotator,
            remove=Bundle((old,), keep.events, keep.relations),
            add=Bundle((new,), followed, keep.relations),
            description=f"Relabel {old.label} → {label}",
        )
        return self.apply(edit)

    def delete_spans(self, span_ids: list[int]) -> Edit:
        """Delete spans with their cascade, as one edit.

        Events triggered by a deleted span go too; events that only use it as
        an argument lose that argument; relations touching it go.
        """
        if not span_ids:
            raise SpanError("No span is selected, so nothing was deleted.")
        spans = [self._require(i) for i in span_ids]
        doomed = set(span_ids)
        events, relations = self._repo.touching(span_ids)
        kept_events = tuple(
            replace(e, arguments=tuple(a for a in e.arguments if a.span_id not in doomed))
            for e in events
            if e.trigger_id not in doomed
        )
        first = spans[0]
        edit = Edit(
            first.doc_id,
            first.annotator,
            remove=Bundle(tuple(spans), tuple(events), tuple(relations)),
            add=Bundle(events=kept_events),
            description="Delete span" if len(spans) == 1 else f"Delete {len(spans)} spans",
        )
        return self.apply(edit)

    def _require(self, span_id: int) -> Span:
        span = self._repo.span(span_id)
        if span is None:
            raise SpanError(f"Span {span_id} no longer exists.")
        return span

    def _length(self, doc_id: int) -> int:
        if doc_id not in self._lengths:
            self._lengths[doc_id] = self._repo.document_length(doc_id)
        return self._lengths[doc_id]
