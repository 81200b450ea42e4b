"""Search documents and tag every occurrence: the use cases behind Ctrl+F and "Tag all".

Searching reads only. Tagging all occurrences builds one :class:`Change` (one
edit per document) and applies it through the write service, so it is one
undoable step, validated like any other edit.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.change import Change
from annotator.core.model import Bundle, Edit, Span
from annotator.core.search import Folded, Hit, Query, context, find_all, fold
from annotator.services.annotations import AnnotationService
from annotator.services.documents import DocumentService
from annotator.services.write import WriteService


@dataclass(frozen=True)
class DocumentHits:
    """The matches in one document."""

    doc_id: int
    name: str
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class Occurrence:
    """One place "Tag all" would tag, with its context and whether it is skipped."""

    doc_id: int
    hit: Hit
    before: str
    text: str
    after: str
    already: bool  # a span with these offsets and this label exists


@dataclass(frozen=True)
class TagAllPlan:
    """What "Tag all occurrences" would do; nothing is written until it is applied."""

    annotator: str
    label: str
    query: Query
    occurrences: tuple[Occurrence, ...]

    @property
    def to_tag(self) -> list[Occurrence]:
        """The occurrences that would get a new span."""
        return [o for o in self.occurrences if not o.already]


class SearchService:
    """Arabic-aware search in one document or the whole project, and "tag all"."""

    def __init__(
        self, documents: DocumentService, annotations: AnnotationService, write: WriteService
    ) -> None:
        self._documents = documents
        self._annotations = annotations
        self._write = write
        self._folded: dict[int, tuple[str, Folded]] = {}

    def _fold(self, doc_id: int) -> tuple[str, Folded]:
        if doc_id not in self._folded:
            text = self._documents.document(doc_id).text
            self._folded[doc_id] = (text, fold(text))
        return self._folded[doc_id]

    def in_document(self, doc_id: int, query: Query) -> list[Hit]:
        """Matches in one document (raises SearchError for a bad regular expression)."""
        text, folded = self._fold(doc_id)
        return find_all(text, query, folded)

    def hit_context(self, doc_id: int, hit: Hit, width: int = 30) -> tuple[str, str, str]:
        """The hit's text with ``width`` code points of context on each side (one line)."""
        text, _folded = self._fold(doc_id)
        return context(text, hit, width)

    def find(self, query: Query, doc_id: int | None) -> list[DocumentHits]:
        """Matches in one document (named "This document"), or in all with ``doc_id`` None."""
        if doc_id is None:
            return self.in_project(query)
        hits = self.in_document(doc_id, query)
        return [DocumentHits(doc_id, "This document", tuple(hits))] if hits else []

    def in_project(self, query: Query) -> list[DocumentHits]:
        """Matches in every document that has some, in import order."""
        query.compile()
        found = []
        for summary in self._documents.summaries(""):
            hits = self.in_document(summary.id, query)
            if hits:
                found.append(DocumentHits(summary.id, summary.name, tuple(hits)))
        return found

    def query_for_span(self, span: Span) -> Query:
        """The clitic-aware, whole-word query that finds the span's text elsewhere."""
        text = self._documents.document(span.doc_id).text
        return Query(span.text_in(text), clitics=True)

    def plan_tag_all(
        self, annotator: str, label: str, query: Query, doc_ids: list[int]
    ) -> TagAllPlan:
        """Every occurrence of ``query`` in ``doc_ids``; marks those that carry ``label``."""
        occurrences: list[Occurrence] = []
        for doc_id in doc_ids:
            text, _folded = self._fold(doc_id)
            have = {
                (s.start, s.end)
                for s in self._annotations.spans(doc_id, annotator)
                if s.label == label
            }
            for hit in self.in_document(doc_id, query):
                before, middle, after = context(text, hit)
                already = (hit.start, hit.end) in have
                occurrences.append(Occurrence(doc_id, hit, before, middle, after, already))
        return TagAllPlan(annotator, label, query, tuple(occurrences))

    def tag_all(self, plan: TagAllPlan, chosen: list[Occurrence] | None = None) -> Change:
        """Tag the chosen occurrences (default: all not already tagged) as ONE change."""
        picked = [o for o in (chosen if chosen is not None else plan.to_tag) if not o.already]
        by_doc: dict[int, list[Span]] = {}
        for occ in picked:
            span = Span(0, occ.doc_id, plan.annotator, occ.hit.start, occ.hit.end, plan.label)
            by_doc.setdefault(occ.doc_id, []).append(span)
        description = f"Tag all «{plan.query.text}» as {plan.label} ({len(picked)})"
        edits = tuple(
            Edit(doc_id, plan.annotator, add=Bundle(tuple(spans)), description=description)
            for doc_id, spans in sorted(by_doc.items())
        )
        return self._write.apply(Change(edits, description=description))
