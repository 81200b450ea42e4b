"""Reading brat standoff: one ``.ann`` file against its text (see :mod:`annotator.formats.brat`).

Every line comes in or the file is refused with its line number; nothing is
dropped. ``T`` lines become spans, ``E`` lines events (an argument or
relation end that names an event, ``Theme:E2``, points at that event's
trigger span: ADR 0019), ``R`` lines relations, ``*`` ``Equiv`` lines a chain
of ``Equiv`` relations, ``A`` and ``M`` lines attributes, ``N`` lines span
attributes named ``N Type Resource`` and ``#`` lines notes (``AnnotatorNotes``)
or attributes named ``# Type``. Two events on one trigger span cannot be held
(one event per trigger, issue 17): such a file is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from annotator.core.model import Argument, Document, Event, Relation, Span
from annotator.core.positions import CodePoint
from annotator.core.schema import NOTE
from annotator.core.schema_add import EVENT
from annotator.core.text import text_sha256
from annotator.formats.base import (
    AnnotatedDocument,
    FormatError,
    ReadOptions,
    check_arguments,
    check_content,
    check_offsets,
    check_text,
    shown,
)
from annotator.formats.brat_names import ROLE, VALUE, read_name

EQUIV = "Equiv"  # the relation type of brat's "*" lines
COMMENT = "# "  # attribute-name prefix of a "#" line other than AnnotatorNotes
NORMALISATION = "N "  # attribute-name prefix of an "N" line: "N Type Resource"
_ID_NUMBER = re.compile("[0-9]{1,9}")
_OFFSET = re.compile("-?[0-9]{1,18}")
_NORM = re.compile(r"(\S+) (\S+) (\S+?):(\S+)")


@dataclass
class _Parsed:
    path: str
    text: str
    opts: ReadOptions
    spans: dict[str, Span] = field(default_factory=dict)
    span_codes: dict[str, tuple[str, int]] = field(default_factory=dict)  # id -> (label, line)
    triggers: dict[str, tuple[str, int]] = field(default_factory=dict)  # E id -> (T id, line)
    events: dict[str, Event] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    pending: list[tuple[int, str, str]] = field(default_factory=list)
    attrs: list[tuple[int, str, str, str]] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)  # id as written -> line
    numbers: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)
    links: dict[tuple[str, int, int], int] = field(default_factory=dict)  # relation -> line

    def fail(self, line: int, reason: str) -> FormatError:
        """The error for ``line`` of this file."""
        return FormatError(self.path, line, reason)

    def claim(self, ident: str, line: int) -> None:
        """Refuse an id seen before, or one with the same kind and number (T1 and T01)."""
        if ident in self.ids:
            raise self.fail(line, f"the id {ident!r} is already used on line {self.ids[ident]}.")
        key = (ident[0], self.number(ident, line))
        if key in self.numbers:
            other, where = self.numbers[key]
            raise self.fail(
                line,
                f"the id {ident!r} has the same number as {other!r} on line {where}; "
                "ids must be unique.",
            )
        self.ids[ident] = line
        self.numbers[key] = (ident, line)

    def number(self, ident: str, line: int) -> int:
        """The number of an id such as ``T12``."""
        if not _ID_NUMBER.fullmatch(ident[1:]):
            raise self.fail(
                line, f"bad annotation id {shown(ident)} (expected a letter and ASCII digits)."
            )
        return int(ident[1:])

    def ref(self, ident: str, line: int) -> int:
        """The span a ``T`` id names, or the trigger span of the event an ``E`` id names."""
        if ident in self.spans:
            return self.spans[ident].id
        if ident in self.triggers:
            return self.spans[self.triggers[ident][0]].id
        raise self.fail(line, f"refers to {shown(ident)}, which is not a T or E line in this file.")


def read(ann: str, text: str, name: str, path: str, opts: ReadOptions) -> AnnotatedDocument:
    """Parse an ``.ann`` file against its text."""
    check_text(text, name, None)
    check_content(ann, path)
    parsed = _Parsed(path, text, opts)
    for line_no, raw in enumerate(ann.split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        ident, tab, rest = line.partition("\t")
        if not tab or not ident:
            raise parsed.fail(line_no, "expected an id, a tab and the annotation.")
        _line(parsed, ident, rest, line_no)
        opts.count(f"{ident[0]} lines")
    _triggers(parsed)
    _labels(parsed)
    for line_no, ident, rest in parsed.pending:
        if ident[0] == "E":
            parsed.events[ident] = _event(parsed, ident, rest, line_no)
        elif ident[0] == "R":
            parsed.relations.append(_relation(parsed, ident, rest, line_no))
        else:
            _equiv(parsed, rest, line_no)
    _attach(parsed)
    document = Document(0, name, text, text_sha256(text))
    return AnnotatedDocument(
        document,
        "",
        tuple(parsed.spans.values()),
        tuple(parsed.events.values()),
        tuple(parsed.relations),
    )


def _line(parsed: _Parsed, ident: str, rest: str, line: int) -> None:
    kind = ident[0]
    if kind == "*":
        if ident != "*":
            raise parsed.fail(
                line, f"bad annotation id {shown(ident)} (an Equiv line's id is '*')."
            )
        parsed.pending.append((line, ident, rest))
        return
    if kind not in "TERAMN#":
        raise parsed.fail(line, f"unknown annotation id {shown(ident)}.")
    parsed.claim(ident, line)
    if kind == "T":
        _span(parsed, ident, rest, line)
    elif kind in "ER":
        parsed.pending.append((line, ident, rest))
    elif kind in "AM":
        parsed.attrs.append(_attribute(parsed, rest, line))
    elif kind == "N":
        parsed.attrs.append(_normalisation(parsed, rest, line))
    else:
        parsed.attrs.append(_comment(parsed, rest, line))


def _span(parsed: _Parsed, ident: str, rest: str, line: int) -> None:
    head, _, shown_text = rest.partition("\t")
    label, _, where = head.partition(" ")
    text = parsed.text
    frags: list[tuple[int, int]] = []
    for frag in where.split(";"):
        bits = frag.split(" ")
        if len(bits) != 2 or not all(_OFFSET.fullmatch(b) for b in bits):
            raise parsed.fail(
                line, f"bad offsets {shown(where)} (expected 'start end' in ASCII digits)."
            )
        frags.append(check_offsets(text, int(bits[0]), int(bits[1]), parsed.path, line))
    for (_, b), (a, _) in zip(frags, frags[1:], strict=False):
        if a < b or text[b:a].strip("\n"):
            raise parsed.fail(line, "discontinuous spans are not supported.")
    expected = " ".join(text[a:b] for a, b in frags)
    if shown_text != expected:
        raise parsed.fail(
            line, f"span text {shown(shown_text)} does not match the text {shown(expected)}."
        )
    number = parsed.number(ident, line)
    parsed.spans[ident] = Span(
        number, 0, "", CodePoint(frags[0][0]), CodePoint(frags[-1][1]), label
    )
    parsed.span_codes[ident] = (label, line)


def _triggers(parsed: _Parsed) -> None:
    """Map every E id to its trigger; refuse a second event on one trigger span."""
    used: dict[str, tuple[str, int]] = {}
    for line, ident, rest in parsed.pending:
        if ident[0] != "E":
            continue
        head = rest.split()[0] if rest.split() else ""
        etype, colon, trigger = head.partition(":")
        if not colon or not etype:
            raise parsed.fail(line, "expected 'Type:Ttrigger Role:Tn ...'.")
        if trigger not in parsed.spans:
            raise parsed.fail(
                line, f"the trigger {shown(trigger)} of {ident} is not a T line in this file."
            )
        if trigger in used:
            other, where = used[trigger]
            raise parsed.fail(
                line,
                f"{ident} has the trigger {trigger} of {other} (line {where}); this project "
                "keeps one event per trigger span, so the file cannot be imported.",
            )
        used[trigger] = (ident, line)
        parsed.triggers[ident] = (trigger, line)


def _labels(parsed: _Parsed) -> None:
    """Name every span's label; a trigger's label is checked as an event type."""
    opts = parsed.opts
    known = None
    if opts.span_labels is not None:
        known = opts.span_labels | (opts.event_types or frozenset())
    triggers = {t for t, _ in parsed.triggers.values()}
    for ident, (code, line) in parsed.span_codes.items():
        if ident in triggers:
            label = read_name(code, opts.event_types)
            opts.check_event_type(label, parsed.path, line)
        else:
            label = read_name(code, known)
            opts.check_label(label, parsed.path, line)
        span = parsed.spans[ident]
        parsed.spans[ident] = Span(span.id, 0, "", span.start, span.end, label)


def _event(parsed: _Parsed, ident: str, rest: str, line: int) -> Event:
    parts = rest.split()
    code, _, trig = parts[0].partition(":")
    trigger = parsed.spans[trig]
    if code != parsed.span_codes[trig][0]:
        raise parsed.fail(
            line,
            f"{ident} has type {shown(code)} but its trigger {trig} is labelled "
            f"{shown(parsed.span_codes[trig][0])}.",
        )
    args: list[Argument] = []
    for part in parts[1:]:
        role, colon, target = part.partition(":")
        if not colon:
            raise parsed.fail(
                line, f"bad argument {shown(part)} (expected 'Role:Tn' or 'Role:En')."
            )
        # a repeated role carries a numeric suffix (brat annotation.py, split_role)
        role = read_name(role[:1] + role[1:].rstrip("0123456789"), None, ROLE)
        parsed.opts.check_role(trigger.label, role, parsed.path, line)
        args.append(Argument(role, parsed.ref(target, line)))
    check_arguments(args, trigger.id, f"event {ident}", parsed.path, line)
    return Event(parsed.number(ident, line), 0, "", trigger.label, trigger.id, tuple(args))


def _relation(parsed: _Parsed, ident: str, rest: str, line: int) -> Relation:
    parts = rest.split()
    if len(parts) != 3 or not parts[1].startswith("Arg1:") or not parts[2].startswith("Arg2:"):
        raise parsed.fail(line, "expected 'Type Arg1:Tn Arg2:Tm'.")
    rtype = read_name(parts[0], parsed.opts.relation_types)
    parsed.opts.check_relation_type(rtype, parsed.path, line)
    a1 = parsed.ref(parts[1][5:], line)
    a2 = parsed.ref(parts[2][5:], line)
    if a1 == a2:
        raise parsed.fail(line, f"relation {ident} links {parts[1][5:]} to itself.")
    key = (rtype, min(a1, a2), max(a1, a2)) if rtype == EQUIV else (rtype, a1, a2)
    if key in parsed.links:
        raise parsed.fail(
            line, f"relation {ident} repeats the {rtype!r} relation of line {parsed.links[key]}."
        )
    parsed.links[key] = line
    return Relation(parsed.number(ident, line), 0, "", rtype, a1, a2)


def _equiv(parsed: _Parsed, rest: str, line: int) -> None:
    """``*<TAB>Equiv T1 T2 T3``: the relations T1-T2 and T2-T3 of type ``Equiv``."""
    parts = rest.split("\t")[0].split()
    if len(parts) < 3:
        raise parsed.fail(line, "expected 'Equiv Tn Tm ...' (at least two members).")
    if parts[0] != EQUIV:
        raise parsed.fail(line, f"only Equiv '*' lines can be imported, not {shown(parts[0])}.")
    parsed.opts.check_relation_type(EQUIV, parsed.path, line)
    members = [parsed.ref(m, line) for m in parts[1:]]
    if len(set(members)) != len(members):
        raise parsed.fail(line, "the Equiv line names one annotation twice.")
    first = 1 + max((r.id for r in parsed.relations), default=0)
    first = max(first, 1 + max((n for k, n in parsed.numbers if k == "R"), default=0))
    for i, (a, b) in enumerate(zip(members, members[1:], strict=False)):
        key = (EQUIV, min(a, b), max(a, b))
        if key not in parsed.links:  # already linked: the same group, nothing to add
            parsed.links[key] = line
            parsed.relations.append(Relation(first + i, 0, "", EQUIV, a, b))


def _attribute(parsed: _Parsed, rest: str, line: int) -> tuple[int, str, str, str]:
    parts = rest.split(" ")
    if len(parts) not in (2, 3):
        raise parsed.fail(line, "expected 'Name Target [Value]'.")
    name = read_name(parts[0], None, VALUE)
    if name.startswith((COMMENT, NORMALISATION)):
        raise parsed.fail(line, f"the attribute name {name!r} is kept for brat's # and N lines.")
    value = read_name(parts[2], None, VALUE) if len(parts) == 3 else ""
    return line, parts[1], name, value


def _normalisation(parsed: _Parsed, rest: str, line: int) -> tuple[int, str, str, str]:
    """``N1<TAB>Reference T1 Wikipedia:534366<TAB>Barack Obama``: an attribute of T1."""
    data, tab, tail = rest.partition("\t")
    match = _NORM.fullmatch(data)
    if match is None:
        raise parsed.fail(line, "expected 'Type Target Resource:Id' in the N line.")
    ntype, target, resource, ref = match.groups()
    return line, target, f"{NORMALISATION}{ntype} {resource}", f"{ref}{tab}{tail}"


def _comment(parsed: _Parsed, rest: str, line: int) -> tuple[int, str, str, str]:
    """``#1<TAB>AnnotatorNotes T1<TAB>text`` is T1's note; another type is kept as ``# Type``."""
    data, _, text = rest.partition("\t")
    parts = data.split()
    if len(parts) != 2:
        raise parsed.fail(line, "expected '#n<TAB>Type Target<TAB>text' (brat's comment line).")
    if parts[0] == "AnnotatorNotes" and text:
        return line, parts[1], NOTE, text
    return line, parts[1], COMMENT + parts[0], text


def _attach(parsed: _Parsed) -> None:
    for line, target, name, value in parsed.attrs:
        owner: Span | Event | None = parsed.spans.get(target) or parsed.events.get(target)
        if owner is None:
            reason = (
                f"the line refers to the relation {shown(target)}; relations have no "
                "attributes or notes here."
                if target in parsed.ids and target[0] == "R"
                else f"the line refers to {shown(target)}, which is unknown."
            )
            raise parsed.fail(line, reason)
        if name in owner.attributes:
            raise parsed.fail(line, f"the attribute {name!r} of {target} is set twice.")
        if name != NOTE and not name.startswith((COMMENT, NORMALISATION)):
            carrier = owner.label if isinstance(owner, Span) else EVENT
            parsed.opts.check_attribute(name, value, carrier, parsed.path, line)
        owner.attributes[name] = value
