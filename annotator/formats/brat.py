"""brat standoff: ``NAME.txt`` plus ``NAME.ann``, and a generated ``annotation.conf``.

``.ann`` lines, in this order: ``T`` (spans), ``E`` (events: ``Type:Ttrigger
Role:Tn ...``, a repeated role gets brat's numeric suffix, ``Role2``; an
argument that is the trigger span of an event is written as that event,
``Theme:E2``, ADR 0019), ``R`` (relations: ``Type Arg1:Tn Arg2:Tm``, ends
written like arguments), ``*`` (the relations of type ``Equiv``, one line per
connected group: ``Equiv T1 T2 T3``), ``A`` (attributes of spans and events:
``Name Target Value``, or ``Name Target`` for an empty value), ``N`` (span
attributes named ``N Type Resource``: ``Type Target Resource:Value``) and
``#`` (a span's or event's note, its ``note`` attribute, as brat's
``AnnotatorNotes Target<TAB>text``, line breaks in a note becoming spaces;
an attribute named ``# Type`` as ``Type Target<TAB>value``). A span crossing a
line break is written as fragments split at the break, as brat requires, and
joined again on reading (:mod:`annotator.formats.brat_read`). Ids are
numbered as in :mod:`annotator.formats.base`, so export → import → export is
identical.

Every type, role and attribute name (and attribute value) is written in
brat's storage form through :mod:`annotator.formats.brat_names`
(``Conflict.Attack`` → ``Conflict_Attack``; ``Simple_chemical`` and ``Sg3``
as they are) and decoded on reading;
``visual.conf`` maps each written name back to the readable one for brat's
display.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from annotator.core.schema import NOTE, Schema
from annotator.formats.base import AnnotatedDocument, Numbered, number
from annotator.formats.brat_names import ROLE, TYPE, VALUE, display, encode, twins
from annotator.formats.brat_read import COMMENT, EQUIV, NORMALISATION
from annotator.formats.brat_read import read as read

__all__ = [
    "Seen",
    "annotation_conf",
    "collect",
    "dumps",
    "file_stem",
    "read",
    "taken",
    "visual_conf",
]

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


def dumps(doc: AnnotatedDocument, taken: frozenset[str] = frozenset()) -> str:
    """The ``.ann`` content for one document.

    ``taken`` holds the codes of the schema's plain dotted names
    (:func:`annotator.formats.brat_names.twins`).
    """
    n = number(doc)
    text = doc.text
    lines: list[str] = []
    owners: list[tuple[str, dict[str, str]]] = []
    for i, s in enumerate(n.spans, 1):
        frags = _fragments(text, s.start, s.end)
        where = ";".join(f"{a} {b}" for a, b in frags)
        shown = " ".join(text[a:b] for a, b in frags)
        lines.append(f"T{i}\t{encode(s.label, TYPE, taken)} {where}\t{shown}")
        owners.append((f"T{i}", s.attributes))
    ref = _referrer(n)
    for i, e in enumerate(n.events, 1):
        roles = [f"{encode(e.type, TYPE, taken)}:T{n.span_no[e.trigger_id]}"]
        counts: dict[str, int] = {}
        for arg in e.arguments:
            counts[arg.role] = counts.get(arg.role, 0) + 1
            suffix = str(counts[arg.role]) if counts[arg.role] > 1 else ""
            roles.append(f"{encode(arg.role, ROLE)}{suffix}:{ref(arg.span_id)}")
        lines.append(f"E{i}\t{' '.join(roles)}")
        owners.append((f"E{i}", e.attributes))
    plain = [r for r in n.relations if r.type != EQUIV]
    for i, r in enumerate(plain, 1):
        lines.append(
            f"R{i}\t{encode(r.type, TYPE, taken)} Arg1:{ref(r.arg1_id)} Arg2:{ref(r.arg2_id)}"
        )
    lines += [f"*\t{EQUIV} " + " ".join(group) for group in _equiv_groups(n, ref)]
    return "".join(line + "\n" for line in lines + _attribute_lines(owners))


def _referrer(n: Numbered) -> Callable[[int], str]:
    """How an argument or relation end is written: ``En`` for an event's trigger, else ``Tn``."""
    event_of = {e.trigger_id: i for i, e in enumerate(n.events, 1)}

    def ref(span_id: int) -> str:
        return f"E{event_of[span_id]}" if span_id in event_of else f"T{n.span_no[span_id]}"

    return ref


def _equiv_groups(n: Numbered, ref: Callable[[int], str]) -> list[list[str]]:
    """The ``Equiv`` relations as connected groups of ids, each and all in id order."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for r in n.relations:
        if r.type == EQUIV:
            parent[root(ref(r.arg1_id))] = root(ref(r.arg2_id))
    groups: dict[str, list[str]] = {}
    for member in parent:
        groups.setdefault(root(member), []).append(member)
    order = sorted((sorted(g, key=_id_key) for g in groups.values()), key=lambda g: _id_key(g[0]))
    return order


def _id_key(ident: str) -> tuple[int, int]:
    return (0 if ident[0] == "T" else 1, int(ident[1:]))


def _attribute_lines(owners: list[tuple[str, dict[str, str]]]) -> list[str]:
    """The ``A``, ``N`` and ``#`` lines for the attributes of each span and event."""
    attrs: list[str] = []
    norms: list[str] = []
    notes: list[str] = []
    for target, values in owners:
        for name, value in sorted(values.items()):
            flat = " ".join(value.splitlines())
            resource = name[len(NORMALISATION) :].split(" ")
            if name == NOTE and value:
                notes.append(f"AnnotatorNotes {target}\t{flat}")
            elif name.startswith(COMMENT) and name[len(COMMENT) :].strip():
                notes.append(f"{name[len(COMMENT) :]} {target}\t{flat}")
            elif name.startswith(NORMALISATION) and len(resource) == 2 and all(resource):
                ref, tab, tail = flat.partition("\t")
                norms.append(f"{resource[0]} {target} {resource[1]}:{ref}{tab}{tail}")
            elif name != NOTE:
                code = encode(value, VALUE) if value else ""
                attrs.append(f"{encode(name, VALUE)} {target} {code}".rstrip(" "))
    out = [f"A{i}\t{line}" for i, line in enumerate(attrs, 1)]
    out += [f"N{i}\t{line}" for i, line in enumerate(norms, 1)]
    return out + [f"#{i}\t{line}" for i, line in enumerate(notes, 1)]


def collect(doc: AnnotatedDocument, seen: Seen) -> None:
    """Remember the labels, roles, relation ends and attribute values a document uses."""
    label = {s.id: s.label for s in doc.spans}
    for s in doc.spans:
        seen.labels.add(s.label)
        _collect_attributes(s.attributes, seen)
    for e in doc.events:
        seen.roles.setdefault((e.type, ""), set())
        for a in e.arguments:
            seen.roles.setdefault((e.type, a.role), set()).add(label[a.span_id])
        _collect_attributes(e.attributes, seen)
    for r in doc.relations:
        seen.ends.setdefault((r.type, 1), set()).add(label[r.arg1_id])
        seen.ends.setdefault((r.type, 2), set()).add(label[r.arg2_id])


def _collect_attributes(attributes: dict[str, str], seen: Seen) -> None:
    for k, v in attributes.items():
        if k != NOTE and not k.startswith((COMMENT, NORMALISATION)):
            seen.attributes.setdefault(k, set()).add(v)


def taken(schema: Schema) -> frozenset[str]:
    """The codes of the schema's plain dotted type names (see :mod:`brat_names`)."""
    return twins(schema.span_label_names() | {r.name for r in schema.relations})


def _types(names: tuple[str, ...], used: set[str], taken: frozenset[str], events: set[str]) -> str:
    """brat's allowed types for an argument: the schema's (empty is any) plus those used.

    brat's ``<ENTITY>`` covers entity types only; an argument that is an event
    needs ``<EVENT>`` too (verify_annotations.py, ``arc_types_from_to``).
    """
    if not names:
        return "<ENTITY>|<EVENT>" if used & events else "<ENTITY>"
    return "|".join(encode(n, TYPE, taken) for n in [*names, *sorted(used - set(names))])


def _event_types(schema: Schema, seen: Seen) -> set[str]:
    return {e.name for e in schema.events} | {etype for etype, _ in seen.roles}


def _roles(schema: Schema, seen: Seen) -> dict[str, dict[str, str]]:
    """Event type -> role -> allowed types, for every type in the schema or the data."""
    out: dict[str, dict[str, str]] = {}
    names, events = taken(schema), _event_types(schema, seen)
    for e in schema.events:
        out[e.name] = {
            r.name: _types(r.allowed, seen.roles.get((e.name, r.name), set()), names, events)
            for r in e.roles
        }
    for (etype, role), used in sorted(seen.roles.items()):
        roles = out.setdefault(etype, {})
        if role and role not in roles:
            roles[role] = _types(tuple(sorted(used)), set(), names, events)
    return out


def _relations(schema: Schema, seen: Seen) -> list[str]:
    ends = {r.name: (r.arg1, r.arg2) for r in schema.relations}
    for rtype, _ in sorted(seen.ends):
        if rtype not in ends:
            ends[rtype] = ((), ())
    names, events = taken(schema), _event_types(schema, seen)
    return [
        f"{encode(name, TYPE, names)}\t"
        f"Arg1:{_types(a1, seen.ends.get((name, 1), set()), names, events)}, "
        f"Arg2:{_types(a2, seen.ends.get((name, 2), set()), names, events)}"
        + (", <REL-TYPE>:symmetric-transitive" if name == EQUIV else "")
        for name, (a1, a2) in ends.items()
    ]


_CONF_NOTE = (
    "# Written by the annotator. Names are in brat's storage form ([a-zA-Z0-9_-]):\n"
    "# '.' in a type is written '_', names brat cannot store as _HEX_ after a leading '__';\n"
    "# visual.conf [labels] gives the readable names.\n"
)


def annotation_conf(schema: Schema, seen: Seen) -> str:
    """brat's ``annotation.conf`` for the schema plus every name met in the data."""
    roles = _roles(schema, seen)
    names = taken(schema)
    labels = [lb.name for lb in schema.labels]
    labels += sorted(seen.labels - set(labels) - set(roles))
    out = ["[entities]", *(encode(n, TYPE, names) for n in labels), ""]
    out += ["[relations]", *_relations(schema, seen)]
    out += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]"]
    for name, args in roles.items():
        listed = ", ".join(f"{encode(r, ROLE)}*:{types}" for r, types in args.items())
        code = encode(name, TYPE, names)
        out.append(f"{code}\t{listed}" if listed else code)
    out += ["", "[attributes]"]
    for name in sorted(seen.attributes):
        values = sorted(encode(v, VALUE) for v in seen.attributes[name] if v)
        out.append(
            f"{encode(name, VALUE)}\tArg:<ENTITY>|<EVENT>"
            + (f", Value:{'|'.join(values)}" if values else "")
        )
    return _CONF_NOTE + "\n".join(out) + "\n"


def visual_conf(schema: Schema, seen: Seen) -> str:
    """brat's ``visual.conf``: a ``[labels]`` line for each name whose storage form differs."""
    types = [lb.name for lb in schema.labels] + [e.name for e in schema.events]
    types += [r.name for r in schema.relations] + sorted(seen.labels)
    types += sorted({t for t, _ in seen.ends})
    roles = [role.name for e in schema.events for role in e.roles]
    roles += sorted({role for _, role in seen.roles if role})
    others = sorted(seen.attributes)
    others += sorted(v for values in seen.attributes.values() for v in values if v)
    names = taken(schema)
    codes = [(encode(n, TYPE, names), n) for n in types]
    codes += [(encode(n, ROLE), n) for n in roles] + [(encode(n, VALUE), n) for n in others]
    lines, done = [], set()
    for code, name in codes:
        if code != name and code not in done:
            done.add(code)
            lines.append(f"{code} | {display(name)}")
    return "[labels]\n" + "".join(line + "\n" for line in lines)
