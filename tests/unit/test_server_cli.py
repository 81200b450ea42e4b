"""Every subcommand works on a project database on a server as on a project file (issue 20):
import, export, agreement, adjudicate and merge with ``--db postgresql+psycopg://...``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from annotator.__main__ import main
from annotator.core.location import ServerUrl
from annotator.services.project import open_project

TEXT = "قصفٌ على حماة 😀 في\u00a0عام 2020 ـ Reuters\u200c\n"


def _annotate(project_at: Path | ServerUrl, doc_name: str, layers: dict[str, list[str]]) -> None:
    project = open_project(project_at)
    try:
        (doc_id,) = project.documents.ids_with_name(doc_name)
        for annotator, labels in layers.items():
            for label, (start, end) in zip(labels, [(0, 4), (9, 13)], strict=False):
                project.annotations.create_span(doc_id, annotator, start, end, label)
    finally:
        project.close()


def test_import_export_agreement_adjudicate_and_merge_on_a_server(
    pg_project_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("text.txt").write_text(TEXT, encoding="utf-8")
    db = ["--db", pg_project_url]
    assert main(["import", "text.txt", *db]) == 0
    assert main(["import", "text.txt", *db]) == 0  # the same text again: already there
    assert "0 added, 1 already in the project" in capsys.readouterr().out
    _annotate(ServerUrl(pg_project_url), "text.txt", {"amal": ["GPE", "FAC"], "salma": ["GPE"]})

    out = ["--format", "jsonl", "--out", "amal.jsonl"]
    assert main(["export", *out, "--annotator", "amal", *db]) == 0
    (line,) = Path("amal.jsonl").read_text(encoding="utf-8").splitlines()
    exported = json.loads(line)
    assert exported["text"] == TEXT  # emoji, NBSP, ZWNJ and tatweel as stored
    assert [(s["start"], s["end"], s["label"]) for s in exported["spans"]] == [
        (0, 4, "GPE"),
        (9, 13, "FAC"),
    ]

    assert main(["agreement", "--format", "json", "--out", "agreement.json", *db]) == 0
    report = Path("agreement.json").read_text(encoding="utf-8")
    assert json.dumps(str(ServerUrl(pg_project_url))) in report  # its provenance

    assert main(["adjudicate", "--strategy", "unanimous", *db]) == 0
    capsys.readouterr()
    assert main(["export", "--format", "jsonl", "--out", "gold.jsonl", "--gold", *db]) == 0
    (gold,) = Path("gold.jsonl").read_text(encoding="utf-8").splitlines()
    assert [(s["start"], s["label"]) for s in json.loads(gold)["spans"]] == [(0, "GPE")]

    laptop = tmp_path / "laptop.sqlite"
    assert main(["import", "text.txt", "--db", str(laptop)]) == 0
    _annotate(laptop, "text.txt", {"نور": ["FAC", "GPE"]})
    assert main(["merge", str(laptop), *db]) == 0
    merged = open_project(ServerUrl(pg_project_url), create=False)
    try:
        names = sorted(name for name, _ in merged.annotators())
        (doc_id,) = merged.documents.ids_with_name("text.txt")
        labels = [s.label for s in merged.annotations.spans(doc_id, "نور")]
    finally:
        merged.close()
    assert names == ["amal", "gold", "salma", "نور"]
    assert labels == ["FAC", "GPE"]
    assert sorted(os.listdir(tmp_path)) == [
        "agreement.json",
        "amal.jsonl",
        "gold.jsonl",
        "laptop.sqlite",
        "text.txt",
    ]


def test_an_empty_database_is_not_a_project_for_a_command_that_reads(
    pg_empty_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["export", "--format", "jsonl", "--out", "x.jsonl", "--gold", "--db", pg_empty_url])
    assert code == 2
    name = ServerUrl(pg_empty_url).name
    assert capsys.readouterr().err == f"error: The database {name} holds no project yet.\n"
