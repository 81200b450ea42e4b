"""Bad input: a clear message naming file and line, and the project database untouched."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.__main__ import main
from annotator.services import transfer_import
from annotator.services.project import Project
from annotator.services.transfer import (
    ExportRequest,
    ImportRequest,
    TransferError,
    export_layer,
    import_annotations,
)
from tests.golden.seed000 import GOLDEN

TABLES = (
    "documents",
    "annotators",
    "document_status",
    "spans",
    "events",
    "event_arguments",
    "relations",
    "annotation_schema",
)


def _snapshot(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(db) as con:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}


def _golden_line() -> dict[str, object]:
    return json.loads((GOLDEN / "seed000.jsonl").read_text("utf-8"))


def _write_jsonl(path: Path, obj: dict[str, object], prefix: str = "") -> Path:
    path.write_text(prefix + json.dumps(obj, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _rejects(project: Project, db: Path, path: Path, fmt: str, *needles: str, **kw: object) -> str:
    before = _snapshot(db)
    report = import_annotations(project, ImportRequest((path,), fmt, "amal", **kw))  # type: ignore[arg-type]
    (outcome,) = report.outcomes
    assert outcome.status == "rejected"
    for needle in (str(path), *needles):
        assert needle in outcome.message, outcome.message
    assert _snapshot(db) == before
    return outcome.message


def test_bad_json_names_file_and_line(project: Project, db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('\n{"text": "x"\n', encoding="utf-8")
    _rejects(project, db_path, path, "jsonl", "line 2", "bad JSON")


@pytest.mark.parametrize(
    ("start", "end", "needle"),
    [(10, 5, "reversed"), (0, 10**6, "out of range"), (-1, 3, "out of range")],
)
def test_bad_offsets(
    project: Project, db_path: Path, tmp_path: Path, start: int, end: int, needle: str
) -> None:
    obj = _golden_line()
    obj["spans"][1].update(start=start, end=end, text=None)  # type: ignore[index]
    del obj["spans"][1]["text"]  # type: ignore[index]
    path = _write_jsonl(tmp_path / "offsets.jsonl", obj, prefix="\n")
    _rejects(project, db_path, path, "jsonl", "line 2", needle)


def test_span_text_mismatch(project: Project, db_path: Path, tmp_path: Path) -> None:
    obj = _golden_line()
    obj["spans"][0]["text"] = "غير"  # type: ignore[index]
    path = _write_jsonl(tmp_path / "mismatch.jsonl", obj)
    _rejects(project, db_path, path, "jsonl", "line 1", "does not match")


def test_unknown_label_is_refused_then_added_with_option(
    project: Project, db_path: Path, tmp_path: Path
) -> None:
    obj = _golden_line()
    obj["spans"][0]["label"] = "MILITARY"  # type: ignore[index]
    path = _write_jsonl(tmp_path / "label.jsonl", obj)
    _rejects(project, db_path, path, "jsonl", "line 1", "'MILITARY'", "--add-labels")
    report = import_annotations(project, ImportRequest((path,), "jsonl", "amal", add_labels=True))
    assert report.outcomes[0].status == "added", report.outcomes[0].message
    assert project.schemas.schema.label("MILITARY") is not None
    assert "MILITARY" in report.outcomes[0].message


@pytest.mark.parametrize(
    ("rows", "needle"),
    [
        (["a\tO", "b\tI-PER"], "'I-PER' follows 'O'"),
        (["a\tB-ORG", "b\tI-PER"], "'I-PER' follows 'B-ORG'"),
        (["a\tI-PER"], "'I-PER' follows 'the sentence start'"),
        (["a\tX-PER"], "not valid IOB2"),
        (["a\tS-PER"], "--scheme bioes"),
    ],
)
def test_invalid_iob_sequence(
    project: Project, db_path: Path, tmp_path: Path, rows: list[str], needle: str
) -> None:
    path = tmp_path / "bad.conll"
    path.write_text("-DOCSTART-\n\n" + "\n".join(rows) + "\n", encoding="utf-8")
    line = f"line {len(rows) + 2}"
    _rejects(project, db_path, path, "conll", line, needle)


def test_invalid_bioes_sequence(project: Project, db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.conll"
    path.write_text("a\tB-PER\nb\tO\n", encoding="utf-8")
    _rejects(project, db_path, path, "conll", "line 2", "not closed", scheme="bioes")


def test_ann_without_txt(project: Project, db_path: Path, tmp_path: Path) -> None:
    ann = tmp_path / "lonely.ann"
    shutil.copy(GOLDEN / "brat" / "000_dfbb423181b2695a.ann", ann)
    _rejects(project, db_path, ann, "brat", "lonely.txt")


def test_brat_bad_t_line_names_the_line(project: Project, db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    shutil.copytree(GOLDEN / "brat", folder)
    ann = folder / "000_dfbb423181b2695a.ann"
    lines = ann.read_text("utf-8").split("\n")
    lines[4] = lines[4].replace("GPE 534 540", "GPE 534 541")
    ann.write_text("\n".join(lines), encoding="utf-8")
    _rejects(project, db_path, ann, "brat", "line 5", "does not match")


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b'{"text": "\xff\xfe"}\n', "not valid UTF-8"),
        (b"\x00\x01\x02binary", "binary"),
        (b"", "empty"),
    ],
)
def test_undecodable_files(
    project: Project, db_path: Path, tmp_path: Path, data: bytes, needle: str
) -> None:
    path = tmp_path / "weird.jsonl"
    path.write_bytes(data)
    _rejects(project, db_path, path, "jsonl", needle)


def test_huge_file_is_refused(
    project: Project, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer_import, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "huge.conll"
    path.write_text("كلمة\tO\n" * 200, encoding="utf-8")
    _rejects(project, db_path, path, "conll", "too large")


def test_existing_layer_needs_replace(project: Project, db_path: Path) -> None:
    golden = GOLDEN / "seed000.jsonl"
    assert import_annotations(project, ImportRequest((golden,), "jsonl", "amal")).added
    _rejects(project, db_path, golden, "jsonl", "already has 7 spans", "--replace")
    again = import_annotations(project, ImportRequest((golden,), "jsonl", "amal", replace=True))
    assert again.added
    doc_id = again.added[0].doc_id
    assert doc_id is not None and len(project.annotations.spans(doc_id, "amal")) == 7


def test_a_bad_file_does_not_stop_the_good_ones_and_cli_exits_non_zero(
    project: Project, db_path: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "a_bad.jsonl"
    bad.write_text("{nope\n", encoding="utf-8")
    good = tmp_path / "b_good.jsonl"
    shutil.copy(GOLDEN / "seed000.jsonl", good)
    project.close()
    code = main(
        [
            "import",
            str(bad),
            str(good),
            "--db",
            str(db_path),
            "--format",
            "jsonl",
            "--annotator",
            "amal",
        ]
    )
    assert code == 1
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT count(*) FROM spans").fetchone() == (7,)
        assert con.execute("SELECT count(*) FROM events").fetchone() == (1,)


def test_gold_layer_gives_a_clear_error_until_one_exists(project: Project, tmp_path: Path) -> None:
    with pytest.raises(TransferError, match="no gold"):
        export_layer(project, ExportRequest("jsonl", tmp_path / "g.jsonl", gold=True))
    assert not (tmp_path / "g.jsonl").exists()


def test_unknown_annotator_and_document_are_refused(project: Project, tmp_path: Path) -> None:
    with pytest.raises(TransferError, match="no annotator named 'zed'"):
        export_layer(project, ExportRequest("jsonl", tmp_path / "x.jsonl", annotator="zed"))
    import_annotations(project, ImportRequest((GOLDEN / "seed000.jsonl",), "jsonl", "amal"))
    with pytest.raises(TransferError, match="No document named 'nope.txt'"):
        export_layer(
            project,
            ExportRequest("jsonl", tmp_path / "x.jsonl", annotator="amal", docs=("nope.txt",)),
        )


def test_cli_export_prints_left_out_spans(
    project: Project, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import_annotations(project, ImportRequest((GOLDEN / "seed000.jsonl",), "jsonl", "amal"))
    project.close()
    out = tmp_path / "x.conll"
    args = [
        "export",
        "--db",
        str(db_path),
        "--format",
        "conll",
        "--out",
        str(out),
        "--annotator",
        "amal",
    ]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "1 spans were left out" in printed and "--events" in printed
    assert "1 spans do not start and end on token boundaries" in printed
    assert "GPE «محافظة»" in printed
    assert out.read_bytes() == (GOLDEN / "seed000.conll").read_bytes()
    assert (
        main(["export", "--db", str(db_path), "--format", "jsonl", "--out", str(out), "--gold"])
        == 2
    )
