"""Files on disk for every format: pick a writer (reading: :mod:`annotator.formats.inputs`).

Writers write to a new, uniquely named temporary file or folder beside the
target and rename it into place only when the export finishes, so a
cancelled or failed export leaves no half-written file behind, and never
deletes anything it did not make. :mod:`annotator.formats.target` decides
beforehand whether the target may be replaced at all.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Protocol, TextIO

from annotator.core.schema import Schema
from annotator.formats import (
    brat,
    conll,
    conll2002,
    conllu,
    doccano,
    hf,
    jsonl,
    spacy,
    target,
    webanno_files,
)
from annotator.formats.base import AnnotatedDocument, FormatError
from annotator.formats.conll import TokenOptions, WriteStats
from annotator.formats.labelstudio_file import LabelStudioWriter

STREAM_FORMATS = ("jsonl", "doccano", "spacy", "conll", "conll2002", "conllu", "hf")
FOLDER_FORMATS = ("brat", "webanno")  # one file per document, in a folder
# The token formats tokenize documents in batches (one camel-tools call and one
# numpy pass per batch instead of per document): up to this many documents or
# characters are held back before they are written.
TOKEN_FORMATS = frozenset({"spacy", "conll", "conll2002", "conllu", "hf"})
BATCH_DOCUMENTS = 500
BATCH_CHARS = 1_000_000


class Writer(Protocol):
    """Receives documents one by one; ``finish`` publishes, ``abort`` discards."""

    stats: WriteStats

    def write(self, doc: AnnotatedDocument) -> None:
        """Write one document."""

    def finish(self) -> None:
        """Publish the output."""

    def abort(self) -> None:
        """Discard everything written so far."""


class StreamWriter:
    """Writes a one-file format to a new temporary file beside ``out``, then renames it."""

    def __init__(
        self,
        fmt: str,
        out: Path,
        opts: TokenOptions,
        schema: Schema | None = None,
        doccano_opts: doccano.Options | None = None,
    ) -> None:
        self.stats = WriteStats()
        entity_names = [lb.name for lb in schema.labels] if schema else []
        event_names = [e.name for e in schema.events] if schema else []
        self._hf_labels = (
            hf.LabelIndex(entity_names, opts.scheme),
            hf.LabelIndex(event_names, opts.scheme),
        )
        self._fmt = fmt
        self._opts = opts
        self._doccano = doccano_opts or doccano.Options()
        self._names = conll2002.LabelNames(entity_names)
        self._conll2002 = conll2002.forms(self._names)
        self._out = out
        self._pending: list[AnnotatedDocument] = []
        self._pending_chars = 0
        fd, self._tmp = target.new_temp_file(out)
        self._handle: TextIO = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, doc: AnnotatedDocument) -> None:
        """Append one document (the token formats hold a few back to tokenize them together)."""
        if self._fmt not in TOKEN_FORMATS:
            self._handle.write(self._dumps_one(doc))
            return
        self._pending.append(doc)
        self._pending_chars += len(doc.text)
        if len(self._pending) >= BATCH_DOCUMENTS or self._pending_chars >= BATCH_CHARS:
            self._flush_pending()

    def _dumps_one(self, doc: AnnotatedDocument) -> str:
        if self._fmt == "jsonl":
            return jsonl.dumps(doc)
        return doccano.dumps(doc, self._doccano, self.stats)

    def _flush_pending(self) -> None:
        docs, self._pending, self._pending_chars = self._pending, [], 0
        if not docs:
            return
        if self._fmt == "spacy":
            pieces = spacy.dumps_many(docs, self.stats, self._opts)
        elif self._fmt == "conll":
            pieces = conll.dumps_many(docs, self._opts, self.stats)
        elif self._fmt == "conll2002":
            pieces = conll2002.dumps_many(docs, self._opts, self.stats, self._conll2002)
        elif self._fmt == "hf":
            pieces = hf.dumps_many(docs, self._opts, self.stats, *self._hf_labels)
        else:
            pieces = conllu.dumps_many(docs, self._opts, self.stats)
        self._handle.writelines(pieces)

    def finish(self) -> None:
        """Flush to disk, close and rename into place (with the label sidecar, for hf)."""
        self._flush_pending()
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        if self._fmt == "hf":
            side = hf.sidecar_path(self._out)
            fd, tmp = target.new_temp_file(side)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(hf.sidecar(self._opts, *self._hf_labels))
            os.replace(tmp, side)
        if self._fmt == "conll2002" and self._names.renamed():
            self._side_file(conll2002.map_path(self._out), conll2002.map_text(self._names))
        os.replace(self._tmp, self._out)

    def _side_file(self, path: Path, text: str) -> None:
        fd, tmp = target.new_temp_file(path)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)

    def abort(self) -> None:
        """Close and delete the temporary file (only the one this writer made).

        Closing flushes, which fails again on a full disk; the file goes anyway.
        """
        try:
            self._handle.close()
        except OSError:
            pass
        finally:
            self._tmp.unlink(missing_ok=True)


class BratWriter:
    """Writes ``NAME.txt`` and ``NAME.ann`` per document plus ``annotation.conf``.

    Files go to a new folder beside ``out`` that this writer made (a ``.part``
    folder it did not make is never touched). ``finish`` renames that folder
    to ``out``, or moves its files into an existing ``out`` (other files there
    stay). A marker file lists what was written, so a later export may write
    into this folder again without ``force``.
    """

    def __init__(self, out: Path, schema: Schema, protected: tuple[Path, ...] = ()) -> None:
        self.stats = WriteStats()
        self._out = out
        self._schema = schema
        self._protected = protected
        out.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = target.new_temp_folder(out)
        self._taken: set[str] = set()
        self._seen = brat.Seen()
        self._taken_names = brat.taken(schema)

    def write(self, doc: AnnotatedDocument) -> None:
        """Write one document's two files, under a name no other document has."""
        stem = brat.file_stem(doc, self._taken)
        ann = brat.dumps(doc, self._taken_names)
        brat.collect(doc, self._seen)
        (self._tmp / f"{stem}.txt").write_text(doc.text, encoding="utf-8", newline="\n")
        (self._tmp / f"{stem}.ann").write_text(ann, encoding="utf-8", newline="\n")
        self.stats.documents += 1

    def finish(self) -> None:
        """Write annotation.conf, visual.conf and the marker, then publish the folder."""
        conf = brat.annotation_conf(self._schema, self._seen)
        (self._tmp / "annotation.conf").write_text(conf, encoding="utf-8", newline="\n")
        visual = brat.visual_conf(self._schema, self._seen)
        (self._tmp / "visual.conf").write_text(visual, encoding="utf-8", newline="\n")
        names = sorted(p.name for p in self._tmp.iterdir())
        marker = "\n".join([_MARKER_HEAD, *names]) + "\n"
        (self._tmp / target.MARKER).write_text(marker, encoding="utf-8", newline="\n")
        if not self._out.exists():
            os.rename(self._tmp, self._out)
            return
        incoming = [self._out / name for name in [*names, target.MARKER]]
        for path in incoming:
            if any(target.same_file(path, p) for p in self._protected):
                raise target.OutputRefused(f"Export would overwrite the open project {path}.")
        for path in sorted(self._tmp.iterdir()):
            os.replace(path, self._out / path.name)
        self._tmp.rmdir()

    def abort(self) -> None:
        """Delete the temporary folder this writer made."""
        shutil.rmtree(self._tmp, ignore_errors=True)


_MARKER_HEAD = "# Written by annotator export; the files it wrote in this folder:"


def open_writer(
    fmt: str,
    out: Path,
    opts: TokenOptions,
    schema: Schema,
    protected: tuple[Path, ...] = (),
    doccano_opts: doccano.Options | None = None,
) -> Writer:
    """A writer for ``fmt`` that will publish to ``out`` (check it first with ``target``)."""
    if fmt == "brat":
        return BratWriter(out, schema, protected)
    if fmt == "webanno":
        events = frozenset(e.name for e in schema.events)
        return webanno_files.WebannoWriter(out, events, protected)
    if out.is_dir():
        raise FormatError(str(out), None, "is a folder; give a file name for this format.")
    if fmt == "labelstudio":
        return LabelStudioWriter(out, schema, protected)
    return StreamWriter(fmt, out, opts, schema, doccano_opts)
