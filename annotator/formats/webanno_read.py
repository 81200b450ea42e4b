"""Parse WebAnno TSV 3.x into layers and annotations, the way INCEpTION reads it.

This follows INCEpTION's ``Tsv3XDeserializer`` (module ``inception-io-webanno-tsv``):
the header declares span (``#T_SP``), chain (``#T_CH``) and relation
(``#T_RL``) layers with their columns; the text is rebuilt from the
``#Text=`` lines (each ends in a line break, dropped again when the next
sentence's first token starts right after the text, and the gap padded with
spaces when it starts later); a value ``X[N]`` carries disambiguation id ``N``,
which joins the units of one annotation and tells stacked ones apart; a
relation's source is written as ``S-T[source_target]``. Offsets count UTF-16
code units and are turned into code points here. What the annotations mean
for the project is decided in :mod:`annotator.formats.webanno_map`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from annotator.formats.base import FormatError, check_content, shown
from annotator.formats.webanno_names import (
    unescape_text,
    unescape_value,
    utf16_length,
    utf16_starts,
)

_FORMAT = re.compile(r"#FORMAT=(.*) ([0-9]+)\.([0-9]+)")
_UNIT = re.compile(r"([1-9][0-9]{0,8})-([1-9][0-9]{0,8})(?:\.([1-9]))?")
_OFFSETS = re.compile(r"([0-9]{1,10})-([0-9]{1,10})")
_STACK = re.compile(r"(?<!\\)\|")
_SLOTS = re.compile(r"(?<!\\);")
_ID = re.compile(r"(.*)\[([0-9]{1,9})\]", re.S)
_REL_ID = re.compile(r"(.*)\[([0-9]{1,9})_([0-9]{1,9})\]", re.S)
_KINDS = {"#T_SP=": "span", "#T_RL=": "relation", "#T_CH=": "chain"}


@dataclass(frozen=True)
class Column:
    """One declared column: its layer, kind and feature (``""`` for a placeholder).

    ``kind`` is ``value``, ``role``, ``target``, ``source`` (a relation's
    ``BT_`` column), ``chain`` or ``placeholder``; ``target_type`` is the
    layer a slot or relation refers to.
    """

    layer: str
    layer_kind: str
    kind: str
    feature: str
    target_type: str = ""


@dataclass
class Annotation:
    """One annotation as read: its layer, extent (code points) and raw feature values."""

    layer: str
    start: int
    end: int
    line: int
    values: dict[str, str | None] = field(default_factory=dict)  # None: the null value "*"
    roles: dict[str, list[str | None]] = field(default_factory=dict)
    targets: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)  # unit, id, line
    source: tuple[str, int, int] | None = None  # relation: source unit, id, target id
    unit: str = ""


@dataclass
class Parsed:
    """A whole file: its text, declared columns, and annotations in order."""

    text: str
    columns: list[Column]
    annotations: list[Annotation]
    units: dict[str, tuple[int, int]]  # unit id -> code-point extent
    stacks: dict[tuple[str, str], list[int]]  # (unit id, layer) -> annotation indexes
    ids: dict[int, int]  # disambiguation id -> annotation index


def parse(content: str, path: str) -> Parsed:
    """Read a WebAnno TSV 3 file; refuse it, naming the line, where INCEpTION would fail."""
    check_content(content, path)
    lines = [line.removesuffix("\r") for line in content.split("\n")]
    match = _FORMAT.fullmatch(lines[0]) if lines else None
    if match is None or match.group(2) != "3":
        raise FormatError(path, 1, "expected '#FORMAT=WebAnno TSV 3.x' on the first line.")
    minor = int(match.group(3))
    columns, at = _header(lines, path)
    return _Body(path, columns, minor).read(lines, at)


def _header(lines: list[str], path: str) -> tuple[list[Column], int]:
    columns: list[Column] = []
    at = 1
    while at < len(lines) and lines[at][:6] in _KINDS:
        kind = _KINDS[lines[at][:6]]
        fields = [f for f in lines[at][6:].split("|") if f]
        if not fields:
            raise FormatError(path, at + 1, "a layer declaration without a type name.")
        columns += _layer_columns(fields, kind, path, at + 1)
        at += 1
    return columns, at


def _layer_columns(fields: list[str], kind: str, path: str, line: int) -> list[Column]:
    layer, out = fields[0], []
    for decl in fields[1:]:
        if kind == "span" and decl.startswith("ROLE_"):
            parts = decl.split("_")
            if len(parts) < 3 or ":" not in parts[1]:
                raise FormatError(path, line, f"bad slot declaration {shown(decl)}.")
            out.append(Column(layer, kind, "role", parts[1].partition(":")[2]))
        elif kind == "relation" and decl.startswith("BT_"):
            out.append(Column(layer, kind, "source", "", decl[3:]))
        elif kind == "chain":
            out.append(Column(layer, kind, "chain", decl))
        elif kind == "span" and "." in decl:
            if not out or out[-1].kind != "role":
                raise FormatError(
                    path,
                    line,
                    f"the slot target type {shown(decl)} does not follow a ROLE_ column.",
                )
            out.append(Column(layer, kind, "target", out[-1].feature, decl))
        else:
            out.append(Column(layer, kind, "value", decl))
    return out or [Column(layer, kind, "placeholder", "")]


class _Body:
    """The state of reading the sentences and token lines."""

    def __init__(self, path: str, columns: list[Column], minor: int) -> None:
        self.path = path
        self.columns = columns
        self.minor = minor
        self.parts: list[str] = []  # the text so far, in pieces
        self.length = 0  # its length in UTF-16 units
        self.pending: list[str] = []  # the current sentence's text lines
        self.rows: list[tuple[int, str, int, int, str, list[str]]] = []
        self.annotations: list[Annotation] = []
        self.stacks: dict[tuple[str, str], list[int]] = {}
        self.ids: dict[int, int] = {}
        self.units: dict[str, tuple[int, int]] = {}

    def read(self, lines: list[str], at: int) -> Parsed:
        """Read from line index ``at`` to the end."""
        token = ""
        for index in range(at, len(lines)):
            line, no = lines[index], index + 1
            if not line:
                if self.pending and not token:
                    raise FormatError(self.path, no, "a sentence header without tokens.")
                token = ""
            elif line.startswith("#") and not token:
                self._header_line(line)
            elif line.startswith("#"):
                raise FormatError(self.path, no, "a '#' line inside a sentence's tokens.")
            else:
                token = self._unit_line(line, no, token)
        if self.pending:
            raise FormatError(self.path, len(lines), "the last sentence has no tokens.")
        return self._finish()

    def _header_line(self, line: str) -> None:
        if line.startswith("#Text="):
            text = line[6:]
            self.pending.append(unescape_text(text) if self.minor >= 2 else _unescape_java(text))

    def _unit_line(self, line: str, no: int, token: str) -> str:
        fields = line.split("\t")
        if len(fields) < len(self.columns) + 3:
            raise FormatError(
                self.path,
                no,
                f"expected {len(self.columns) + 3} tab-separated fields, found {len(fields)}.",
            )
        unit = _UNIT.fullmatch(fields[0])
        offsets = _OFFSETS.fullmatch(fields[1])
        if unit is None or offsets is None:
            raise FormatError(self.path, no, f"bad unit id or offsets {shown(fields[:2])}.")
        begin, end = int(offsets.group(1)), int(offsets.group(2))
        if begin > end:
            raise FormatError(self.path, no, f"the offsets {fields[1]} are reversed.")
        if unit.group(3) is None:
            if self.pending:
                self._start_sentence(begin, no)
            elif not token:
                raise FormatError(
                    self.path, no, "a token line without a sentence header before it."
                )
            token = fields[0]
        elif not token or fields[0].rsplit(".", 1)[0] != token:
            raise FormatError(self.path, no, f"sub-token {fields[0]} does not follow its token.")
        if fields[0] in self.units:
            raise FormatError(self.path, no, f"the unit id {fields[0]} appears twice.")
        self.units[fields[0]] = (begin, end)
        self.rows.append((no, fields[0], begin, end, fields[2], fields[3:]))
        return token

    def _start_sentence(self, begin: int, no: int) -> None:
        if self.length > begin and self.parts and self.length == begin + 1:
            self.parts[-1] = self.parts[-1][:-1]  # no gap: drop the previous line break
            self.length -= 1
        if self.length > begin:
            raise FormatError(
                self.path,
                no,
                f"the sentence's first token starts at {begin}, inside the text before it "
                f"(which ends at {self.length}).",
            )
        self.parts.append(" " * (begin - self.length) + "".join(p + "\n" for p in self.pending))
        self.length = begin + sum(utf16_length(p) + 1 for p in self.pending)
        self.pending = []

    def _finish(self) -> Parsed:
        text = "".join(self.parts)
        starts, stops = _code_points(utf16_starts(text), self.rows)
        for (no, ident, begin, end, form, cells), start, stop in zip(
            self.rows, starts, stops, strict=True
        ):
            if start < 0 or stop < 0:
                raise FormatError(
                    self.path,
                    no,
                    f"the offsets {begin}-{end} are outside the text or inside a character "
                    "(offsets count UTF-16 code units).",
                )
            if text[start:stop] != form:
                raise FormatError(
                    self.path,
                    no,
                    f"the token {shown(form)} is not the text at {begin}-{end}, "
                    f"{shown(text[start:stop])} (offsets count UTF-16 code units).",
                )
            self.units[ident] = (start, stop)
            for column, cell in zip(self.columns, cells, strict=False):
                self._cell(column, cell, ident, no)
        return Parsed(text, self.columns, self.annotations, self.units, self.stacks, self.ids)

    def _cell(self, column: Column, cell: str, unit: str, no: int) -> None:
        if cell == "_":
            return
        for index, raw in enumerate(_STACK.split(cell)):
            self._value(column, raw, unit, index, no)

    def _value(self, column: Column, raw: str, unit: str, index: int, no: int) -> None:
        ident, value = 0, raw
        src: tuple[str, int, int] | None = None
        if column.kind == "source":
            rel = _REL_ID.fullmatch(raw)
            src = (rel.group(1), int(rel.group(2)), int(rel.group(3))) if rel else (raw, 0, 0)
        elif column.kind not in ("target", "chain") and raw.endswith("]"):
            found = _ID.fullmatch(raw)
            if found is not None and not raw.endswith("\\]"):
                value, ident = found.group(1), int(found.group(2))
        anno = self._annotation(column, unit, index, ident, no)
        if column.kind == "value":
            anno.values[column.feature] = None if value == "*" else unescape_value(value)
        elif column.kind == "role":
            slots = [] if value == "_" else _SLOTS.split(value)
            anno.roles[column.feature] = [None if r == "*" else unescape_value(r) for r in slots]
        elif column.kind == "target":
            anno.targets[column.feature] = [_slot(t, no) for t in _SLOTS.split(value) if t != "*"]
        elif column.kind == "source":
            anno.source = src

    def _annotation(self, column: Column, unit: str, index: int, ident: int, no: int) -> Annotation:
        stack = self.stacks.setdefault((unit, column.layer), [])
        if index < len(stack):
            return self.annotations[stack[index]]
        start, end = self.units[unit]
        if ident and column.layer_kind == "span" and ident in self.ids:
            found = self.annotations[self.ids[ident]]
            if found.layer != column.layer:
                raise FormatError(
                    self.path, no, f"the id [{ident}] belongs to an annotation of another layer."
                )
            found.end = end
            stack.append(self.ids[ident])
            return found
        self.annotations.append(Annotation(column.layer, start, end, no, unit=unit))
        stack.append(len(self.annotations) - 1)
        if ident and column.layer_kind == "span":
            self.ids[ident] = len(self.annotations) - 1
        return self.annotations[-1]


def _code_points(
    u16: npt.NDArray[np.int64], rows: list[tuple[int, str, int, int, str, list[str]]]
) -> tuple[list[int], list[int]]:
    """Each row's begin and end as code points; -1 where none starts there (out of the
    text, or inside a surrogate pair)."""
    out = []
    for column in (2, 3):
        wanted = np.array([row[column] for row in rows], np.int64)
        found = np.searchsorted(u16, wanted)
        exact = u16[np.minimum(found, len(u16) - 1)] == wanted
        out.append(np.where(exact & (found < len(u16)), found, -1).tolist())
    return out[0], out[1]


def _slot(target: str, line: int) -> tuple[str, int, int]:
    found = _ID.fullmatch(target)
    if found is not None and not target.endswith("\\]"):
        return found.group(1), int(found.group(2)), line
    return target, 0, line


def _unescape_java(text: str) -> str:
    """TSV 3.0 and 3.1 wrote ``#Text`` with Java escapes (``\\t``, ``\\uXXXX``...)."""
    simple = {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "b": "\b", "\\": "\\", '"': '"', "'": "'"}

    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        return chr(int(code[1:], 16)) if code[0] == "u" else simple.get(code, m.group(0))

    return re.sub(r"\\(u[0-9A-Fa-f]{4}|.)", one, text)
