"""``annotator adjudicate`` and ``export --gold`` on a real project file."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from annotator.services import adjudication as adj
from annotator.services.project import Project, open_project
from annotator.services.transfer import FORMATS, ExportRequest, export_layer
from annotator.services.write import LayerImport, NewDocument
from tests.adjudication_corpus import ANNOTATORS, NAME, store
from tests.conftest import run_cli
from tests.unit.test_agreement_html import Page


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(tmp_path, *args)


@pytest.fixture
def team_db(db_path: Path) -> Path:
    project = open_project(db_path)
    store(project)
    project.close()
    return db_path


def _gold_rows(db: Path) -> list[tuple[int, int, str]]:
    with sqlite3.connect(db) as con:
        return con.execute(
            "SELECT s.start, s.end, s.label FROM spans s JOIN annotators a "
            "ON a.id = s.annotator_id WHERE a.name = 'gold' AND a.kind = 'gold' "
            "ORDER BY s.start, s.end, s.label"
        ).fetchall()


def test_adjudicate_twice_adds_gold_once(team_db: Path, tmp_path: Path) -> None:
    first = _cli(tmp_path, "adjudicate", "--db", str(team_db), "--strategy", "majority:2")
    assert (first.returncode, first.stderr) == (0, "")
    assert f"{NAME}: added 5 spans, 1 events, 2 arguments, 1 relations; 1 disagreements left" in (
        first.stdout
    )
    rows = _gold_rows(team_db)
    assert len(rows) == 6
    second = _cli(tmp_path, "adjudicate", "--db", str(team_db), "--strategy", "majority:2")
    assert second.returncode == 0
    assert "1 documents, 0 gold units added, 1 disagreements left" in second.stdout
    assert _gold_rows(team_db) == rows


def test_adjudicate_lists_disagreements_and_finishes_agreed(team_db: Path, tmp_path: Path) -> None:
    run = _cli(
        tmp_path, "adjudicate", "--db", str(team_db), "--strategy", "majority", "--list",
        "--finish-agreed",
    )  # fmt: skip
    assert run.returncode == 0
    listed = [line for line in run.stdout.splitlines() if line.startswith(NAME + "\t")]
    assert len(listed) == 1 and "«ACE»" in listed[0] and "carim: nothing" in listed[0]
    assert "marked curated" not in run.stdout  # the document still has a disagreement


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--strategy", "most"], "Unknown strategy 'most'"),
        (["--strategy", "majority:4"], "needs more votes than there are annotators (3)"),
        (["--annotators", "amal,zaid"], "no person's layer named 'zaid'"),
        (["--gold-name", "amal"], "'amal' is a person's layer"),
        (["--docs", "nope"], "no document named 'nope'"),
    ],
)
def test_refused_requests_exit_2_with_one_line(
    team_db: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    run = _cli(tmp_path, "adjudicate", "--db", str(team_db), *args)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr.startswith("error: ") and run.stderr.count("\n") == 1
    assert message in run.stderr
    assert _gold_rows(team_db) == []


def test_export_gold_on_the_command_line(team_db: Path, tmp_path: Path) -> None:
    assert _cli(tmp_path, "adjudicate", "--db", str(team_db)).returncode == 0
    out = tmp_path / "gold.jsonl"
    run = _cli(
        tmp_path, "export", "--db", str(team_db), "--gold", "--format", "jsonl", "--out", str(out)
    )
    assert run.returncode == 0, run.stderr
    assert "مُحَمَّدٌ" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_gold_writes_the_gold_layer_in_every_format(
    team_db: Path, tmp_path: Path, fmt: str
) -> None:
    """``--gold`` output equals the export of a person's copy of gold, and no annotator's."""
    project = open_project(team_db)
    try:
        doc_id = project.documents.find_by_names([NAME])[NAME]
        adj.premerge(project, [doc_id], adj.Strategy.parse("majority:2"))
        _copy_gold_to(project, doc_id, "copy")
        outputs = {
            who: _export(project, fmt, tmp_path / who, who) for who in ("gold", "copy", *ANNOTATORS)
        }
    finally:
        project.close()
    assert outputs["gold"] == outputs["copy"].replace("copy", "gold")
    for who in ANNOTATORS:
        assert outputs["gold"] != outputs[who].replace(who, "gold")


def _copy_gold_to(project: Project, doc_id: int, name: str) -> None:
    """Import the gold layer as a person's layer ``name``."""
    gold = adj.layer(project, doc_id, "gold")
    doc = project.documents.document(doc_id)
    item = LayerImport(NewDocument(doc.name, doc.text, doc.sha256), gold)
    project.write.import_layers(name, [item], replace_layer=False)


def _export(project: Project, fmt: str, base: Path, who: str) -> str:
    out = base if fmt == "brat" else base.with_suffix(".out")
    request = ExportRequest(
        format=fmt,
        out=out,
        annotator=None if who == "gold" else who,
        gold=who == "gold",
        events=True,
    )
    export_layer(project, request)
    if out.is_dir():
        files = sorted(p for p in out.rglob("*") if p.is_file())
        return "\n".join(p.read_text(encoding="utf-8") for p in files)
    return out.read_text(encoding="utf-8")


def test_agreement_gives_each_annotators_f1_against_gold(team_db: Path, tmp_path: Path) -> None:
    """Counts worked by hand from the corpus (triggers are not entity spans).

    Gold (majority:2): PER, army ORG, WEA, حماة GPE, TIME. amal adds the nested
    GPE and ACE ORG and lacks حماة; badr adds ACE GPE; carim has the army as GPE.
    """
    assert (
        _cli(tmp_path, "adjudicate", "--db", str(team_db), "--strategy", "majority:2").returncode
        == 0
    )
    run = _cli(
        tmp_path, "agreement", "--db", str(team_db), "--gold", "--format", "json",
        "--resamples", "5",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    against = data["span_f1_against_gold"]
    expected = {"amal": (4, 2, 1), "badr": (5, 1, 0), "carim": (4, 1, 1)}
    for rule in ("exact", "overlap"):
        for who, (tp, only_a, only_b) in expected.items():
            micro = against[rule][f"{who} / gold"]["micro"]
            assert (micro["tp"], micro["only_a"], micro["only_b"]) == (tp, only_a, only_b)
    assert against["exact"]["amal / gold"]["micro"]["f1"] == round(8 / 11, 6)
    assert data["provenance"]["gold layer"] == "gold"
    table = _cli(tmp_path, "agreement", "--db", str(team_db), "--gold", "--resamples", "5")
    assert "exact | carim / gold | micro | F1=0.8000 TP=4 onlyA=1 onlyB=1" in table.stdout
    page = tmp_path / "report.html"
    html = _cli(
        tmp_path, "agreement", "--db", str(team_db), "--gold", "--resamples", "5",
        "--format", "html", "--out", str(page),
    )  # fmt: skip
    assert html.returncode == 0, html.stderr
    parsed = Page()
    parsed.feed(page.read_text(encoding="utf-8"))
    micro_rows = {
        (row[0], row[1]): tuple(int(x) for x in row[4:7])
        for row in parsed.tables["gold"][1:]
        if row[2] == "micro"
    }
    assert micro_rows == {
        (rule, f"{who} / gold"): counts
        for rule in ("exact", "overlap")
        for who, counts in expected.items()
    }


def test_agreement_gold_without_a_gold_layer_is_refused(team_db: Path, tmp_path: Path) -> None:
    run = _cli(tmp_path, "agreement", "--db", str(team_db), "--gold")
    assert (run.returncode, run.stdout) == (2, "")
    assert "has no gold (adjudicated) layer yet" in run.stderr
