"""Every format's export of seed 000 (hand-made spans) matches its golden file byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.services.project import Project
from tests.golden.seed000 import EXPORTS, GOLDEN, SIDECARS, annotate_seed000, export_all


@pytest.fixture
def exported(project: Project, tmp_path: Path) -> Path:
    """All golden exports of a freshly annotated seed 000, in a temp folder."""
    annotate_seed000(project)
    out = tmp_path / "exports"
    out.mkdir()
    export_all(project, out)
    return out


@pytest.mark.parametrize("name", [*(n for n in EXPORTS if n != "brat"), *SIDECARS])
def test_export_matches_golden_file(exported: Path, name: str) -> None:
    assert (exported / name).read_bytes() == (GOLDEN / name).read_bytes()


def test_brat_export_matches_golden_folder(exported: Path) -> None:
    expected = sorted(p.name for p in (GOLDEN / "brat").iterdir())
    assert sorted(p.name for p in (exported / "brat").iterdir()) == expected
    for name in expected:
        assert (exported / "brat" / name).read_bytes() == (GOLDEN / "brat" / name).read_bytes()


def test_conll_documents_start_with_the_conll2003_line(exported: Path) -> None:
    tab = (exported / "seed000.conll").read_text("utf-8")
    space = (exported / "seed000.space.conll").read_text("utf-8")
    assert tab.startswith("-DOCSTART-\t-X-\t-X-\tO\n\nأكدت\tO\n")
    assert space.startswith("-DOCSTART- -X- -X- O\n\nأكدت O\n")


def test_clitic_span_needs_the_clitic_rule_in_conll(exported: Path) -> None:
    words = (exported / "seed000.conll").read_text("utf-8").split("\n")
    assert "بمحافظة\tO" in words and "محافظة\tB-GPE" not in words
    lines = (exported / "seed000.clitics.conll").read_text("utf-8").split("\n")
    at = lines.index("محافظة\tB-GPE\tO\tO")
    assert lines[at - 1] == "ب\tO\tO\tO"
    assert lines[at + 1] == "حماة\tB-GPE\tO\tO"


def test_nested_levels_pick_outer_or_inner(exported: Path) -> None:
    outer = (exported / "seed000.conll").read_text("utf-8").split("\n")
    inner = (exported / "seed000.inner.conll").read_text("utf-8").split("\n")
    assert outer[3:6] == ["وزارة\tB-ORG", "الدفاع\tI-ORG", "الروسية\tI-ORG"]
    assert inner[3:6] == ["وزارة\tO", "الدفاع\tO", "الروسية\tB-GPE"]


def test_jsonl_carries_event_and_relation_by_span_ids(exported: Path) -> None:
    import json

    (doc,) = [
        json.loads(line)
        for line in (exported / "seed000.jsonl").read_text("utf-8").split("\n")
        if line
    ]
    by_id = {s["id"]: s for s in doc["spans"]}
    (event,) = doc["events"]
    assert by_id[event["trigger"]]["text"] == "هجوماً"
    assert event["type"] == "Conflict.Attack"
    roles = {a["role"]: by_id[a["span"]]["text"] for a in event["arguments"]}
    assert roles == {"Attacker": "روسيا", "Instrument": "صواريخ", "Place": "حماة"}
    assert event["attributes"] == {"Tense": "Past"}
    (rel,) = doc["relations"]
    assert (by_id[rel["arg1"]]["text"], by_id[rel["arg2"]]["text"]) == ("حماة", "محافظة")
    assert all(doc["text"][s["start"] : s["end"]] == s["text"] for s in doc["spans"])


def test_brat_has_event_relation_and_attribute_lines(exported: Path) -> None:
    ann = (exported / "brat" / "000_dfbb423181b2695a.ann").read_text("utf-8")
    assert "E1\tConflict_Attack:T3 Attacker:T4 Instrument:T7 Place:T6\n" in ann
    assert "R1\tPART-WHOLE Arg1:T6 Arg2:T5\n" in ann
    assert "A2\tTense E1 Past\n" in ann
