"""The window's side of team mode: who works on what, the next document, one curator at a time.

:class:`TeamWork` is bound to a project on a team server (``annotator team init`` ran
on its database: :meth:`TeamWork.available`); on a project file, or a server database
that is no team's, there is none and the window works as before. Everything is decided
by the server's state functions (ADR 0024), as the window's own login; this module turns
their answers and refusals into sentences (issue 20, items 4 and 5).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from annotator.core.errors import AnnotatorError, ProjectError, RightsError
from annotator.core.location import ServerUrl
from annotator.store import team_work
from annotator.store.dberrors import connection_lost
from annotator.store.team_errors import refused_right
from annotator.store.team_sql import CURATION_TAKEN
from annotator.store.team_work import Readable, Worker

if TYPE_CHECKING:
    from annotator.services.project import Project

__all__ = ["CurationTaken", "Readable", "TeamWork", "Worker", "curation_holds"]


class CurationTaken(RightsError):
    """Another curator holds the document's gold layer: the sentence names them."""


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc).__name__


class TeamWork:
    """Workload, claims and curation of one project on a team server, as its login."""

    def __init__(self, project: Project) -> None:
        self._project = project
        self._engine = project.repo.engine

    @staticmethod
    def available(project: Project) -> bool:
        """True for a project on a server whose database ``annotator team init`` set up."""
        if not isinstance(project.path, ServerUrl):
            return False
        try:
            return team_work.is_team_database(project.repo.engine)
        except DBAPIError:  # the server is away: the window works as on any server
            return False

    def _refusal(self, exc: DBAPIError, what: str) -> RightsError | ProjectError:
        known = refused_right(exc)
        if known is not None:
            return known
        if connection_lost(exc):  # the server away (or known away): nothing was changed
            return ProjectError(
                f"Offline: the team's server {self._project.path.name} cannot be reached, "
                f"so it could not {what}; nothing was changed. Try again once it is back "
                "(the status bar says Online)."
            )
        return ProjectError(f"The team server could not {what}: {_first_line(exc)}")

    def me(self) -> str | None:
        """The layer of this window's login (None: the login is nobody's, e.g. an admin)."""
        return team_work.my_layer(self._engine)

    def readable(self) -> Readable:
        """The layers this login may show: its own, gold for a curator, the others' when the
        project lets them be read (File → Switch annotator… offers only these)."""
        try:
            return team_work.readable(self._engine)
        except DBAPIError as exc:
            raise self._refusal(exc, "say which layers you may show") from None

    def workload(self) -> dict[int, list[Worker]]:
        """Who works on each document, with their state and their layer's status."""
        by_doc: dict[int, list[Worker]] = defaultdict(list)
        try:
            found = team_work.workload(self._engine)
        except DBAPIError as exc:  # the server away: the live updates say so and reconnect
            raise self._refusal(exc, "say who works on what") from None
        for worker in found:
            by_doc[worker.doc_id].append(worker)
        return dict(by_doc)

    def claim_next(self) -> tuple[int, str] | None:
        """Claim the next document that needs this login's person (``team_claim_next``): one
        assigned to or claimed by them and not finished first; its id and name, or None when
        none is left. Refusals (a login with no layer, the server away) raise with a sentence."""
        try:
            doc = team_work.claim_next(self._engine)
        except DBAPIError as exc:
            if "has no layer" in str(exc.orig):
                raise RightsError(
                    f"Your login {self._engine.url.username} has no layer in this project, so "
                    "no document can be claimed for you; a manager adds you with "
                    "'annotator team add-person'."
                ) from None
            raise self._refusal(exc, "give you a document") from None
        if doc is None:
            return None
        return doc, self._project.documents.document(doc).name

    def finished(self, doc_id: int, gold: bool = False) -> bool:
        """The person marked the document done: their claim on it is finished
        (``team_finish``), or with ``gold`` (marked curated) the curation they hold. False
        when they held no such row there (nothing to finish)."""
        try:
            return team_work.finish(self._engine, doc_id, gold)
        except DBAPIError as exc:
            raise self._refusal(exc, "record that you finished the document") from None

    def reopened(self, doc_id: int) -> None:
        """The person reopened a document they had finished: it is claimed by them again."""
        try:
            if any(w.login == self._engine.url.username for w in self._on(doc_id)):
                team_work.claim(self._engine, doc_id)
        except DBAPIError as exc:
            raise self._refusal(exc, "give the document back to you") from None

    def _on(self, doc_id: int) -> list[Worker]:
        return [w for w in team_work.workload(self._engine) if w.doc_id == doc_id and not w.gold]

    def curate(self, doc_id: int) -> None:
        """Hold the document's gold layer (``team_curate``); :class:`CurationTaken` names the
        curator who holds it already."""
        try:
            team_work.curate(self._engine, doc_id)
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) != CURATION_TAKEN:
                raise self._refusal(exc, "let you curate the document") from None
            holder = team_work.curator_of(self._engine, doc_id)
            who = f"{holder[0]} (login {holder[1]})" if holder else "another curator"
            name = self._project.documents.document(doc_id).name
            raise CurationTaken(
                f"{who} is curating {name} now: one curator per document at a time. "
                "Try again once they leave review mode or mark it curated, or choose "
                "another document."
            ) from None

    def renew_hold(self, doc_id: int) -> bool:
        """Keep holding the document's gold layer: a hold not renewed for two hours is taken
        over by the next curator (``team_curate``'s ``stale``). False when it is no longer
        held (finished, or taken over)."""
        try:
            return team_work.renew_hold(self._engine, doc_id)
        except DBAPIError as exc:
            raise self._refusal(exc, "renew your hold on the document") from None

    def holding(self) -> list[int]:
        """The documents whose gold layer this login holds now (curating, not finished)."""
        try:
            return team_work.holding(self._engine)
        except DBAPIError as exc:
            raise self._refusal(exc, "say which documents you curate") from None

    def leave_curation(self, doc_id: int) -> None:
        """Let go of the document's gold layer (``team_leave_curation``); a curation already
        finished, or another curator's, is left as it is."""
        try:
            team_work.leave_curation(self._engine, doc_id)
        except DBAPIError as exc:
            raise self._refusal(exc, "release your curation of the document") from None


@contextmanager
def curation_holds(
    project: Project, doc_ids: Sequence[int]
) -> Iterator[tuple[list[int], list[str]]]:
    """Hold the gold layer of each of ``doc_ids`` while the block runs (``annotator
    adjudicate`` on a team server, the window's bulk finish): yields the documents held and,
    for each held by another curator, the sentence naming them. Afterwards each hold taken
    here ends as Mark curated ends one: a document whose gold layer is now done has its
    curation finished (``team_finish(doc, true)``), any other is let go of; a hold the login
    had before (review mode's) is left as it was. On a project file, or a server that is no
    team's, every document is yours and nothing is held.
    """
    if not TeamWork.available(project):
        yield list(doc_ids), []
        return
    work, held, refused = TeamWork(project), [], []
    had = set(work.holding())
    try:
        for doc_id in doc_ids:
            try:
                work.curate(doc_id)
            except CurationTaken as exc:
                refused.append(str(exc))
                continue
            held.append(doc_id)
        yield list(held), refused
    finally:
        taken = [d for d in held if d not in had]
        curated: set[int] = set()
        with suppress(AnnotatorError):
            curated = _curated(project, taken)
        for doc_id in taken:
            with suppress(AnnotatorError):  # the server away: the hold stays until taken over
                if doc_id in curated:
                    work.finished(doc_id, gold=True)
                else:
                    work.leave_curation(doc_id)


def _curated(project: Project, doc_ids: Sequence[int]) -> set[int]:
    """Which of ``doc_ids`` have their gold layer done (marked curated)."""
    from annotator.services.adjudication import CurationStatus, curation_statuses

    if not doc_ids:
        return set()
    statuses = curation_statuses(project)
    return {d for d in doc_ids if statuses.get(d) is CurationStatus.CURATED}
