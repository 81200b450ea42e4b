"""WebAnno TSV files on disk: a folder of ``NAME.tsv`` on export, one file per document on import.

The writer publishes the way :class:`annotator.formats.files.BratWriter` does:
files go to a new folder beside the target, which is renamed into place (or
whose files are moved into an existing target) only when the export finishes,
with the marker file that lets a later export write there again.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from annotator.core.gcpause import collector_paused
from annotator.core.text import MAX_DOCUMENT_BYTES, decode_utf8, read_input
from annotator.formats import brat, target, webanno
from annotator.formats.base import AnnotatedDocument, ReadOptions
from annotator.formats.tagging import WriteStats
from annotator.formats.webanno_map import to_document
from annotator.formats.webanno_read import parse

_MARKER_HEAD = "# Written by annotator export; the files it wrote in this folder:"


class WebannoWriter:
    """Writes ``NAME.tsv`` per document into a folder (see the module docstring)."""

    def __init__(
        self, out: Path, event_types: frozenset[str], protected: tuple[Path, ...] = ()
    ) -> None:
        self.stats = WriteStats()
        self._out = out
        self._events = event_types
        self._protected = protected
        out.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = target.new_temp_folder(out)
        self._taken: set[str] = set()

    def write(self, doc: AnnotatedDocument) -> None:
        """Write one document's file, under a name no other document has."""
        stem = brat.file_stem(doc, self._taken)
        content = webanno.dumps(doc, self._events, self.stats)
        (self._tmp / f"{stem}.tsv").write_text(content, encoding="utf-8", newline="\n")

    def finish(self) -> None:
        """Write the marker, then publish the folder."""
        names = sorted(p.name for p in self._tmp.iterdir())
        marker = "\n".join([_MARKER_HEAD, *names]) + "\n"
        (self._tmp / target.MARKER).write_text(marker, encoding="utf-8", newline="\n")
        if not self._out.exists():
            os.rename(self._tmp, self._out)
            return
        for name in [*names, target.MARKER]:
            path = self._out / name
            if any(target.same_file(path, p) for p in self._protected):
                raise target.OutputRefused(f"Export would overwrite the open project {path}.")
        for path in sorted(self._tmp.iterdir()):
            os.replace(path, self._out / path.name)
        self._tmp.rmdir()

    def abort(self) -> None:
        """Delete the temporary folder this writer made."""
        shutil.rmtree(self._tmp, ignore_errors=True)


def document_name(path: Path) -> str:
    """The document's name: ``NAME.tsv`` → ``NAME.txt``; in an INCEpTION project export
    (``annotation/DOC/USER.tsv``, ``curation/DOC/CURATION_USER.tsv``), ``DOC``."""
    if path.parent.parent.name in ("annotation", "curation") and path.parent.name:
        return path.parent.name
    return path.with_suffix(".txt").name


def read(
    path: Path, opts: ReadOptions, max_bytes: int = MAX_DOCUMENT_BYTES
) -> list[AnnotatedDocument]:
    """Read one ``.tsv`` file: its document (what it could not take: ``opts.summary``)."""
    content = decode_utf8(read_input(path, max_bytes), str(path)).removeprefix("\ufeff")
    with collector_paused():  # a million token lines build no cycles
        parsed = parse(content, str(path))
        doc = to_document(parsed, document_name(path), str(path), opts)
    return [doc]
