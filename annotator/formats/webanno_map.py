"""From parsed WebAnno TSV layers to the project's spans, events and relations.

Which layers come in (docs/formats.md, ADR 0022):

- span layers: INCEpTION's ``NamedEntity`` and every ``webanno.custom.*`` span
  layer. The label is the feature ``value`` (else ``label``, else the first
  feature); a layer without features, or a null label (``*``), gives the
  layer's short name (``webanno.custom.Span`` → ``Span``). Further features
  become attributes.
- event layers: ``webanno.custom.*`` span layers with a slot (link) feature. The
  event type is the feature ``type`` (else as for labels); the annotation's
  extent becomes the trigger span; each slot link is an argument (role, target
  span); further features become event attributes.
- relation layers: ``webanno.custom.*`` relation layers over an imported span
  layer; the type is ``label`` (else ``value``, else the first feature);
  the source is ``Arg1``, the target ``Arg2``.

Everything else (POS, lemmas, dependencies, coreference chains, other DKPro
layers) is not imported, and the import's notes name each such layer with
its line numbers, as they name every annotation that cannot be held (no
label, zero width, an argument without a role...).
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.model import Argument, Document, Event, Relation, Span
from annotator.core.positions import CodePoint
from annotator.core.text import text_sha256
from annotator.formats.base import (
    AnnotatedDocument,
    FormatError,
    ReadOptions,
    check_arguments,
    check_attributes,
    check_text,
)
from annotator.formats.webanno_names import (
    ANY,
    CUSTOM,
    NE,
    attribute_name,
    short_name,
)
from annotator.formats.webanno_read import Annotation, Column, Parsed


@dataclass(frozen=True)
class _Layer:
    name: str
    kind: str  # "entity", "event", "relation" or "" (not imported)
    label: str  # the feature holding the label or type; "" for the layer's short name
    attributes: tuple[str, ...]
    target: str = ""  # a relation layer's span layer
    why: str = ""  # why a layer is not imported


def layers(columns: list[Column]) -> dict[str, _Layer]:
    """Each declared layer and how it is imported."""
    by_layer: dict[str, list[Column]] = {}
    for col in columns:
        by_layer.setdefault(col.layer, []).append(col)
    out = {name: _layer(name, cols) for name, cols in by_layer.items()}
    for name, layer in out.items():
        if layer.kind == "relation" and out.get(layer.target, _NONE).kind not in (
            "entity",
            "event",
        ):
            why = f"its arcs join {short_name(layer.target)} annotations, which are not imported"
            out[name] = _Layer(name, "", "", (), why=why)
    return out


_NONE = _Layer("", "", "", ())


def _layer(name: str, cols: list[Column]) -> _Layer:
    values = [c.feature for c in cols if c.kind == "value"]
    kind = cols[0].layer_kind
    imported = name == NE or name.startswith(CUSTOM)
    if kind == "chain":
        return _Layer(name, "", "", (), why="coreference chains are not imported")
    if not imported:
        why = "only NamedEntity and webanno.custom layers are imported"
        return _Layer(name, "", "", (), why=why)
    if kind == "relation":
        target = next((c.target_type for c in cols if c.kind == "source"), "")
        label = _first_of(values, ("label", "value", "type"))
        rest = tuple(v for v in values if v != label)
        return _Layer(name, "relation", label, rest, target)
    slots = any(c.kind == "role" for c in cols)
    prefer = ("type", "value", "label") if slots else ("value", "label", "type")
    label = _first_of(values, prefer)
    rest = tuple(v for v in values if v != label)
    return _Layer(name, "event" if slots else "entity", label, rest)


def _first_of(values: list[str], prefer: tuple[str, ...]) -> str:
    for name in prefer:
        if name in values:
            return name
    return values[0] if values else ""


class _Builder:
    """Turns parsed annotations into one document's spans, events and relations."""

    def __init__(self, parsed: Parsed, path: str, opts: ReadOptions) -> None:
        self.parsed = parsed
        self.path = path
        self.opts = opts
        self.layers = layers(parsed.columns)
        self.notes = opts.summary
        self.spans: dict[tuple[int, int, str], Span] = {}
        self.span_of: dict[int, int] = {}  # annotation index -> span id
        self.events: list[Event] = []
        self.relations: list[Relation] = []

    def build(self) -> None:
        """Spans first (events and relations refer to them), then events, then relations."""
        for index, anno in enumerate(self.parsed.annotations):
            kind = self.layers[anno.layer].kind
            if kind in ("entity", "event"):
                self._span(index, anno, kind)
            elif not kind:
                why = self.layers[anno.layer].why
                self.notes.not_imported(f"annotation of layer {anno.layer} ({why})", anno.line)
        for index, anno in enumerate(self.parsed.annotations):
            kind = self.layers[anno.layer].kind
            if kind == "event" and index in self.span_of:
                self._event(index, anno)
            elif kind == "relation":
                self._relation(anno)

    def _label(self, anno: Annotation) -> str:
        """The label feature's value; the layer's short name when it has none or it is null."""
        layer = self.layers[anno.layer]
        value = anno.values.get(layer.label) if layer.label else None
        return short_name(anno.layer) if value is None else value

    def _attributes(self, anno: Annotation) -> dict[str, str]:
        attrs = {
            attribute_name(f): v
            for f in self.layers[anno.layer].attributes
            if (v := anno.values.get(f)) is not None
        }
        return check_attributes(attrs, self.path, anno.line)

    def _span(self, index: int, anno: Annotation, kind: str) -> None:
        label = self._label(anno)
        if anno.start == anno.end:
            self.notes.not_imported("zero-width annotation", anno.line)
            return
        if kind == "event":
            self.opts.check_event_type(label, self.path, anno.line)
        else:
            self.opts.check_label(label, self.path, anno.line)
        attrs = {} if kind == "event" else self._attributes(anno)
        key = (anno.start, anno.end, label)
        span = self.spans.get(key)
        if span is not None:
            self.notes.not_imported(
                "second span with the same offsets and label (kept once)", anno.line
            )
        else:
            span = Span(
                len(self.spans) + 1, 0, "", CodePoint(anno.start), CodePoint(anno.end), label
            )
            self.spans[key] = span
        for name, value in attrs.items():
            if span.attributes.setdefault(name, value) != value:
                self.notes.not_imported(
                    f"second value of attribute {name!r} on the same span", anno.line
                )
        self.span_of[index] = span.id

    def _resolve(self, layer: str, unit: str, ident: int, line: int) -> int | None:
        """The annotation a reference names: by disambiguation id, else the unit's first."""
        if ident:
            if ident not in self.parsed.ids:
                raise FormatError(self.path, line, f"no annotation has the id [{ident}].")
            return self.parsed.ids[ident]
        if unit not in self.parsed.units:
            raise FormatError(
                self.path, line, f"refers to the unit {unit!r}, which is not in the file."
            )
        if layer == ANY:
            return None
        stack = self.parsed.stacks.get((unit, layer), [])
        if not stack:
            raise FormatError(
                self.path, line, f"the unit {unit} has no {short_name(layer)} annotation."
            )
        return stack[0]

    def _event(self, index: int, anno: Annotation) -> None:
        trigger = self.span_of[index]
        if any(e.trigger_id == trigger for e in self.events):
            self.notes.not_imported("second event on the same trigger", anno.line)
            return
        args: list[Argument] = []
        targets = {c.feature: c.target_type for c in self.parsed.columns if c.layer == anno.layer}
        for feature, roles in anno.roles.items():
            refs = anno.targets.get(feature, [])
            if len(refs) != len(roles):
                raise FormatError(
                    self.path, anno.line, f"{len(roles)} roles but {len(refs)} slot targets."
                )
            for role, (unit, ident, line) in zip(roles, refs, strict=True):
                found = self._resolve(targets.get(feature, ANY), unit, ident, line)
                if role is None:
                    self.notes.not_imported("argument without a role", line)
                elif found is None or found not in self.span_of:
                    self.notes.not_imported("argument whose target span was not imported", line)
                else:
                    args.append(Argument(role, self.span_of[found]))
        check_arguments(args, trigger, "the event", self.path, anno.line)
        label = self._label(anno)
        attrs = self._attributes(anno)
        self.events.append(Event(len(self.events) + 1, 0, "", label, trigger, tuple(args), attrs))

    def _relation(self, anno: Annotation) -> None:
        layer = self.layers[anno.layer]
        rtype = self._label(anno)
        if anno.source is None:
            self.notes.not_imported(f"relation without a source in layer {anno.layer}", anno.line)
            return
        self.opts.check_relation_type(rtype, self.path, anno.line)
        for feature in layer.attributes:
            if anno.values.get(feature) is not None:
                self.notes.not_imported(
                    f"relation feature {feature!r} (relations have no attributes)", anno.line
                )
        unit, source_id, target_id = anno.source
        source = self._resolve(layer.target, unit, source_id, anno.line)
        target = self._resolve(layer.target, anno.unit, target_id, anno.line)
        if source not in self.span_of or target not in self.span_of:
            self.notes.not_imported("relation whose end spans were not imported", anno.line)
            return
        a1, a2 = self.span_of[source], self.span_of[target]
        if a1 == a2:
            self.notes.not_imported("relation from a span to itself", anno.line)
            return
        self.relations.append(Relation(len(self.relations) + 1, 0, "", rtype, a1, a2))


def to_document(parsed: Parsed, name: str, path: str, opts: ReadOptions) -> AnnotatedDocument:
    """The document a parsed file holds; what it could not take goes to ``opts.summary``."""
    text = parsed.text.removesuffix("\n")  # the line break the reader puts after each sentence
    check_text(text, path, None)
    builder = _Builder(parsed, path, opts)
    builder.build()
    document = Document(0, name, text, text_sha256(text))
    doc = AnnotatedDocument(
        document,
        "",
        tuple(builder.spans.values()),
        tuple(builder.events),
        tuple(builder.relations),
    )
    return doc
