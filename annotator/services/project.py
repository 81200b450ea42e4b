"""Open a project: the one object the GUI and the CLI both start from."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from annotator.core.change import Origin
from annotator.core.location import Location, ServerUrl
from annotator.core.model import ImportReport
from annotator.services import credentials
from annotator.services.annotations import AnnotationService
from annotator.services.documents import DocumentService
from annotator.services.schema import SchemaService
from annotator.services.search import SearchService
from annotator.services.write import WriteService
from annotator.store import team
from annotator.store.engine import BUSY_TIMEOUT_MS, SET_ASIDE_TABLE, open_file
from annotator.store.projectfile import check_path
from annotator.store.repository import Repository
from annotator.store.server import open_server, server_url
from annotator.store.writer import Writer

if TYPE_CHECKING:
    from annotator.services.transfer import TransferService

SEEDED_KEY = "seeded_from"


@dataclass
class Project:
    """An open project (a file, or a database on a server) and the services that work on it."""

    path: Location
    repo: Repository
    write: WriteService
    documents: DocumentService
    annotations: AnnotationService
    schemas: SchemaService
    search: SearchService
    read_only: bool = False  # the file or its folder cannot be written: nothing may change
    backup: Path | None = None  # the copy taken before this open migrated the file
    set_aside: tuple[tuple[str, int], ...] = ()  # rows that migration set aside, by kind
    _seen_seq: int = field(default=0, repr=False)  # the change feed's, ADR 0008

    def annotators(self) -> list[tuple[str, str]]:
        """Every annotator as ``(name, kind)``."""
        return self.repo.annotators()

    def gold_annotator(self) -> str | None:
        """The name of the adjudicated (gold) layer, if the project has one."""
        return next((name for name, kind in self.repo.annotators() if kind == "gold"), None)

    def upgrade_notice(self) -> str | None:
        """Sentences naming the backup, and the rows set aside, if opening this project
        upgraded its file."""
        if self.backup is None:
            return None
        notice = (
            f"{self.path.name} was upgraded to this version's file format; the file as it was "
            f"before is kept at {self.backup}."
        )
        if not self.set_aside:
            return notice
        counts = ", ".join(_counted(kind, n) for kind, n in self.set_aside)
        return (
            f"{notice} The upgrade set aside rows that broke a rule the project now enforces "
            f"(duplicates, or a second gold layer, which became a person's layer): {counts}. "
            f"They are kept in the table {SET_ASIDE_TABLE} of {self.path.name}, with the "
            "reason for each, and in place in the backup."
        )

    def foreign_changes(self) -> list[tuple[str, int | None, str | None, str]]:
        """Changes since the last call that did not come from this project's undo stack.

        Each is ``(origin, doc_id, annotator, description)``; ``doc_id`` is None
        for a schema change. "other" means another program (another session).
        """
        own_stack = {Origin.USER, Origin.UNDO}
        last = self.write.last_logged
        if last is not None and last[0] == self._seen_seq + 1 and last[1] in own_stack:
            # the feed's numbers are given in commit order with no gaps: everything before
            # this window's own last edit was seen, and that edit is on its own stack (the
            # answer a query would give at that commit; later ones are read next time)
            self._seen_seq = last[0]
            return []
        try:
            changes = self.repo.changes_since(self._seen_seq)
        except DBAPIError:  # a server away for now: read from the same number next time
            return []
        if changes:
            self._seen_seq = changes[-1].seq
        mine = self.write.session
        return [
            (Origin.OTHER if c.session != mine else c.origin, c.doc_id, c.annotator, c.description)
            for c in changes
            if c.session != mine or c.origin not in own_stack
        ]

    def skip_foreign_changes(self) -> None:
        """Move past every change committed so far without reading them (a window with no
        undo history has nothing to clear: after a merge they are thousands of rows)."""
        with contextlib.suppress(DBAPIError):  # a server away for now: next time
            self._seen_seq = self.repo.last_seq()

    def seed(self, seeds_dir: Path) -> ImportReport | None:
        """Import the sample articles once, the first time the project is opened."""
        if self.read_only or self.repo.meta(SEEDED_KEY) is not None or not seeds_dir.is_dir():
            return None
        report = self.documents.import_paths([seeds_dir])
        self.write.set_meta(SEEDED_KEY, str(seeds_dir))
        return report

    def transfer(self) -> TransferService:
        """Export and import use cases bound to this project (for the GUI)."""
        from annotator.services.transfer import TransferService

        return TransferService(self)

    def close(self) -> None:
        """Close the database connection."""
        self.repo.close()


_PLURALS = {"gold layer": "gold layers"}


def _counted(kind: str, n: int) -> str:
    """``1 span``, ``2 events``, ``2 gold layers``."""
    return f"{n} {kind if n == 1 else _PLURALS.get(kind, kind + 's')}"


def project_path(raw: str) -> Location:
    """The project the user named, judged as typed: a PostgreSQL URL names a database on a
    server (:class:`ServerUrl`); another server's URL or a URI is refused; else a file.

    ``Path()`` folds the ``//`` of ``postgresql://host/db`` into one ``/``, which
    turned such a URL into nested folders and a new local project file.
    """
    return server_url(raw) or check_path(raw)


def open_project(
    path: Path | str | ServerUrl,
    *,
    create: bool = True,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
) -> Project:
    """Open or create the project file at ``path`` (migrating it if needed).

    ``create=False`` refuses a missing file (for commands that only read). A
    file that cannot be written opens with ``read_only`` set, and the write
    service refuses every change. ``busy_timeout_ms`` is how long one attempt
    waits for a lock held by another program; the write service then asks its
    ``busy`` handler.
    """
    if isinstance(path, ServerUrl):
        # a password kept in the system keyring by `annotator team` (ADR 0024)
        login = credentials.with_stored_password(path)
        opened = open_server(login, create=create, busy_timeout_ms=busy_timeout_ms)
        try:  # a team database set up by an older version: `team init` must run again
            team.check_setup(opened.engine)
        except BaseException:
            opened.engine.dispose()
            raise
    else:
        opened = open_file(path, create=create, busy_timeout_ms=busy_timeout_ms)
        path = Path(path)
    repo = Repository(opened.engine)
    write = WriteService(Writer(opened.engine), read_only=opened.read_only)
    documents = DocumentService(repo, write)
    annotations = AnnotationService(repo, write)
    return Project(
        path=path,
        repo=repo,
        write=write,
        documents=documents,
        annotations=annotations,
        schemas=SchemaService(repo, write, path),
        search=SearchService(documents, annotations, write),
        read_only=opened.read_only,
        backup=opened.backup,
        set_aside=opened.set_aside,
        _seen_seq=repo.last_seq(),
    )
