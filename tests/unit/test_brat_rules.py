"""The brat export obeys brat's own rules, checked by an independent reading of them.

brat itself cannot be installed here (a Python 2-era web server), so this file
implements the rules brat applies, each citing where it comes from in brat's
source (github.com/nlplab/brat, ``server/src``) or documentation
(brat.nlplab.org/configuration.html, /standoff.html). During development the
export was also run through brat's own ``verify_annotations.py`` (no issues).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from annotator.formats import brat_names
from annotator.services.transfer import (
    ExportRequest,
    ImportRequest,
    export_layer,
    import_annotations,
)
from tests import export_corpus

# projectconfig.py normalize_to_storage_form / TypeHierarchyNode: the first
# term of a configuration line is the storage form and must match this,
# otherwise brat rewrites it (and the .ann files no longer match).
STORAGE = re.compile(r"^[a-zA-Z0-9_-]*$")
# projectconfig.py TypeHierarchyNode: argument "Key:Type|Type", with the
# repetition modifiers ?, *, +, {N} or {N-M} on the key.
ARG = re.compile(r"^(\S+?)(\{\S+\}|\?|\*|\+|):(\S*)$")
# standoff.html / annotation.py _parse_ann_lines: "ID<TAB>DATA[<TAB>TEXT]",
# the id a prefix letter and a number, or "*" alone for an Equiv line.
ANN_ID = re.compile(r"^(?:[TERAMN#]\d+|\*)$")
# annotation.py _split_textbound_data: "Type start end[;start end]*".
OFFSETS = re.compile(r"^\d+ \d+(;\d+ \d+)*$")
RESERVED = {"<ENTITY>", "<EVENT>", "<ANY>", "<OVERLAP>", "<OVL-TYPE>", "<REL-TYPE>"}


@dataclass
class Conf:
    """What annotation.conf declares."""

    entities: set[str] = field(default_factory=set)
    events: dict[str, dict[str, tuple[str, set[str]]]] = field(default_factory=dict)
    relations: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    attributes: dict[str, set[str]] = field(default_factory=dict)


def _lines(text: str) -> Iterator[tuple[str, str]]:
    """(section, line) for the content lines; projectconfig.py __read_term_hierarchy
    skips empty lines and lines starting with '#'."""
    section = ""
    for line in text.split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = re.match(r"^\[(\w+)\]$", line.strip())
        if match:
            section = match.group(1)
            continue
        yield section, line


def _args(rest: str) -> dict[str, tuple[str, set[str]]]:
    out = {}
    for arg in (a.strip() for a in rest.split(",") if a.strip()):
        match = ARG.match(arg)
        assert match, f"unparsable argument {arg!r}"
        key, rep, types = match.groups()
        # projectconfig.py: "arguments ending with a digit cannot be repeated"
        assert not (key[-1].isdigit() and rep in ("*", "+")), key
        out[key] = (rep, set(types.split("|")))
    return out


def parse_conf(text: str) -> Conf:
    """Read annotation.conf as brat's projectconfig does, asserting its term rules."""
    conf = Conf()
    for section, line in _lines(text):
        # __read_term_hierarchy: terms, then whitespace, then comma-separated args
        match = re.match(r"^(\s*)(\S+)(?:\s+(.*))?$", line)
        assert match, line
        _, terms, rest = match.groups()
        name = terms.split("|")[0]
        if name not in RESERVED:
            assert STORAGE.match(name), f"{name!r} is not in brat's storage form"
        args = _args(rest or "")
        for _, types in args.values():
            for t in types:
                assert t in RESERVED or STORAGE.match(t), f"argument type {t!r}"
        if section == "entities":
            conf.entities.add(name)
        elif section == "events":
            conf.events[name] = args
        elif section == "relations":
            conf.relations[name] = {k: v[1] for k, v in args.items()}
        elif section == "attributes":
            conf.attributes[name] = args.get("Value", ("", set()))[1]
    return conf


def split_role(role: str) -> str:
    """annotation.py split_role: a numeric suffix marks a repeated role."""
    i = len(role)
    while i > 1 and role[i - 1].isdigit():
        i -= 1
    return role[:i]


def allows(conf: Conf, allowed: set[str], type_: str) -> bool:
    """projectconfig.py arc_types_from_to: "<ENTITY>" stands for the entity types only,
    "<EVENT>" for the event types; an event argument needs the latter."""
    expanded = set(allowed)
    expanded |= conf.entities if "<ENTITY>" in allowed else set()
    expanded |= set(conf.events) if "<EVENT>" in allowed else set()
    return type_ in expanded


def check_ann(ann: str, text: str, conf: Conf) -> int:
    """Assert every line of an .ann file against its text and the configuration."""
    types: dict[str, str] = {}
    lines = [line.split("\t") for line in ann.split("\n") if line]
    for parts in lines:
        assert ANN_ID.match(parts[0]), parts
    for ident, data, shown in (p for p in lines if p[0][0] == "T"):
        label, where = data.split(" ", 1)
        assert OFFSETS.match(where), where
        frags = [tuple(map(int, f.split(" "))) for f in where.split(";")]
        # standoff.html: the text field is the spanned text, fragments joined by a space
        assert shown == " ".join(text[a:b] for a, b in frags)
        # verify_annotations.py verify_annotation_types: known textbound type
        assert label in conf.entities or label in conf.events, label
        types[ident] = label
    for ident, data, *_ in (p for p in lines if p[0][0] == "E"):
        types[ident] = data.split(" ")[0].split(":")[0]  # an argument may be a later event
    for _, data, *_ in (p for p in lines if p[0][0] == "E"):
        etype, trigger = data.split(" ")[0].split(":")
        assert etype in conf.events and types[trigger] == etype, data
        for arg in data.split(" ")[1:]:
            role, target = arg.split(":")
            # verify_disallowed_arguments: role declared, target type allowed
            # (an event argument, "Theme:E2", has its event's type)
            rep, allowed = conf.events[etype][split_role(role)]
            assert allows(conf, allowed, types[target]), arg
            assert role == split_role(role) or rep in ("*", "+"), arg
    for _, data, *_ in (p for p in lines if p[0][0] == "R"):
        rtype, arg1, arg2 = data.split(" ")
        ends = conf.relations[rtype]
        for arg, key in ((arg1, "Arg1"), (arg2, "Arg2")):
            assert arg.startswith(key + ":")
            assert allows(conf, ends[key], types[arg.split(":")[1]]), data
    for _, data, *_ in (p for p in lines if p[0] == "*"):
        # annotation.py _parse_equiv_annotation: "Type ID ID ...", a declared relation
        etype, *members = data.split(" ")
        assert etype in conf.relations and len(members) >= 2 and all(m in types for m in members)
    for _, data, *_ in (p for p in lines if p[0][0] == "A"):
        # annotation.py _parse_attribute_annotation: "Name Target [Value]"
        name, target, *value = data.split(" ")
        assert name in conf.attributes and target in types
        assert len(value) <= 1 and (not value or value[0] in conf.attributes[name]), data
    for _, data, *_ in (p for p in lines if p[0][0] == "N"):
        # _parse_normalization_annotation: "Type Target Resource:Id"
        assert re.fullmatch(r"(\S+) (\S+) (\S+?):(\S+)", data), data
        assert data.split(" ")[1] in types
    for _, data, *_ in (p for p in lines if p[0][0] == "#"):
        # _parse_comment_annotation: "Type Target"
        _, target = data.split()
        assert target in types
    return len(lines)


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    project = export_corpus.build(tmp_path / "p")
    try:
        export_layer(project, ExportRequest("brat", tmp_path / "brat", annotator="amal"))
    finally:
        project.close()
    return tmp_path / "brat"


def test_every_ann_file_obeys_brats_rules_and_annotation_conf(exported: Path) -> None:
    conf = parse_conf((exported / "annotation.conf").read_text("utf-8"))
    checked = 0
    for ann in sorted(exported.glob("*.ann")):
        text = ann.with_suffix(".txt").read_text("utf-8")
        checked += check_ann(ann.read_text("utf-8"), text, conf)
    assert checked == 17  # 11 T, 1 E, 2 R, 3 A lines
    assert "Conflict_Attack" in conf.events and "Place" in conf.events["Conflict_Attack"]


def test_visual_conf_shows_the_readable_names(exported: Path) -> None:
    # configuration.html [labels]: "storage form | display name | ..."
    labels = {}
    for section, line in _lines((exported / "visual.conf").read_text("utf-8")):
        assert section == "labels"
        code, shown = (t.strip() for t in line.split("|"))
        labels[code] = shown
    assert labels["Conflict_Attack"] == "Conflict.Attack"
    for name in (*export_corpus.ODD_LABELS, "mention kind", "اسم علم"):
        assert labels[brat_names.encode(name)] == name


@pytest.mark.parametrize(
    "name",
    [
        "Conflict.Attack",
        "PART-WHOLE",
        "Time-Within",
        "مكان",
        "my_label.x",
        "Arg1",
        "a..b",
        ".x",
        "SEPARATOR",
        "x y",
        "😀",
        "_",
        "Theme2",
        "a_31_",
        "Simple_chemical",
        "N_lt_",
        "Sg3",
        "_question_",
        "__x",
        "Conflict_Attack",
    ],
)
@pytest.mark.parametrize("kind", [brat_names.TYPE, brat_names.ROLE, brat_names.VALUE])
def test_names_encode_to_storage_form_and_back(name: str, kind: str) -> None:
    taken = brat_names.twins([name, "Conflict.Attack"])
    code = brat_names.encode(name, kind, taken)
    assert STORAGE.match(code)
    assert kind != brat_names.ROLE or not code[-1].isdigit()  # annotation.py split_role
    assert brat_names.read_name(code, frozenset({name, "Conflict.Attack"}), kind) == name


@pytest.mark.parametrize(
    ("name", "kind", "code"),
    [
        ("Simple_chemical", brat_names.TYPE, "Simple_chemical"),  # BioNLP-ST 2011
        ("N_lt_", brat_names.TYPE, "N_lt_"),  # CoNLL-ST 2006 relation
        ("Sg3", brat_names.VALUE, "Sg3"),  # TDT attribute value
        ("Conflict.Attack", brat_names.TYPE, "Conflict_Attack"),
        ("Theme2", brat_names.ROLE, "__Theme_32_"),
        ("__x", brat_names.VALUE, "___5f__5f_x"),
    ],
)
def test_names_brat_can_store_are_written_as_they_are(name: str, kind: str, code: str) -> None:
    assert brat_names.encode(name, kind) == code


def test_a_storage_name_whose_dotted_twin_is_in_the_schema_takes_the_code() -> None:
    taken = brat_names.twins(["Conflict.Attack", "Simple_chemical"])
    assert brat_names.encode("Conflict_Attack", brat_names.TYPE, taken) == "__Conflict_5f_Attack"
    assert brat_names.encode("Simple_chemical", brat_names.TYPE, taken) == "Simple_chemical"


def test_names_from_other_brat_projects_keep_their_underscores() -> None:
    from annotator.formats import brat
    from annotator.formats.base import ReadOptions

    text = "Binding of p53 😀 protein"
    ann = (
        "T1\tSimple_chemical 0 7\tBinding\nT2\tConflict_Attack 11 14\tp53\n"
        "E1\tConflict_Attack:T2 Time_Within:T1\nA1\tNeg_ation E1 Not_Negated\n"
    )
    opts = ReadOptions(
        span_labels=frozenset({"Conflict.Attack"}),
        event_types=frozenset({"Conflict.Attack"}),
        add_labels=True,
    )
    doc = brat.read(ann, text, "x.txt", "x.ann", opts)
    assert [s.label for s in doc.spans] == ["Simple_chemical", "Conflict.Attack"]
    (event,) = doc.events
    assert event.type == "Conflict.Attack" and event.arguments[0].role == "Time_Within"
    assert event.attributes == {"Neg_ation": "Not_Negated"}
    assert opts.additions.labels == {"Simple_chemical"}


def test_round_trip_keeps_dotted_events_relations_and_attributes(
    exported: Path, tmp_path: Path
) -> None:
    fresh = export_corpus.build(tmp_path / "q")
    try:
        report = import_annotations(fresh, ImportRequest((exported,), "brat", "nour"))
        assert not report.rejected, report.rejected[0].message
        doc_id = fresh.documents.find_by_names(["أ-وثيقة.txt"])["أ-وثيقة.txt"]
        (event,) = fresh.annotations.events(doc_id, "nour")
        assert event.type == "Conflict.Attack" and event.attributes == {"Tense": "Past"}
        assert [a.role for a in event.arguments] == ["Attacker", "Place", "Place"]
        labels = {s.label for s in fresh.annotations.spans(doc_id, "nour")}
        assert {"مكان", "my_label.x", "Conflict.Attack"} <= labels
        again = tmp_path / "again"
        export_layer(fresh, ExportRequest("brat", again, annotator="nour"))
    finally:
        fresh.close()
    for path in sorted(exported.iterdir()):
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name
