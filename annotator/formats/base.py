"""What every format shares: the annotated document, read options and errors.

Writers take :class:`AnnotatedDocument` objects built from the project.
Readers return them with ``document.id == 0`` and *local* span ids (the ids
found in the file); events and relations refer to those local ids. The
import service maps them to database ids.

Id rule (all formats): on export, spans are numbered 1, 2, ... per document
in the order (start, end, label); events in the order of their trigger's
number, then type; relations by (arg1, arg2, type). So an export depends
only on the annotations, never on database ids, and importing a file and
exporting it again reproduces it byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter

from annotator.core.errors import AnnotatorError
from annotator.core.model import Argument, Document, Event, Relation, Span
from annotator.core.multiword import Multiword
from annotator.core.schema_add import Additions
from annotator.core.text import is_invisible, normalize_text
from annotator.core.tokens import WordTokens
from annotator.formats.summary import ImportSummary

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PIECE = 1 << 20  # code points encoded at a time by check_content (bounded memory)
_SHOWN = 60


class FormatError(AnnotatorError):
    """A file cannot be read: the message names the file and, where known, the line.

    Attributes:
        path: the file, as the user gave it.
        line: 1-based line number, or None when the problem is the whole file.
        reason: what is wrong.
    """

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        where = f"{path}, line {line}" if line is not None else path
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class AnnotatedDocument:
    """A document and one annotator's layer on it, with that layer's status.

    Writers put ``name``, ``annotator`` and ``status`` wherever their format
    has room for document metadata.
    """

    document: Document
    annotator: str = ""
    spans: tuple[Span, ...] = ()
    events: tuple[Event, ...] = ()
    relations: tuple[Relation, ...] = ()
    status: str = ""  # the layer's status for the document ("new", "in_progress", "done")
    note: str = ""  # the annotator's free-text note on the document
    # the text's camel-tools tokens when the project keeps them (ADR 0015); None: make them
    tokens: WordTokens | None = field(default=None, compare=False, repr=False)
    # multiword tokens a treebank gave (ADR 0021): CoNLL-U writes their parts again
    words: tuple[Multiword, ...] = field(default=(), compare=False, repr=False)

    @property
    def text(self) -> str:
        """The stored text."""
        return self.document.text

    @property
    def name(self) -> str:
        """The document's name."""
        return self.document.name


@dataclass
class ReadOptions:
    """What a reader accepts, and what it met on the way.

    ``None`` for a set of names means "accept any". With ``add_labels``,
    unknown span labels, event types and relation types are accepted and,
    with the roles and attributes a file uses or its configuration declares,
    collected in ``additions`` (see :mod:`annotator.core.schema_add`). Readers
    record what came in and what they could not represent in ``summary``
    (:class:`~annotator.formats.summary.ImportSummary`).
    """

    span_labels: frozenset[str] | None = None
    event_types: frozenset[str] | None = None
    relation_types: frozenset[str] | None = None
    add_labels: bool = False
    scheme: str = "iob2"
    additions: Additions = field(default_factory=Additions)
    summary: ImportSummary = field(default_factory=ImportSummary)  # what came in, what did not
    skip_bad_lines: bool = False  # line formats: skip a bad line (noted) instead of the file
    offsets: str = ""  # doccano: the unit of lines without an "offsets" key ("" is utf16)
    predictions: bool = False  # Label Studio: read predictions instead of annotations
    label_map: dict[str, str] = field(default_factory=dict)  # CoNLL: written name -> label

    def check_label(self, label: str, path: str, line: int | None) -> None:
        """Raise :class:`FormatError` for an unknown span label (unless adding labels)."""
        if not isinstance(label, str) or is_invisible(label):
            raise FormatError(path, line, "a span has an empty label.")
        check_string(label, path, line, "a span label")
        if self.span_labels is None or label in self.span_labels:
            return
        if self.add_labels:
            self.additions.labels.add(label)
            return
        raise FormatError(
            path,
            line,
            f"the label {label!r} is not in the project's schema. "
            "Add it to the schema first, or import with --add-labels.",
        )

    def check_event_type(self, name: str, path: str, line: int | None) -> None:
        """Raise :class:`FormatError` for an event type the schema lacks (unless adding)."""
        check_name(name, path, line, "an event type")
        if self.event_types is None or name in self.event_types:
            return
        if self.add_labels:
            self.additions.event(name)
            return
        raise FormatError(
            path,
            line,
            f"the event type {name!r} is not in the project's schema. "
            "Add it to the schema first, or import with --add-labels.",
        )

    def check_role(self, event_type: str, role: str, path: str, line: int | None) -> None:
        """Check a role name; with ``add_labels``, note it for the event type.

        Whether the schema allows the role is the write service's decision
        (its ``role_check``); a role added here admits any label.
        """
        check_name(role, path, line, "an argument role")
        if self.add_labels:
            self.additions.event(event_type, role)

    def check_relation_type(self, name: str, path: str, line: int | None) -> None:
        """Raise :class:`FormatError` for a relation type the schema lacks (unless adding)."""
        check_name(name, path, line, "a relation type")
        if self.relation_types is None or name in self.relation_types:
            return
        if self.add_labels:
            self.additions.relation(name)
            return
        raise FormatError(
            path,
            line,
            f"the relation type {name!r} is not in the project's schema. "
            "Add it to the schema first, or import with --add-labels.",
        )

    def check_attribute(
        self, name: str, value: str, owner: str, path: str, line: int | None
    ) -> None:
        """Check an attribute's name and value; with ``add_labels``, note them.

        ``owner`` is the label of the span that carries it, or
        :data:`annotator.core.schema_add.EVENT`.
        """
        check_name(name, path, line, "an attribute name")
        check_string(value, path, line, "an attribute value")
        if self.add_labels:
            self.additions.attribute(name, value, owner)

    def count(self, what: str, n: int = 1) -> None:
        """Count ``n`` things of a kind that came in (e.g. "T lines")."""
        self.summary.count(what, n)


def shown(value: object) -> str:
    """``repr(value)`` cut to a length that fits in a message."""
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**40 else "a huge number"
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def check_string(value: str, path: str, line: int | None, what: str) -> None:
    """Refuse a string that cannot be stored as UTF-8 (it holds an unpaired surrogate)."""
    bad = _SURROGATE.search(value)
    if bad is not None:
        raise FormatError(
            path,
            line,
            f"{what} contains an unpaired surrogate (U+{ord(bad.group()):04X}), "
            "which is not valid Unicode text.",
        )


def check_name(value: object, path: str, line: int | None, what: str) -> str:
    """A label, type, role or attribute name: a string with a visible character."""
    if not isinstance(value, str) or is_invisible(value):
        raise FormatError(path, line, f"{what} is missing, empty or not a string: {shown(value)}.")
    check_string(value, path, line, what)
    return value


def check_attributes(attrs: object, path: str, line: int | None) -> dict[str, str]:
    """Attributes: an object mapping names (see :func:`check_name`) to strings."""
    if not isinstance(attrs, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in attrs.items()
    ):
        raise FormatError(path, line, "'attributes' must map strings to strings.")
    for key, value in attrs.items():
        check_name(key, path, line, "an attribute name")
        check_string(value, path, line, "an attribute value")
    return dict(attrs)


def check_content(content: str, path: str) -> None:
    """Refuse file content holding an unpaired surrogate, naming its line."""
    try:  # strict UTF-8 refuses surrogates: four times faster than the search (30 MB: 60 ms)
        for at in range(0, len(content), _PIECE):
            content[at : at + _PIECE].encode("utf-8")
        return
    except UnicodeEncodeError:
        pass
    bad = _SURROGATE.search(content)
    if bad is not None:
        line = content.count("\n", 0, bad.start()) + 1
        check_string(bad.group(), path, line, "the line")


def check_arguments(
    args: Iterable[Argument], trigger: int, what: str, path: str, line: int | None
) -> None:
    """Refuse an event that lists one argument twice or uses its trigger as an argument."""
    seen: set[tuple[str, int]] = set()
    for arg in args:
        if arg.span_id == trigger:
            raise FormatError(path, line, f"{what} uses its own trigger as its {arg.role!r}.")
        if (arg.role, arg.span_id) in seen:
            raise FormatError(path, line, f"{what} has the {arg.role!r} argument twice.")
        seen.add((arg.role, arg.span_id))


def check_text(text: str, path: str, line: int | None) -> None:
    """Refuse a document text that is empty, invisible-only or not in stored (normalized) form."""
    if is_invisible(text):
        raise FormatError(
            path, line, "the document text is empty or only white space and invisible characters."
        )
    check_string(text, path, line, "the document text")
    if normalize_text(text) != text:
        raise FormatError(
            path,
            line,
            "the document text contains CR line breaks, U+2028/U+2029 or a leading BOM; "
            "offsets into it would be ambiguous. Normalize the text to \\n line breaks.",
        )


def check_offsets(
    text: str,
    start: object,
    end: object,
    path: str,
    line: int | None,
    expected: str | None = None,
) -> tuple[int, int]:
    """Validate a span's offsets (and its text, if the file gives one)."""
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        raise FormatError(
            path, line, f"span offsets must be integers, got {shown(start)}, {shown(end)}."
        )
    assert isinstance(start, int) and isinstance(end, int)
    where = f"[{shown(start)}, {shown(end)})"
    if start >= end:
        raise FormatError(path, line, f"span offsets are reversed or empty: {where}.")
    if start < 0 or end > len(text):
        raise FormatError(
            path, line, f"span {where} is out of range (the text has {len(text)} characters)."
        )
    if expected is not None and text[start:end] != expected:
        raise FormatError(
            path,
            line,
            f"span [{start}, {end}) text {shown(expected)} does not match the document text "
            f"{shown(text[start:end])}.",
        )
    return start, end


@dataclass(frozen=True)
class Numbered:
    """A document's annotations in export order, with their per-document numbers."""

    spans: list[Span]
    events: list[Event]
    relations: list[Relation]
    span_no: dict[int, int]
    event_no: dict[int, int]


_SPAN_ORDER = attrgetter("start", "end", "label", "id")


def ordered_spans(doc: AnnotatedDocument) -> list[Span]:
    """A document's spans in export order (start, end, label), as :func:`number` numbers them."""
    return sorted(doc.spans, key=_SPAN_ORDER)


def number(doc: AnnotatedDocument) -> Numbered:
    """Order and number a document's annotations (see the module docstring)."""
    spans = sorted(doc.spans, key=_SPAN_ORDER)
    span_no = {s.id: i for i, s in enumerate(spans, 1)}
    events = sorted(
        doc.events, key=lambda e: (span_no.get(e.trigger_id, 0), e.type, _arg_key(e, span_no), e.id)
    )
    relations = sorted(
        doc.relations,
        key=lambda r: (span_no.get(r.arg1_id, 0), span_no.get(r.arg2_id, 0), r.type, r.id),
    )
    event_no = {e.id: i for i, e in enumerate(events, 1)}
    return Numbered(spans, events, relations, span_no, event_no)


def _arg_key(event: Event, span_no: dict[int, int]) -> tuple[tuple[str, int], ...]:
    return tuple((a.role, span_no.get(a.span_id, 0)) for a in event.arguments)


def label_set(names: Iterable[str]) -> frozenset[str]:
    """A frozen set of names, for :class:`ReadOptions`."""
    return frozenset(names)
