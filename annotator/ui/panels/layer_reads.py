"""The shown layer's events and relations, read from the project once per change (issue 18).

The Attributes, Event and Relations panels and the event tools all follow the selected
span and every edit. Each asked the services for the layer's events (or relations) again
on each selection change and edit: a hotkey create read the span and its event five times,
each a store query, before the pane could repaint. :class:`LayerReads` keeps one copy for
the window, read when first asked for and read again only when it may have changed:

- an edit of the shown layer that adds or removes events (relations), or removes spans
  (a span's removal, relabel or attribute change can cascade to its events or relations);
- another document or annotator shown, or the same document shown again (the window
  reopens it when another client changed it, ADR 0025): the pane counts what it shows.

Spans are not kept here: the pane holds the shown layer's spans, updated from every edit.
Make it before the panels that read it: it listens to the edits first, so a panel that
re-reads on an edit never gets the copy that edit made stale.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from annotator.core.model import Edit, Event, Relation

if TYPE_CHECKING:
    from annotator.services.annotations import AnnotationService
    from annotator.ui.pane.text_pane import TextPane

Key = tuple[int, str, int]
"""Document id, annotator, and the pane's count of documents shown."""


class LayerReads:
    """The events and relations of the layer the pane shows, read once per change.

    Args:
        annotations: the project's annotation service (read from, and listened to).
        pane: the text pane (its :attr:`~SpanView.shown` count tells a reopen apart).
        doc_id: returns the id of the document shown, or None.
        annotator: returns the current annotator's name.
    """

    def __init__(
        self,
        annotations: AnnotationService,
        pane: TextPane,
        doc_id: Callable[[], int | None],
        annotator: Callable[[], str],
    ) -> None:
        self._annotations = annotations
        self._pane = pane
        self._doc_id = doc_id
        self._annotator = annotator
        self._events: tuple[Key, list[Event], dict[int, Event]] | None = None
        self._relations: tuple[Key, list[Relation]] | None = None
        annotations.changed.connect(self.saw)

    def _key(self) -> Key | None:
        doc = self._doc_id()
        return None if doc is None else (doc, self._annotator(), self._pane.shown)

    # -- reading ---------------------------------------------------------------------
    def events(self) -> list[Event]:
        """Every event of the shown layer (empty without a document)."""
        return list(self._read_events()[0])

    def event(self, event_id: int) -> Event | None:
        """The shown layer's event with this id, or None if it is gone."""
        return next((e for e in self._read_events()[0] if e.id == event_id), None)

    def event_for_trigger(self, span_id: int) -> Event | None:
        """The event that the span with this id triggers, if any."""
        return self._read_events()[1].get(span_id)

    def relations(self) -> list[Relation]:
        """Every relation of the shown layer (empty without a document)."""
        key = self._key()
        if key is None:
            return []
        if self._relations is None or self._relations[0] != key:
            doc, annotator, _shown = key
            self._relations = (key, self._annotations.relations(doc, annotator))
        return list(self._relations[1])

    def _read_events(self) -> tuple[list[Event], dict[int, Event]]:
        key = self._key()
        if key is None:
            return [], {}
        if self._events is None or self._events[0] != key:
            doc, annotator, _shown = key
            events = self._annotations.events(doc, annotator)
            self._events = (key, events, {e.trigger_id: e for e in events})
        return self._events[1], self._events[2]

    # -- keeping up ------------------------------------------------------------------
    def saw(self, edit: Edit) -> None:
        """Forget what ``edit`` may have changed."""
        spans = bool(edit.remove.spans)
        if _touches(self._events, edit, spans or bool(edit.remove.events or edit.add.events)):
            self._events = None
        if _touches(
            self._relations, edit, spans or bool(edit.remove.relations or edit.add.relations)
        ):
            self._relations = None

    def forget(self) -> None:
        """Read everything again when next asked (a schema change, for one)."""
        self._events = None
        self._relations = None


def _touches(kept: tuple[Key, *tuple[object, ...]] | None, edit: Edit, may_change: bool) -> bool:
    """True if ``kept`` was read from ``edit``'s layer and the edit may change it."""
    return may_change and kept is not None and (edit.doc_id, edit.annotator) == kept[0][:2]
