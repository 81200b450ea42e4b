"""What review mode shows of the adjudication service's disagreements, and how it accepts.

The disagreements, their versions and the gold edit come from
:mod:`annotator.services.adjudication` (pure logic in
:mod:`annotator.core.adjudicate`); nothing here compares layers. This module
only turns each :class:`~annotator.core.adjudicate.Disagreement` into words
and into the ids of the spans to select in each annotator's pane.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from annotator.core.adjudicate import (
    AdjudicationError,
    Disagreement,
    Layers,
    Strategy,
    Unit,
    UnitKind,
    disagreements,
    layer_units,
    span_key,
)
from annotator.core.change import Change
from annotator.core.model import Document, Span
from annotator.core.positions import CodePoint
from annotator.services import adjudication
from annotator.ui.bidi import isolate
from annotator.ui.review.quote import context_html, shorten

if TYPE_CHECKING:
    from annotator.services.project import Project


@dataclass(frozen=True)
class ShownDispute:
    """One disagreement as review mode shows it.

    Attributes:
        start: first code point of any version.
        end: end (exclusive) of the last version.
        title: what the place is, e.g. ``argument of Conflict.Attack «هجوماً»`` (short:
            long spans are shortened in their middle).
        context: the disputed words in bold with a few words each side (HTML; one
            window per relation end when the ends are far apart).
        versions: each annotator's version in words ("nothing" if none).
        span_ids: the ids of each annotator's spans at this place (to select them).
        gold: what gold holds here now, in words.
        disagreement: the service's disagreement (what :func:`accept_version` takes).
    """

    start: CodePoint
    end: CodePoint
    title: str
    context: str
    versions: dict[str, str]
    span_ids: dict[str, list[int]]
    gold: str
    disagreement: Disagreement

    @property
    def focus(self) -> tuple[CodePoint, CodePoint]:
        """What to select in the gold pane: an argument's or relation's second span, else all."""
        target = self.disagreement.units()[0].target
        if target is None:
            return self.start, self.end
        return CodePoint(target[0]), CodePoint(target[1])

    @property
    def ranges(self) -> list[tuple[CodePoint, CodePoint]]:
        """The spans to outline: each version's span, argument span, or relation ends."""
        found: set[tuple[int, int]] = set()
        for unit in self.disagreement.units():
            if unit.kind is not UnitKind.ARGUMENT:
                found.add(unit.anchor[:2])
            if unit.target is not None:
                found.add(unit.target[:2])
        return [(CodePoint(a), CodePoint(b)) for a, b in sorted(found)]

    @property
    def key(self) -> tuple[object, ...]:
        """What identifies the place across refreshes."""
        return (self.start, self.end, self.disagreement.kind, self.title)


def gold_name(project: Project) -> str:
    """The gold layer's name (the service's rule: the existing one, else ``gold``)."""
    return adjudication.gold_name(project)


def _quote(text: str, key: tuple[int, int, str]) -> str:
    return f"{key[2]} «{_words_of(text, key[0], key[1])}»"


def _words_of(text: str, start: int, end: int) -> str:
    """The stored text of ``[start, end)``, shortened if long, as a bidi isolate."""
    return isolate(shorten(text[start:end]))


def unit_words(unit: Unit, text: str) -> str:
    """A unit in a few words, with its text quoted from the stored text."""
    head = _quote(text, unit.anchor)
    if unit.kind in (UnitKind.SPAN, UnitKind.EVENT):
        return head
    assert unit.target is not None
    tail = _quote(text, unit.target)
    if unit.kind is UnitKind.ARGUMENT:
        return f"{unit.role} = {tail}"
    return f"{unit.role}: {head} → {tail}"


def _title(d: Disagreement, text: str) -> str:
    unit = d.units()[0]
    if unit.kind is UnitKind.ARGUMENT:
        return f"argument of {_quote(text, unit.anchor)}"
    if unit.kind is UnitKind.RELATION:  # never the whole stretch between the two ends
        assert unit.target is not None
        one, two = unit.anchor, unit.target
        return f"relation between «{_words_of(text, *one[:2])}» and «{_words_of(text, *two[:2])}»"
    return f"{d.kind} at «{_words_of(text, d.start, d.end)}»"


def _words(units: tuple[Unit, ...], text: str) -> str:
    return "; ".join(unit_words(u, text) for u in units) or "nothing"


SpanIds = dict[tuple[int, int, str], list[int]]
"""A layer's span ids by ``(start, end, label)``."""


def _by_key(spans: Iterable[Span]) -> SpanIds:
    out: SpanIds = {}
    for span in spans:
        out.setdefault(span_key(span), []).append(span.id)
    return out


def _span_ids(units: tuple[Unit, ...], ids: SpanIds) -> list[int]:
    """The spans a version consists of (a trigger's label is its event type)."""
    keys = {u.anchor for u in units} | {u.target for u in units if u.target is not None}
    return sorted(i for k in keys for i in ids.get(k, ()))


def _gold_words(d: Disagreement, gold_units: frozenset[Unit], gold: SpanIds, text: str) -> str:
    """What gold has here: its units of this place, or for a span or trigger, any label
    gold gives the same offsets (the curator may have tagged it directly)."""
    if d.kind not in (UnitKind.SPAN, UnitKind.EVENT):
        return _words(tuple(u for u in d.units() if u in gold_units), text)
    places = {u.anchor[:2] for u in d.units()}
    held = sorted(k for k in gold if k[:2] in places)
    return "; ".join(_quote(text, k) for k in held) or "nothing"


def read_layers(project: Project, doc_id: int, names: list[str]) -> Layers:
    """The reviewed annotators' layers of one document (spans, events, relations)."""
    return adjudication.layers(project, doc_id, names)


def shown_disputes(
    project: Project, doc: Document, layers: Layers, gold: str
) -> list[ShownDispute]:
    """The disagreements between ``layers`` on ``doc``, in document order, with gold's state.

    Each layer's spans are indexed once, however many disagreements there are.
    """
    names = list(layers)
    ids = {name: _by_key(layers[name].spans) for name in names}
    out = []
    for d in disagreements(layers):
        shown = ShownDispute(
            CodePoint(d.start),
            CodePoint(d.end),
            _title(d, doc.text),
            "",
            {name: _words(d.units_of(name), doc.text) for name in names},
            {name: _span_ids(d.units_of(name), ids[name]) for name in names},
            "",
            d,
        )
        out.append(replace(shown, context=context_html(doc.text, shown.ranges)))
    return with_gold(project, doc, out, gold)


def with_gold(
    project: Project, doc: Document, disputes: list[ShownDispute], gold: str
) -> list[ShownDispute]:
    """``disputes`` with what gold holds at each, read again (gold edits change only that)."""
    layer = adjudication.layer(project, doc.id, gold)
    units, spans = layer_units(layer), _by_key(layer.spans)
    return [replace(d, gold=_gold_words(d.disagreement, units, spans, doc.text)) for d in disputes]


def accept_version(project: Project, doc_id: int, dispute: ShownDispute, annotator: str) -> Change:
    """Make gold at ``dispute`` equal ``annotator``'s version (the service's one change)."""
    return adjudication.accept(project, doc_id, dispute.disagreement, annotator)


def premerged(
    project: Project,
    doc_id: int,
    names: list[str],
    progress: Callable[[int, int, str], bool] | None = None,
) -> Change:
    """Pre-merge (unanimous) one document into gold; refuse when gold lacks nothing agreed.

    Raises:
        AdjudicationError: nothing to add (so that no empty step goes on the undo stack).
        WorkCancelled: ``progress`` answered False before the write.
    """
    report = adjudication.premerge(project, [doc_id], Strategy(), names, progress=progress)
    if report.change is None:
        raise AdjudicationError("Gold already has everything these annotators agree on here.")
    return report.change
