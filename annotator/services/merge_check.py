"""Check the rows of another project file before a merge trusts any of them (ADR 0012).

Another project file is untrusted input, like a file given to ``import``, and
the rules are the import's own: a text is normalized stored text
(:func:`~annotator.formats.base.check_text`) whose SHA-256 is recomputed, not
read; offsets are integers inside that text
(:func:`~annotator.formats.base.check_offsets`); labels, types and roles are
names (:func:`~annotator.formats.base.check_name`); attributes map names to
strings (:func:`~annotator.formats.base.check_attributes`); annotators have a
name and kind :mod:`annotator.core.names` accepts; a status is a
:class:`~annotator.core.model.Status`. Every trigger, argument and relation end
is a span of the same document and layer, and every row refers to rows that
exist. The first row that breaks a rule refuses the whole file with its table,
row and reason; nothing is dropped without a word.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from annotator.core.errors import ProjectError
from annotator.core.model import Status
from annotator.core.names import annotator_kind_problem, annotator_name_problem
from annotator.core.text import MAX_DOCUMENT_BYTES, size_text, text_sha256
from annotator.formats.base import (
    FormatError,
    check_attributes,
    check_name,
    check_offsets,
    check_text,
    shown,
)
from annotator.store.rawrows import RawRows, Row

Layer = tuple[int, int]  # (document id, annotator id)
_UID = re.compile("[0-9a-f]{32}")
_STATUSES = frozenset(s.value for s in Status)


class RowRefused(ProjectError):
    """A row of another project file breaks a rule, so the file is not merged."""

    def __init__(self, path: Path, table: str, row: object, reason: str) -> None:
        super().__init__(
            f"{path} cannot be merged: table {table}, row {row}: {reason.rstrip('.')}. "
            "Nothing was merged; the file was not changed."
        )
        self.table = table
        self.row = row
        self.reason = reason


class _Checker:
    """Walks the tables in dependency order, remembering what later rows may refer to."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.texts: dict[int, str] = {}
        self.annotators: dict[int, str] = {}
        self.kinds: dict[int, str] = {}
        self.uids: set[str] = set()
        self.span_layer: dict[int, Layer] = {}
        self.event_layer: dict[int, Layer] = {}

    @contextmanager
    def row(self, table: str, ident: object) -> Iterator[None]:
        """Turn a shared rule's :class:`FormatError` into a refusal naming this row."""
        try:
            yield
        except FormatError as exc:
            raise RowRefused(self.path, table, ident, exc.reason) from None

    def refuse(self, table: str, ident: object, reason: str) -> RowRefused:
        """The refusal of one row."""
        return RowRefused(self.path, table, ident, reason)

    # -- documents and people ------------------------------------------------------------
    def document(self, row: Row) -> None:
        """Text as import stores it, its SHA-256 recomputed, a name, its length."""
        ident, name, sha, text, length = row
        if not isinstance(text, str):
            raise self.refuse("documents", ident, f"the text is {type(text).__name__}, not text")
        with self.row("documents", ident):
            check_text(text, str(self.path), None)
            check_name(name, str(self.path), None, "the document name")
        size = len(text.encode("utf-8"))
        if size > MAX_DOCUMENT_BYTES:
            limit = size_text(MAX_DOCUMENT_BYTES)
            raise self.refuse("documents", ident, f"the text is too large (limit {limit})")
        if sha != text_sha256(text):
            raise self.refuse(
                "documents",
                ident,
                f"the stored SHA-256 {shown(sha)} is not the SHA-256 of its text",
            )
        if length != len(text):
            raise self.refuse("documents", ident, f"the stored length {shown(length)} is wrong")
        twin = next((i for i, t in self.texts.items() if t == text), None)
        if twin is not None:
            raise self.refuse("documents", ident, f"it has the same text as document {twin}")
        self.texts[ident] = text

    def annotator(self, row: Row) -> None:
        """A name and kind that import accepts, an identity, no second gold layer."""
        ident, name, kind, uid = row
        problem = annotator_name_problem(name) or annotator_kind_problem(kind)
        if problem is not None:
            raise self.refuse("annotators", ident, problem)
        if not isinstance(uid, str) or not _UID.fullmatch(uid):
            raise self.refuse("annotators", ident, f"the uid {shown(uid)} is not 32 hex digits")
        if name in self.annotators.values() or uid in self.uids:
            raise self.refuse("annotators", ident, "another annotator has the same name or uid")
        if kind == "gold" and "gold" in self.kinds.values():
            raise self.refuse("annotators", ident, "a project has one gold layer, not two")
        self.annotators[ident] = name
        self.kinds[ident] = kind
        self.uids.add(uid)

    def status(self, row: Row) -> None:
        """A status of a known document and annotator, one of new, in_progress, done."""
        doc_id, annotator_id, status = row
        where = f"(doc_id {shown(doc_id)}, annotator_id {shown(annotator_id)})"
        self.layer("document_status", where, doc_id, annotator_id)
        if status not in _STATUSES:
            known = ", ".join(sorted(_STATUSES))
            raise self.refuse(
                "document_status", where, f"the status {shown(status)} is not one of {known}"
            )

    # -- annotations ---------------------------------------------------------------------
    def layer(self, table: str, ident: object, doc_id: Any, annotator_id: Any) -> Layer:
        """The (document, annotator) a row belongs to; both must exist."""
        if doc_id not in self.texts:
            raise self.refuse(
                table, ident, f"it refers to document {shown(doc_id)}, which is not in the file"
            )
        if annotator_id not in self.annotators:
            raise self.refuse(
                table,
                ident,
                f"it refers to annotator {shown(annotator_id)}, which is not in the file",
            )
        return doc_id, annotator_id

    def attributes(self, table: str, ident: object, raw: object) -> None:
        """Stored attributes: a JSON object mapping names to strings."""
        try:
            value = json.loads(raw) if isinstance(raw, str | bytes) else raw
        except ValueError:
            raise self.refuse(table, ident, "the attributes are not valid JSON") from None
        with self.row(table, ident):
            check_attributes(value, str(self.path), None)

    def span(self, row: Row) -> None:
        """Offsets inside its document's text, a label, attributes."""
        ident, doc_id, annotator_id, start, end, label, attrs = row
        layer = self.layer("spans", ident, doc_id, annotator_id)
        with self.row("spans", ident):
            check_offsets(self.texts[doc_id], start, end, str(self.path), None)
            check_name(label, str(self.path), None, "the label")
        self.attributes("spans", ident, attrs)
        self.span_layer[ident] = layer

    def same_layer(self, table: str, ident: object, span_id: Any, layer: Layer, what: str) -> None:
        """``span_id`` is a span of ``layer``: not of another document or layer, not missing."""
        found = self.span_layer.get(span_id)
        if found == layer:
            return
        if found is None:
            where = "which is not in the file"
        elif found[0] != layer[0]:
            where = f"which is in another document ({found[0]})"
        else:
            where = f"which is in another annotator's layer ({self.annotators[found[1]]!r})"
        raise self.refuse(table, ident, f"its {what} is span {shown(span_id)}, {where}")

    def event(self, row: Row) -> None:
        """A type, a trigger of the same layer, attributes."""
        ident, doc_id, annotator_id, etype, trigger, attrs = row
        layer = self.layer("events", ident, doc_id, annotator_id)
        with self.row("events", ident):
            check_name(etype, str(self.path), None, "the event type")
        self.same_layer("events", ident, trigger, layer, "trigger")
        self.attributes("events", ident, attrs)
        self.event_layer[ident] = layer

    def argument(self, row: Row) -> None:
        """An argument of a known event, with a role and a span of the event's layer."""
        ident, event_id, role, span_id = row
        layer = self.event_layer.get(event_id)
        if layer is None:
            raise self.refuse(
                "event_arguments",
                ident,
                f"it refers to event {shown(event_id)}, which is not in the file",
            )
        with self.row("event_arguments", ident):
            check_name(role, str(self.path), None, "the role")
        self.same_layer("event_arguments", ident, span_id, layer, "span")

    def relation(self, row: Row) -> None:
        """A type and two ends of the relation's own layer."""
        ident, doc_id, annotator_id, rtype, arg1, arg2 = row
        layer = self.layer("relations", ident, doc_id, annotator_id)
        with self.row("relations", ident):
            check_name(rtype, str(self.path), None, "the relation type")
        self.same_layer("relations", ident, arg1, layer, "first end")
        self.same_layer("relations", ident, arg2, layer, "second end")

    def note(self, row: Row, prefix: str) -> None:
        """A document note: text, on a document of the file, by one of its annotators."""
        key, value = row
        doc, _, name = str(key)[len(prefix) :].partition("/")
        known = doc.isdigit() and int(doc) in self.texts and name in self.annotators.values()
        if not known:
            raise self.refuse(
                "project_meta", shown(key), "a note of a document or annotator not in the file"
            )
        if not isinstance(value, str):
            raise self.refuse("project_meta", shown(key), "the note is not text")


def check_rows(rows: RawRows, path: Path, note_prefix: str) -> None:
    """Raise :class:`RowRefused` for the first row of ``rows`` that a merge cannot take."""
    check = _Checker(path)
    for row in rows.documents:
        check.document(row)
    for row in rows.annotators:
        check.annotator(row)
    for row in rows.statuses:
        check.status(row)
    for row in rows.spans:
        check.span(row)
    for row in rows.events:
        check.event(row)
    for row in rows.arguments:
        check.argument(row)
    for row in rows.relations:
        check.relation(row)
    for row in rows.metas:
        check.note(row, note_prefix)
