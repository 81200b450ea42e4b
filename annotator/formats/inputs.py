"""An import's input files: collect them, and read one in any format the import takes.

Only the reader of the format asked for is imported (a 30 MB treebank's import should
not pay for every other format's module at start, issue 19 item 1); the writers are in
:mod:`annotator.formats.files`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import cast

from annotator.core.text import MAX_DOCUMENT_BYTES, decode_document, decode_utf8, read_input
from annotator.formats.base import AnnotatedDocument, FormatError, ReadOptions
from annotator.formats.summary import ImportSummary

_SUFFIXES = {
    "jsonl": (".jsonl", ".json"),
    "doccano": (".jsonl", ".json"),
    "spacy": (".jsonl", ".json"),
    "conll": (".conll", ".iob", ".bio", ".txt", ".tsv"),
    "conll2002": (".conll", ".iob", ".bio", ".txt", ".tsv"),
    "conllu": (".conllu",),
    "hf": (".jsonl", ".json"),
    "brat": (".ann",),
    "labelstudio": (".json",),
    "webanno": (".tsv",),
}
# a one-file format's reader: its module and function, imported when first asked for
_READERS = {
    "jsonl": "annotator.formats.jsonl",
    "doccano": "annotator.formats.doccano",
    "spacy": "annotator.formats.spacy",
    "conll": "annotator.formats.conll",
    "conll2002": "annotator.formats.conll",
    "conllu": "annotator.formats.conllu_read",
    "labelstudio": "annotator.formats.labelstudio",
}
Reader = Callable[[str, str, ReadOptions], list[AnnotatedDocument]]


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


def reader(fmt: str) -> Reader:
    """The reader of a one-file format (``KeyError`` for another format)."""
    return cast(Reader, importlib.import_module(_READERS[fmt]).read)


def read_stream(fmt: str, content: str, path: str, opts: ReadOptions) -> list[AnnotatedDocument]:
    """Parse the decoded content of a one-file format."""
    return reader(fmt)(content, path, opts)


def read_brat(
    ann_path: Path, opts: ReadOptions, max_bytes: int = MAX_DOCUMENT_BYTES
) -> list[AnnotatedDocument]:
    """Read one ``.ann`` file and the ``.txt`` beside it (each at most ``max_bytes``)."""
    from annotator.formats import brat, brat_conf

    txt_path = ann_path.with_suffix(".txt")
    if not os.path.lexists(txt_path):
        raise FormatError(
            str(ann_path), None, f"there is no {txt_path.name} beside it; brat needs both files."
        )
    text = decode_document(read_input(txt_path, max_bytes), str(txt_path), max_bytes)
    ann = decode_utf8(read_input(ann_path, max_bytes), str(ann_path))
    conf = ann_path.parent / "annotation.conf"
    if opts.add_labels and conf.is_file():  # brat's configuration declares what to add
        declared = decode_utf8(read_input(conf, max_bytes), str(conf))
        brat_conf.read_conf(declared, str(conf), opts)
    return [brat.read(ann, text, txt_path.name, str(ann_path), opts)]


def read_file(
    fmt: str, path: Path, opts: ReadOptions, max_bytes: int = MAX_DOCUMENT_BYTES
) -> tuple[list[AnnotatedDocument], ImportSummary]:
    """Read one input file of an import in any format it takes: its documents, and the
    summary of what came in and what could not (``opts.summary``, filled by the reader)."""
    if fmt == "brat":
        docs = read_brat(path, opts, max_bytes)
    elif fmt == "webanno":
        from annotator.formats import webanno_files

        docs = webanno_files.read(path, opts, max_bytes)
    else:
        content = decode_document(read_input(path, max_bytes), str(path), max_bytes)
        if fmt in ("conll", "conll2002"):
            from annotator.formats import conll2002

            opts.label_map = conll2002.read_map(path)
        docs = read_stream(fmt, content, str(path), opts)
    opts.summary.took(
        documents=len(docs),
        spans=sum(len(d.spans) for d in docs),
        events=sum(len(d.events) for d in docs),
        relations=sum(len(d.relations) for d in docs),
    )
    return docs, opts.summary
