"""Choosing what goes out: ``--status`` and ``--split/--seed``, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.__main__ import main
from annotator.core.model import Status
from annotator.services.project import open_project
from annotator.services.selection import SelectionError, parse_split, parse_statuses
from tests import export_corpus


def _names(path: Path) -> list[str]:
    return [json.loads(line)["name"] for line in path.read_text("utf-8").splitlines()]


def _many(tmp_path: Path, count: int, first: int = 0) -> Path:
    """A project of ``count`` small documents, every one marked done by amal."""
    db = tmp_path / "many.sqlite"
    folder = tmp_path / f"texts{first}"
    folder.mkdir()
    for i in range(first, first + count):
        text = f"وثيقة رقم {i}\u00a0فيها 😀 وZWNJ\u200cهنا ومدّ ــ Latin {i * 7}.\n"
        (folder / f"doc{i:03}.txt").write_text(text, encoding="utf-8")
    project = open_project(db)
    try:
        project.documents.import_paths([folder])
        for summary in project.documents.summaries("amal"):
            project.documents.set_status(summary.id, "amal", Status.DONE)
    finally:
        project.close()
    return db


def test_status_done_exports_only_finished_documents(tmp_path: Path) -> None:
    export_corpus.build(tmp_path / "p").close()
    db = str(tmp_path / "p" / "corpus.sqlite")
    out = tmp_path / "done.jsonl"
    args = ["export", "--db", db, "--format", "jsonl", "--annotator", "amal", "--out", str(out)]
    assert main([*args, "--status", "done"]) == 0
    assert sorted(_names(out)) == sorted(n for n, s in export_corpus.STATUS.items() if s == "done")
    assert main([*args, "--status", "in_progress"]) == 0
    assert _names(out) == ["b doc.txt"]
    assert main([*args, "--status", "new,done", "--status", "in_progress"]) == 0
    assert sorted(_names(out)) == sorted(export_corpus.TEXTS)


def test_jsonl_lines_carry_name_status_and_annotator(tmp_path: Path) -> None:
    export_corpus.build(tmp_path / "p").close()
    out = tmp_path / "all.jsonl"
    db = str(tmp_path / "p" / "corpus.sqlite")
    main(["export", "--db", db, "--format", "jsonl", "--annotator", "amal", "--out", str(out)])
    lines = {json.loads(x)["name"]: json.loads(x) for x in out.read_text("utf-8").splitlines()}
    assert {n: (d["status"], d["annotator"]) for n, d in lines.items()} == {
        n: (s.value, "amal") for n, s in export_corpus.STATUS.items()
    }


def _split(db: Path, out: Path, seed: int, fmt: str = "jsonl") -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    return main(
        ["export", "--db", str(db), "--format", fmt, "--annotator", "amal", "--out", str(out)]
        + ["--split", "80/10/10", "--seed", str(seed)]
    )


def test_split_is_by_document_stable_and_partitions_the_export(tmp_path: Path) -> None:
    db = _many(tmp_path, 60)
    assert _split(db, tmp_path / "a" / "corpus.jsonl", 7) == 0
    assert _split(db, tmp_path / "b" / "corpus.jsonl", 7) == 0
    parts = {}
    for part in ("train", "dev", "test"):
        first = tmp_path / "a" / f"corpus-{part}.jsonl"
        assert first.read_bytes() == (tmp_path / "b" / f"corpus-{part}.jsonl").read_bytes()
        parts[part] = set(_names(first))
    assert not (tmp_path / "a" / "corpus.jsonl").exists()
    every = parts["train"] | parts["dev"] | parts["test"]
    assert len(every) == 60 == sum(len(p) for p in parts.values())
    assert len(parts["train"]) > len(parts["dev"]) and len(parts["train"]) > len(parts["test"])
    assert _split(db, tmp_path / "c" / "corpus.jsonl", 8) == 0
    other = set(_names(tmp_path / "c" / "corpus-train.jsonl"))
    assert other != parts["train"]  # the seed matters


def test_adding_documents_does_not_move_the_others(tmp_path: Path) -> None:
    db = _many(tmp_path, 30)
    assert _split(db, tmp_path / "a" / "c.jsonl", 3) == 0
    before = {p: set(_names(tmp_path / "a" / f"c-{p}.jsonl")) for p in ("train", "dev", "test")}
    project = open_project(db)
    try:
        extra = tmp_path / "extra"
        extra.mkdir()
        for i in range(30, 45):
            (extra / f"doc{i:03}.txt").write_text(f"نص إضافي {i} 🌍\n", encoding="utf-8")
        project.documents.import_paths([extra])
        for summary in project.documents.summaries("amal"):
            project.documents.set_status(summary.id, "amal", Status.DONE)
    finally:
        project.close()
    assert _split(db, tmp_path / "b" / "c.jsonl", 3) == 0
    after = {p: set(_names(tmp_path / "b" / f"c-{p}.jsonl")) for p in ("train", "dev", "test")}
    for part in before:
        assert before[part] <= after[part]
    assert sum(len(p) for p in after.values()) == 45


def test_brat_split_writes_one_folder_per_part(tmp_path: Path) -> None:
    db = _many(tmp_path, 12)
    assert _split(db, tmp_path / "brat", 1, "brat") == 0
    total = 0
    for part in ("train", "dev", "test"):
        folder = tmp_path / "brat" / part
        assert (folder / "annotation.conf").is_file() and (folder / "visual.conf").is_file()
        total += len(list(folder.glob("*.ann")))
    assert total == 12


@pytest.mark.parametrize("bad", ["80-20", "80/10/10/0", "a/b", "-5/105", "0/0"])
def test_bad_split_is_refused(bad: str) -> None:
    with pytest.raises(SelectionError, match="split"):
        parse_split(bad)


def test_statuses_parse_commas_repeats_and_refuse_unknown_names() -> None:
    assert parse_statuses(["done,in_progress", "done", "in progress"]) == ("done", "in_progress")
    with pytest.raises(SelectionError, match="finished"):
        parse_statuses(["finished"])
