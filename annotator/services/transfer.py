"""Export and import annotations: the use cases behind File → Export/Import and the CLI.

Export writes one annotator's layer (or the gold layer) of some or all
documents in one of :data:`FORMATS`. Import reads files in a format into a
named annotator's layer. Each imported file is read and checked completely
before anything is written, and then written in one transaction: a file that
fails leaves the project exactly as it was, and the other files still go in.
Documents are matched by the SHA-256 of their text, or added.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core import multiword, schema_add
from annotator.core.change import Change
from annotator.core.errors import AnnotatorError
from annotator.core.gcpause import collector_paused
from annotator.core.model import Bundle, ImportOutcome, ImportReport
from annotator.core.multiword import MULTIWORD_PREFIX, multiword_key
from annotator.core.names import annotator_name_problem
from annotator.core.prepared_tokens import announce
from annotator.core.schema import Schema
from annotator.core.schema_add import Additions
from annotator.core.text import MAX_DOCUMENT_BYTES, decode_document, read_input
from annotator.core.tokens import tokenizer_id
from annotator.errorlog import unexpected_message
from annotator.formats import conll, conll2002, conllu, doccano, webanno_files
from annotator.formats import files as transfer_io
from annotator.formats.base import AnnotatedDocument, FormatError, ReadOptions
from annotator.formats.tagging import WriteStats
from annotator.formats.target import check_output, project_files
from annotator.services import selection
from annotator.services.tokens_ahead import TokensAhead, tokens_ahead
from annotator.services.write import (
    DOCUMENT_NOTE_PREFIX,
    LayerImport,
    NewDocument,
    document_note_key,
)

if TYPE_CHECKING:
    from annotator.services.project import Project

FORMATS = (
    "jsonl",
    "doccano",
    "spacy",
    "conll",
    "conll2002",
    "conllu",
    "brat",
    "hf",
    "labelstudio",
    "webanno",
)
IMPORT_FORMATS = tuple(f for f in FORMATS if f != "hf")  # hf is written only
# progress(done, total, current_name) -> False to cancel
Progress = Callable[[int, int, str], bool]
MAX_FILE_BYTES = MAX_DOCUMENT_BYTES  # larger import files are refused
_SHOWN_NOTES = 20  # an export summary names at most this many notes


class TransferError(AnnotatorError):
    """An export or import request cannot be carried out as asked."""


@dataclass(frozen=True)
class ExportRequest:
    """What to export, where, and how."""

    format: str
    out: Path
    annotator: str | None = None
    gold: bool = False
    docs: tuple[str, ...] = ()
    scheme: str = "iob2"
    nested: str = ""  # "" is the format's default: "outer" for CoNLL, "all" for doccano
    events: bool = False
    force: bool = False  # replace an SQLite file or write into a foreign folder (never the project)
    statuses: tuple[str, ...] = ()  # only documents with one of these statuses
    split: tuple[int, ...] = ()  # shares, e.g. (80, 10, 10); see services.selection
    seed: int = 0
    offsets: str = "utf16"  # doccano: "utf16", "codepoints" or "graphemes"
    layout: str = "label"  # doccano: "label" or "relation"
    segment: str = "none"  # token formats: "none", "article" or "clitics" (ADR 0010)
    levels: int = 2  # entity columns with nested="all"
    separator: str = "tab"  # CoNLL columns: "tab" or "space"


@dataclass
class ExportResult:
    """What an export wrote."""

    path: Path
    layer: str
    documents: int = 0
    spans: int = 0
    tokens: int = 0
    left_out: int = 0
    triggers_skipped: int = 0
    unaligned: int = 0
    crossing: int = 0
    words_skipped: int = 0  # stored multiword tokens off token boundaries (ADR 0021)
    examples: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a writer could not hold, by name
    cancelled: bool = False
    parts: dict[str, int] = field(default_factory=dict)  # split part -> documents

    def count(self, stats: WriteStats) -> None:
        """Add what one writer reports (token counts, spans left out, examples)."""
        self.tokens += stats.tokens
        self.left_out += stats.left_out
        self.triggers_skipped += stats.triggers_skipped
        self.unaligned += stats.unaligned
        self.crossing += stats.crossing
        self.words_skipped += stats.words_skipped
        self.examples += stats.examples
        self.notes += stats.notes

    def summary(self) -> str:
        """A few lines for a terminal or a message box."""
        if self.cancelled:
            return "Export cancelled; nothing was written."
        lines = [
            f"Exported {self.documents} documents, {self.spans} spans of layer "
            f"{self.layer!r} to {self.path}."
        ]
        if self.parts:
            lines.append(
                "Split by document: " + ", ".join(f"{k} {v}" for k, v in self.parts.items()) + "."
            )
        if self.left_out:
            lines.append(
                f"{self.left_out} spans were left out (nested or overlapping spans at the "
                "other level, or beyond --levels)."
            )
        if self.unaligned:
            lines.append(
                f"{self.unaligned} spans do not start and end on token boundaries and were "
                "left out (--segment clitics keeps spans on proclitics), e.g.: "
                + "; ".join(self.examples)
                + "."
            )
        if self.crossing:
            lines.append(f"{self.crossing} spans cross a sentence boundary and were left out.")
        if self.words_skipped:
            lines.append(
                f"{self.words_skipped} multiword tokens kept from a treebank do not start and "
                "end on token boundaries (or have more parts than letters) and were written "
                "as plain tokens."
            )
        if self.triggers_skipped:
            lines.append(
                f"{self.triggers_skipped} event trigger spans were not written "
                "(add --events to write them)."
            )
        lines += self.notes[:_SHOWN_NOTES]
        if len(self.notes) > _SHOWN_NOTES:
            lines.append(f"… and {len(self.notes) - _SHOWN_NOTES} more notes like these.")
        return "\n".join(lines)


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


@dataclass
class _Loaded:
    docs: list[AnnotatedDocument]
    notes: list[str] = field(default_factory=list)


# -- export ---------------------------------------------------------------------
def resolve_layer(project: Project, annotator: str | None, gold: bool) -> str:
    """The annotator whose layer to export; raise :class:`TransferError` if unclear."""
    if gold:
        name = project.gold_annotator()
        if name is None:
            raise TransferError(
                "This project has no gold (adjudicated) layer yet. Adjudicate documents "
                "first, or export one annotator's layer with --annotator NAME."
            )
        return name
    if not annotator:
        raise TransferError("Choose the layer to export: --annotator NAME or --gold.")
    known = [name for name, _ in project.annotators()]
    if annotator not in known:
        listing = ", ".join(known) or "none yet"
        raise TransferError(f"There is no annotator named {annotator!r} (known: {listing}).")
    return annotator


def select_documents(
    project: Project, names: Iterable[str], layer: str, statuses: Iterable[str] = ()
) -> list[int]:
    """Ids of the named documents, keeping only those with one of ``statuses`` if given.

    Without names: every document the layer has worked on, that is, with
    annotations or a status other than "new" (import marks its documents
    "in progress"); with statuses, every document whose status for the layer
    is one of them.
    """
    wanted, allowed = list(names), set(statuses)
    summaries = project.documents.summaries(layer)
    if allowed:
        keep = {s.id for s in summaries if s.status.value in allowed}
    else:
        keep = {s.id for s in summaries if s.worked_on}
    if not wanted:
        return [s.id for s in summaries if s.id in keep]
    ids, missing = project.documents.ids_named(wanted)
    if missing:
        raise TransferError("No document named " + ", ".join(repr(n) for n in missing) + ".")
    return [i for i in ids if not allowed or i in keep]


def load_layer(project: Project, doc_id: int, layer: str) -> AnnotatedDocument:
    """One document with one layer's spans, events and relations."""
    ann = project.annotations
    return AnnotatedDocument(
        project.documents.document(doc_id),
        layer,
        tuple(ann.spans(doc_id, layer)),
        tuple(ann.events(doc_id, layer)),
        tuple(ann.relations(doc_id, layer)),
        project.documents.status(doc_id, layer).value,
        ann.document_note(doc_id, layer),
    )


def _load_layers(
    project: Project, doc_ids: list[int], layer: str, with_tokens: bool = False
) -> Iterator[AnnotatedDocument]:
    """The documents with one layer, loaded in batches (a few queries per batch).

    ``with_tokens`` adds each document's stored tokens, where the project keeps
    tokens of the current tokenizer (ADR 0015).
    """
    with project.repo.snapshot():  # every batch from one state of the project
        status = {s.id: s.status.value for s in project.documents.summaries(layer)}
        notes = project.repo.metas(DOCUMENT_NOTE_PREFIX)
        words = project.repo.metas(MULTIWORD_PREFIX) if with_tokens else {}
        tokenizer = tokenizer_id() if with_tokens else ""
        for at in range(0, len(doc_ids), _BATCH):
            some = doc_ids[at : at + _BATCH]
            tokens = project.repo.stored_tokens(some, tokenizer) if with_tokens else {}
            for document, spans, events, relations in project.repo.layers_of(some, layer):
                yield AnnotatedDocument(
                    document,
                    layer,
                    tuple(spans),
                    tuple(events),
                    tuple(relations),
                    status.get(document.id, "new"),
                    notes.get(document_note_key(document.id, layer), ""),
                    tokens.get(document.id),
                    multiword.decode(words.get(multiword_key(document.id)), len(document.text)),
                )


_BATCH = 200


def export_layer(
    project: Project, request: ExportRequest, progress: Progress | None = None
) -> ExportResult:
    """Export a layer to ``request.out`` (a file, or a folder for brat), split if asked."""
    if request.format not in FORMATS:
        raise TransferError(f"Unknown format {request.format!r}; choose one of {FORMATS}.")
    if request.format == "doccano" and request.nested not in ("", "all", "outer"):
        raise TransferError("doccano keeps nested spans as they are (all) or outer spans only.")
    if request.format == "conll2002" and (request.scheme != "iob2" or request.nested == "all"):
        raise TransferError(
            "conll2002 (INCEpTION's CoNLL 2002) holds one IOB2 column: "
            "use --scheme iob2 and --nested outer or inner."
        )
    layer = resolve_layer(project, request.annotator, request.gold)
    doc_ids = select_documents(project, request.docs, layer, request.statuses)
    try:
        return _write(project, request, layer, doc_ids, progress)
    except OSError as exc:
        raise TransferError(
            f"Cannot write the export to {request.out} ({exc.strerror}); the export did not finish."
        ) from None


def _write(
    project: Project,
    request: ExportRequest,
    layer: str,
    doc_ids: list[int],
    progress: Progress | None,
) -> ExportResult:
    result = ExportResult(request.out, layer)
    if request.split:
        result.parts = dict.fromkeys(selection.part_names(request.split), 0)
    writers = _open_writers(project, request)
    try:
        with collector_paused():
            tokens = request.format in (*transfer_io.TOKEN_FORMATS, "webanno")  # ADR 0015
            loaded = _load_layers(project, doc_ids, layer, tokens)
            for index, doc in enumerate(loaded):
                if progress is not None and not progress(index, len(doc_ids), doc.name):
                    result.cancelled = True
                    break
                part = _part(request, doc)
                writers[part].write(doc)
                result.documents += 1
                result.spans += len(doc.spans)
                if request.split:
                    result.parts[part] += 1
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    if result.cancelled:
        for writer in writers.values():
            writer.abort()
        return result
    try:  # the token formats still write their held-back documents here
        for writer in writers.values():
            writer.finish()
            result.count(writer.stats)
    except BaseException:
        for writer in writers.values():
            writer.abort()  # a published writer has no temporary file left to delete
        raise
    if progress is not None:
        progress(len(doc_ids), len(doc_ids), "")
    return result


def _part(request: ExportRequest, doc: AnnotatedDocument) -> str:
    if not request.split:
        return ""
    return selection.part_of(doc.document.sha256, request.seed, request.split)


def _open_writers(project: Project, request: ExportRequest) -> dict[str, transfer_io.Writer]:
    """One writer, or one per split part (named as in :mod:`annotator.services.selection`)."""
    opts = conll.TokenOptions(
        request.scheme,
        request.nested or "outer",
        request.events,
        frozenset(e.name for e in project.schemas.schema.events),
        request.segment,
        request.levels,
        request.separator,
    )
    doccano_opts = doccano.Options(
        request.layout, request.offsets, request.nested or "all", request.events
    )

    protected = project_files(project.path)

    def writer(out: Path) -> transfer_io.Writer:
        check_output(request.format in transfer_io.FOLDER_FORMATS, out, protected, request.force)
        return transfer_io.open_writer(
            request.format, out, opts, project.schemas.schema, protected, doccano_opts
        )

    return selection.open_writers(request.format, request.out, request.split, writer)


# -- import ---------------------------------------------------------------------
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
    files = transfer_io.collect_inputs(request.paths, request.format)
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
            loaded = _load(path, request.format, opts)
            for d in loaded.docs:  # what the reader did not announce itself
                announce(d.text)
            _check_unique(loaded.docs, str(path))
            items = [
                LayerImport(
                    NewDocument(d.name, d.text, d.document.sha256, d.words),
                    Bundle(d.spans, d.events, d.relations),
                    d.status,
                    d.note,
                )
                for d in loaded.docs
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
    spans = sum(len(d.spans) for d in loaded.docs)
    events = sum(len(d.events) for d in loaded.docs)
    relations = sum(len(d.relations) for d in loaded.docs)
    message = (
        f"{path}: {len(loaded.docs)} documents, {spans} spans, {events} events, "
        f"{relations} relations imported into {request.annotator!r}."
    )
    if change.schema_before is not None and change.schema_after is not None:
        added = schema_add.summary(change.schema_before, change.schema_after)
        message += f" {added}" if added else ""
    if opts.counts:
        message += " Read: " + ", ".join(f"{n} {what}" for what, n in opts.counts.items()) + "."
    for note in [*loaded.notes, *_words_not_kept(items, change)]:
        message += " " + note
    for note in opts.notes:
        message += "\n  " + note
    first = change.edits[0].doc_id if change.edits else None
    return ImportOutcome(str(path), "added", message, first)


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


def _load(path: Path, fmt: str, opts: ReadOptions) -> _Loaded:
    if fmt == "brat":
        return _Loaded(transfer_io.read_brat(path, opts, MAX_FILE_BYTES))
    if fmt == "webanno":
        return _Loaded(*webanno_files.read(path, opts, MAX_FILE_BYTES))
    content = decode_document(read_input(path, MAX_FILE_BYTES), str(path), MAX_FILE_BYTES)
    if fmt in ("conll", "conll2002"):
        opts.label_map = conll2002.read_map(path)
    if fmt == "conllu":
        return _Loaded(*conllu.read_with_notes(content, str(path), opts))
    docs = transfer_io.read_stream(fmt, content, str(path), opts)
    notes = [conll.REBUILT_NOTE] if fmt in ("conll", "conll2002") else []
    return _Loaded(docs, notes)


def _check_unique(docs: list[AnnotatedDocument], path: str) -> None:
    shas = [d.document.sha256 for d in docs]
    if len(set(shas)) != len(shas):
        raise FormatError(path, None, "the same document text appears twice in the file.")


def _schema_adder(additions: Additions) -> Callable[[Schema], Schema]:
    """A schema edit adding what ``additions`` holds and the schema lacks (labels, event
    types, roles, relation types, attributes); it runs inside the import's transaction."""
    return lambda schema: schema_add.apply(schema, additions)


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
