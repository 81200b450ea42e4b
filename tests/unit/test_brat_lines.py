"""Every brat line kind comes in and goes back out, or the file is refused with its line.

An Arabic ``.ann`` file, written by hand in the export's line order, uses
every line kind (T, E with an event argument, R, ``*`` Equiv, A with a value
and as a flag, N, ``#`` AnnotatorNotes and another ``#`` type) and names that
brat stores as they are (``Simple_chemical``, ``N_lt_``, ``Sg3``). Importing it
into a real SQLite project and exporting it gives the same bytes. Its text
has emoji, NBSP, ZWNJ, tatweel, diacritics, Latin and digits.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.model import ImportOutcome
from annotator.services.events import EventService
from annotator.services.project import Project
from annotator.services.transfer import (
    ExportRequest,
    ImportRequest,
    export_layer,
    import_annotations,
)
from tests.unit.test_bad_input_import import dump
from tests.unit.test_brat_rules import check_ann, parse_conf

ANN = "nour"
TEXT = "هاجمَ الجيشُ بلدةَ «حمـاة»\u00a0اليوم 😀 وقال\u200cت Reuters إن 12 قتيلاً سقطوا.\n"
ARABIC = (
    "T1\tGPE 20 25\tحمـاة\n"
    "T2\tSimple_chemical 42 49\tReuters\n"
    "T3\tAttack 0 5\tهاجمَ\n"
    "T4\tSpeak 35 41\tوقال\u200cت\n"
    "E1\tAttack:T3 Target:T1\n"
    "E2\tSpeak:T4 Speaker:T2 Topic:E1\n"
    "R1\tN_lt_ Arg1:T2 Arg2:T1\n"
    "*\tEquiv T1 T2\n"
    "A1\tNumber T1 Sg3\n"
    "A2\tNegated E1\n"
    "N1\tReference T1 Wikidata:Q170017\tحماة 🌍\n"
    "#1\tAnnotatorNotes T1\tراجِع «حمـاة» 2024\n"
    "#2\tLemma T2\t reuters\n"
)


EXPORTED = (
    "T1\tAttack 0 5\tهاجمَ\n"
    "T2\tGPE 20 25\tحمـاة\n"
    "T3\tSpeak 35 41\tوقال\u200cت\n"
    "T4\tSimple_chemical 42 49\tReuters\n"
    "E1\tAttack:T1 Target:T2\n"
    "E2\tSpeak:T3 Speaker:T4 Topic:E1\n"
    "R1\tN_lt_ Arg1:T4 Arg2:T2\n"
    "*\tEquiv T2 T4\n"
    "A1\tNumber T2 Sg3\n"
    "A2\tNegated E1\n"
    "N1\tReference T2 Wikidata:Q170017\tحماة 🌍\n"
    "#1\tAnnotatorNotes T2\tراجِع «حمـاة» 2024\n"
    "#2\tLemma T4\t reuters\n"
)


def _import(project: Project, folder: Path, ann: str, add: bool = True) -> ImportOutcome:
    folder.mkdir(exist_ok=True)
    (folder / "خبر.txt").write_text(TEXT, "utf-8")
    (folder / "خبر.ann").write_text(ann, "utf-8")
    request = ImportRequest((folder,), "brat", ANN, add_labels=add)
    (outcome,) = import_annotations(project, request).outcomes
    return outcome


def test_an_equiv_pair_listed_twice_is_one_group(proj: Project, tmp_path: Path) -> None:
    assert _import(proj, tmp_path / "in", ARABIC + "*\tEquiv T2 T1\n").status == "added"
    out = tmp_path / "out"
    export_layer(proj, ExportRequest("brat", out, annotator=ANN))
    assert (out / "خبر.ann").read_text("utf-8") == EXPORTED


def test_editing_another_attribute_keeps_a_flag_attribute(proj: Project, tmp_path: Path) -> None:
    assert _import(proj, tmp_path / "in", ARABIC + "A3\tCertain T1\n").status == "added"
    doc_id = proj.documents.find_by_names(["خبر.txt"])["خبر.txt"]
    attack = next(e for e in proj.annotations.events(doc_id, ANN) if e.type == "Attack")
    events = EventService(proj.annotations, lambda: proj.schemas.schema)
    events.set_attribute(attack, "Tense", "Past")
    gpe = next(s for s in proj.annotations.spans(doc_id, ANN) if s.label == "GPE")
    proj.annotations.set_attribute(gpe.id, "MentionType", "NAM")
    attack = next(e for e in proj.annotations.events(doc_id, ANN) if e.type == "Attack")
    assert attack.attributes == {"Negated": "", "Tense": "Past"}
    gpe = next(s for s in proj.annotations.spans(doc_id, ANN) if s.label == "GPE")
    assert gpe.attributes["Certain"] == "" and gpe.attributes["Number"] == "Sg3"
    assert gpe.attributes["N Reference Wikidata"] == "Q170017\tحماة 🌍"


def test_the_text_offsets_are_right() -> None:
    assert TEXT[20:25] == "حمـاة" and TEXT[42:49] == "Reuters" and TEXT[35:41] == "وقال\u200cت"


def test_every_line_kind_comes_back_byte_for_byte(proj: Project, tmp_path: Path) -> None:
    outcome = _import(proj, tmp_path / "in", ARABIC)
    assert outcome.status == "added", outcome.message
    out = tmp_path / "out"
    export_layer(proj, ExportRequest("brat", out, annotator=ANN))
    assert (out / "خبر.ann").read_text("utf-8") == EXPORTED
    # brat's configuration rules, with the export's own annotation.conf: the Topic role (added
    # with no allowed types) must admit the Attack event (<EVENT>), not only <ENTITY>
    conf = parse_conf((out / "annotation.conf").read_text("utf-8"))
    check_ann(EXPORTED, TEXT, conf)


def test_the_summary_counts_what_came_in(proj: Project, tmp_path: Path) -> None:
    message = _import(proj, tmp_path / "in", ARABIC).message
    assert "1 documents, 4 spans, 2 events, 2 relations imported" in message
    assert "Read: 4 T lines, 2 E lines, 1 R lines, 1 * lines, 2 A lines, 1 N lines, 2 # lines." in (
        message
    )


def test_add_labels_adds_event_types_roles_relations_and_attributes(
    proj: Project, tmp_path: Path
) -> None:
    message = _import(proj, tmp_path / "in", ARABIC).message
    schema = proj.schemas.schema
    speak = schema.event_type("Speak")
    assert speak is not None and [r.name for r in speak.roles] == ["Speaker", "Topic"]
    assert schema.relation_type("N_lt_") is not None and schema.relation_type("Equiv") is not None
    number = next(a for a in schema.attributes if a.name == "Number")
    assert number.values == ("Sg3",) and number.targets == ("entity",)
    assert "event types Attack, Speak" in message and "relation types Equiv, N_lt_" in message
    assert "labels GPE" not in message  # already in the schema


TWO_SPANS = "T1\tGPE 20 25\tحمـاة\nT2\tORG 42 49\tReuters\n"


@pytest.mark.parametrize(
    ("ann", "needle"),
    [
        ("T1\tAttack 0 5\tهاجمَ\nE1\tAttack:T1\n", "line 1: the event type 'Attack' is not"),
        (TWO_SPANS + "R1\tN_lt_ Arg1:T2 Arg2:T1\n", "line 3: the relation type 'N_lt_' is not"),
        (TWO_SPANS + "*\tEquiv T1 T2\n", "line 3: the relation type 'Equiv' is not"),
    ],
)
def test_without_add_labels_a_type_the_schema_lacks_is_refused_with_its_line(
    proj: Project, tmp_path: Path, ann: str, needle: str
) -> None:
    before = dump(proj.path)
    outcome = _import(proj, tmp_path / "in", ann, add=False)
    assert outcome.status == "rejected" and needle in outcome.message, outcome.message
    assert "import with --add-labels" in outcome.message
    assert dump(proj.path) == before


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("*\tCoref T1 T2\n", "only Equiv '*' lines can be imported, not 'Coref'."),
        ("*\tEquiv T1\n", "expected 'Equiv Tn Tm ...' (at least two members)."),
        ("#9\ta free comment\n", "expected '#n<TAB>Type Target<TAB>text'"),
        ("N9\tReference T1 Q170017\n", "expected 'Type Target Resource:Id' in the N line."),
        ("#9\tAnnotatorNotes R1\tx\n", "the line refers to the relation 'R1'; relations have no"),
        ("R9\tN_lt_ Arg1:E8 Arg2:T1\n", "refers to 'E8', which is not a T or E line in this file."),
        ("R9\tN_lt_ Arg1:T2 Arg2:T1\n", "relation R9 repeats the 'N_lt_' relation of line 7."),
        ("R9\tEquiv Arg1:T2 Arg2:T1\n", "relation R9 repeats the 'Equiv' relation of line 8."),
        ("A9\t___23__20_Lemma T1 x\n", "the attribute name '# Lemma' is kept for brat's # and N"),
    ],
)
def test_a_line_that_cannot_be_held_refuses_the_file_naming_it(
    proj: Project, tmp_path: Path, line: str, reason: str
) -> None:
    before = dump(proj.path)
    outcome = _import(proj, tmp_path / "in", ARABIC + line)
    assert outcome.status == "rejected"
    assert f"خبر.ann, line 14: {reason}" in outcome.message, outcome.message
    assert dump(proj.path) == before
