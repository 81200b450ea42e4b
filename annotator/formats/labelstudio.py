"""Label Studio tasks JSON: one task per document, as Label Studio exports and imports it.

A file is a JSON array of tasks::

    [{"data": {"text": ..., "name": ..., "annotator": ..., "status": ...},
      "annotations": [{"result": [
          {"id": "s1", "from_name": "label", "to_name": "text", "type": "labels",
           "value": {"start": 12, "end": 16, "text": "حماة", "labels": ["GPE"]}},
          {"from_id": "s1", "to_id": "s2", "type": "relation", "direction": "right",
           "labels": ["Located"]}]}],
      "predictions": [...]}]

**Offsets** count code points, as Label Studio's own JSON export does («حماة» after an
emoji is at 12-16 in «😀 قصف مدينة حماة»), so they are the project's offsets unchanged.

**Events.** A trigger is a region labelled with its event type; each argument is a
relation result from the trigger to the argument labelled with the role. On import, a
region whose label is an event type of the schema becomes an event, and a relation from
such a trigger whose label is not a relation type of the schema becomes its argument.

**Labeling config.** The writer puts ``OUT.config.xml`` beside the file: a ``<Labels
name="label" toName="text">`` with every span label and event type, a ``<Relations>``
with every relation type and role, and ``<Text name="text" value="$text"/>``, so the
``from_name``/``to_name`` of every result match it. Paste it into the project's
Labeling Interface (Code view) before importing the tasks.

**Reading** takes each task's first annotation that was not cancelled (or, with
``predictions``, its first prediction) and lists in :attr:`ReadOptions.summary`, by task
and line, whatever it leaves out: other annotations, results that are not text regions
or relations, and relations to missing regions.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any
from xml.sax.saxutils import quoteattr

from annotator.core.model import Argument, Document, Event, Relation, Span
from annotator.core.positions import CodePoint
from annotator.core.schema import Schema
from annotator.core.text import text_sha256
from annotator.formats.base import (
    AnnotatedDocument,
    FormatError,
    ReadOptions,
    check_content,
    check_name,
    check_offsets,
    check_string,
    number,
)
from annotator.formats.jsonl import document_text, line_status

FROM_NAME = "label"
TO_NAME = "text"
RELATION = "relation"


# -- writing ----------------------------------------------------------------------
def task(doc: AnnotatedDocument, ident: int = 1) -> dict[str, Any]:
    """One document as task number ``ident`` (its layer is the task's one annotation).

    Label Studio gives imported tasks ids of its own; the ``id`` is there because its
    converter (label-studio-converter) needs one to read the file.
    """
    n = number(doc)
    region = {s.id: f"s{k}" for s, k in zip(n.spans, range(1, len(n.spans) + 1), strict=True)}
    result: list[dict[str, Any]] = [
        {
            "id": region[s.id],
            "from_name": FROM_NAME,
            "to_name": TO_NAME,
            "type": "labels",
            "value": {
                "start": s.start,
                "end": s.end,
                "text": doc.text[s.start : s.end],
                "labels": [s.label],
            },
        }
        for s in n.spans
    ]
    links = [(r.arg1_id, r.arg2_id, r.type) for r in n.relations]
    for e in n.events:
        links += [(e.trigger_id, a.span_id, a.role) for a in e.arguments]
    result += [
        {
            "from_id": region[a],
            "to_id": region[b],
            "type": RELATION,
            "direction": "right",
            "labels": [name],
        }
        for a, b, name in links
    ]
    data = {"text": doc.text, "name": doc.name, "annotator": doc.annotator, "status": doc.status}
    return {"id": ident, "data": data, "annotations": [{"result": result}]}


def dumps(doc: AnnotatedDocument, ident: int = 1) -> str:
    """One task as one line of JSON (an item of the array the writer puts around it)."""
    return json.dumps(task(doc, ident), ensure_ascii=False)


def config_xml(schema: Schema, docs_labels: set[str], docs_links: set[str]) -> str:
    """The labeling config that every written result's from_name/to_name matches.

    It lists the schema's labels, event types, relation types and roles, plus any
    label or link name found only in the data.
    """
    colors = {lb.name: lb.color for lb in schema.labels}
    colors.update({e.name: e.color for e in schema.events})
    for name in sorted(docs_labels - colors.keys()):
        colors[name] = "#9e9e9e"
    links = [r.name for r in schema.relations]
    links += [role.name for e in schema.events for role in e.roles]
    links += sorted(docs_links)
    lines = ["<View>", "  <Relations>"]
    lines += [f"    <Relation value={quoteattr(v)}/>" for v in dict.fromkeys(links)]
    lines += ["  </Relations>", f'  <Labels name="{FROM_NAME}" toName="{TO_NAME}">']
    lines += [
        f"    <Label value={quoteattr(name)} background={quoteattr(color)}/>"
        for name, color in colors.items()
    ]
    lines += ["  </Labels>", f'  <Text name="{TO_NAME}" value="$text"/>', "</View>"]
    return "\n".join(lines) + "\n"


def config_path(out: PurePath) -> PurePath:
    """Where the labeling config goes: ``OUT.config.xml`` beside ``OUT.json``."""
    return out.with_name(out.stem + ".config.xml")


# -- reading ----------------------------------------------------------------------
def read(content: str, path: str, options: ReadOptions) -> list[AnnotatedDocument]:
    """Parse a Label Studio tasks file (a JSON array, or one task object)."""
    check_content(content, path)
    tasks = list(_tasks(content, path))
    if not tasks:
        raise FormatError(path, None, "the file holds no tasks.")
    stem = PurePath(path).name
    docs = [_task(obj, k, line, stem, path, options) for k, (line, obj) in enumerate(tasks, 1)]
    unread: dict[str, list[int]] = {}
    for k, (_, obj) in enumerate(tasks, 1):
        data = obj.get("data", obj)
        for key in sorted(set(data) - _DATA_KEYS):
            unread.setdefault(key, []).append(k)
    for key, ks in sorted(unread.items()):
        listed = ", ".join(map(str, ks))
        options.summary.note(
            f"data {key!r} (task{'s' if len(ks) > 1 else ''} {listed}) not imported."
        )
    return docs


_DATA_KEYS = frozenset({"text", "name", "annotator", "status"})


def _tasks(content: str, path: str) -> list[tuple[int, dict[str, Any]]]:
    """Each task with the line it starts on."""
    decoder = json.JSONDecoder()
    text = content.lstrip()
    skipped = len(content) - len(text)
    lines = _Lines(content, skipped)
    try:
        if not text.startswith("["):
            obj, end = decoder.raw_decode(text)
            if _skip(text, end) < len(text):
                raise json.JSONDecodeError("extra data after the task", text, _skip(text, end))
            return [(lines.at(0), _object(obj, path, lines.at(0)))]
        out, at = [], 1
        while True:
            at = _skip(text, at)
            if text.startswith("]", at):
                break
            obj, end = decoder.raw_decode(text, at)
            out.append((lines.at(at), _object(obj, path, lines.at(at))))
            at = _skip(text, end)
            if text.startswith(",", at):
                at += 1
            elif not text.startswith("]", at):
                raise json.JSONDecodeError("expected ',' or ']'", text, at)
        if _skip(text, at + 1) < len(text):
            raise json.JSONDecodeError("extra data after the tasks", text, _skip(text, at + 1))
    except json.JSONDecodeError as exc:
        raise FormatError(path, lines.at(exc.pos), f"bad JSON ({exc.msg}).") from None
    except RecursionError:
        raise FormatError(path, None, "the JSON is nested too deeply.") from None
    except ValueError as exc:
        raise FormatError(path, None, f"bad JSON ({exc}).") from None
    return out


class _Lines:
    """Line numbers of positions in the stripped content, counted forward once."""

    def __init__(self, content: str, skipped: int) -> None:
        self._content, self._skipped = content, skipped
        self._pos, self._line = 0, 1

    def at(self, pos: int) -> int:
        """The 1-based line of position ``pos`` (positions asked in increasing order)."""
        pos += self._skipped
        if pos < self._pos:
            self._pos, self._line = 0, 1
        self._line += self._content.count("\n", self._pos, pos)
        self._pos = pos
        return self._line


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def _object(obj: object, path: str, line: int) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise FormatError(path, line, "each task must be a JSON object.")
    return obj


def _task(
    obj: dict[str, Any], k: int, line: int, stem: str, path: str, opts: ReadOptions
) -> AnnotatedDocument:
    data = obj.get("data", obj)  # Label Studio takes a task without "data" as its data
    if not isinstance(data, dict):
        raise FormatError(path, line, f"task {k}: 'data' must be an object.")
    text = document_text(data, path, line)
    where = f"task {k} (line {line})"
    lists = sorted(key for key, value in data.items() if isinstance(value, list))
    if "data" not in obj and lists:  # e.g. Label Studio's JSON-MIN export
        opts.summary.note(
            f"{where}: no 'data' object, so the task is its own data and "
            + ", ".join(repr(key) for key in lists)
            + " is not read as regions (export JSON, not JSON-MIN, from Label Studio)."
        )
    results = _results(obj, where, path, line, opts)
    spans, regions, triggers = _regions(results, text, where, path, line, opts)
    events = [Event(i, 0, "", spans[s - 1].label, s) for i, s in enumerate(triggers, 1)]
    relations, events = _links(results, regions, events, where, path, line, opts)
    name = data.get("name") if isinstance(data.get("name"), str) and data["name"] else None
    if name is not None:
        check_string(name, path, line, "'name'")
    document = Document(0, name or f"{stem}:task{k}", text, text_sha256(text))
    return AnnotatedDocument(
        document, "", tuple(spans), tuple(events), tuple(relations), line_status(data)
    )


def _results(
    obj: dict[str, Any], where: str, path: str, line: int, opts: ReadOptions
) -> list[dict[str, Any]]:
    key = "predictions" if opts.predictions else "annotations"
    items = obj.get(key, [])
    if not isinstance(items, list) or not all(isinstance(a, dict) for a in items):
        raise FormatError(path, line, f"{where}: {key!r} must be a list of objects.")
    kept = [a for a in items if not a.get("was_cancelled")]
    if len(items) > len(kept):
        opts.summary.note(f"{where}: {len(items) - len(kept)} cancelled annotations skipped.")
    if len(kept) > 1:
        opts.summary.note(f"{where}: {len(kept)} {key}; only the first was imported.")
    if not kept:
        return []
    result = kept[0].get("result", [])
    if not isinstance(result, list) or not all(isinstance(r, dict) for r in result):
        raise FormatError(path, line, f"{where}: 'result' must be a list of objects.")
    return result


def _regions(
    results: list[dict[str, Any]],
    text: str,
    where: str,
    path: str,
    line: int,
    opts: ReadOptions,
) -> tuple[list[Span], dict[object, int], list[int]]:
    """Text regions as spans; region id -> first span; trigger span ids."""
    spans: list[Span] = []
    regions: dict[object, int] = {}
    triggers: list[int] = []
    seen: set[tuple[int, int, str]] = set()
    for r in results:
        if r.get("type") == RELATION:
            continue
        value = r.get("value")
        if r.get("type") != "labels" or not isinstance(value, dict):
            opts.summary.note(f"{where}: a {r.get('type')!r} result is not a text region; skipped.")
            continue
        expected = value.get("text")
        start, end = check_offsets(
            text,
            value.get("start"),
            value.get("end"),
            path,
            line,
            expected if isinstance(expected, str) else None,
        )
        labels = value.get("labels")
        if not isinstance(labels, list) or not labels:
            raise FormatError(path, line, f"{where}: a region has no 'labels'.")
        for label in labels:
            label = check_name(label, path, line, "a region label")
            if (start, end, label) in seen:
                opts.summary.note(
                    f"{where}: region [{start}, {end}) {label} appears twice; kept once."
                )
                continue
            seen.add((start, end, label))
            is_event = opts.event_types is not None and label in opts.event_types
            if is_event:
                opts.check_event_type(label, path, line)
            else:
                opts.check_label(label, path, line)
            spans.append(Span(len(spans) + 1, 0, "", CodePoint(start), CodePoint(end), label))
            regions.setdefault(r.get("id"), len(spans))
            if is_event:
                triggers.append(len(spans))
    return spans, regions, triggers


def _links(
    results: list[dict[str, Any]],
    regions: dict[object, int],
    events: list[Event],
    where: str,
    path: str,
    line: int,
    opts: ReadOptions,
) -> tuple[list[Relation], list[Event]]:
    """Relation results: event arguments (from a trigger, labelled with a role) or relations."""
    by_trigger = {e.trigger_id: e for e in events}
    relations: list[Relation] = []
    args: dict[int, list[Argument]] = {e.id: [] for e in events}
    for r in results:
        if r.get("type") != RELATION:
            continue
        ends = (r.get("from_id"), r.get("to_id"))
        if not all(isinstance(e, (str, int)) and e in regions for e in ends):
            opts.summary.note(f"{where}: a relation refers to a region that is not there; skipped.")
            continue
        a, b = regions[ends[0]], regions[ends[1]]
        if r.get("direction") == "left":
            a, b = b, a
        labels = r.get("labels") or []
        if not isinstance(labels, list) or len(labels) != 1:
            opts.summary.note(
                f"{where}: a relation with {len(labels) if isinstance(labels, list) else 0} "
                "labels (one is needed); skipped."
            )
            continue
        name = check_name(labels[0], path, line, "a relation label")
        known = opts.relation_types is not None and name in opts.relation_types
        if a in by_trigger and not known:
            args[by_trigger[a].id].append(Argument(name, b))
            continue
        opts.check_relation_type(name, path, line)
        relations.append(Relation(len(relations) + 1, 0, "", name, a, b))
    events = [
        Event(e.id, 0, "", e.type, e.trigger_id, tuple(args[e.id])) for e in by_trigger.values()
    ]
    return relations, events
