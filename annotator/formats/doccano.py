"""doccano JSONL, in the two layouts doccano imports, with doccano's offset unit.

Sequence labelling ("JSONL" import)::

    {"text": ..., "label": [[start, end, "LABEL"], ...], "name": ..., ...}

Relation extraction ("JSONL(Relation)" import, a span project with relations)::

    {"text": ..., "entities": [{"id", "label", "start_offset", "end_offset"}],
     "relations": [{"id", "from_id", "to_id", "type"}], "name": ..., ...}

(doccano ``backend/data_import/pipeline``: ``SpanLabel`` and ``RelationLabel``
in ``label.py``, the example files under ``examples/``.)

**Offsets.** doccano's web UI counts UTF-16 code units (doccano#2484), so by
default offsets are written in UTF-16 units: after an emoji they are one more
than the code-point offsets the project stores. ``offsets="codepoints"`` writes
code points instead. Each line says which it uses in an ``"offsets"`` key;
doccano keeps unknown keys as the example's metadata, as it does ``"name"``,
``"annotator"`` and ``"status"``. A line without the key is read as UTF-16.

With ``offsets="graphemes"`` offsets count extended grapheme clusters (Unicode
UAX #29, the ``regex`` module's ``\\X``), as a doccano project created with "Count
grapheme clusters as one character" does (``enableGraphemeMode``; its annotator,
v-annotator, splits text with grapheme-splitter). Arabic harakat, shadda and ZWNJ are
combining marks, so they belong to the letter before them: a span boundary between a
letter and its haraka cannot be written in that unit, and such spans are left out and
named in the export summary.

**Bad lines.** By default one bad line refuses the file. With
``ReadOptions.skip_bad_lines`` a bad line is skipped and named, with its line number and
reason, in ``ReadOptions.summary``, as doccano's own import does. A span that repeats an
earlier one of its line (same offsets and label) is kept once and noted.

**Nesting.** Unless the doccano project allows overlapping spans, doccano keeps,
left to right, only spans that start at or after the end of the last one kept
(``labels.py`` ``Spans.clean``). ``nested="outer"`` applies that rule here,
outer spans first, so what is written is what doccano keeps; the default
writes every span. Event triggers are not entities: they are left out (and
counted) unless ``triggers`` is set.
"""

from __future__ import annotations

import bisect
import copy
import json
import re
from dataclasses import dataclass
from typing import Any, Protocol

import regex

from annotator.core.model import Document, Relation, Span
from annotator.core.positions import CodePoint
from annotator.core.text import text_sha256
from annotator.formats.base import (
    AnnotatedDocument,
    FormatError,
    ReadOptions,
    check_content,
    check_offsets,
    number,
)
from annotator.formats.conll import WriteStats
from annotator.formats.jsonl import document_text, json_lines, line_status

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_CLUSTER = regex.compile(r"\X")
UNITS = ("utf16", "codepoints", "graphemes")
LAYOUTS = ("label", "relation")


@dataclass(frozen=True)
class Options:
    """How to write doccano lines (see the module docstring)."""

    layout: str = "label"
    offsets: str = "utf16"
    nested: str = "all"
    triggers: bool = False


class Unit(Protocol):
    """Offsets in one text in some unit, converted to and from code points."""

    def to_unit(self, cp: int) -> int | None:
        """The offset in this unit of a code-point offset; None if it has none."""

    def to_codepoint(self, unit: int) -> int | None:
        """The code-point offset of an offset in this unit; None inside a character."""


class Units:
    """Offsets in one text, converted between code points and UTF-16 units."""

    def __init__(self, text: str) -> None:
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        self._units = [cp + i for i, cp in enumerate(self._astral)]

    def to_utf16(self, cp: int) -> int:
        """The UTF-16 offset of a code-point offset."""
        return cp + bisect.bisect_left(self._astral, cp)

    def to_unit(self, cp: int) -> int | None:
        """The UTF-16 offset of a code-point offset (every one has one)."""
        return self.to_utf16(cp)

    def to_codepoint(self, unit: int) -> int | None:
        """The code-point offset of a UTF-16 offset; None inside a surrogate pair."""
        before = bisect.bisect_left(self._units, unit)
        if before and self._units[before - 1] + 1 == unit:
            return None
        return unit - before


class Graphemes:
    """Offsets in one text counted in extended grapheme clusters (``regex``'s ``\\X``)."""

    def __init__(self, text: str) -> None:
        self._starts = [m.start() for m in _CLUSTER.finditer(text)] + [len(text)]
        self._size = len(text)

    def to_unit(self, cp: int) -> int | None:
        """The cluster offset of a code-point offset; None inside a cluster."""
        at = bisect.bisect_left(self._starts, cp)
        return at if at < len(self._starts) and self._starts[at] == cp else None

    def to_codepoint(self, unit: int) -> int | None:
        """The code-point offset where cluster ``unit`` starts (past the end: out of range)."""
        if 0 <= unit < len(self._starts):
            return self._starts[unit]
        return unit if unit < 0 else self._size + unit


def unit_of(name: str, text: str) -> Unit | None:
    """The converter for an offset unit; None for code points (nothing to convert)."""
    if name == "graphemes":
        return Graphemes(text)
    return Units(text) if name == "utf16" else None


def _outer(spans: list[Span]) -> list[Span]:
    """doccano's Spans.clean on spans sorted outer-first: no span overlaps a kept one."""
    kept, last = [], -1
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        if s.start >= last:
            kept.append(s)
            last = s.end
    return kept


def dumps(
    doc: AnnotatedDocument, options: Options = Options(), stats: WriteStats | None = None
) -> str:
    """One document as one doccano line; ``stats`` counts the spans left out."""
    n = number(doc)
    triggers = {e.trigger_id for e in doc.events}
    spans = [s for s in n.spans if options.triggers or s.id not in triggers]
    skipped = len(n.spans) - len(spans)
    if options.nested == "outer":
        kept = {s.id for s in _outer(spans)}
        spans = [s for s in spans if s.id in kept]
    if stats is not None:
        stats.triggers_skipped += skipped
        stats.left_out += len(n.spans) - skipped - len(spans)
    units = unit_of(options.offsets, doc.text)
    if units is not None:
        spans = _in_unit(doc, spans, units, stats)

    def off(cp: int) -> int:
        at = units.to_unit(cp) if units is not None else cp
        assert at is not None  # _in_unit kept only spans that have both ends
        return at

    obj: dict[str, Any] = {"text": doc.text}
    if options.layout == "relation":
        # entity ids count the written spans, so a re-export numbers them the same
        ids = {s.id: i for i, s in enumerate(spans, 1)}
        obj["entities"] = [
            {
                "id": ids[s.id],
                "label": s.label,
                "start_offset": off(s.start),
                "end_offset": off(s.end),
            }
            for s in spans
        ]
        ends = [r for r in n.relations if r.arg1_id in ids and r.arg2_id in ids]
        obj["relations"] = [
            {"id": i, "from_id": ids[r.arg1_id], "to_id": ids[r.arg2_id], "type": r.type}
            for i, r in enumerate(ends, 1)
        ]
    else:
        obj["label"] = [[off(s.start), off(s.end), s.label] for s in spans]
    obj.update(name=doc.name, annotator=doc.annotator, status=doc.status)
    obj["offsets"] = options.offsets
    return json.dumps(obj, ensure_ascii=False) + "\n"


def _in_unit(
    doc: AnnotatedDocument, spans: list[Span], units: Unit, stats: WriteStats | None
) -> list[Span]:
    """The spans whose both ends exist in the unit; the others are named in ``stats.notes``."""
    kept = []
    for s in spans:
        if units.to_unit(s.start) is not None and units.to_unit(s.end) is not None:
            kept.append(s)
        elif stats is not None:
            stats.notes.append(
                f"{doc.name} [{s.start}, {s.end}) {s.label} «{doc.text[s.start : s.end]}» "
                "starts or ends inside a grapheme cluster (e.g. before its haraka); left out."
            )
    return kept


def read(content: str, path: str, options: ReadOptions) -> list[AnnotatedDocument]:
    """Parse a doccano JSONL file, either layout; unnamed documents are named ``FILE:LINE``.

    With ``options.skip_bad_lines`` a bad line (or one repeating an earlier line's text)
    is skipped and named in ``options.summary``; otherwise it refuses the file.
    """
    check_content(content, path)
    docs: list[AnnotatedDocument] = []
    seen: dict[str, int] = {}
    unread: dict[str, list[int]] = {}
    for line_no, raw in enumerate(content.split("\n"), 1):
        if not raw.strip():
            continue
        # what a line notes or adds to the schema is taken back if it is skipped
        mark = len(options.summary.notes)
        additions = copy.deepcopy(options.additions) if options.skip_bad_lines else None
        try:
            doc, keys = _read_raw(raw, path, line_no, options)
            first = seen.setdefault(doc.document.sha256, line_no)
            if first != line_no and options.skip_bad_lines:
                raise FormatError(path, line_no, f"the same text as line {first}.")
        except FormatError as exc:
            if additions is None:  # bad lines are not skipped: the whole file is refused
                raise
            del options.summary.notes[mark:]
            options.additions = additions
            options.summary.note(f"line {line_no} skipped: {exc.reason}")
            continue
        docs.append(doc)
        for key in keys:
            unread.setdefault(key, []).append(line_no)
    if not docs:
        raise FormatError(path, None, "the file holds no documents that could be read.")
    for key, lines in sorted(unread.items()):
        where = ", ".join(map(str, lines))
        options.summary.note(f"{key!r} (line{'s' if len(lines) > 1 else ''} {where}) not imported.")
    return docs


# what a line may hold that the reader takes (the rest is named in the import's notes)
_READ_KEYS = frozenset(
    {"text", "label", "entities", "relations", "name", "annotator", "status", "offsets", "id"}
)


def _read_raw(
    raw: str, path: str, line: int, opts: ReadOptions
) -> tuple[AnnotatedDocument, list[str]]:
    """The line's document, and the keys it holds that were not read."""
    try:
        ((_, obj),) = json_lines(raw, path)
    except FormatError as exc:
        raise FormatError(path, line, exc.reason) from None
    return _read_line(obj, path, line, opts), sorted(set(obj) - _READ_KEYS)


_Entity = tuple[object, object, object, object]


def _entities(obj: dict[str, Any], path: str, line: int) -> list[_Entity]:
    if "entities" in obj and "label" not in obj:
        ents = obj["entities"]
        if not isinstance(ents, list) or not all(isinstance(e, dict) for e in ents):
            raise FormatError(path, line, "'entities' must be a list of objects.")
        return [
            (e.get("id"), e.get("start_offset"), e.get("end_offset"), e.get("label")) for e in ents
        ]
    labels = obj.get("label", [])
    if not isinstance(labels, list):
        raise FormatError(path, line, "'label' must be a list of [start, end, label].")
    out: list[_Entity] = []
    for i, item in enumerate(labels, 1):
        if not isinstance(item, list) or len(item) != 3:
            raise FormatError(path, line, f"expected [start, end, label], found {item!r}.")
        out.append((i, item[0], item[1], item[2]))
    return out


def _unit_reader(
    obj: dict[str, Any], text: str, path: str, line: int, default: str
) -> tuple[str, Unit | None]:
    unit = obj.get("offsets", default or "utf16")
    if unit not in UNITS:
        raise FormatError(
            path, line, f"'offsets' must be 'utf16', 'codepoints' or 'graphemes', not {unit!r}."
        )
    return unit, unit_of(unit, text)


_UNIT_NAMES = {"utf16": "UTF-16 offset", "graphemes": "grapheme offset"}


def _cp(unit: tuple[str, Unit | None], value: object, path: str, line: int) -> object:
    name, units = unit
    if units is None or not isinstance(value, int) or isinstance(value, bool):
        return value
    cp = units.to_codepoint(value)
    if cp is None:
        raise FormatError(path, line, f"{_UNIT_NAMES[name]} {value} falls inside a character.")
    return cp


def _read_line(obj: dict[str, Any], path: str, line: int, opts: ReadOptions) -> AnnotatedDocument:
    text = document_text(obj, path, line)
    units = _unit_reader(obj, text, path, line, opts.offsets)
    spans: list[Span] = []
    by_id: dict[object, int] = {}
    known: dict[tuple[int, int, str], int] = {}
    for ident, start, end, label in _entities(obj, path, line):
        a, b = check_offsets(
            text, _cp(units, start, path, line), _cp(units, end, path, line), path, line
        )
        if not isinstance(label, str):
            raise FormatError(path, line, f"the label {label!r} is not a string.")
        opts.check_label(label, path, line)
        if ident in by_id or isinstance(ident, (dict, list)):
            raise FormatError(
                path, line, f"the entity id {ident!r} is used twice or is not a number."
            )
        if (a, b, label) in known:
            opts.summary.note(
                f"line {line}: the span [{start}, {end}) {label} appears twice; kept once."
            )
            by_id[ident] = known[a, b, label]
            continue
        by_id[ident] = known[a, b, label] = len(spans) + 1
        spans.append(Span(len(spans) + 1, 0, "", CodePoint(a), CodePoint(b), label))
    relations = _relations(obj, by_id, path, line, opts)
    name = obj.get("name") or f"{path.rsplit('/', 1)[-1]}:{line}"
    document = Document(0, str(name), text, text_sha256(text))
    return AnnotatedDocument(document, "", tuple(spans), (), tuple(relations), line_status(obj))


def _relations(
    obj: dict[str, Any], by_id: dict[object, int], path: str, line: int, opts: ReadOptions
) -> list[Relation]:
    items = obj.get("relations", [])
    if not isinstance(items, list) or not all(isinstance(r, dict) for r in items):
        raise FormatError(path, line, "'relations' must be a list of objects.")
    out = []
    for i, item in enumerate(items, 1):
        rtype = item.get("type")
        if not isinstance(rtype, str):
            raise FormatError(path, line, f"relation {i} has no 'type'.")
        opts.check_relation_type(rtype, path, line)
        ends = [item.get("from_id"), item.get("to_id")]
        if not all(isinstance(e, (int, str)) and e in by_id for e in ends):
            raise FormatError(
                path, line, f"relation {i} refers to an entity id that is not in 'entities'."
            )
        out.append(Relation(i, 0, "", rtype, by_id[ends[0]], by_id[ends[1]]))
    return out
