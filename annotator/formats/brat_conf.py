"""Reading brat's ``annotation.conf`` into schema additions (for ``--add-labels``).

The rules restate brat's ``server/src/projectconfig.py``
(``__read_term_hierarchy``): sections ``[entities]`` (alias ``[spans]``),
``[relations]``, ``[events]`` and ``[attributes]``; empty lines, lines
starting with ``#`` and separator lines of hyphens are skipped;
``<NAME>=value`` defines a macro used later in its section; a line is
``terms<whitespace>args`` where the first of the ``|``-separated terms is the
name (a leading ``!`` marks an abstract type, which cannot be annotated and
is skipped) and the args are comma-separated ``Key[modifier]:Type|Type``
(the modifier ``?``, ``*``, ``+`` or ``{N}``/``{N-M}``). Indentation only
builds brat's display hierarchy.

What becomes what: an entity is a span label; an event type keeps its roles
with the labels allowed in each (``<EVENT>`` stands for every event type of
the file, ``<ENTITY>`` and ``<ANY>`` for any label); a relation type keeps the
labels allowed at ``Arg1`` and ``Arg2`` (``Equiv`` included; ``<OVERLAP>`` and
``ENTITY-NESTING`` are display rules and are skipped); an attribute keeps its
``Value`` choices and what carries it (``Arg:<ENTITY>|<EVENT>|Type``). A flag
attribute (no ``Value``) has no closed choice for the schema to declare.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from annotator.core.schema_add import ENTITY, EVENT
from annotator.formats.base import FormatError, ReadOptions
from annotator.formats.brat_names import ROLE, VALUE, read_name

_SECTIONS = {"entities": "entities", "spans": "entities", "relations": "relations"}
_SECTIONS |= {"events": "events", "attributes": "attributes"}
_ARG = re.compile(r"^(\S+?)(?:\{[0-9]+(?:-[0-9]*)?\}|\?|\*|\+)?:(\S+)$")
_MACRO = re.compile(r"^<([a-zA-Z_-]+)>=\s*(.*?)\s*$")
_SKIPPED = frozenset({"ENTITY-NESTING"})
_ANY = frozenset({"<ENTITY>", "<ANY>"})


@dataclass
class _Line:
    number: int
    name: str
    args: list[tuple[str, list[str]]] = field(default_factory=list)


def read_conf(text: str, path: str, opts: ReadOptions) -> None:
    """Add every type, role, relation and attribute that ``text`` declares to ``opts``."""
    sections = _parse(text, path)
    events = {line.name for line in sections.get("events", [])}
    for line in sections.get("entities", []):
        opts.additions.labels.add(_type(line.name, opts.span_labels))
    event_names = {_type(n, opts.event_types) for n in events}
    for line in sections.get("events", []):
        name = _type(line.name, opts.event_types)
        opts.additions.event(name)
        for key, types in line.args:
            role = read_name(key, None, ROLE)
            opts.additions.event(name, role, _allowed(types, event_names, opts))
    for line in sections.get("relations", []):
        if line.name in _SKIPPED:
            continue
        ends = dict(line.args)
        if "Arg1" not in ends or "Arg2" not in ends:
            raise FormatError(path, line.number, "a relation needs 'Arg1:Type' and 'Arg2:Type'.")
        opts.additions.relation(
            _type(line.name, opts.relation_types),
            _allowed(ends["Arg1"], event_names, opts),
            _allowed(ends["Arg2"], event_names, opts),
        )
    for line in sections.get("attributes", []):
        _attribute(line, events, opts)


def _attribute(line: _Line, events: set[str], opts: ReadOptions) -> None:
    args = dict(line.args)
    name = read_name(line.name, None, VALUE)
    owners = {
        EVENT if t == "<EVENT>" or t in events else ENTITY if t in _ANY else _type(t, None)
        for t in args.get("Arg", ["<ENTITY>"])
    }
    values = [read_name(v, None, VALUE) for v in args.get("Value", [])]
    for owner in owners:
        for value in values or [""]:
            opts.additions.attribute(name, value, owner)


def _type(code: str, known: frozenset[str] | None) -> str:
    return read_name(code, known if known is not None else frozenset())


def _allowed(types: list[str], events: set[str], opts: ReadOptions) -> set[str]:
    if any(t in _ANY for t in types):
        return set()
    out: set[str] = set()
    for t in types:
        out |= events if t == "<EVENT>" else {_type(t, opts.span_labels)}
    return out


def _parse(text: str, path: str) -> dict[str, list[_Line]]:
    sections: dict[str, list[_Line]] = {}
    section, macros = "", dict[str, str]()
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip() or re.match(r"^\s*#", line) or re.match(r"^\s*-+\s*$", line):
            continue
        head = re.match(r"^\s*\[(\w+)\]\s*$", line)
        if head:
            section, macros = _SECTIONS.get(head.group(1), ""), {}
            continue
        macro = _MACRO.match(line)
        if macro:
            macros[f"<{macro.group(1)}>"] = macro.group(2)
            continue
        if not section:
            continue  # a section brat's annotation configuration does not have
        for key, value in macros.items():
            line = line.replace(key, value)
        parsed = _line(line, number, path)
        if parsed is not None:
            sections.setdefault(section, []).append(parsed)
    return sections


def _line(line: str, number: int, path: str) -> _Line | None:
    match = re.match(r"^\s*(\S+)(?:\s+(.*))?$", line)
    if match is None:
        raise FormatError(path, number, "cannot read this configuration line.")
    terms = [t.strip() for t in match.group(1).split("|") if t.strip()]
    if not terms:
        raise FormatError(path, number, "the line names no type.")
    name = terms[0]
    if name.startswith(("!", "<")):
        return None  # an abstract type (brat does not let it be annotated) or a reserved one
    out = _Line(number, name)
    for arg in (a.strip() for a in (match.group(2) or "").split(",") if a.strip()):
        found = _ARG.match(arg)
        if found is None:
            raise FormatError(
                path, number, f"cannot read the argument {arg!r} (expected Key:Type)."
            )
        out.args.append((found.group(1), found.group(2).split("|")))
    return out
