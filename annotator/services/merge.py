"""Merge other project files into this one: ``annotator merge`` and File → Merge projects….

The other file is copied into a private folder (:mod:`annotator.store.privatecopy`),
so SQLite never writes beside it (an older file is upgraded in the copy only); the
copy is judged like any project file (:mod:`annotator.store.projectfile`) and every
row is checked as untrusted input (:mod:`annotator.services.merge_check`).
Everything is read before anything is written. Then, per
file: documents match by the SHA-256 of their text (or are added with their
name), each person of the other file is placed by identity (a clash of names
between two different people is kept apart and reported, see
:func:`annotator.core.merge.place_people`), the schemas are compared
(:mod:`annotator.core.schema_diff`) and the file is stored by ONE
:meth:`WriteService.merge_layers <annotator.services.write.WriteService.merge_layers>`
transaction. See docs/adr/0012-merge.md.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from annotator.core import multiword, schema_diff
from annotator.core import schema as schema_io
from annotator.core.errors import AnnotatorError, ProjectError
from annotator.core.location import Location, ServerUrl
from annotator.core.merge import IncomingLayer, Person, Placement, place_people
from annotator.core.model import Bundle
from annotator.core.printable import escape_controls
from annotator.core.schema import Schema
from annotator.core.schema_diff import SchemaDiff
from annotator.services.merge_check import check_rows
from annotator.services.merge_report import FileOutcome, MergeReport
from annotator.services.merge_schema import (
    MergeError,
    baseline,
    conflicts_text,
    is_empty,
    refuse_on_conflicts,
    schema_conflicts,
)
from annotator.services.write import (
    DOCUMENT_NOTE_PREFIX,
    MergeBatch,
    MergeCancelled,
    NewDocument,
)
from annotator.store import privatecopy, projectfile
from annotator.store.dberrors import translate
from annotator.store.rawrows import read_rows

__all__ = [  # the schema's part lives in merge_schema; callers import it from here too
    "MergeError",
    "MergeService",
    "Source",
    "baseline",
    "conflicts_text",
    "merge_sources",
    "read_sources",
    "refuse_on_conflicts",
    "schema_conflicts",
]

if TYPE_CHECKING:
    from annotator.core.change import Change
    from annotator.services.merge_worker import Entry, MergeRun
    from annotator.services.project import Project

SCHEMA_CHOICES = ("stop", "union", "ours")
# progress(done, total, current_name) -> False to cancel
Progress = Callable[[int, int, str], bool]
_BATCH = 200


@dataclass(frozen=True)
class Source:
    """Everything read from one other project file (or a project on a server: a pull).

    ``layers`` carry the other file's own people; planning places them here.
    """

    path: Location
    schema: Schema
    documents: tuple[NewDocument, ...]
    people: tuple[Person, ...]
    layers: tuple[IncomingLayer, ...]


# -- reading the other files ---------------------------------------------------------------
def read_sources(
    paths: Iterable[Location],
    team_path: Location | None = None,
    progress: Progress | None = None,
) -> list[Source]:
    """Read every file to merge; raise :class:`ProjectError` naming the first bad one."""
    files = [p if isinstance(p, ServerUrl) else Path(p) for p in paths]
    if not files:
        raise MergeError("Name at least one project file to merge.")
    sources = []
    for index, path in enumerate(files):
        if progress is not None and not progress(index, len(files), path.name):
            raise MergeCancelled("The merge was cancelled; nothing was merged.")
        sources.append(read_source(path, team_path))
    return sources


def read_source(path: Location, team_path: Location | None = None) -> Source:
    """Judge ``path`` like any project file, check every row, then read it.

    SQLite works on a private copy only (:mod:`annotator.store.privatecopy`), so
    nothing beside ``path`` is created or changed, not even a ``-shm`` file. A project
    on a server is read in place (a pull: its rows are held to the rules by the
    database's own constraints), and never created.
    """
    if isinstance(path, ServerUrl):
        return _read_server(path, team_path)
    if isinstance(team_path, Path) and _same_file(path, team_path):
        raise MergeError(f"{path} is the project being merged into; choose another file.")
    _judge_from_outside(path)
    try:
        with privatecopy.private_copy(path) as copy:
            return _read_copy(copy, path)
    except OSError as exc:
        raise _unreadable(exc, path) from None


def _read_server(url: ServerUrl, team_path: Location | None) -> Source:
    """Read the project database at ``url`` for a merge into ``team_path`` (a pull)."""
    from annotator.services.project import open_project

    if team_path == url:
        raise MergeError(f"{url} is the project being merged into; choose another project.")
    project = open_project(url, create=False)
    try:
        return _read(project, url)
    finally:
        project.close()


def _judge_from_outside(path: Path) -> None:
    """Refuse what is not a non-empty regular file, by its name and metadata only."""
    projectfile.check_path(path)
    try:
        info = path.stat()
    except OSError:
        info = None
    if info is None or not stat.S_ISREG(info.st_mode):
        projectfile.inspect_file(path, create=False)  # says what it is: missing, a folder...
        raise ProjectError(f"{path} is not a regular file, so it cannot be merged.")
    if info.st_size == 0:
        raise MergeError(_EMPTY.format(path=path))


_EMPTY = "{path} is empty: it is not a project file, so it cannot be merged."


def _read_copy(copy: Path, path: Path) -> Source:
    """Judge, open (upgrading an older file), check and read the private copy of ``path``."""
    from annotator.services.project import open_project

    try:
        check = projectfile.inspect_file(copy, create=False)
    except AnnotatorError as exc:
        raise ProjectError(_named(exc, copy, path)) from None
    if check.is_new:
        raise MergeError(_EMPTY.format(path=path))
    try:
        project = open_project(copy, create=False)
    except AnnotatorError as exc:
        raise ProjectError(f"{path} cannot be merged: {_named(exc, copy, path)}") from None
    except (sqlite3.Error, DBAPIError) as exc:
        raise _unreadable(exc, path) from None
    try:
        rows = read_rows(project.repo.engine, DOCUMENT_NOTE_PREFIX)
        check_rows(rows, path, DOCUMENT_NOTE_PREFIX)
        return _read(project, path)
    except (sqlite3.Error, DBAPIError) as exc:
        raise _unreadable(exc, path) from None
    finally:
        project.close()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _named(exc: AnnotatorError, copy: Path, path: Path) -> str:
    return str(exc).replace(str(copy), str(path))


def _unreadable(exc: BaseException, path: Path) -> ProjectError:
    known = translate(exc, path)
    return known or ProjectError(f"{path} cannot be read as a project ({exc}).")


def _read(project: Project, path: Location) -> Source:
    repo = project.repo
    docs = {i: repo.document(i) for i in repo.document_ids()}
    notes: dict[tuple[int, str], str] = {}
    for key, value in repo.metas(DOCUMENT_NOTE_PREFIX).items():
        parts = key[len(DOCUMENT_NOTE_PREFIX) :].split("/", 1)
        if len(parts) == 2 and parts[0].isdigit() and value:
            notes[int(parts[0]), parts[1]] = value
    layers: list[IncomingLayer] = []
    people: list[Person] = []
    for name, kind, uid in repo.identities():
        person = Person(name, kind, uid)
        found = _layers_of(project, person, notes)
        if found:
            people.append(person)
            layers += found
    words = repo.metas(multiword.MULTIWORD_PREFIX)  # a treebank's multiword tokens (ADR 0021)
    documents = tuple(
        NewDocument(
            d.name,
            d.text,
            d.sha256,
            multiword.decode(words.get(multiword.multiword_key(i)), len(d.text)),
        )
        for i, d in docs.items()
    )
    return Source(path, project.write.schema, documents, tuple(people), tuple(layers))


def _layers_of(
    project: Project, person: Person, notes: dict[tuple[int, str], str]
) -> list[IncomingLayer]:
    """Every layer of one person: documents with annotations, a status or a note."""
    summaries = project.repo.summaries(person.name)
    status = {s.id: s.status for s in summaries}
    ids = [s.id for s in summaries if s.worked_on or (s.id, person.name) in notes]
    out = []
    for at in range(0, len(ids), _BATCH):
        for doc, spans, events, relations in project.repo.layers_of(
            ids[at : at + _BATCH], person.name
        ):
            bundle = Bundle(tuple(spans), tuple(events), tuple(relations))
            note = notes.get((doc.id, person.name), "")
            out.append(IncomingLayer(doc.sha256, doc.name, person, bundle, status[doc.id], note))
    return out


# -- planning and merging ---------------------------------------------------------------------
@dataclass
class FilePlan:
    """What merging one file will do before its transaction runs."""

    batch: MergeBatch
    outcome: FileOutcome
    placements: list[Placement] = field(default_factory=list)


def plan(team: Project, source: Source, mode: str) -> FilePlan:
    """Match people and documents, settle the schema and fit each layer into it."""
    ours = team.write.schema
    outcome = FileOutcome(source.path)
    outcome.schema_diff = schema_diff.diff(ours, source.schema)
    target, notes = _target_schema(team, ours, source, mode, outcome.schema_diff)
    outcome.schema_notes = list(notes)
    changed = schema_io.to_json(target) != schema_io.to_json(ours)
    outcome.schema_changed = changed
    if not changed:
        outcome.schema_notes = []
    team_people = [Person(*row) for row in team.repo.identities()]
    stem = source.path.stem if isinstance(source.path, Path) else source.path.database
    placements = place_people(team_people, source.people, stem)
    outcome.clashes = [(p.incoming.name, p.target.name) for p in placements if p.how == "clash"]
    outcome.second_gold = [
        (p.incoming.name, p.target.name) for p in placements if p.how == "second gold"
    ]
    target_of = {p.incoming.uid: p.target for p in placements}
    layers = []
    dropped: Counter[str] = Counter()
    for layer in source.layers:
        bundle, lost = schema_diff.fit(layer.bundle, target)
        dropped += lost
        layers.append(replace(layer, person=target_of[layer.person.uid], bundle=bundle))
    outcome.dropped = dropped
    outcome.matched = _renamed(team, source)
    batch = MergeBatch(
        source.documents,
        tuple(p.target for p in placements),
        tuple(layers),
        ours,
        target if changed else None,
        f"Merge {source.path.name}",
    )
    return FilePlan(batch, outcome, placements)


def _target_schema(
    team: Project, ours: Schema, source: Source, mode: str, diff: SchemaDiff
) -> tuple[Schema, tuple[str, ...]]:
    if mode not in SCHEMA_CHOICES:
        raise MergeError(f"--schema must be one of {', '.join(SCHEMA_CHOICES)}, not {mode!r}.")
    if is_empty(team):
        return source.schema, (
            f"This project was empty, so it takes the schema of {source.path.name}.",
        )
    if not diff.blocking or mode == "ours":
        return ours, ()
    if mode == "stop":
        refuse_on_conflicts(ours, [source])
    return schema_diff.union(ours, source.schema)


def _renamed(team: Project, source: Source) -> list[tuple[str, str]]:
    """Documents here under another name: (their name, our name)."""
    out = []
    for doc in source.documents:
        doc_id = team.repo.document_id_for_sha(doc.sha256)
        if doc_id is not None:
            ours = team.repo.document(doc_id).name
            if ours != doc.name:
                out.append((doc.name, ours))
    return out


def merge_sources(
    team: Project,
    sources: list[Source],
    mode: str = "stop",
    progress: Progress | None = None,
    started: Callable[[Source], None] | None = None,
) -> MergeReport:
    """Merge each file in its own transaction; a file that fails leaves the others in.

    With ``mode`` "stop", nothing is merged if any file's schema differs.
    ``progress`` is told about each layer, ``started`` about each file.
    """
    from annotator.services.merge_holds import gold_holds

    if mode == "stop":
        refuse_on_conflicts(*baseline(team, sources))
    with gold_holds(team, sources):  # on a team server: the curator's holds, or nothing
        return _merge_each(team, sources, mode, progress, started)


def _merge_each(
    team: Project,
    sources: list[Source],
    mode: str,
    progress: Progress | None,
    started: Callable[[Source], None] | None,
) -> MergeReport:
    report = MergeReport()
    for source in sources:
        if started is not None:
            started(source)
        planned = plan(team, source, mode)
        try:
            result = team.write.merge_layers(planned.batch, progress)
        except MergeCancelled:
            report.cancelled = True
            break
        except AnnotatorError as exc:
            planned.outcome.error = f"{source.path}: {exc}"
            report.files.append(planned.outcome)
            continue
        planned.outcome.record(result, planned.placements)
        report.files.append(planned.outcome)
    return report


class MergeService:
    """Merge use cases bound to one open project (what the GUI calls)."""

    choices = SCHEMA_CHOICES

    def __init__(self, project: Project, entry: Entry | None = None) -> None:
        self._project = project
        self._entry = entry

    def worker(self) -> MergeRun:
        """A merge in a worker process (for the window; nothing starts until ``read``)."""
        from annotator.services.merge_worker import MergeRun, serve

        return MergeRun(self._project.path, self._project.write.session, self._entry or serve)

    def adopt(self, changes: list[Change]) -> None:
        """Announce the changes a worker process committed to this project (ADR 0017)."""
        self._project.write.adopt(changes)

    def server(self, raw: str) -> ServerUrl:
        """The project database on a server that ``raw`` names, to merge here (a pull);
        a :class:`MergeError` with a sentence when ``raw`` names a file or no valid server."""
        from annotator.store.server import server_url

        try:
            url = server_url(raw.strip())
        except ProjectError as exc:
            raise MergeError(str(exc)) from None
        if url is None:
            raise MergeError(
                f"{escape_controls(raw.strip())} is not a server URL; write it as "
                "postgresql+psycopg://USER@HOST:PORT/DATABASE (Merge projects… takes files)."
            )
        return url
