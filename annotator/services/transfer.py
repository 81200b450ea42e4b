"""Export and import annotations: the use cases behind File → Export/Import and the CLI.

Export (:mod:`annotator.services.transfer_export`) writes one annotator's layer
(or the gold layer) of some or all documents in one of :data:`FORMATS`. Import
(:mod:`annotator.services.transfer_import`) reads files in a format into a named
annotator's layer, each file completely or not at all. This module gathers both
behind :class:`TransferService` (what the GUI calls) and names what the CLI and
the tests import.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.services.transfer_base import FORMATS, IMPORT_FORMATS, Progress, TransferError
from annotator.services.transfer_export import (
    ExportRequest,
    ExportResult,
    export_layer,
    load_layer,
    resolve_layer,
    select_documents,
)
from annotator.services.transfer_import import ImportRequest, import_annotations

if TYPE_CHECKING:
    from annotator.core.model import ImportReport
    from annotator.services.project import Project

__all__ = [
    "FORMATS",
    "IMPORT_FORMATS",
    "ExportRequest",
    "ExportResult",
    "ImportRequest",
    "Progress",
    "TransferError",
    "TransferService",
    "export_layer",
    "import_annotations",
    "load_layer",
    "resolve_layer",
    "select_documents",
]


class TransferService:
    """Export and import for one project, with plain arguments (what the GUI calls)."""

    formats = FORMATS
    import_formats = IMPORT_FORMATS

    def __init__(self, project: Project) -> None:
        self._project = project

    def layers(self) -> list[str]:
        """Names of the human annotators whose layers can be exported or filled."""
        return [name for name, kind in self._project.annotators() if kind != "gold"]

    def has_gold(self) -> bool:
        """True once the project has an adjudicated layer."""
        return self._project.gold_annotator() is not None

    def document_names(self) -> list[str]:
        """Every document's name, in import order."""
        return [s.name for s in self._project.documents.summaries("")]

    def export(
        self,
        fmt: str,
        out: Path,
        *,
        annotator: str | None = None,
        gold: bool = False,
        docs: Iterable[str] = (),
        scheme: str = "iob2",
        nested: str = "",
        events: bool = False,
        force: bool = False,
        statuses: Iterable[str] = (),
        segment: str = "none",
        levels: int = 2,
        separator: str = "tab",
        offsets: str = "utf16",
        layout: str = "label",
        progress: Progress | None = None,
    ) -> ExportResult:
        """Run an export (see :class:`ExportRequest` and :func:`export_layer`)."""
        request = ExportRequest(
            fmt,
            out,
            annotator,
            gold,
            tuple(docs),
            scheme,
            nested,
            events,
            force,
            tuple(statuses),
            segment=segment,
            levels=levels,
            separator=separator,
            offsets=offsets,
            layout=layout,
        )
        return export_layer(self._project, request, progress)

    def import_files(
        self,
        paths: Iterable[Path],
        fmt: str,
        annotator: str,
        *,
        add_labels: bool = False,
        replace: bool = False,
        scheme: str = "iob2",
        skip_bad_lines: bool = False,
        offsets: str = "",
        predictions: bool = False,
        progress: Progress | None = None,
    ) -> ImportReport:
        """Run an import (see :class:`ImportRequest` and :func:`import_annotations`)."""
        request = ImportRequest(
            tuple(paths),
            fmt,
            annotator,
            add_labels,
            replace,
            scheme,
            skip_bad_lines,
            offsets,
            predictions,
        )
        return import_annotations(self._project, request, progress)
