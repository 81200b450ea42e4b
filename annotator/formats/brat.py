"""brat standoff: ``NAME.txt`` plus ``NAME.ann``, and a generated ``annotation.conf``.

``.ann`` lines, in this order: ``T`` (spans), ``E`` (events: ``Type:Ttrigger
Role:Tn ...``, a repeated role gets brat's numeric suffix, ``Role2``), ``R``
(relations: ``Type Arg1:Tn Arg2:Tm``) and ``A`` (attributes of spans and
events: ``Name Target Value``, or ``Name Target`` for an empty value). A span
crossing a line break is written as fragments split at the break, as brat
requires, and joined again on reading. Ids are numbered as in
:mod:`annotator.formats.base`, so export → import → export is identical.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from annotator.core.model import Argument, Document, Event, Relation, Span
from annotator.core.schema import Schema
from annotator.core.text import text_sha256
from annotator.formats.base import (
    AnnotatedDocument,
    FormatError,
    ReadOptions,
    check_arguments,
    check_content,
    check_name,
    check_offsets,
    check_text,
    number,
    shown,
)

_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]")
_SUFFIX = re.compile(r"^(.*\D)(\d+)$")


@dataclass
class Seen:
    """Labels and attributes met while exporting, for ``annotation.conf``."""

    labels: set[str] = field(default_factory=set)
    attributes: dict[str, set[str]] = field(default_factory=dict)


def file_stem(doc: AnnotatedDocument, taken: set[str]) -> str:
    """A safe, unused file name (without suffix) for a document."""
    name = doc.name[:-4] if doc.name.endswith(".txt") else doc.name
    stem = _UNSAFE.sub("_", name).lstrip(".") or f"doc{doc.document.id}"
    return stem if stem not in taken else f"{stem}_{doc.document.id}"


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    for piece in text[start:end].split("\n"):
        if piece:
            out.append((pos, pos + len(piece)))
        pos += len(piece) + 1
    return out


def dumps(doc: AnnotatedDocument) -> str:
    """The ``.ann`` content for one document."""
    n = number(doc)
    text = doc.text
    lines: list[str] = []
    attrs: list[tuple[str, str, str]] = []
    for i, s in enumerate(n.spans, 1):
        frags = _fragments(text, s.start, s.end)
        where = ";".join(f"{a} {b}" for a, b in frags)
        shown = " ".join(text[a:b] for a, b in frags)
        lines.append(f"T{i}\t{s.label} {where}\t{shown}")
        attrs += [(k, f"T{i}", v) for k, v in sorted(s.attributes.items())]
    for i, e in enumerate(n.events, 1):
        roles = [f"{e.type}:T{n.span_no[e.trigger_id]}"]
        counts: dict[str, int] = {}
        for arg in e.arguments:
            counts[arg.role] = counts.get(arg.role, 0) + 1
            suffix = str(counts[arg.role]) if counts[arg.role] > 1 else ""
            roles.append(f"{arg.role}{suffix}:T{n.span_no[arg.span_id]}")
        lines.append(f"E{i}\t{' '.join(roles)}")
        attrs += [(k, f"E{i}", v) for k, v in sorted(e.attributes.items())]
    for i, r in enumerate(n.relations, 1):
        a1, a2 = n.span_no[r.arg1_id], n.span_no[r.arg2_id]
        lines.append(f"R{i}\t{r.type} Arg1:T{a1} Arg2:T{a2}")
    for i, (name, target, value) in enumerate(attrs, 1):
        lines.append(f"A{i}\t{name} {target} {value}".rstrip(" "))
    return "".join(line + "\n" for line in lines)


def collect(doc: AnnotatedDocument, seen: Seen) -> None:
    """Remember the labels and attribute values a document uses."""
    for s in doc.spans:
        seen.labels.add(s.label)
        for k, v in s.attributes.items():
            seen.attributes.setdefault(k, set()).add(v)
    for e in doc.events:
        for k, v in e.attributes.items():
            seen.attributes.setdefault(k, set()).add(v)


def _types(names: tuple[str, ...]) -> str:
    return "|".join(names) if names else "<ENTITY>"


def annotation_conf(schema: Schema, seen: Seen) -> str:
    """brat's ``annotation.conf`` for the schema (plus labels met in the data)."""
    events = {e.name for e in schema.events}
    labels = [lb.name for lb in schema.labels]
    labels += sorted(seen.labels - set(labels) - events)
    out = ["[entities]", *labels, "", "[relations]"]
    out += [f"{r.name}\tArg1:{_types(r.arg1)}, Arg2:{_types(r.arg2)}" for r in schema.relations]
    out += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]"]
    for e in schema.events:
        roles = ", ".join(f"{r.name}*:{_types(r.allowed)}" for r in e.roles)
        out.append(f"{e.name}\t{roles}" if roles else e.name)
    out += ["", "[attributes]"]
    for name in sorted(seen.attributes):
        values = sorted(v for v in seen.attributes[name] if v)
        out.append(
            f"{name}\tArg:<ENTITY>|<EVENT>" + (f", Value:{'|'.join(values)}" if values else "")
        )
    return "\n".join(out) + "\n"


# -- reading ------------------------------------------------------------------
_ID_NUMBER = re.compile("[0-9]{1,9}")
_OFFSET = re.compile("-?[0-9]{1,18}")


@dataclass
class _Parsed:
    spans: dict[str, Span] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    attrs: list[tuple[int, str, str, str]] = field(default_factory=list)
    pending: list[tuple[int, str, str]] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)  # id as written -> line
    numbers: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)

    def claim(self, ident: str, path: str, line: int) -> None:
        """Refuse an id seen before, or one with the same kind and number (T1 and T01)."""
        if ident in self.ids:
            raise FormatError(
                path, line, f"the id {ident!r} is already used on line {self.ids[ident]}."
            )
        key = (ident[0], _number(ident, path, line))
        if key in self.numbers:
            other, where = self.numbers[key]
            raise FormatError(
                path,
                line,
                f"the id {ident!r} has the same number as {other!r} on line {where}; "
                "ids must be unique.",
            )
        self.ids[ident] = line
        self.numbers[key] = (ident, line)


def read(ann: str, text: str, name: str, path: str, opts: ReadOptions) -> AnnotatedDocument:
    """Parse an ``.ann`` file against its text."""
    check_text(text, name, None)
    check_content(ann, path)
    parsed = _Parsed()
    for line_no, raw in enumerate(ann.split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        ident, tab, rest = line.partition("\t")
        if not tab or not ident:
            raise FormatError(path, line_no, "expected an id, a tab and the annotation.")
        kind = ident[0]
        if kind in "TERAM":
            parsed.claim(ident, path, line_no)
        if kind == "T":
            parsed.spans[ident] = _span(ident, rest, text, path, line_no, opts)
        elif kind in "ER":
            parsed.pending.append((line_no, ident, rest))
        elif kind in "AM":
            parsed.attrs.append(_attribute(rest, path, line_no))
        elif kind not in "#N*":
            raise FormatError(path, line_no, f"unknown annotation id {shown(ident)}.")
    for line_no, ident, rest in parsed.pending:
        if ident[0] == "E":
            parsed.events[ident] = _event(ident, rest, parsed.spans, path, line_no, opts)
        else:
            parsed.relations.append(_relation(ident, rest, parsed.spans, path, line_no, opts))
    _attach(parsed, path)
    document = Document(0, name, text, text_sha256(text))
    return AnnotatedDocument(
        document,
        "",
        tuple(parsed.spans.values()),
        tuple(parsed.events.values()),
        tuple(parsed.relations),
    )


def _attribute(rest: str, path: str, line: int) -> tuple[int, str, str, str]:
    parts = rest.split(" ")
    if len(parts) not in (2, 3):
        raise FormatError(path, line, "expected 'Name Target [Value]'.")
    check_name(parts[0], path, line, "the attribute name")
    return line, parts[1], parts[0], parts[2] if len(parts) == 3 else ""


def _number(ident: str, path: str, line: int) -> int:
    if not _ID_NUMBER.fullmatch(ident[1:]):
        raise FormatError(
            path, line, f"bad annotation id {shown(ident)} (expected a letter and ASCII digits)."
        )
    return int(ident[1:])


def _span(ident: str, rest: str, text: str, path: str, line: int, opts: ReadOptions) -> Span:
    head, _, shown_text = rest.partition("\t")
    label, _, where = head.partition(" ")
    frags: list[tuple[int, int]] = []
    for frag in where.split(";"):
        bits = frag.split(" ")
        if len(bits) != 2 or not all(_OFFSET.fullmatch(b) for b in bits):
            raise FormatError(
                path, line, f"bad offsets {shown(where)} (expected 'start end' in ASCII digits)."
            )
        frags.append(check_offsets(text, int(bits[0]), int(bits[1]), path, line))
    for (_, b), (a, _) in zip(frags, frags[1:], strict=False):
        if a < b or text[b:a].strip("\n"):
            raise FormatError(path, line, "discontinuous spans are not supported.")
    expected = " ".join(text[a:b] for a, b in frags)
    if shown_text != expected:
        raise FormatError(
            path,
            line,
            f"span text {shown(shown_text)} does not match the text {shown(expected)}.",
        )
    opts.check_label(label, path, line)
    return Span(_number(ident, path, line), 0, "", frags[0][0], frags[-1][1], label)


def _ref(ident: str, spans: dict[str, Span], path: str, line: int) -> int:
    if ident not in spans:
        raise FormatError(
            path, line, f"refers to {shown(ident)}, which is not a T line in this file."
        )
    return spans[ident].id


def _event(
    ident: str, rest: str, spans: dict[str, Span], path: str, line: int, opts: ReadOptions
) -> Event:
    parts = rest.split()
    if not parts or ":" not in parts[0]:
        raise FormatError(path, line, "expected 'Type:Ttrigger Role:Tn ...'.")
    etype, _, trig = parts[0].partition(":")
    opts.check_event_type(etype, path, line)
    trigger = _ref(trig, spans, path, line)
    args: list[Argument] = []
    for part in parts[1:]:
        role, _, target = part.partition(":")
        match = _SUFFIX.match(role)
        if match and any(a.role == match.group(1) for a in args):
            role = match.group(1)
        check_name(role, path, line, "an argument role")
        args.append(Argument(role, _ref(target, spans, path, line)))
    check_arguments(args, trigger, f"event {ident}", path, line)
    return Event(_number(ident, path, line), 0, "", etype, trigger, tuple(args))


def _relation(
    ident: str, rest: str, spans: dict[str, Span], path: str, line: int, opts: ReadOptions
) -> Relation:
    parts = rest.split()
    if len(parts) != 3 or not parts[1].startswith("Arg1:") or not parts[2].startswith("Arg2:"):
        raise FormatError(path, line, "expected 'Type Arg1:Tn Arg2:Tm'.")
    opts.check_relation_type(parts[0], path, line)
    a1 = _ref(parts[1][5:], spans, path, line)
    a2 = _ref(parts[2][5:], spans, path, line)
    if a1 == a2:
        raise FormatError(path, line, f"relation {ident} links {parts[1][5:]} to itself.")
    return Relation(_number(ident, path, line), 0, "", parts[0], a1, a2)


def _attach(parsed: _Parsed, path: str) -> None:
    for line, target, name, value in parsed.attrs:
        owner = parsed.spans.get(target) or parsed.events.get(target)
        if owner is None:
            raise FormatError(
                path, line, f"the attribute refers to {shown(target)}, which is unknown."
            )
        if name in owner.attributes:
            raise FormatError(path, line, f"the attribute {name!r} of {target} is set twice.")
        owner.attributes[name] = value
