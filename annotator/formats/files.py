"""Files on disk for every format: pick a writer, collect input files, read them.

Writers write through a temporary name (``OUT.part``) and rename it into
place only when the export finishes, so a cancelled or failed export leaves
no half-written file behind.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol, TextIO

from annotator.core.schema import Schema
from annotator.core.text import decode_document
from annotator.formats import brat, conll, conllu, doccano, hf, jsonl, spacy
from annotator.formats.base import AnnotatedDocument, FormatError, ReadOptions
from annotator.formats.conll import TokenOptions, WriteStats

STREAM_FORMATS = ("jsonl", "doccano", "spacy", "conll", "conllu", "hf")
_SUFFIXES = {
    "jsonl": (".jsonl", ".json"),
    "doccano": (".jsonl", ".json"),
    "spacy": (".jsonl", ".json"),
    "conll": (".conll", ".iob", ".bio", ".txt", ".tsv"),
    "conllu": (".conllu",),
    "hf": (".jsonl", ".json"),
    "brat": (".ann",),
}
_READERS: dict[str, Callable[[str, str, ReadOptions], list[AnnotatedDocument]]] = {
    "jsonl": jsonl.read,
    "doccano": doccano.read,
    "spacy": spacy.read,
    "conll": conll.read,
    "conllu": conllu.read,
}


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
    """Writes a one-file format through ``OUT.part``."""

    def __init__(
        self, fmt: str, out: Path, opts: TokenOptions, schema: Schema | None = None
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
        self._out = out
        self._tmp = out.with_name(out.name + ".part")
        self._handle: TextIO = open(self._tmp, "w", encoding="utf-8", newline="\n")  # noqa: SIM115

    def write(self, doc: AnnotatedDocument) -> None:
        """Append one document."""
        if self._fmt == "jsonl":
            chunk = jsonl.dumps(doc)
        elif self._fmt == "doccano":
            chunk = doccano.dumps(doc)
        elif self._fmt == "spacy":
            chunk = spacy.dumps(doc, self.stats, self._opts)
        elif self._fmt == "conll":
            chunk = conll.dumps(doc, self._opts, self.stats)
        elif self._fmt == "hf":
            chunk = hf.dumps(doc, self._opts, self.stats, *self._hf_labels)
        else:
            chunk = conllu.dumps(doc, self._opts, self.stats)
        self._handle.write(chunk)

    def finish(self) -> None:
        """Close and move into place (with the label sidecar, for hf)."""
        self._handle.close()
        if self._fmt == "hf":
            side = hf.sidecar_path(self._out)
            tmp = side.with_name(side.name + ".part")
            tmp.write_text(hf.sidecar(self._opts, *self._hf_labels), "utf-8", newline="\n")
            os.replace(tmp, side)
        os.replace(self._tmp, self._out)

    def abort(self) -> None:
        """Close and delete the temporary file."""
        self._handle.close()
        self._tmp.unlink(missing_ok=True)


class BratWriter:
    """Writes ``NAME.txt`` and ``NAME.ann`` per document plus ``annotation.conf``."""

    def __init__(self, out: Path, schema: Schema) -> None:
        self.stats = WriteStats()
        self._out = out
        self._schema = schema
        self._tmp = out.with_name(out.name + ".part")
        shutil.rmtree(self._tmp, ignore_errors=True)
        self._tmp.mkdir(parents=True)
        self._names: set[str] = set()
        self._seen = brat.Seen()

    def write(self, doc: AnnotatedDocument) -> None:
        """Write one document's two files."""
        stem = brat.file_stem(doc, self._names)
        self._names.add(stem)
        ann = brat.dumps(doc)
        brat.collect(doc, self._seen)
        (self._tmp / f"{stem}.txt").write_text(doc.text, encoding="utf-8", newline="\n")
        (self._tmp / f"{stem}.ann").write_text(ann, encoding="utf-8", newline="\n")
        self.stats.documents += 1

    def finish(self) -> None:
        """Write annotation.conf and move every file into the output folder."""
        conf = brat.annotation_conf(self._schema, self._seen)
        (self._tmp / "annotation.conf").write_text(conf, encoding="utf-8", newline="\n")
        self._out.mkdir(parents=True, exist_ok=True)
        for path in sorted(self._tmp.iterdir()):
            os.replace(path, self._out / path.name)
        self._tmp.rmdir()

    def abort(self) -> None:
        """Delete the temporary folder."""
        shutil.rmtree(self._tmp, ignore_errors=True)


def open_writer(fmt: str, out: Path, opts: TokenOptions, schema: Schema) -> Writer:
    """A writer for ``fmt`` that will publish to ``out``."""
    if fmt == "brat":
        return BratWriter(out, schema)
    if out.is_dir():
        raise FormatError(str(out), None, "is a folder; give a file name for this format.")
    return StreamWriter(fmt, out, opts, schema)


def collect_inputs(paths: Iterable[Path], fmt: str) -> list[Path]:
    """Expand folders into the files of ``fmt`` (sorted); keep files as given.

    For brat, a ``.txt`` given directly stands for its ``.ann``.
    """
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in _SUFFIXES[fmt])
            )
        elif fmt == "brat" and path.suffix == ".txt":
            out.append(path.with_suffix(".ann"))
        else:
            out.append(path)
    return out


def read_stream(fmt: str, content: str, path: str, opts: ReadOptions) -> list[AnnotatedDocument]:
    """Parse the decoded content of a one-file format."""
    return _READERS[fmt](content, path, opts)


def read_brat(ann_path: Path, opts: ReadOptions) -> list[AnnotatedDocument]:
    """Read one ``.ann`` file and the ``.txt`` beside it."""
    txt_path = ann_path.with_suffix(".txt")
    if not txt_path.is_file():
        raise FormatError(
            str(ann_path), None, f"there is no {txt_path.name} beside it; brat needs both files."
        )
    text = decode_document(txt_path.read_bytes(), str(txt_path))
    data = ann_path.read_bytes()
    if b"\x00" in data:
        raise FormatError(str(ann_path), None, "looks like a binary file, not a brat .ann file.")
    try:
        ann = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(
            str(ann_path), None, f"is not valid UTF-8 (byte at offset {exc.start})."
        ) from None
    return [brat.read(ann, text, txt_path.name, str(ann_path), opts)]
