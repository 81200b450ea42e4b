"""``annotator agreement`` end to end on a real SQLite project with three annotators."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from annotator.core.agreement.tokentags import text_tokens
from annotator.core.positions import CodePoint
from annotator.services.project import open_project
from tests.conftest import run_cli

TEXT = "قال مُحَمَّدٌ إنّ الجيش قصف بمحافظة حماة 😀 يوم\u00a02024 مع Latin وZ\u200cW الســـوريّة ."
OTHER = "نص آخر لم يعمل عليه إلا عامل واحد 😀 Latin 7"
LAYERS = {
    "amal": [(1, "PER"), (3, "ORG"), (6, "GPE")],
    "badr": [(1, "PER"), (3, "ORG"), (6, "LOC")],
    "carim": [(1, "PER"), (6, "GPE"), (10, "PER")],
}


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(tmp_path, *args, timeout=300)


@pytest.fixture
def team(tmp_path: Path) -> Path:
    path = tmp_path / "team.sqlite"
    project = open_project(path)
    doc, _ = project.documents.add_text("main.txt", TEXT)
    other, _ = project.documents.add_text("other.txt", OTHER)
    tokens = text_tokens(TEXT)
    for name, spans in LAYERS.items():
        for index, label in spans:
            start, end = CodePoint(tokens.starts[index]), CodePoint(tokens.ends[index])
            project.annotations.create_span(doc, name, start, end, label)
    project.annotations.create_span(other, "amal", CodePoint(0), CodePoint(2), "PER")
    project.close()
    return path


def test_json_report_from_a_real_project(team: Path, tmp_path: Path) -> None:
    out = tmp_path / "agreement.json"
    before = team.read_bytes()
    result = _cli(tmp_path, "agreement", "--db", str(team), "--format", "json", "--out", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["annotators"] == ["amal", "badr", "carim"]
    sha = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    assert data["provenance"]["documents"] == {"main.txt": sha}  # other.txt: one annotator only
    assert data["provenance"]["camel-tools"] not in ("", "unknown")
    exact = data["span_f1"]["exact"]
    assert exact["amal / badr"]["micro"] == {
        "tp": 2,
        "only_a": 1,
        "only_b": 1,
        "precision": 0.666667,
        "recall": 0.666667,
        "f1": 0.666667,
    }
    assert exact["amal / carim"]["labels"]["GPE"]["tp"] == 1
    assert exact["badr / carim"]["labels"]["ORG"] == {"tp": 0, "only_a": 1, "only_b": 0, "f1": 0.0}
    # pairs: 2/3, 2/3 and badr/carim 2·1/(2·1 + 2 + 2) = 1/3; mean 5/9
    assert data["headline"]["span F1, exact (mean over pairs)"]["value"] == 0.555556
    assert data["tokens"][0]["tokens"] == len(text_tokens(TEXT))
    assert "O" in data["tokens"][0]["categories"]
    assert team.read_bytes() == before  # nothing written to the project


def test_table_and_csv_filters(team: Path, tmp_path: Path) -> None:
    result = _cli(
        tmp_path, "agreement", "--db", str(team), "--annotators", "amal,badr", "--labels", "PER,ORG"
    )
    assert result.returncode == 0, result.stderr
    assert "Agreement between amal, badr" in result.stdout
    assert "  exact\n" in result.stdout and "GPE" not in result.stdout.split("Methods")[0]
    out = tmp_path / "a.csv"
    result = _cli(
        tmp_path,
        "agreement",
        "--db",
        str(team),
        "--format",
        "csv",
        "--out",
        str(out),
        "--resamples",
        "50",
    )
    assert result.returncode == 0, result.stderr
    header, *lines = out.read_text(encoding="utf-8").splitlines()
    assert header == "section,measure,subject,label,value"
    assert any(line.startswith("α_U,") for line in lines)
    assert any(line.startswith("method,overlap match,") for line in lines)
    sha = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    assert f"provenance,documents,main.txt,,{sha}" in lines


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--annotators", "amal,nobody"), "no annotator named 'nobody'"),
        (("--annotators", "amal"), "at least two annotators"),
        (("--docs", "missing.txt"), "no document named 'missing.txt'"),
        (("--status", "done"), "nothing to compare"),
        (("--status", "finished"), "Unknown status"),
    ],
)
def test_refusals_exit_2_with_a_sentence(
    team: Path, tmp_path: Path, args: tuple, message: str
) -> None:
    result = _cli(tmp_path, "agreement", "--db", str(team), *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_refuses_to_overwrite_the_project(team: Path, tmp_path: Path) -> None:
    before = team.read_bytes()
    result = _cli(tmp_path, "agreement", "--db", str(team), "--out", str(team))
    assert result.returncode == 2
    assert "is the open project file" in result.stderr
    assert team.read_bytes() == before


def test_html_report_needs_out_and_is_one_file(team: Path, tmp_path: Path) -> None:
    result = _cli(tmp_path, "agreement", "--db", str(team), "--format", "html")
    assert result.returncode == 2
    assert "--out report.html" in result.stderr and "Traceback" not in result.stderr
    out = tmp_path / "report.html"
    result = _cli(tmp_path, "agreement", "--db", str(team), "--format", "html", "--out", str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    sha = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    assert f"<code>{sha}</code>" in page
    assert list(tmp_path.glob("report*")) == [out]
