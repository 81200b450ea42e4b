"""WebAnno TSV 3.3 (INCEpTION's exchange format): one ``NAME.tsv`` per document.

The file follows INCEpTION's ``Tsv3XSerializer`` and ``Tsv3XCasDocumentBuilder``
(module ``inception-io-webanno-tsv``): a ``#FORMAT`` line, one header line per
layer that has annotations, two empty lines, then per sentence an empty line,
its ``#Text=`` lines and one line per token (``S-T``) and sub-token
(``S-T.N``), each ending in a TAB. Offsets count UTF-16 code units.

Layers: entity and value spans go to INCEpTION's built-in named-entity layer
(``NamedEntity``, label in ``value``); an event is a ``webanno.custom.Event``
span on its trigger, with its type in ``type`` and its arguments in the slot
feature ``arguments`` (roles, then the argument spans as targets in the
named-entity layer); relations are ``webanno.custom.Relation`` arcs between
named entities, type in ``label``. Attributes are further features
(:func:`annotator.formats.webanno_names.feature_name`).

Tokens and sentences are the project's (camel-tools tokens, ADR 0010/0015;
sentences as in :mod:`annotator.formats.segment`). A span that starts or ends
inside a token is written on a sub-token. Each sentence's ``#Text`` runs up to
the next sentence's first token, white space included, so that INCEpTION's
reader (and ours) rebuilds the stored text exactly; only white space before
the first token comes back as spaces, as INCEpTION pads it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from annotator.core.model import Event, Span
from annotator.formats.base import AnnotatedDocument, number
from annotator.formats.segment import sentence_starts, text_tokens
from annotator.formats.tagging import MAX_EXAMPLES, WriteStats, trigger_ids
from annotator.formats.webanno_names import (
    EVENT,
    EVENT_LINK,
    EVENT_SLOT,
    EVENT_TYPE,
    FORMAT_LINE,
    NE,
    NE_VALUE,
    RELATION,
    RELATION_LABEL,
    escape_text,
    escape_value,
    feature_name,
    utf16_starts,
)

Unit = tuple[int, int]  # (token index, sub-token number; 0 for the token itself)
_MAX_SUBTOKENS = 9  # INCEpTION's unit ids allow one digit after the dot (TsvDocument.java)


@dataclass
class _Placed:
    """One span's units in file order; ``units[0]`` defines its id (``S-T`` or ``S-T.N``)."""

    span: Span
    units: list[Unit]
    ranges: dict[Unit, tuple[int, int]]  # sub-token units -> their code-point range


@dataclass
class _Layout:
    """Where every written span sits, and what each unit holds, per layer."""

    starts: list[int]
    ends: list[int]
    subs: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    placed: dict[int, _Placed] = field(default_factory=dict)  # span id -> placement
    stacks: dict[tuple[str, Unit], list[int]] = field(default_factory=dict)  # -> span ids
    ids: dict[int, int] = field(default_factory=dict)  # span id -> disambiguation id

    def unit(self, span_id: int) -> Unit:
        """The unit that defines a placed span's id."""
        return self.placed[span_id].units[0]


def _place(span: Span, starts: list[int], ends: list[int]) -> _Placed | None:
    """The units of ``span`` by INCEpTION's rules; None for a span between tokens."""
    first = bisect_right(ends, span.start)  # the first token ending after the start
    last = bisect_left(starts, span.end) - 1  # the last token starting before the end
    if first > last:
        return None
    begin, end = max(span.start, starts[first]), min(span.end, ends[last])
    units: list[Unit] = []
    ranges: dict[Unit, tuple[int, int]] = {}

    def sub(token: int, lo: int, hi: int) -> None:
        units.append((token, -len(ranges) - 1))
        ranges[units[-1]] = (lo, hi)

    if begin > starts[first]:
        sub(first, begin, min(ends[first], end))
    else:
        if end < ends[first] and first == last:
            sub(first, begin, end)
        else:
            units.append((first, 0))
    units += [(k, 0) for k in range(first + 1, last)]
    if last > first:
        if end < ends[last]:
            sub(last, starts[last], end)
        else:
            units.append((last, 0))
    return _Placed(span, units, ranges)


def _layout(
    doc: AnnotatedDocument,
    layers: dict[int, str],
    tokens: tuple[list[int], list[int]],
    trimmed: list[Span],
) -> tuple[_Layout, list[Span]]:
    """Place every span of ``layers`` (span id -> layer); return the layout and spans left out.

    Spans that start or end in white space between tokens are added to ``trimmed``: like
    INCEpTION, the file can only give them the extent of the tokens they touch.
    """
    lay = _Layout(*tokens)
    dropped: list[Span] = []
    placed = []
    for span in number(doc).spans:
        if span.id not in layers:
            continue
        where = _place(span, lay.starts, lay.ends)
        if where is None:
            dropped.append(span)
            continue
        placed.append(where)
        first, last = where.units[0][0], where.units[-1][0]
        if span.start < lay.starts[first] or span.end > lay.ends[last]:
            trimmed.append(span)
        for unit, rng in where.ranges.items():
            lay.subs.setdefault(unit[0], [])
            if rng not in lay.subs[unit[0]]:
                lay.subs[unit[0]].append(rng)
    for token in lay.subs:
        lay.subs[token].sort()
    for where in placed:
        units = [_numbered(lay, unit, where.ranges) for unit in where.units]
        if any(u[1] > _MAX_SUBTOKENS for u in units):
            dropped.append(where.span)
            continue
        where.units = units
        lay.placed[where.span.id] = where
        for unit in units:
            lay.stacks.setdefault((layers[where.span.id], unit), []).append(where.span.id)
    return lay, dropped


def _numbered(lay: _Layout, unit: Unit, ranges: dict[Unit, tuple[int, int]]) -> Unit:
    if unit[1] == 0:
        return unit
    return unit[0], lay.subs[unit[0]].index(ranges[unit]) + 1


def _disambiguate(lay: _Layout, layers: tuple[str, ...]) -> None:
    """Give ids to multi-unit and stacked spans, numbered in the order they appear."""
    needs = {s for s, p in lay.placed.items() if len(p.units) > 1}
    for ids in lay.stacks.values():
        if len(ids) > 1:
            needs.update(ids)
    for unit in sorted({unit for _, unit in lay.stacks}):  # file order: token, then sub-tokens
        for layer in layers:
            for span_id in lay.stacks.get((layer, unit), ()):
                if span_id in needs and span_id not in lay.ids:
                    lay.ids[span_id] = len(lay.ids) + 1


@dataclass
class _Column:
    """One column: its header field and its cell for one annotation key."""

    header: str
    cell: Callable[[int], str]


@dataclass
class _Writing:
    """One document on its way out: the layout, unit ids and what was left out."""

    doc: AnnotatedDocument
    lay: _Layout
    positions: list[tuple[int, int]]  # token index -> (sentence number, token number)
    stats: WriteStats

    def unit_id(self, unit: Unit) -> str:
        """``S-T`` or ``S-T.N``."""
        sentence, token = self.positions[unit[0]]
        return f"{sentence}-{token}" + (f".{unit[1]}" if unit[1] else "")

    def suffix(self, span_id: int) -> str:
        """``[N]`` for a span that has a disambiguation id."""
        ident = self.lay.ids.get(span_id)
        return f"[{ident}]" if ident is not None else ""

    def left_out(self, what: str, items: list[str]) -> None:
        """Name what the format cannot hold: one note per document and reason, a few examples."""
        if items:
            shown = "; ".join(items[:MAX_EXAMPLES]) + ("; …" if len(items) > MAX_EXAMPLES else "")
            self.stats.notes.append(f"{self.doc.name}: {len(items)} × {what} {shown}")


def dumps(doc: AnnotatedDocument, event_types: frozenset[str], stats: WriteStats) -> str:
    """One document as WebAnno TSV 3.3 (``stats`` counts what could not be written)."""
    text = doc.text
    tokens = text_tokens(text, "none", doc.tokens)
    starts, ends = tokens.starts, tokens.ends
    stats.documents += 1
    stats.tokens += len(starts)
    triggers = trigger_ids(doc, event_types)
    layers = {s.id: (EVENT if s.id in triggers else NE) for s in doc.spans}
    trimmed: list[Span] = []
    lay, dropped = _layout(doc, layers, (starts, ends), trimmed)
    breaks = [*sentence_starts(text, tokens), len(starts)]
    positions = [
        (n + 1, k - breaks[n] + 1)
        for n in range(len(breaks) - 1)
        for k in range(breaks[n], breaks[n + 1])
    ]
    out = _Writing(doc, lay, positions, stats)
    out.left_out(
        "a span outside the tokens or on a tenth sub-token:", [_shown(doc, s) for s in dropped]
    )
    trimmed = [s for s in trimmed if s.id in lay.placed]
    out.left_out(
        "a span that starts or ends in white space, written without it:",
        [_shown(doc, s) for s in trimmed],
    )
    _disambiguate(lay, (NE, EVENT))
    events = {e.trigger_id: e for e in doc.events}
    headers, rows = _span_layers(out, layers, events)
    rel_header, rel_rows, rel_busy = _relations(out, layers)
    lead = text[: starts[0]] if starts else ""
    if lead.strip(" "):
        out.left_out("white space before the first token is read back as spaces:", [repr(lead)])
    lines = [FORMAT_LINE, *headers, *rel_header, ""]
    u16 = utf16_starts(text)
    begin16, end16 = u16[tokens.start_at].tolist(), u16[tokens.end_at].tolist()
    busy = {unit for _, unit in lay.stacks} | rel_busy
    blank = "_\t" * (len(rows((-1, -1))) + len(rel_rows((-1, -1))))
    for n in range(len(breaks) - 1):
        first, stop = breaks[n], breaks[n + 1]
        until = starts[stop] if stop < len(starts) else len(text)
        lines.append("")
        lines += ["#Text=" + escape_text(part) for part in text[starts[first] : until].split("\n")]
        for k in range(first, stop):
            units = [(0, starts[k], ends[k], begin16[k], end16[k])]
            units += [
                (i, a, b, int(u16[a]), int(u16[b]))
                for i, (a, b) in enumerate(lay.subs.get(k, ()), 1)
            ]
            for sub, lo, hi, lo16, hi16 in units:
                unit = (k, sub)
                cells = blank
                if unit in busy:
                    cells = "".join(c + "\t" for c in [*rows(unit), *rel_rows(unit)])
                lines.append(f"{out.unit_id(unit)}\t{lo16}-{hi16}\t{text[lo:hi]}\t{cells}")
    return "\n".join(lines) + "\n"


def _shown(doc: AnnotatedDocument, span: Span) -> str:
    return f"[{span.start}, {span.end}) {span.label} «{doc.text[span.start : span.end]}»"


def _attribute_columns(
    names: set[str],
    reserved: frozenset[str],
    values: Callable[[int], dict[str, str]],
    out: _Writing,
) -> list[_Column]:
    columns = []
    for name in sorted(names):
        feature = feature_name(name, reserved)

        def cell(key: int, name: str = name) -> str:
            attrs = values(key)
            value = escape_value(attrs[name]) if name in attrs else "*"
            return value + out.suffix(key)

        columns.append(_Column(feature, cell))
    return columns


def _span_layers(
    out: _Writing, layers: dict[int, str], events: dict[int, Event]
) -> tuple[list[str], Callable[[Unit], list[str]]]:
    """The span layers' header lines, and a function giving a unit's cells in both layers."""
    lay = out.lay
    spans = {s.id: s for s in out.doc.spans}
    placed = {layer: [i for i in lay.placed if layers[i] == layer] for layer in (NE, EVENT)}
    lost = [_shown(out.doc, spans[i]) for i in placed[EVENT] if spans[i].attributes]
    out.left_out("attributes of the trigger span (events keep their own) of", lost)
    ne = [_Column(NE_VALUE, lambda i: escape_value(spans[i].label) + out.suffix(i))]
    ne += _attribute_columns(
        {a for i in placed[NE] for a in spans[i].attributes},
        frozenset({NE_VALUE}),
        lambda i: spans[i].attributes,
        out,
    )
    no_attrs: dict[str, str] = {}
    ev = [_Column(EVENT_TYPE, lambda i: escape_value(spans[i].label) + out.suffix(i))]
    ev += _attribute_columns(
        {a for i in placed[EVENT] if i in events for a in events[i].attributes},
        frozenset({EVENT_TYPE, EVENT_SLOT}),
        lambda i: events[i].attributes if i in events else no_attrs,
        out,
    )
    args = {i: _arguments(out, events[i], layers) for i in placed[EVENT] if i in events}
    ev.append(
        _Column(
            f"ROLE_{EVENT}:{EVENT_SLOT}_{EVENT_LINK}",
            lambda i: (
                (";".join(escape_value(r) for r, _ in args.get(i, ())) or "_") + out.suffix(i)
            ),
        )
    )
    ev.append(_Column(NE, lambda i: ";".join(t for _, t in args.get(i, ())) or "*"))
    active = [(layer, cols) for layer, cols in ((NE, ne), (EVENT, ev)) if placed[layer]]
    headers = [f"#T_SP={layer}|" + "|".join(c.header for c in cols) for layer, cols in active]

    def rows(unit: Unit) -> list[str]:
        cells = []
        for layer, cols in active:
            stack = lay.stacks.get((layer, unit), [])
            cells += ["|".join(c.cell(i) for i in stack) or "_" for c in cols]
        return cells

    return headers, rows


def _arguments(out: _Writing, event: Event, layers: dict[int, str]) -> list[tuple[str, str]]:
    """An event's written arguments as (role, target reference); the rest is counted."""
    written, lost = [], []
    for arg in event.arguments:
        if arg.span_id in out.lay.placed and layers[arg.span_id] == NE:
            target = out.unit_id(out.lay.unit(arg.span_id)) + out.suffix(arg.span_id)
            written.append((arg.role, target))
        else:
            lost.append(f"{event.type} {arg.role}")
    out.left_out("an argument that is not a written entity or value span:", lost)
    return written


def _relations(
    out: _Writing, layers: dict[int, str]
) -> tuple[list[str], Callable[[Unit], list[str]], set[Unit]]:
    """The relation layer's header line and cells: each arc sits on its target's unit."""
    lay = out.lay
    on: dict[Unit, list[tuple[str, str]]] = {}
    lost = []
    for rel in number(out.doc).relations:
        ends = (rel.arg1_id, rel.arg2_id)
        if not all(e in lay.placed and layers[e] == NE for e in ends):
            lost.append(rel.type)
            continue
        ref = out.unit_id(lay.unit(rel.arg1_id))
        ids = (lay.ids.get(rel.arg1_id), lay.ids.get(rel.arg2_id))
        if ids != (None, None):
            ref += f"[{ids[0] or 0}_{ids[1] or 0}]"
        on.setdefault(lay.unit(rel.arg2_id), []).append((escape_value(rel.type), ref))
    out.left_out("a relation whose ends are not both written entity or value spans:", lost)
    if not on:
        return [], lambda unit: [], set()
    header = f"#T_RL={RELATION}|{RELATION_LABEL}|BT_{NE}"

    def rows(unit: Unit) -> list[str]:
        arcs = on.get(unit, [])
        return ["|".join(a for a, _ in arcs) or "_", "|".join(r for _, r in arcs) or "_"]

    return [header], rows, set(on)
