"""Open a project: the one object the GUI and the CLI both start from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.model import ImportReport
from annotator.services.annotations import AnnotationService
from annotator.services.documents import DocumentService
from annotator.services.schema import SchemaService
from annotator.store.engine import open_file
from annotator.store.repository import Repository

if TYPE_CHECKING:
    from annotator.services.transfer import TransferService

SEEDED_KEY = "seeded_from"


@dataclass
class Project:
    """An open project file and the services that work on it."""

    path: Path
    repo: Repository
    documents: DocumentService
    annotations: AnnotationService
    schemas: SchemaService
    read_only: bool = False  # the file or its folder cannot be written: nothing may change

    def annotators(self) -> list[tuple[str, str]]:
        """Every annotator as ``(name, kind)``."""
        return self.repo.annotators()

    def gold_annotator(self) -> str | None:
        """The name of the adjudicated (gold) layer, if the project has one."""
        return next((name for name, kind in self.repo.annotators() if kind == "gold"), None)

    def seed(self, seeds_dir: Path) -> ImportReport | None:
        """Import the sample articles once, the first time the project is opened."""
        if self.read_only or self.repo.meta(SEEDED_KEY) is not None or not seeds_dir.is_dir():
            return None
        report = self.documents.import_paths([seeds_dir])
        self.repo.set_meta(SEEDED_KEY, str(seeds_dir))
        return report

    def transfer(self) -> TransferService:
        """Export and import use cases bound to this project (for the GUI)."""
        from annotator.services.transfer import TransferService

        return TransferService(self)

    def close(self) -> None:
        """Close the database connection."""
        self.repo.close()


def open_project(path: Path | str, *, create: bool = True) -> Project:
    """Open or create the project file at ``path`` (migrating it if needed).

    ``create=False`` refuses a missing file (for commands that only read). A
    file that cannot be written opens with ``read_only`` set.
    """
    opened = open_file(path, create=create)
    path = Path(path)
    repo = Repository(opened.engine)
    schemas = SchemaService(repo)
    return Project(
        path=path,
        repo=repo,
        documents=DocumentService(repo),
        annotations=AnnotationService(repo, lambda: schemas.schema),
        schemas=schemas,
        read_only=opened.read_only,
    )
