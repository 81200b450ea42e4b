"""Bad input through the real import services: a clear message, and the project untouched.

Every case imports into a real SQLite project (seeded with the five articles)
and compares a full dump of the database (every table, schema included)
before and after: it must be byte-identical.
"""

from __future__ import annotations

import os
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.errors import SchemaError
from annotator.services import transfer_import
from annotator.services.project import Project
from annotator.services.transfer import ImportRequest, import_annotations
from tests.unit.bad_inputs import (
    BRAT_CASES,
    BRAT_TEXT,
    CONLLU_CASES,
    JSONL_CASES,
    jsonl_content,
)

BAD_BYTES = {
    "invalid UTF-8": ("نص".encode() + b"\xff\xfe rest", "not valid UTF-8 (byte 0xff at offset 4)"),
    "UTF-16 LE BOM": ("نص عربي 😀".encode("utf-16"), "is UTF-16 little-endian text, not UTF-8"),
    "UTF-16 BE BOM": (b"\xfe\xff" + "نص".encode("utf-16-be"), "is UTF-16 big-endian text"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01", "looks like a binary file"),
    "empty": (b"", "is empty"),
    "invisible only": ("\u200c\u200f\ufeff \u00a0\n".encode(), "invisible characters"),
}


def dump(db: Path) -> str:
    """Every table of the project file, as SQL text."""
    con = sqlite3.connect(db)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail (instead of hanging) if an import blocks for more than 20 seconds."""

    def _fail(signum: int, frame: object) -> None:
        raise AssertionError("the import blocked")

    old = signal.signal(signal.SIGALRM, _fail)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def _import_rejects(
    project: Project, db: Path, path: Path | str, fmt: str, *needles: str, **kw: object
) -> None:
    before = dump(db)
    request = ImportRequest((Path(path),), fmt, "amal", **kw)  # type: ignore[arg-type]
    (outcome,) = import_annotations(project, request).outcomes
    assert outcome.status == "rejected", outcome.message
    for needle in (str(path), *needles):
        assert needle in outcome.message, outcome.message
    assert dump(db) == before


def test_the_base_document_imports(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "good.jsonl"
    path.write_text(jsonl_content(lambda obj: None), encoding="utf-8")
    (outcome,) = import_annotations(project, ImportRequest((path,), "jsonl", "amal")).outcomes
    assert outcome.status == "added", outcome.message
    assert "2 documents, 3 spans, 1 events, 1 relations" in outcome.message


@pytest.mark.parametrize("case", sorted(JSONL_CASES))
def test_malformed_jsonl_is_refused_and_nothing_changes(
    project: Project, db_path: Path, tmp_path: Path, case: str
) -> None:
    change, needles = JSONL_CASES[case]
    path = tmp_path / "bad.jsonl"
    path.write_text(jsonl_content(change), encoding="utf-8")
    _import_rejects(project, db_path, path, "jsonl", "line 2", *needles)


@pytest.mark.parametrize("case", sorted(CONLLU_CASES))
def test_malformed_conllu_is_refused_and_nothing_changes(
    project: Project, db_path: Path, tmp_path: Path, case: str
) -> None:
    content, line, needles = CONLLU_CASES[case]
    path = tmp_path / "bad.conllu"
    path.write_bytes(content.encode())
    _import_rejects(project, db_path, path, "conllu", f"line {line}", *needles)


def test_malformed_conll_is_refused_and_nothing_changes(
    project: Project, db_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "bad.conll"
    path.write_text("-DOCSTART-\n\nقال\tO\n\nحماةَ\tB-\u200c\n", encoding="utf-8")
    _import_rejects(project, db_path, path, "conll", "line 5", "empty label")


@pytest.mark.parametrize("case", sorted(BRAT_CASES))
def test_malformed_brat_is_refused_and_nothing_changes(
    project: Project, db_path: Path, tmp_path: Path, case: str
) -> None:
    lines, line, needles = BRAT_CASES[case]
    (tmp_path / "خبر.txt").write_text(BRAT_TEXT, encoding="utf-8")
    ann = tmp_path / "خبر.ann"
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _import_rejects(project, db_path, ann, "brat", f"line {line}", *needles)


@pytest.mark.parametrize("case", sorted(BAD_BYTES))
def test_undecodable_annotation_files_are_refused(
    project: Project, db_path: Path, tmp_path: Path, case: str
) -> None:
    data, needle = BAD_BYTES[case]
    path = tmp_path / "weird.jsonl"
    path.write_bytes(data)
    _import_rejects(project, db_path, path, "jsonl", needle)


def test_fifo_dev_zero_and_huge_files_are_refused_without_hanging(
    project: Project, db_path: Path, tmp_path: Path, alarm: None
) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    _import_rejects(project, db_path, fifo, "jsonl", "is a FIFO (named pipe), not a regular file")
    _import_rejects(project, db_path, "/dev/zero", "jsonl", "is a device, not a regular file")
    (tmp_path / "pipe.txt").write_text(BRAT_TEXT, encoding="utf-8")
    brat_fifo = tmp_path / "pipe.ann"
    os.mkfifo(brat_fifo)
    _import_rejects(project, db_path, brat_fifo, "brat", "is a FIFO")
    huge = tmp_path / "huge.jsonl"
    with open(huge, "wb") as handle:
        handle.truncate(1 << 30)  # a sparse 1 GB file
    _import_rejects(project, db_path, huge, "jsonl", "too large (1024.0 MB; the limit is 64.0 MB")


def test_the_size_limit_applies_while_reading(
    project: Project, db_path: Path, monkeypatch: pytest.MonkeyPatch, alarm: None
) -> None:
    monkeypatch.setattr(transfer_import, "MAX_FILE_BYTES", 100)
    assert os.stat("/proc/self/smaps").st_size == 0  # only reading finds its length
    _import_rejects(project, db_path, "/proc/self/smaps", "jsonl", "too large (more than that")


def test_refused_files_do_not_stop_the_others(
    project: Project, db_path: Path, tmp_path: Path, alarm: None
) -> None:
    deep = tmp_path / "a_deep.jsonl"
    deep.write_text(jsonl_content(JSONL_CASES["deep nesting"][0]), encoding="utf-8")
    fifo = tmp_path / "b_pipe.jsonl"
    os.mkfifo(fifo)
    good = tmp_path / "c_good.jsonl"
    good.write_text(jsonl_content(lambda obj: None), encoding="utf-8")
    request = ImportRequest((deep, fifo, Path("/dev/zero"), good), "jsonl", "amal")
    report = import_annotations(project, request)
    assert [o.status for o in report.outcomes] == ["rejected", "rejected", "rejected", "added"]
    assert "nested too deeply" in report.outcomes[0].message
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT count(*) FROM spans").fetchone() == (3,)


def test_bad_text_files_are_refused_and_nothing_changes(
    project: Project, db_path: Path, tmp_path: Path, alarm: None
) -> None:
    paths: list[Path] = []
    for index, (data, _) in enumerate(BAD_BYTES.values()):
        paths.append(tmp_path / f"{index}.txt")
        paths[-1].write_bytes(data)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(65 * 1024 * 1024)
    needles = [n for _, n in BAD_BYTES.values()] + ["is a FIFO", "is a device", "too large"]
    before = dump(db_path)
    report = project.documents.import_paths([*paths, fifo, "/dev/zero", huge])
    assert dump(db_path) == before
    assert [o.status for o in report.outcomes] == ["rejected"] * len(needles)
    for outcome, path, needle in zip(
        report.outcomes, [*paths, fifo, "/dev/zero", huge], needles, strict=True
    ):
        assert outcome.message.startswith(f"{path}: ") and needle in outcome.message


def test_bad_schema_files_are_refused_and_nothing_changes(
    project: Project, db_path: Path, tmp_path: Path, alarm: None
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    huge = tmp_path / "huge.json"
    huge.write_text('{"labels": [], "version": ' + "9" * 5000 + "}", encoding="utf-8")
    utf16 = tmp_path / "utf16.json"
    utf16.write_bytes('{"labels": []}'.encode("utf-16"))
    version = tmp_path / "version.json"
    version.write_text('{"labels": [], "version": "٢"}', encoding="utf-8")
    surrogate = tmp_path / "surrogate.json"
    surrogate.write_text(
        '{"labels": [{"name": "PER\\ud800", "color": "#fff", "hotkey": "x"}]}', encoding="utf-8"
    )
    number_name = tmp_path / "number_name.json"
    number_name.write_text('{"labels": [{"name": 7, "color": "#fff"}]}', encoding="utf-8")
    list_colour = tmp_path / "list_colour.json"
    list_colour.write_text(
        '{"events": [{"name": "Life.Die", "color": ["#fff"]}]}', encoding="utf-8"
    )
    bad_kind = tmp_path / "bad_kind.json"
    bad_kind.write_text(
        '{"labels": [{"name": "مدينة", "color": "#fff", "kind": "city"}]}', encoding="utf-8"
    )
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    cases = [
        (number_name, "label name must be non-empty text"),
        (list_colour, "color of the event type 'Life.Die' must be text"),
        (bad_kind, "must be 'entity' or 'value'"),
        (deep, "nested too deeply"),
        (huge, "not valid JSON"),
        (version, "version must be an integer"),
        (surrogate, "unpaired surrogate"),
        (utf16, "UTF-16"),
        (fifo, "is a FIFO"),
        (Path("/dev/zero"), "is a device"),
    ]
    before, schema = dump(db_path), project.schemas.schema
    for path, needle in cases:
        with pytest.raises(SchemaError) as info:
            project.schemas.plan_import(path)
        assert str(info.value).startswith(f"{path}: ") and needle in str(info.value)
        with pytest.raises(SchemaError, match=needle):
            project.schemas.import_from(path)
    assert dump(db_path) == before and project.schemas.schema == schema
