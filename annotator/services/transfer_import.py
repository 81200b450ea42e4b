"""Import: files in a format read into a named annotator's layer.

Each imported file is read and checked completely before anything is written,
and then written in one transaction: a file that fails leaves the project
exactly as it was, and the other files still go in. Documents are matched by
the SHA-256 of their text, or added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core import schema_add
from annotator.core.change import Change
from annotator.core.errors import AnnotatorError
from annotator.core.model import Bundle, ImportOutcome, ImportReport
from annotator.core.names import annotator_name_problem
from annotator.core.prepared_tokens import announce
from annotator.core.schema import Schema
from annotator.core.schema_add import Additions
from annotator.core.text import MAX_DOCUMENT_BYTES
from annotator.errorlog import unexpected_message
from annotator.formats import inputs
from annotator.formats.base import AnnotatedDocument, FormatError, ReadOptions
from annotator.services.tokens_ahead import TokensAhead, tokens_ahead
from annotator.services.transfer_base import IMPORT_FORMATS, Progress, TransferError
from annotator.services.write import LayerImport, NewDocument

if TYPE_CHECKING:
    from annotator.services.project import Project

MAX_FILE_BYTES = MAX_DOCUMENT_BYTES  # larger import files are refused


@dataclass(frozen=True)
class ImportRequest:
    """What to import and into which layer."""

    paths: tuple[Path, ...]
    format: str
    annotator: str
    add_labels: bool = False
    replace: bool = False
    scheme: str = "iob2"
    skip_bad_lines: bool = False  # doccano: import the good lines, list the bad ones
    offsets: str = ""  # doccano: unit of lines without an "offsets" key (default utf16)
    predictions: bool = False  # labelstudio: read predictions instead of annotations


def import_annotations(
    project: Project,
    request: ImportRequest,
    progress: Progress | None = None,
    tokens: TokensAhead | None = None,
) -> ImportReport:
    """Import every file; each one goes in completely or not at all. ``tokens``: a child
    started early for these files' tokens (ADR 0027), taken by the first large file."""
    if request.format not in IMPORT_FORMATS:
        raise TransferError(
            f"Cannot import format {request.format!r}; choose one of {IMPORT_FORMATS}."
        )
    if not request.annotator:
        raise TransferError("Name the annotator whose layer receives the import (--annotator).")
    problem = annotator_name_problem(request.annotator)
    if problem is not None:
        raise TransferError(f"Choose another --annotator: {problem}.")
    files = inputs.collect_inputs(request.paths, request.format)
    report = ImportReport()
    for index, path in enumerate(files):
        if progress is not None and not progress(index, len(files), path.name):
            break
        report.outcomes.append(_import_file(project, path, request, tokens))
    if progress is not None:
        progress(len(files), len(files), "")
    return report


def _read_options(project: Project, request: ImportRequest) -> ReadOptions:
    schema = project.schemas.schema
    return ReadOptions(
        span_labels=frozenset(schema.span_label_names()),
        event_types=frozenset(e.name for e in schema.events),
        relation_types=frozenset(r.name for r in schema.relations),
        add_labels=request.add_labels,
        scheme=request.scheme,
        skip_bad_lines=request.skip_bad_lines,
        offsets=request.offsets,
        predictions=request.predictions,
    )


def _import_file(
    project: Project, path: Path, request: ImportRequest, tokens: TokensAhead | None
) -> ImportOutcome:
    """Read, check and store one file; any failure becomes a "rejected" outcome."""
    opts = _read_options(project, request)
    try:
        with tokens_ahead(path, tokens):  # a large file's tokens are made meanwhile (ADR 0027)
            docs, summary = inputs.read_file(request.format, path, opts, MAX_FILE_BYTES)
            for d in docs:  # what the reader did not announce itself
                announce(d.text)
            _check_unique(docs, str(path))
            items = [
                LayerImport(
                    NewDocument(d.name, d.text, d.document.sha256, d.words),
                    Bundle(d.spans, d.events, d.relations),
                    d.status,
                    d.note,
                )
                for d in docs
            ]
            change = project.write.import_layers(
                request.annotator,
                items,
                replace_layer=request.replace,
                new_labels=_schema_adder(opts.additions) if opts.additions else None,
                description=f"Import {path.name}",
            )
    except FormatError as exc:
        return ImportOutcome(str(path), "rejected", str(exc))
    except AnnotatorError as exc:
        return ImportOutcome(str(path), "rejected", f"{path}: {exc}")
    except OSError as exc:
        return ImportOutcome(str(path), "rejected", f"{path}: cannot be read ({exc.strerror}).")
    except Exception as exc:  # noqa: BLE001 - one broken file must not stop the batch
        return ImportOutcome(
            str(path), "rejected", f"{path}: " + unexpected_message(exc, f"importing {path}")
        )
    summary.into = request.annotator
    if change.schema_before is not None and change.schema_after is not None:
        summary.schema_added = schema_add.summary(change.schema_before, change.schema_after)
    for note in _words_not_kept(items, change):
        summary.note(note)
    first = change.edits[0].doc_id if change.edits else None
    return ImportOutcome(str(path), "added", summary.text(str(path)), first)


def _words_not_kept(items: list[LayerImport], change: Change) -> list[str]:
    """A note when documents with multiword tokens were in the project already (ADR 0021:
    the tokens are kept only with a document the import adds)."""
    new = set(change.new_documents)
    pairs = zip(items, change.edits, strict=True)  # one edit per item, in order
    old = [i for i, e in pairs if i.document.words and e.doc_id not in new]
    if not old:
        return []
    return [
        f"{len(old)} documents were in the project already; their multiword tokens were not "
        "stored (delete the document and import again to keep them)."
    ]


def _check_unique(docs: list[AnnotatedDocument], path: str) -> None:
    shas = [d.document.sha256 for d in docs]
    if len(set(shas)) != len(shas):
        raise FormatError(path, None, "the same document text appears twice in the file.")


def _schema_adder(additions: Additions) -> Callable[[Schema], Schema]:
    """A schema edit adding what ``additions`` holds and the schema lacks (labels, event
    types, roles, relation types, attributes); it runs inside the import's transaction."""
    return lambda schema: schema_add.apply(schema, additions)
