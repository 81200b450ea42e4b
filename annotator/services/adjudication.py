"""Adjudication use cases: pre-merge into gold, accept a version, curation status.

The gold layer is an annotator of kind "gold" (default name ``gold``). Every
write goes through :class:`~annotator.services.write.WriteService` as a
:class:`Change` with ``gold=True``, so the first one creates the gold layer, in
the same transaction, and a person's layer of that name is refused. The
comparison itself is pure (:mod:`annotator.core.adjudicate`).

Curation status is the gold layer's document status: "new" or "in progress"
is open, "done" is curated. A curator edits gold directly through the normal
annotation services, with the gold layer's name as the annotator.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from annotator.core.adjudicate import (
    AdjudicationError,
    Disagreement,
    Layers,
    Premerge,
    Strategy,
    UnitKind,
    accept_version,
    disagreements,
)
from annotator.core.adjudicate import premerge as merge_layers
from annotator.core.change import Change, Origin, StatusChange
from annotator.core.errors import WorkCancelled, no_document_named
from annotator.core.model import Bundle, Edit, Status
from annotator.core.schema import Schema

if TYPE_CHECKING:  # the GUI imports this module, and must not reach the store through it
    from annotator.services.project import Project
    from annotator.services.write import Reads

DEFAULT_GOLD = "gold"


class CurationStatus(StrEnum):
    """Whether a document's gold layer is finished."""

    OPEN = "open"
    CURATED = "curated"


@dataclass(frozen=True)
class DocumentResult:
    """What a pre-merge did on one document: units added by kind, disagreements left."""

    doc_id: int
    name: str
    added: dict[UnitKind, int]
    left: tuple[Disagreement, ...]

    @property
    def total_added(self) -> int:
        """Units added to gold on this document."""
        return sum(self.added.values())


@dataclass
class PremergeReport:
    """The outcome of one pre-merge run (one transaction)."""

    gold: str
    strategy: Strategy
    annotators: tuple[str, ...]
    documents: list[DocumentResult] = field(default_factory=list)
    change: Change | None = None
    finished: list[str] = field(default_factory=list)  # documents marked curated

    def lines(self) -> list[str]:
        """A summary for a terminal: one line per document, then the totals."""
        out = []
        for doc in self.documents:
            kinds = ", ".join(f"{n} {k}s" for k, n in doc.added.items() if n) or "nothing"
            out.append(f"{doc.name}: added {kinds}; {len(doc.left)} disagreements left")
        added = sum(d.total_added for d in self.documents)
        left = sum(len(d.left) for d in self.documents)
        out.append(
            f"{len(self.documents)} documents, {added} gold units added, {left} disagreements "
            f"left (strategy {self.strategy}, annotators {', '.join(self.annotators)}, "
            f"gold layer {self.gold!r})"
        )
        if self.finished:
            out.append(f"{len(self.finished)} documents with no disagreement marked curated")
        return out


# -- choosing layers and documents ---------------------------------------------------------
def gold_name(project: Project, wanted: str | None = None) -> str:
    """The gold layer's name: ``wanted``, else the project's gold layer, else ``gold``.

    Raises:
        AdjudicationError: ``wanted`` (or ``gold``) names a person's layer, or the
            project already has a gold layer under another name.
    """
    known = dict(project.annotators())
    existing = project.gold_annotator()
    name = wanted or existing or DEFAULT_GOLD
    if existing is not None and name != existing:
        raise AdjudicationError(
            f"{project.path.name} already has a gold layer named {existing!r}; "
            f"use --gold-name {existing} (or leave it out)."
        )
    if known.get(name, "gold") != "gold":
        raise AdjudicationError(
            f"{name!r} is a person's layer in {project.path.name}, not a gold layer; "
            "choose another name with --gold-name."
        )
    return name


def choose_annotators(project: Project, names: Sequence[str] = ()) -> list[str]:
    """The people whose layers are merged: ``names``, or every human annotator.

    Raises:
        AdjudicationError: an unknown or gold name, or no annotator at all.
    """
    known = dict(project.annotators())
    humans = [n for n, kind in known.items() if kind != "gold"]
    chosen = list(dict.fromkeys(names)) or humans
    wrong = [n for n in chosen if known.get(n) != "human"]
    if wrong:
        raise AdjudicationError(
            f"{project.path.name} has no person's layer named "
            + ", ".join(repr(n) for n in wrong)
            + f" (people: {', '.join(humans) or 'none yet'})."
        )
    if not chosen:
        raise AdjudicationError(f"{project.path.name} has no annotator's layer to adjudicate.")
    return chosen


def choose_documents(
    project: Project, names: Sequence[str], annotators: Sequence[str]
) -> list[int]:
    """Ids of the named documents, or of every document some chosen annotator worked on."""
    if names:
        ids, missing = project.documents.ids_named(names)
        if missing:
            raise AdjudicationError(no_document_named(project.path.name, missing))
        return ids
    worked: set[int] = set()
    for name in annotators:
        worked |= {s.id for s in project.documents.summaries(name) if s.worked_on}
    return [i for i in project.documents.document_ids() if i in worked]


def layer(project: Project, doc_id: int, annotator: str) -> Bundle:
    """One annotator's layer of one document (empty if the annotator does not exist).

    Spans, events and relations are read in one read transaction (one snapshot).
    """
    ann = project.annotations
    with project.repo.snapshot():
        return Bundle(
            tuple(ann.spans(doc_id, annotator)),
            tuple(ann.events(doc_id, annotator)),
            tuple(ann.relations(doc_id, annotator)),
        )


def layers(project: Project, doc_id: int, annotators: Sequence[str]) -> Layers:
    """The chosen annotators' layers of one document, in order, from one snapshot."""
    with project.repo.snapshot():
        return {name: layer(project, doc_id, name) for name in annotators}


def document_disagreements(
    project: Project, doc_id: int, annotators: Sequence[str] = ()
) -> list[Disagreement]:
    """Every place where the annotators differ on a document, in document order."""
    return disagreements(layers(project, doc_id, choose_annotators(project, annotators)))


# -- writing gold ------------------------------------------------------------------------------
def premerge(
    project: Project,
    doc_ids: Sequence[int],
    strategy: Strategy,
    annotators: Sequence[str] = (),
    gold: str | None = None,
    progress: Callable[[int, int, str], bool] | None = None,
) -> PremergeReport:
    """Add to gold what ``strategy`` settles on each document, in ONE transaction.

    Only what gold lacks is added, so running it again adds nothing. What gold
    lacks is read inside the write transaction, so two windows or processes
    pre-merging at once add each unit once. The change (origin USER,
    ``gold=True``) can go on an undo stack. ``progress`` is told of each
    document and, last, of the write; answering False raises
    :class:`WorkCancelled` and the transaction is rolled back: nothing is written.
    """
    names = tuple(choose_annotators(project, annotators))
    target = gold_name(project, gold)
    _check_threshold(strategy, len(names))
    report = PremergeReport(target, strategy, names)
    doc_names = {i: project.documents.document(i).name for i in doc_ids}
    total = len(doc_ids) + 1

    def plan(reads: Reads, _schema: Schema) -> Change:
        report.documents.clear()  # a plan runs again if the database was locked
        edits = []
        for index, doc_id in enumerate(doc_ids):
            _go_on(progress, index, total, f"document {index + 1} of {len(doc_ids)}")
            merged = _settled(reads, doc_id, names, strategy, target)
            counts = merged.counts()
            report.documents.append(DocumentResult(doc_id, doc_names[doc_id], counts, merged.left))
            if not merged.is_empty():
                edits.append(Edit(doc_id, target, merged.remove, merged.add, "Pre-merge"))
        _go_on(progress, len(doc_ids), total, "saving into gold")
        description = f"Pre-merge gold ({strategy})"
        return Change(tuple(edits), description=description, origin=Origin.USER, gold=True)

    done = project.write.apply_planned(plan)
    report.change = done if done.edits else None
    return report


def _go_on(
    progress: Callable[[int, int, str], bool] | None, done: int, total: int, name: str
) -> None:
    if progress is not None and not progress(done, total, name):
        raise WorkCancelled("The pre-merge was cancelled; gold was not changed.")


def _settled(
    reads: Reads, doc_id: int, names: Sequence[str], strategy: Strategy, gold: str
) -> Premerge:
    """What ``strategy`` settles on one document, against what gold holds there already."""
    return merge_layers(
        {name: reads.layer(doc_id, name) for name in names},
        strategy,
        reads.layer(doc_id, gold),
        doc_id=doc_id,
        gold_name=gold,
    )


def _check_threshold(strategy: Strategy, annotators: int) -> None:
    if strategy.threshold(annotators) > annotators:
        raise AdjudicationError(
            f"The strategy {strategy} needs more votes than there are annotators ({annotators})."
        )


def accept(
    project: Project,
    doc_id: int,
    disagreement: Disagreement,
    annotator: str,
    gold: str | None = None,
) -> Change:
    """Make gold at ``disagreement`` equal ``annotator``'s version, as ONE undoable change.

    Accepting an annotator who has nothing there removes gold's versions of
    it. The returned change (origin USER, ids filled in) is what an undo stack
    replays; ``change.inverse()`` undoes it.
    """
    target = gold_name(project, gold)
    description = f"Accept {annotator}'s {disagreement.kind}"

    def plan(reads: Reads, _schema: Schema) -> Change:
        remove, add = accept_version(
            disagreement,
            annotator,
            reads.layer(doc_id, annotator),
            reads.layer(doc_id, target),
            doc_id=doc_id,
            gold_name=target,
        )
        edit = Edit(doc_id, target, remove, add, description)
        return Change((edit,), description=description, origin=Origin.USER, gold=True)

    return project.write.apply_planned(plan)


def curation_status(project: Project, doc_id: int, gold: str | None = None) -> CurationStatus:
    """Curated if the gold layer's status of the document is done, else open."""
    name = project.gold_annotator() if gold is None else gold
    if name is None:
        return CurationStatus.OPEN
    done = project.documents.status(doc_id, name) is Status.DONE
    return CurationStatus.CURATED if done else CurationStatus.OPEN


def curation_statuses(project: Project) -> dict[int, CurationStatus]:
    """Every document's curation status (all open when there is no gold layer)."""
    name = project.gold_annotator()
    if name is None:
        return dict.fromkeys(project.documents.document_ids(), CurationStatus.OPEN)
    return {
        s.id: CurationStatus.CURATED if s.status is Status.DONE else CurationStatus.OPEN
        for s in project.documents.summaries(name)
    }


def set_curation_status(
    project: Project, doc_id: int, status: CurationStatus, gold: str | None = None
) -> Change:
    """Mark a document curated (gold "done") or open again (gold "in progress")."""
    target = gold_name(project, gold)
    wanted = Status.DONE if status is CurationStatus.CURATED else Status.IN_PROGRESS
    return project.write.set_status(doc_id, target, wanted, gold=True)


def finish_agreed(
    project: Project,
    strategy: Strategy | None = None,
    annotators: Sequence[str] = (),
    doc_ids: Sequence[int] | None = None,
    gold: str | None = None,
) -> list[str]:
    """Mark curated every document where gold lacks nothing and no disagreement is left.

    ``strategy`` (default unanimous) decides what is settled. Returns the names
    of the documents marked (one status change each).
    """
    rule = strategy or Strategy()
    names = tuple(choose_annotators(project, annotators))
    target = gold_name(project, gold)
    ids = choose_documents(project, (), names) if doc_ids is None else list(doc_ids)
    doc_names = {i: project.documents.document(i).name for i in ids}
    finished: list[str] = []

    def plan(reads: Reads, _schema: Schema) -> Change:
        finished.clear()  # a plan runs again if the database was locked
        steps: list[StatusChange] = []
        for doc_id in ids:
            merged = _settled(reads, doc_id, names, rule, target)
            before = reads.status(doc_id, target)
            if merged.is_empty() and not merged.left and before is not Status.DONE:
                steps.append(StatusChange(doc_id, target, before, Status.DONE))
                finished.append(doc_names[doc_id])
        description = f"Mark {len(steps)} agreed documents curated"
        return Change(
            statuses=tuple(steps), description=description, origin=Origin.STATUS, gold=True
        )

    if ids:
        project.write.apply_planned(plan)
    return finished
