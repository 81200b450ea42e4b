"""Real brat collections (tests/data/brat, from brat's own repository) come in and go back out.

Each collection is imported into a real SQLite project with ``--add-labels``
(so ``annotation.conf`` fills the schema) and exported again. The export is
compared with brat's original files by *meaning*, through an independent
reading of standoff (:func:`meaning`, following brat's ``annotation.py``):
ids and line order may change, nothing else may. The export must also obey
brat's configuration rules (``test_brat_rules.check_ann``).
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from annotator.services.project import Project
from annotator.services.transfer import (
    ExportRequest,
    ImportRequest,
    export_layer,
    import_annotations,
)
from tests.conftest import REPO, run_cli
from tests.unit.test_bad_input_import import dump
from tests.unit.test_brat_rules import check_ann, parse_conf

DATA = REPO / "tests" / "data" / "brat"
ANN = "nour"

Key = tuple[object, ...]


def meaning(ann: str) -> Counter[Key]:
    """What an .ann file says, with every id replaced by what it names.

    ``T``: (label, offsets). ``E``: (type, trigger, sorted (role, argument)),
    a role's numeric suffix removed (annotation.py ``split_role``) and an
    event argument replaced by that event's trigger and type. ``R``: (type,
    Arg1, Arg2). ``*``: (type, set of members). ``A``/``M`` (the same to
    brat): (name, target, value or True). ``N``: (type, target, resource,
    id, text). ``#``: (type, target, text).
    """
    rows = [line.split("\t") for line in ann.split("\n") if line.strip()]
    key: dict[str, Key] = {}
    for ident, data, *_ in rows:
        if ident[0] == "T":
            label, where = data.split(" ", 1)
            key[ident] = ("T", label, where)
    for ident, data, *_ in rows:
        if ident[0] == "E":
            etype, trigger = data.split(" ")[0].split(":")
            key[ident] = ("E", etype, key[trigger])
    out: Counter[Key] = Counter()
    for ident, data, *tail in rows:
        kind, parts = ident[0], data.split(" ")
        if kind == "T":
            out[key[ident]] += 1
        elif kind == "E":
            args = sorted(
                (role.rstrip("0123456789"), key[target])
                for role, target in (p.split(":") for p in parts[1:])
            )
            out[(*key[ident], tuple(args))] += 1
        elif kind == "R":
            out[("R", parts[0], key[parts[1][5:]], key[parts[2][5:]])] += 1
        elif kind == "*":
            out[("*", parts[0], frozenset(key[m] for m in parts[1:]))] += 1
        elif kind in "AM":
            out[("A", parts[0], key[parts[1]], parts[2] if len(parts) > 2 else True)] += 1
        elif kind == "N":
            resource, ref = parts[2].split(":", 1)
            out[("N", parts[0], key[parts[1]], resource, ref, tuple(tail))] += 1
        elif kind == "#":
            out[("#", parts[0], key[parts[1]], tuple(tail))] += 1
    return out


def _roundtrip(project: Project, name: str, tmp_path: Path) -> tuple[Path, Path, list[str]]:
    source = tmp_path / name
    shutil.copytree(DATA / name, source)
    report = import_annotations(project, ImportRequest((source,), "brat", ANN, add_labels=True))
    messages = [o.message for o in report.outcomes]
    out = tmp_path / f"{name}-out"
    export_layer(project, ExportRequest("brat", out, annotator=ANN))
    return source, out, messages


@pytest.mark.parametrize("name", ["GE", "TDT", "CoNLL-ST_2006"])
def test_a_real_collection_goes_back_out_meaning_the_same(
    proj: Project, name: str, tmp_path: Path
) -> None:
    source, out, _ = _roundtrip(proj, name, tmp_path)
    conf = parse_conf((out / "annotation.conf").read_text("utf-8"))
    written = sorted(p.name for p in out.glob("*.ann"))
    assert written  # every importable file
    for ann_name in written:
        ours = (out / ann_name).read_text("utf-8")
        theirs = (source / ann_name).read_text("utf-8")
        assert meaning(ours) == meaning(theirs), ann_name
        check_ann(ours, (out / ann_name).with_suffix(".txt").read_text("utf-8"), conf)


def test_events_as_arguments_and_equiv_lines_of_bionlp_ge(proj: Project, tmp_path: Path) -> None:
    _, out, _ = _roundtrip(proj, "GE", tmp_path)
    ann = (out / "PMID-9616159.ann").read_text("utf-8")
    assert "E2\tPositive_regulation:T11 Theme:E1\n" in ann
    assert "*\tEquiv T1 T2\n*\tEquiv T3 T4\n" in ann
    assert "A1\tNegation E" in (out / "PMID-10438913.ann").read_text("utf-8")


def test_two_events_on_one_trigger_refuse_the_file_with_one_sentence(
    proj: Project, tmp_path: Path
) -> None:
    source = tmp_path / "GE"
    source.mkdir()
    for suffix in (".ann", ".txt"):
        shutil.copy(DATA / "GE" / f"PMID-8051172{suffix}", source)
    before = dump(proj.path)
    report = import_annotations(proj, ImportRequest((source,), "brat", ANN, add_labels=True))
    (outcome,) = report.outcomes
    assert outcome.status == "rejected"
    assert outcome.message == (
        f"{source / 'PMID-8051172.ann'}, line 13: E4 has the trigger T10 of E3 (line 12); "
        "this project keeps one event per trigger span, so the file cannot be imported."
    )
    assert dump(proj.path) == before


def test_annotation_conf_fills_the_schema(proj: Project, tmp_path: Path) -> None:
    _, _, messages = _roundtrip(proj, "GE", tmp_path)
    schema = proj.schemas.schema
    regulation = schema.event_type("Positive_regulation")
    assert regulation is not None
    theme = regulation.role("Theme")
    assert theme is not None and "Protein" in theme.allowed and "Binding" in theme.allowed
    assert [r.name for r in regulation.roles] == ["CSite", "Cause", "Site", "Theme"]
    binding = schema.event_type("Binding")
    assert binding is not None and binding.role("Site") is not None  # declared, never used here
    equiv = schema.relation_type("Equiv")
    assert equiv is not None and equiv.arg1 == ("Protein",)
    assert "relation types Equiv" in messages[0]
    assert any("Read: " in m and "M lines" in m for m in messages)


def test_names_and_values_brat_accepts_keep_their_form(proj: Project, tmp_path: Path) -> None:
    _, out, _ = _roundtrip(proj, "TDT", tmp_path)
    schema = proj.schemas.schema
    case = next(a for a in schema.attributes if a.name == "CASE")
    assert "Abl" in case.values and case.targets == ("entity",)  # Abl only in annotation.conf
    ann = (out / "wn071.ann").read_text("utf-8")
    assert " Sg3\n" in ann and "__Sg" not in ann
    assert "\tLemma T1\t Halonen\n" in ann
    _, out, _ = _roundtrip(proj, "CoNLL-ST_2006", tmp_path)
    ann = (out / "portuguese_bosque_train.conll-doc-12.ann").read_text("utf-8")
    assert "\tN_lt_ Arg1:" in ann and "__N" not in ann
    assert proj.schemas.schema.relation_type("N_lt_") is not None
    assert proj.schemas.schema.label("_question_") is not None


def test_the_command_line_imports_ge_and_names_the_refused_file(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite"
    done = run_cli(
        tmp_path, "import", "--db", str(db), "--annotator", ANN, "--format", "brat",
        "--add-labels", str(DATA / "GE"),
    )  # fmt: skip
    assert done.returncode == 1  # one file was refused
    assert "PMID-8051172.ann, line 13: E4 has the trigger T10 of E3 (line 12)" in done.stderr
    assert "PMID-9616159.ann: 1 documents, 12 spans, 2 events, 2 relations imported" in done.stdout
    assert "Read: 12 T lines, 2 * lines, 2 E lines." in done.stdout
    assert done.stdout.strip().endswith("3 files imported, 1 rejected")
