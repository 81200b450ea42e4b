"""brat standoff: ``NAME.txt`` plus ``NAME.ann``, and a generated ``annotation.conf``.

``.ann`` lines, in this order: ``T`` (spans), ``E`` (events: ``Type:Ttrigger
Role:Tn ...``, a repeated role gets brat's numeric suffix, ``Role2``), ``R``
(relations: ``Type Arg1:Tn Arg2:Tm``), ``A`` (attributes of spans and
events: ``Name Target Value``, or ``Name Target`` for an empty value) and
``#`` (a span's or event's note, its ``note`` attribute, as brat's
``AnnotatorNotes Target<TAB>text``; line breaks in a note become spaces). A span
crossing a line break is written as fragments split at the break, as brat
requires, and joined again on reading. Ids are numbered as in
:mod:`annotator.formats.base`, so export → import → export is identical.

Every type, role and attribute name (and attribute value) is written in
brat's storage form through :mod:`annotator.formats.brat_names`
(``Conflict.Attack`` → ``Conflict_Attack``) and decoded on reading;
``visual.conf`` maps each written name back to the readable one for brat's
display.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from annotator.core.model import Argument, Document, Event, Relation, Span
from annotator.core.positions import CodePoint
from annotator.core.schema import NOTE, Schema
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
from annotator.formats.brat_names import display, encode, read_name

_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]")


@dataclass
class Seen:
    """Labels and attributes met while exporting, for ``annotation.conf``."""

    labels: set[str] = field(default_factory=set)
    attributes: dict[str, set[str]] = field(default_factory=dict)
    # (event type, role) -> labels of the spans that fill it
    roles: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    # (relation type, 1 or 2) -> labels of the spans at that end
    ends: dict[tuple[str, int], set[str]] = field(default_factory=dict)


def file_stem(doc: AnnotatedDocument, taken: set[str]) -> str:
    """A safe file name (without suffix) for a document, not yet in ``taken``; it is added.

    ``taken`` holds case-folded NFC keys, so names that differ only in case or
    normalisation (which clash on macOS and Windows) get distinct files. A name
    is cut so that it fits the 255-byte limit with ``.txt``/``.ann``; a clash
    gets ``_2``, ``_3``... before the suffix.
    """
    name = doc.name[:-4] if doc.name.endswith(".txt") else doc.name
    base = _UNSAFE.sub("_", name).lstrip(".").rstrip(" .") or "document"
    stem, count = _fit(base, ""), 1
    while _stem_key(stem) in taken:
        count += 1
        stem = _fit(base, f"_{count}")
    taken.add(_stem_key(stem))
    return stem


_STEM_BYTES = 255 - len(".ann")


def _fit(base: str, tail: str) -> str:
    room = _STEM_BYTES - len(tail.encode("utf-8"))
    cut = base.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return cut + tail


def _stem_key(stem: str) -> str:
    return unicodedata.normalize("NFC", stem).casefold()


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
    notes: list[tuple[str, str]] = []
    for i, s in enumerate(n.spans, 1):
        frags = _fragments(text, s.start, s.end)
        where = ";".join(f"{a} {b}" for a, b in frags)
        shown = " ".join(text[a:b] for a, b in frags)
        lines.append(f"T{i}\t{encode(s.label)} {where}\t{shown}")
        attrs += [(k, f"T{i}", v) for k, v in sorted(s.attributes.items()) if k != NOTE]
        notes += [(f"T{i}", s.attributes[NOTE])] if s.attributes.get(NOTE) else []
    for i, e in enumerate(n.events, 1):
        roles = [f"{encode(e.type)}:T{n.span_no[e.trigger_id]}"]
        counts: dict[str, int] = {}
        for arg in e.arguments:
            counts[arg.role] = counts.get(arg.role, 0) + 1
            suffix = str(counts[arg.role]) if counts[arg.role] > 1 else ""
            roles.append(f"{encode(arg.role, False)}{suffix}:T{n.span_no[arg.span_id]}")
        lines.append(f"E{i}\t{' '.join(roles)}")
        attrs += [(k, f"E{i}", v) for k, v in sorted(e.attributes.items()) if k != NOTE]
        notes += [(f"E{i}", e.attributes[NOTE])] if e.attributes.get(NOTE) else []
    for i, r in enumerate(n.relations, 1):
        a1, a2 = n.span_no[r.arg1_id], n.span_no[r.arg2_id]
        lines.append(f"R{i}\t{encode(r.type)} Arg1:T{a1} Arg2:T{a2}")
    for i, (name, target, value) in enumerate(attrs, 1):
        value = encode(value, False) if value else ""
        lines.append(f"A{i}\t{encode(name, False)} {target} {value}".rstrip(" "))
    for i, (target, note) in enumerate(notes, 1):
        lines.append(f"#{i}\tAnnotatorNotes {target}\t{' '.join(note.splitlines())}")
    return "".join(line + "\n" for line in lines)


def collect(doc: AnnotatedDocument, seen: Seen) -> None:
    """Remember the labels, roles, relation ends and attribute values a document uses."""
    label = {s.id: s.label for s in doc.spans}
    for s in doc.spans:
        seen.labels.add(s.label)
        for k, v in s.attributes.items():
            if k != NOTE:
                seen.attributes.setdefault(k, set()).add(v)
    for e in doc.events:
        seen.roles.setdefault((e.type, ""), set())
        for a in e.arguments:
            seen.roles.setdefault((e.type, a.role), set()).add(label[a.span_id])
        for k, v in e.attributes.items():
            if k != NOTE:
                seen.attributes.setdefault(k, set()).add(v)
    for r in doc.relations:
        seen.ends.setdefault((r.type, 1), set()).add(label[r.arg1_id])
        seen.ends.setdefault((r.type, 2), set()).add(label[r.arg2_id])


def _types(names: tuple[str, ...], used: set[str]) -> str:
    """brat's allowed types for an argument: the schema's (empty is any) plus those used."""
    if not names:
        return "<ENTITY>"
    return "|".join(encode(n) for n in [*names, *sorted(used - set(names))])


def _roles(schema: Schema, seen: Seen) -> dict[str, dict[str, str]]:
    """Event type -> role -> allowed types, for every type in the schema or the data."""
    out: dict[str, dict[str, str]] = {}
    for e in schema.events:
        out[e.name] = {
            r.name: _types(r.allowed, seen.roles.get((e.name, r.name), set())) for r in e.roles
        }
    for (etype, role), used in sorted(seen.roles.items()):
        roles = out.setdefault(etype, {})
        if role and role not in roles:
            roles[role] = _types(tuple(sorted(used)), set())
    return out


def _relations(schema: Schema, seen: Seen) -> list[str]:
    ends = {r.name: (r.arg1, r.arg2) for r in schema.relations}
    for rtype, _ in sorted(seen.ends):
        if rtype not in ends:
            ends[rtype] = ((), ())
    return [
        f"{encode(name)}\tArg1:{_types(a1, seen.ends.get((name, 1), set()))}, "
        f"Arg2:{_types(a2, seen.ends.get((name, 2), set()))}"
        for name, (a1, a2) in ends.items()
    ]


_CONF_NOTE = (
    "# Written by the annotator. Names are in brat's storage form ([a-zA-Z0-9_-]):\n"
    "# '.' is written '_', other characters as _HEX_ after a leading '__';\n"
    "# visual.conf [labels] gives the readable names.\n"
)


def annotation_conf(schema: Schema, seen: Seen) -> str:
    """brat's ``annotation.conf`` for the schema plus every name met in the data."""
    roles = _roles(schema, seen)
    labels = [lb.name for lb in schema.labels]
    labels += sorted(seen.labels - set(labels) - set(roles))
    out = ["[entities]", *map(encode, labels), "", "[relations]", *_relations(schema, seen)]
    out += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]"]
    for name, args in roles.items():
        listed = ", ".join(f"{encode(r, False)}*:{types}" for r, types in args.items())
        out.append(f"{encode(name)}\t{listed}" if listed else encode(name))
    out += ["", "[attributes]"]
    for name in sorted(seen.attributes):
        values = sorted(encode(v, False) for v in seen.attributes[name] if v)
        out.append(
            f"{encode(name, False)}\tArg:<ENTITY>|<EVENT>"
            + (f", Value:{'|'.join(values)}" if values else "")
        )
    return _CONF_NOTE + "\n".join(out) + "\n"


def visual_conf(schema: Schema, seen: Seen) -> str:
    """brat's ``visual.conf``: a ``[labels]`` line for each name whose storage form differs."""
    types = [lb.name for lb in schema.labels] + [e.name for e in schema.events]
    types += [r.name for r in schema.relations] + sorted(seen.labels)
    types += sorted({t for t, _ in seen.ends})
    others = [role.name for e in schema.events for role in e.roles] + sorted(seen.attributes)
    others += sorted({role for _, role in seen.roles if role})
    others += sorted(v for values in seen.attributes.values() for v in values if v)
    codes = [(encode(n), n) for n in types] + [(encode(n, False), n) for n in others]
    lines, done = [], set()
    for code, name in codes:
        if code != name and code not in done:
            done.add(code)
            lines.append(f"{code} | {display(name)}")
    return "[labels]\n" + "".join(line + "\n" for line in lines)


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
        elif kind == "#":
            _note(rest, line_no, parsed)
        elif kind not in "N*":
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
    name = read_name(parts[0], None, False)
    check_name(name, path, line, "the attribute name")
    value = read_name(parts[2], None, False) if len(parts) == 3 else ""
    return line, parts[1], name, value


def _number(ident: str, path: str, line: int) -> int:
    if not _ID_NUMBER.fullmatch(ident[1:]):
        raise FormatError(
            path, line, f"bad annotation id {shown(ident)} (expected a letter and ASCII digits)."
        )
    return int(ident[1:])


def _known_span_types(opts: ReadOptions) -> frozenset[str] | None:
    if opts.span_labels is None:
        return None
    return opts.span_labels | (opts.event_types or frozenset())


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
    label = read_name(label, _known_span_types(opts))
    opts.check_label(label, path, line)
    return Span(
        _number(ident, path, line), 0, "", CodePoint(frags[0][0]), CodePoint(frags[-1][1]), label
    )


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
    etype = read_name(etype, opts.event_types)
    opts.check_event_type(etype, path, line)
    trigger = _ref(trig, spans, path, line)
    args: list[Argument] = []
    for part in parts[1:]:
        role, _, target = part.partition(":")
        # a repeated role carries a numeric suffix (brat annotation.py, split_role)
        role = read_name(role[:1] + role[1:].rstrip("0123456789"), None, False)
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
    rtype = read_name(parts[0], opts.relation_types)
    opts.check_relation_type(rtype, path, line)
    a1 = _ref(parts[1][5:], spans, path, line)
    a2 = _ref(parts[2][5:], spans, path, line)
    if a1 == a2:
        raise FormatError(path, line, f"relation {ident} links {parts[1][5:]} to itself.")
    return Relation(_number(ident, path, line), 0, "", rtype, a1, a2)


def _note(rest: str, line: int, parsed: _Parsed) -> None:
    """Keep ``AnnotatorNotes Target<TAB>text`` as the target's note (other # lines: comments)."""
    head, _, note = rest.partition("\t")
    parts = head.split(" ")
    if len(parts) == 2 and parts[0] == "AnnotatorNotes" and note:
        parsed.attrs.append((line, parts[1], NOTE, note))


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
