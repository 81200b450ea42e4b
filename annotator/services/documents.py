"""Documents: import text files, list documents, track status."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

from annotator import errorlog
from annotator.core.change import Change
from annotator.core.errors import AnnotatorError, DocumentRejected
from annotator.core.model import Document, DocumentSummary, ImportOutcome, ImportReport, Status
from annotator.core.signal import Signal
from annotator.core.text import (
    MAX_DOCUMENT_BYTES,
    decode_document,
    normalize_text,
    read_input,
    text_sha256,
)
from annotator.services.write import NewDocument, WriteService
from annotator.store.dberrors import translate
from annotator.store.repository import Repository

# progress(done, total, current_name) -> False to cancel
Progress = Callable[[int, int, str], bool]


def shown_path(path: Path | str) -> str:
    """``path`` as text that can be stored and printed: bytes of a file name that are not
    UTF-8 (which Python keeps as lone surrogates) are written as ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


class ImportStopped(AnnotatorError):
    """An import stopped at a file the project could not take (a full disk, say).

    The files before it are saved, each in its own transaction, and ``report`` lists
    them; the message gives the reason, the file, and how many files were saved.
    """

    def __init__(self, reason: str, report: ImportReport, path: Path, total: int) -> None:
        saved, left = len(report.outcomes), total - len(report.outcomes) - 1
        super().__init__(
            f"{reason} That change was the import of {shown_path(path)}, so the import "
            f"stopped there: the {saved} files before it were imported and are saved "
            f"({len(report.added)} added, {len(report.duplicates)} already in the project, "
            f"{len(report.rejected)} rejected); it and the {left} files after it were not "
            "imported."
        )
        self.report = report
        self.path = path


def collect_text_files(paths: Iterable[Path | str]) -> list[Path]:
    """Expand folders into their ``.txt`` files (recursively, sorted); keep files as given."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*.txt") if p.is_file()))
        else:
            out.append(path)
    return out


class DocumentService:
    """Use cases about documents.

    Signals:
        changed: emitted with a document id (or None for "many") when the
            document list changes: a new document, a status change.
    """

    def __init__(self, repo: Repository, write: WriteService) -> None:
        self._repo = repo
        self._write = write
        self.changed: Signal[int | None] = Signal(errorlog.record)
        write.changed.connect(self._relay)

    def _relay(self, change: Change) -> None:
        touched = {s.doc_id for s in change.statuses} | set(change.new_documents)
        touched |= change.documents()  # deleted or restored
        if len(touched) == 1:
            self.changed.emit(touched.pop())
        elif touched:
            self.changed.emit(None)

    def _path(self) -> Path | None:
        database = self._repo.engine.url.database
        return Path(database) if database else None

    def summaries(
        self, annotator: str, ids: Collection[int] | None = None
    ) -> list[DocumentSummary]:
        """Every document (or the documents ``ids``) with its status and span count for
        ``annotator``, in id order."""
        return self._repo.summaries(annotator, ids)

    def document(self, doc_id: int) -> Document:
        """One document with its stored text."""
        return self._repo.document(doc_id)

    def document_ids(self) -> list[int]:
        """Every document id in import order."""
        return self._repo.document_ids()

    def find_by_names(self, names: Iterable[str]) -> dict[str, int]:
        """Map document names to ids; missing names are absent from the result."""
        return self._repo.find_documents(names)

    def ids_named(self, names: Iterable[str]) -> tuple[list[int], list[str]]:
        """The ids of ``names`` in order (each once), and the names no document has."""
        wanted = list(dict.fromkeys(names))
        found = self.find_by_names(wanted)
        return [found[n] for n in wanted if n in found], [n for n in wanted if n not in found]

    def ids_with_name(self, name: str) -> list[int]:
        """The ids of every document named exactly ``name``."""
        return self._repo.document_ids_named(name)

    def status(self, doc_id: int, annotator: str) -> Status:
        """A document's status for one annotator."""
        return self._repo.status(doc_id, annotator)

    def set_status(self, doc_id: int, annotator: str, status: Status) -> None:
        """Record a document's status for one annotator."""
        self._write.set_status(doc_id, annotator, status)

    def add_text(self, name: str, text: str) -> tuple[int, bool]:
        """Store ``text`` (normalized) as a document unless it is already there.

        Returns ``(doc_id, created)``.
        """
        text = normalize_text(text)
        if not text.strip():
            raise DocumentRejected(name, "contains only white space.")
        return self._store(name, text)

    def _store(self, name: str, text: str) -> tuple[int, bool]:
        """Store already-normalized text unless a document with the same hash exists."""
        return self._write.add_documents([NewDocument(name, text, text_sha256(text))])[0]

    def import_file(self, path: Path) -> ImportOutcome:
        """Import one text file; problems with the file become a "rejected" outcome.

        A file name that is not valid UTF-8 is stored, and named in messages, with its
        undecodable bytes written as ``\\xNN`` (:func:`shown_path`). A failure of the
        project itself (a full disk) is raised.
        """
        name, shown = shown_path(path.name), shown_path(path)
        try:
            text = decode_document(read_input(path, MAX_DOCUMENT_BYTES), shown)
        except DocumentRejected as exc:
            return ImportOutcome(shown, "rejected", f"{shown}: {exc.reason}")
        except OSError as exc:
            return ImportOutcome(shown, "rejected", f"{shown}: cannot be read ({exc.strerror}).")
        try:
            doc_id, created = self._store(name, text)
        except DocumentRejected as exc:
            return ImportOutcome(shown, "rejected", f"{shown}: {exc.reason}")
        if not created:
            return ImportOutcome(
                shown, "duplicate", f"{shown}: this text is already in the project.", doc_id
            )
        note = "" if name == path.name else f" (as {name}: its file name is not valid UTF-8)"
        return ImportOutcome(shown, "added", f"{shown}: added{note}.", doc_id)

    def import_paths(
        self, paths: Iterable[Path | str], progress: Progress | None = None
    ) -> ImportReport:
        """Import files and folders of ``.txt`` files; each file succeeds or fails alone.

        A file the project cannot take (the disk is full, the file is locked) stops the
        import with :class:`ImportStopped`, which lists the files saved before it.
        """
        files = collect_text_files(paths)
        report = ImportReport()
        for index, path in enumerate(files):
            if progress is not None and not progress(index, len(files), path.name):
                break
            try:
                report.outcomes.append(self.import_file(path))
            except Exception as exc:
                known = exc if isinstance(exc, AnnotatorError) else translate(exc, self._path())
                if known is None:
                    raise  # unexpected: the caller logs it
                raise ImportStopped(str(known), report, path, len(files)) from exc
        if progress is not None:
            progress(len(files), len(files), "")
        return report
