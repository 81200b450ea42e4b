"""The native, lossless JSON Lines format: one document per line.

``{"id", "name", "text", "sha256", "annotator", "status", ["note",]
"spans": [{"id", "start", "end", "label", "text"}],
"events": [{"id", "type", "trigger", "arguments": [{"role", "span"}]}],
"relations": [{"id", "type", "arg1", "arg2"}]}``

Span, event and relation ids are numbered per document (see
:mod:`annotator.formats.base`); events and relations refer to span ids.
``attributes`` appears on a span or event only when it has some. The
document ``id`` is the exporting project's document id; on import, documents
are matched by the SHA-256 of their text, and ``id``, ``annotator`` and
``status`` are informational (the layer is the one named on the command line).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from annotator.core.model import Argument, Document, Event, Relation, Span
from annotator.core.positions import CodePoint
from annotator.core.text import text_sha256
from annotator.formats.base import (
    AnnotatedDocument,
    FormatError,
    ReadOptions,
    check_arguments,
    check_attributes,
    check_content,
    check_name,
    check_offsets,
    check_string,
    check_text,
    number,
    shown,
)


def dumps(doc: AnnotatedDocument) -> str:
    """One document as one JSON line (with the trailing newline)."""
    n = number(doc)
    text = doc.text
    spans = []
    for i, s in enumerate(n.spans, 1):
        item: dict[str, Any] = {
            "id": i,
            "start": s.start,
            "end": s.end,
            "label": s.label,
            "text": text[s.start : s.end],
        }
        if s.attributes:
            item["attributes"] = dict(sorted(s.attributes.items()))
        spans.append(item)
    events = []
    for i, e in enumerate(n.events, 1):
        ev: dict[str, Any] = {
            "id": i,
            "type": e.type,
            "trigger": n.span_no[e.trigger_id],
            "arguments": [{"role": a.role, "span": n.span_no[a.span_id]} for a in e.arguments],
        }
        if e.attributes:
            ev["attributes"] = dict(sorted(e.attributes.items()))
        events.append(ev)
    relations = [
        {"id": i, "type": r.type, "arg1": n.span_no[r.arg1_id], "arg2": n.span_no[r.arg2_id]}
        for i, r in enumerate(n.relations, 1)
    ]
    obj = {
        "id": doc.document.id,
        "name": doc.name,
        "text": text,
        "sha256": doc.document.sha256,
        "annotator": doc.annotator,
        "status": doc.status,
        **({"note": doc.note} if doc.note else {}),
        "spans": spans,
        "events": events,
        "relations": relations,
    }
    return json.dumps(obj, ensure_ascii=False) + "\n"


def read(content: str, path: str, options: ReadOptions) -> list[AnnotatedDocument]:
    """Parse a whole jsonl file; raise :class:`FormatError` naming the line."""
    return read_documents(content, path, options, _read_line)


LineReader = Callable[[dict[str, Any], str, int, ReadOptions], AnnotatedDocument]


def read_documents(
    content: str, path: str, options: ReadOptions, read_line: LineReader
) -> list[AnnotatedDocument]:
    """One document per JSON line, read by ``read_line``; a file with none is an error."""
    check_content(content, path)
    docs = [read_line(obj, path, line, options) for line, obj in json_lines(content, path)]
    if not docs:
        raise FormatError(path, None, "the file holds no documents.")
    return docs


def document_text(obj: dict[str, Any], path: str, line: int) -> str:
    """The line's ``"text"``, checked to be a non-empty string in stored (normalized) form."""
    text = obj.get("text")
    if not isinstance(text, str):
        raise FormatError(path, line, "'text' is missing or not a string.")
    check_text(text, path, line)
    return text


def line_status(obj: dict[str, Any]) -> str:
    """The line's ``"status"`` if it is one the project knows, else ``""``."""
    status = obj.get("status")
    return status if status in ("new", "in_progress", "done") else ""


def json_lines(content: str, path: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, object)`` for each non-blank line; raise on bad JSON."""
    for line_no, raw in enumerate(content.split("\n"), 1):
        if not raw.strip():
            continue
        obj = _parse(raw, path, line_no)
        if not isinstance(obj, dict):
            raise FormatError(path, line_no, "each line must be a JSON object.")
        _check_strings(obj, path, line_no)
        yield line_no, obj


def _parse(raw: str, path: str, line: int) -> object:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise FormatError(path, line, f"bad JSON ({exc.msg} at column {exc.colno}).") from None
    except RecursionError:
        raise FormatError(path, line, "the JSON is nested too deeply.") from None
    except ValueError as exc:  # e.g. an integer with thousands of digits
        raise FormatError(path, line, f"bad JSON ({exc}).") from None


def _check_strings(obj: object, path: str, line: int) -> None:
    """Refuse any key or string value (at any depth) that is not valid Unicode."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            check_string(item, path, line, f"the string {shown(item)}")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _read_line(obj: dict[str, Any], path: str, line: int, opts: ReadOptions) -> AnnotatedDocument:
    text = document_text(obj, path, line)
    sha = text_sha256(text)
    if "sha256" in obj and obj["sha256"] != sha:
        raise FormatError(path, line, "'sha256' does not match the SHA-256 of 'text'.")
    name = obj.get("name") or f"{path}:{line}"
    check_name(name, path, line, "'name'")
    spans = _spans(obj, text, path, line, opts)
    known = {s.id for s in spans}
    events = _events(obj, known, path, line, opts)
    relations = _relations(obj, known, path, line, opts)
    document = Document(0, str(name), text, sha)
    note = obj.get("note", "")
    if not isinstance(note, str):
        raise FormatError(path, line, "'note' must be a string.")
    return AnnotatedDocument(
        document, "", tuple(spans), tuple(events), tuple(relations), line_status(obj), note.strip()
    )


def _items(obj: dict[str, Any], key: str, path: str, line: int) -> list[dict[str, Any]]:
    value = obj.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise FormatError(path, line, f"{key!r} must be a list of objects.")
    return value


def _local_id(item: dict[str, Any], seen: set[int], what: str, path: str, line: int) -> int:
    ident = item.get("id")
    if not _is_int(ident):
        raise FormatError(path, line, f"a {what} has no integer 'id'.")
    assert isinstance(ident, int)
    if ident in seen:
        raise FormatError(path, line, f"the {what} id {ident} is used twice.")
    seen.add(ident)
    return ident


def _spans(obj: dict[str, Any], text: str, path: str, line: int, opts: ReadOptions) -> list[Span]:
    out: list[Span] = []
    seen: set[int] = set()
    for item in _items(obj, "spans", path, line):
        ident = _local_id(item, seen, "span", path, line)
        expected = item.get("text")
        if expected is not None and not isinstance(expected, str):
            raise FormatError(path, line, f"span {ident}: 'text' must be a string.")
        start, end = check_offsets(text, item.get("start"), item.get("end"), path, line, expected)
        label = item.get("label")
        if not isinstance(label, str):
            raise FormatError(path, line, f"span {ident} has no label.")
        opts.check_label(label, path, line)
        out.append(
            Span(
                ident, 0, "", CodePoint(start), CodePoint(end), label, _attributes(item, path, line)
            )
        )
    return out


def _attributes(item: dict[str, Any], path: str, line: int) -> dict[str, str]:
    return check_attributes(item.get("attributes", {}), path, line)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _ref(value: object, known: set[int], what: str, path: str, line: int) -> int:
    if not _is_int(value) or value not in known:
        raise FormatError(
            path, line, f"{what} refers to span {shown(value)}, which is not in 'spans'."
        )
    assert isinstance(value, int)
    return value


def _arguments(
    item: dict[str, Any], known: set[int], what: str, path: str, line: int
) -> list[Argument]:
    raw = item.get("arguments", [])
    if not isinstance(raw, list):
        raise FormatError(path, line, f"{what}'s 'arguments' must be a list of objects.")
    args = []
    for arg in raw:
        if not isinstance(arg, dict):
            raise FormatError(path, line, f"{what} has an argument that is not an object.")
        role = check_name(arg.get("role"), path, line, f"{what}'s argument 'role'")
        args.append(Argument(role, _ref(arg.get("span"), known, f"{what}'s argument", path, line)))
    return args


def _events(
    obj: dict[str, Any], known: set[int], path: str, line: int, opts: ReadOptions
) -> list[Event]:
    out: list[Event] = []
    seen: set[int] = set()
    for item in _items(obj, "events", path, line):
        ident = _local_id(item, seen, "event", path, line)
        etype = item.get("type")
        if not isinstance(etype, str):
            raise FormatError(path, line, f"event {ident} has no 'type'.")
        opts.check_event_type(etype, path, line)
        trigger = _ref(item.get("trigger"), known, f"event {ident}'s trigger", path, line)
        args = _arguments(item, known, f"event {ident}", path, line)
        for arg in args:  # with --add-labels, the roles an added event type needs
            opts.check_role(etype, arg.role, path, line)
        check_arguments(args, trigger, f"event {ident}", path, line)
        attrs = _attributes(item, path, line)
        out.append(Event(ident, 0, "", etype, trigger, tuple(args), attrs))
    return out


def _relations(
    obj: dict[str, Any], known: set[int], path: str, line: int, opts: ReadOptions
) -> list[Relation]:
    out: list[Relation] = []
    seen: set[int] = set()
    for item in _items(obj, "relations", path, line):
        ident = _local_id(item, seen, "relation", path, line)
        rtype = item.get("type")
        if not isinstance(rtype, str):
            raise FormatError(path, line, f"relation {ident} has no 'type'.")
        opts.check_relation_type(rtype, path, line)
        a1 = _ref(item.get("arg1"), known, f"relation {ident}'s arg1", path, line)
        a2 = _ref(item.get("arg2"), known, f"relation {ident}'s arg2", path, line)
        if a1 == a2:
            raise FormatError(path, line, f"relation {ident} links span {a1} to itself.")
        out.append(Relation(ident, 0, "", rtype, a1, a2))
    return out
