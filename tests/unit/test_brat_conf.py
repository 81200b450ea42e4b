"""brat's annotation.conf read into schema additions, following projectconfig.py's rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import SchemaError
from annotator.core.schema import default_schema
from annotator.core.schema_add import apply
from annotator.formats.base import FormatError, ReadOptions
from annotator.formats.brat_conf import read_conf
from annotator.services.project import Project
from tests.unit.test_bad_input_import import dump
from tests.unit.test_brat_collections import DATA

CONF = """# a comment line
[spans]
!Abstract
  Protein
  Simple_chemical|chemical
----
مكان

[relations]
<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>
Equiv\tArg1:Protein, Arg2:Protein, <REL-TYPE>:symmetric-transitive
N_lt_\tArg1:<ENTITY>, Arg2:Protein|Simple_chemical

[events]
<PROT>=Protein|Simple_chemical
Binding\tTheme{1-2}:<PROT>, Site*:Protein
Regulation\tTheme:<EVENT>|Protein, Cause?:<EVENT>

[attributes]
Negation\tArg:<EVENT>
PRS\tArg:<ENTITY>, Value:Sg1|Sg3|Pl3
Conflict_Attack\tArg:Binding, Value:Yes
"""


def _read(text: str) -> ReadOptions:
    schema = default_schema()
    opts = ReadOptions(
        frozenset(schema.span_label_names()),
        frozenset(e.name for e in schema.events),
        frozenset(r.name for r in schema.relations),
        add_labels=True,
    )
    read_conf(text, "annotation.conf", opts)
    return opts


def test_every_section_becomes_schema_additions() -> None:
    schema = apply(default_schema(), _read(CONF).additions)
    assert {"Protein", "Simple_chemical", "مكان"} <= {lb.name for lb in schema.labels}
    assert not any("Abstract" in lb.name for lb in schema.labels)
    assert schema.relation_type("<OVERLAP>") is None
    binding = schema.event_type("Binding")
    assert binding is not None
    assert [(r.name, r.allowed) for r in binding.roles] == [
        ("Site", ("Protein",)),
        ("Theme", ("Protein", "Simple_chemical")),  # the macro, expanded
    ]
    regulation = schema.event_type("Regulation")
    assert regulation is not None and regulation.role("Cause").allowed == ("Binding", "Regulation")  # type: ignore[union-attr]
    n_lt = schema.relation_type("N_lt_")
    assert n_lt is not None and n_lt.arg1 == () and n_lt.arg2 == ("Protein", "Simple_chemical")
    prs = next(a for a in schema.attributes if a.name == "PRS")
    assert prs.values == ("Pl3", "Sg1", "Sg3") and prs.targets == ("entity",)
    on_binding = next(a for a in schema.attributes if a.name == "Conflict_Attack")
    assert on_binding.targets == ("event",)  # Arg: an event type
    assert all(a.name != "Negation" for a in schema.attributes)  # a flag: no choice to declare


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (
            "[relations]\nBad\tArg1:Protein\n",
            "line 2: a relation needs 'Arg1:Type' and 'Arg2:Type'.",
        ),
        ("[events]\nX\tTheme Protein\n", "line 2: cannot read the argument 'Theme Protein'"),
        ("[entities]\n|\n", "line 2: the line names no type."),
    ],
)
def test_a_line_brat_cannot_read_is_refused_with_its_number(line: str, reason: str) -> None:
    with pytest.raises(FormatError) as caught:
        _read(line)
    assert str(caught.value).startswith(f"annotation.conf, {reason}")


def test_a_schema_import_of_annotation_conf_adds_its_types(proj: Project) -> None:
    conf = DATA / "GE" / "annotation.conf"
    before = proj.schemas.schema
    proj.schemas.apply(proj.schemas.plan_import(conf))
    schema = proj.schemas.schema
    assert set(before.items()) <= set(schema.items())  # nothing removed or changed
    binding = schema.event_type("Binding")
    assert binding is not None and [r.name for r in binding.roles] == ["Site", "Theme"]
    assert schema.relation_type("Equiv") is not None and schema.label("Protein") is not None


def test_a_schema_import_of_a_bad_conf_names_the_line_and_changes_nothing(
    proj: Project, tmp_path: Path
) -> None:
    conf = tmp_path / "annotation.conf"
    conf.write_text("[events]\nGene_expression\tTheme Protein\n", "utf-8")
    before = dump(proj.path)
    with pytest.raises(SchemaError) as caught:
        proj.schemas.plan_import(conf)
    assert str(caught.value).startswith(f"{conf}, line 2: cannot read the argument")
    assert dump(proj.path) == before
