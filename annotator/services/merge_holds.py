"""A merge into a team server writes gold only under the curator's holds (issue 20; ADR 0024).

On a team server the gold layer of a document is written only by the curator who holds its
curation (``team_curate``; the server refuses anyone else, AN002/AN003). A laptop pushed with
``annotator merge`` (or File → Merge projects…) may bring a gold layer, so before anything is
written :func:`gold_holds` holds, as the merging login, every document already on the server
whose gold layer the merge brings. When another curator holds one of them, or the login is no
curator, nothing is merged and one sentence says why (naming the documents and the holder).
Afterwards each hold taken here ends as Mark curated ends one
(:func:`annotator.services.team_work.curation_holds`): a document whose gold layer came in
done keeps a finished curation in the curator's name; any other is let go of. A document the
merge adds needs no hold (the server lets a transaction write the gold layer of a document it
added itself). On a project file, or a server database that is no team's, nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import RightsError
from annotator.core.merge import Person, place_people
from annotator.services.team_work import TeamWork, curation_holds
from annotator.services.write import MergeBatch
from annotator.store import team_work

if TYPE_CHECKING:
    from annotator.services.merge import Source
    from annotator.services.project import Project


def _gold_people(team: Project, source: Source) -> list[Person]:
    """The people of ``source`` whose layers would go to the gold layer here."""
    people = [Person(*row) for row in team.repo.identities()]
    stem = source.path.stem if isinstance(source.path, Path) else source.path.database
    placed = place_people(people, source.people, stem)
    return [p.target for p in placed if p.target.kind == "gold"]


def gold_documents(team: Project, sources: Sequence[Source]) -> list[int]:
    """The documents here (by id) whose gold layer merging ``sources`` writes."""
    found: set[int] = set()
    for source in sources:
        golds = {p.uid for p in _gold_people(team, source)}
        for layer in source.layers:
            if layer.person.uid in golds:
                doc_id = team.repo.document_id_for_sha(layer.sha256)
                if doc_id is not None:
                    found.add(doc_id)
    return sorted(found)


def _gold_layer_first(team: Project, sources: Sequence[Source]) -> None:
    """A server with no gold layer yet gets the first file's, with its identity, before a hold
    is taken (``team_curate`` would otherwise make one of its own, and the laptop's gold
    layer would then come in as a second, ordinary layer). Written by the write service, as
    the merge itself would write it."""
    if team.gold_annotator() is not None:
        return
    for source in sources:
        golds = _gold_people(team, source)
        if golds:
            batch = MergeBatch((), (golds[0],), (), team.write.schema, None, "Merge: gold layer")
            team.write.merge_layers(batch)
            return


def _refused(team: Project, doc_ids: Sequence[int], held: Sequence[int]) -> RightsError:
    names = []
    for doc_id in (d for d in doc_ids if d not in held):
        holder = team_work.curator_of(team.repo.engine, doc_id)
        who = f" ({holder[0]}, login {holder[1]})" if holder else ""
        names.append(f"{team.documents.document(doc_id).name}{who}")
    return RightsError(
        f"Nothing was merged: another curator holds the gold layer of {', '.join(names)}, and "
        "on the team's server only the curator who holds a document writes its gold layer; try "
        "again once they mark it curated or leave review mode."
    )


@contextmanager
def gold_holds(team: Project, sources: Sequence[Source]) -> Iterator[None]:
    """Hold, for the block (the merge), the gold layer of every document here that merging
    ``sources`` writes; refuse before anything is written (see the module)."""
    if not TeamWork.available(team) or not any(_gold_people(team, s) for s in sources):
        yield
        return
    if TeamWork(team).readable().gold is None:
        raise RightsError(
            f"Your login {team.repo.engine.url.username} is not a curator, so the gold layer "
            "these files bring cannot be merged into the team's server; nothing was merged. "
            "A curator pushes it."
        )
    _gold_layer_first(team, sources)
    doc_ids = gold_documents(team, sources)
    with curation_holds(team, doc_ids) as (held, refused):
        if refused:
            raise _refused(team, doc_ids, held)
        yield
