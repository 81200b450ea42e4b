"""Export: one annotator's layer (or the gold layer) of some or all documents, written in
one of :data:`~annotator.services.transfer_base.FORMATS`, split by document if asked."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core import multiword
from annotator.core.gcpause import collector_paused
from annotator.core.multiword import MULTIWORD_PREFIX, multiword_key
from annotator.core.tokens import tokenizer_id
from annotator.formats import conll, doccano
from annotator.formats import files as transfer_io
from annotator.formats.base import AnnotatedDocument
from annotator.formats.tagging import WriteStats
from annotator.formats.target import check_output, project_files
from annotator.services import selection
from annotator.services.transfer_base import FORMATS, Progress, TransferError
from annotator.services.write import DOCUMENT_NOTE_PREFIX, document_note_key

if TYPE_CHECKING:
    from annotator.services.project import Project

_SHOWN_NOTES = 20  # an export summary names at most this many notes


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
