"""Agreement between annotators of one project: choose layers and documents, measure, report.

Reads only, through the document and annotation services; nothing is written to
the project. The report names the software versions and every document's
SHA-256 (and a hash of each layer that was compared), so that a paper can cite
exactly what was measured.
"""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.agreement import AgreementReport, DocumentLayers, Layer, Options, compute
from annotator.core.agreement.render import FORMATS, render
from annotator.core.agreement.tokentags import TokenBounds, text_tokens
from annotator.core.errors import AnnotatorError, no_document_named
from annotator.core.location import Location
from annotator.core.tokens import tokenizer_id
from annotator.formats import target

if TYPE_CHECKING:  # only the type: the GUI imports this module without the store
    from annotator.services.project import Project


class AgreementError(AnnotatorError):
    """The agreement request cannot be carried out (the project is unchanged)."""


@dataclass(frozen=True)
class AgreementRequest:
    """Which layers, labels and documents to compare, and how.

    Without ``annotators``: every human annotator. Without ``docs``: every
    document that all of them have worked on (spans, or a status other than
    new); ``statuses`` keeps the documents whose status is one of them for
    every chosen annotator.
    """

    annotators: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    levels: int = 1
    resamples: int = 1000
    seed: int = 2004
    gold: bool = False  # also each annotator's span F1 against the gold layer


def choose_annotators(project: Project, names: Sequence[str]) -> list[str]:
    """The annotators to compare; at least two, all known."""
    known = project.annotators()
    if not names:
        names = [name for name, kind in known if kind != "gold"]
    missing = [n for n in names if n not in {name for name, _ in known}]
    if missing:
        listing = ", ".join(name for name, _ in known) or "none yet"
        raise AgreementError(
            f"{project.path.name} has no annotator named "
            + ", ".join(repr(n) for n in missing)
            + f" (known: {listing})."
        )
    if len(set(names)) < 2:
        raise AgreementError(
            f"Agreement needs at least two annotators; {project.path.name} gives "
            f"{len(set(names))}. Name them with --annotators a,b."
        )
    return list(dict.fromkeys(names))


def choose_documents(
    project: Project, names: Sequence[str], annotators: Sequence[str], statuses: Sequence[str]
) -> list[int]:
    """Document ids that every chosen annotator has worked on (see :class:`AgreementRequest`)."""
    allowed = set(statuses)
    summaries = {a: {s.id: s for s in project.documents.summaries(a)} for a in annotators}
    first = summaries[annotators[0]]

    def keep(doc_id: int) -> bool:
        rows = [summaries[a][doc_id] for a in annotators]
        if allowed:
            return all(r.status.value in allowed for r in rows)
        return bool(names) or all(r.worked_on for r in rows)

    if names:
        ids, missing = project.documents.ids_named(names)
        if missing:
            raise AgreementError(no_document_named(project.path.name, missing))
    else:
        ids = list(first)
    chosen = [i for i in ids if keep(i)]
    if not chosen:
        raise AgreementError(
            f"No document of {project.path.name} was annotated by all of "
            f"{', '.join(annotators)}"
            + (f" with status {', '.join(statuses)}" if statuses else "")
            + ", so there is nothing to compare."
        )
    return chosen


def load(
    project: Project, doc_ids: Sequence[int], annotators: Sequence[str]
) -> list[DocumentLayers]:
    """Each document's text and the chosen annotators' layers, read through the services."""
    out = []
    ann = project.annotations
    for doc_id in doc_ids:
        doc = project.documents.document(doc_id)
        layers = tuple(
            Layer(
                a,
                tuple(ann.spans(doc_id, a)),
                tuple(ann.events(doc_id, a)),
                tuple(ann.relations(doc_id, a)),
            )
            for a in annotators
        )
        out.append(DocumentLayers(doc.id, doc.name, doc.text, doc.sha256, layers))
    return out


@dataclass(frozen=True)
class Gathered:
    """What one measurement reads from the project: the layers, options and provenance.

    Reading needs the project (and its thread); :func:`finish` only computes, so a
    GUI can run it on a worker thread.
    """

    docs: list[DocumentLayers]
    options: Options
    provenance: dict[str, object]
    gold: list[Layer] | None = None  # each document's gold layer, if asked for
    tokens: dict[str, TokenBounds] = field(default_factory=dict)  # stored, by text SHA-256


@dataclass(frozen=True)
class Choices:
    """What an agreement request can choose from (for the GUI's filters)."""

    annotators: list[str]
    labels: list[str]
    documents: list[str]
    gold: str | None = None  # the gold layer's name, if the project has one


def choices(project: Project) -> Choices:
    """Human annotators, the schema's entity and value labels, and document names."""
    people = [name for name, kind in project.annotators() if kind != "gold"]
    labels = [label.name for label in project.schemas.schema.labels]
    docs = [s.name for s in project.documents.summaries(people[0] if people else "")]
    return Choices(people, labels, docs, project.gold_annotator())


def gather(project: Project, request: AgreementRequest) -> Gathered:
    """Choose the annotators and documents and read their layers (in the caller's thread).

    Everything is read in one read transaction, so a change committed meanwhile by another
    window or program is in all of it or in none.
    """
    if request.levels < 1:
        raise AgreementError("--levels must be 1 or more.")
    with project.repo.snapshot():
        return _gather(project, request)


def _gather(project: Project, request: AgreementRequest) -> Gathered:
    annotators = choose_annotators(project, request.annotators)
    doc_ids = choose_documents(project, request.docs, annotators, request.statuses)
    docs = load(project, doc_ids, annotators)
    schema = project.schemas.schema
    options = Options(
        labels=frozenset(request.labels),
        event_types=frozenset(e.name for e in schema.events),
        levels=request.levels,
        resamples=request.resamples,
        seed=request.seed,
    )
    gold = _gold_layers(project, doc_ids) if request.gold else None
    facts = provenance(project, docs, request)
    if gold:
        facts["gold layer"] = gold[0].annotator
    return Gathered(docs, options, facts, gold, _stored_tokens(project, doc_ids, docs))


def _stored_tokens(
    project: Project, doc_ids: Sequence[int], docs: Sequence[DocumentLayers]
) -> dict[str, TokenBounds]:
    """The tokens the project keeps for these documents (ADR 0015), by text SHA-256."""
    stored = project.repo.stored_tokens(list(doc_ids), tokenizer_id())
    sha = {doc.doc_id: doc.sha256 for doc in docs}
    return {
        sha[doc_id]: TokenBounds(t.starts.tolist(), t.ends.tolist())
        for doc_id, t in stored.items()
        if doc_id in sha
    }


def _gold_layers(project: Project, doc_ids: Sequence[int]) -> list[Layer]:
    """The gold layer of each document, in order."""
    name = project.gold_annotator()
    if name is None:
        raise AgreementError(
            f"{project.path.name} has no gold (adjudicated) layer yet; run "
            "'annotator adjudicate' first, or leave out --gold."
        )
    return [d.layers[0] for d in load(project, doc_ids, [name])]


TokenCache = dict[str, TokenBounds]
"""Text-only tokens by document SHA-256: tokenizing is the slow part of a measurement."""


def finish(gathered: Gathered, cache: TokenCache | None = None) -> AgreementReport:
    """Compute every measure on gathered layers (pure computation, any thread).

    ``cache`` keeps each text's tokens between measurements (a view measuring again
    with other filters tokenizes nothing twice).
    """
    cache = {} if cache is None else cache
    tokens = []
    for doc in gathered.docs:
        found = cache.get(doc.sha256)
        if found is None:
            found = gathered.tokens.get(doc.sha256)
            found = cache[doc.sha256] = text_tokens(doc.text) if found is None else found
        tokens.append(found)
    report = compute(gathered.docs, gathered.options, tokens, gathered.gold)
    report.provenance = dict(gathered.provenance)
    return report


def measure(project: Project, request: AgreementRequest) -> AgreementReport:
    """Measure agreement as ``request`` asks; the report carries its provenance."""
    return finish(gather(project, request))


def provenance(
    project: Project, docs: Sequence[DocumentLayers], request: AgreementRequest
) -> dict[str, object]:
    """Software versions, the project file, and hashes of every input."""
    return {
        "project": str(project.path),
        "app": f"arabic-annotator {_version('arabic-annotator')}",
        "python": platform.python_version(),
        "camel-tools": _version("camel-tools"),
        "statuses": ", ".join(request.statuses) or "any (worked on by every annotator)",
        "documents": {d.name: d.sha256 for d in docs},
        "corpus sha256": hashlib.sha256(
            "\n".join(d.sha256 for d in docs).encode("ascii")
        ).hexdigest(),
        "layers sha256": {name: _layer_hash(docs, k) for k, name in enumerate(docs[0].annotators)},
    }


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def _layer_hash(docs: Sequence[DocumentLayers], k: int) -> str:
    """SHA-256 of one annotator's spans (document hash, start, end, label), in order."""
    digest = hashlib.sha256()
    for doc in docs:
        for s in sorted(doc.layers[k].spans, key=lambda s: (s.start, s.end, s.label)):
            digest.update(f"{doc.sha256}\t{s.start}\t{s.end}\t{s.label}\n".encode())
    return digest.hexdigest()


def check_target(
    fmt: str, out: Path | None, project: Location | None = None, force: bool = False
) -> None:
    """Refuse an unknown format, an HTML report without a file, or an ``out`` the guard refuses.

    With ``project``, ``out`` is checked by the output guard
    (:func:`annotator.formats.target.check_output`): never the project or its
    companions, another SQLite file only with ``force``, never a device.
    """
    if fmt not in FORMATS:
        raise AgreementError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    if fmt == "html" and out is None:
        raise AgreementError(
            "The html agreement report is a file of its own; name it with --out report.html."
        )
    if out is not None and project is not None:
        target.check_output(False, out, target.project_files(project), force)


def write_report(
    report: AgreementReport, fmt: str, out: Path | None, project: Location, force: bool = False
) -> str:
    """Render the report; write it to ``out`` through the output guard, or return it."""
    check_target(fmt, out)
    text = render(report, fmt)
    if out is None:
        return text
    target.write_text(out, text, target.project_files(project), force)
    return ""
