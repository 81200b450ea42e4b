"""Export never destroys: refused targets, temporary names, foreign folders, brat names."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from annotator.__main__ import main
from annotator.core.errors import AnnotatorError
from annotator.formats.target import MARKER
from annotator.services.project import Project, open_project

LAYER = "amal"
TEXT = "قصفت الطائرات 😀 مدينة\u00a0حماة و\u200cـحركاتٌ Latin 42"


def _state(project: Project) -> tuple[dict[str, list[tuple[object, ...]]], dict[str, bytes]]:
    """Every table's rows, and the bytes of the project file and its companions."""
    con = sqlite3.connect(f"file:{project.path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        tables = {n: con.execute(f'SELECT * FROM "{n}" ORDER BY 1').fetchall() for n in names}
    finally:
        con.close()
    files = {
        p.name: p.read_bytes()
        for p in sorted(project.path.parent.iterdir())
        if p.name.startswith(project.path.name)
    }
    return tables, files


@pytest.fixture
def annotated(project: Project) -> Project:
    """The seeded project with one GPE span in the layer ``amal``."""
    doc, _ = project.documents.add_text("k.txt", TEXT)
    project.annotations.create_span(doc, LAYER, 23, 27, "GPE")
    return project


def _export(project: Project, fmt: str, out: Path, force: bool = False) -> object:
    return project.transfer().export(fmt, out, annotator=LAYER, force=force)


def _refused(project: Project, fmt: str, out: Path, match: str, force: bool = False) -> None:
    before = _state(project)
    with pytest.raises(AnnotatorError, match=match):
        _export(project, fmt, out, force)
    assert _state(project) == before


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("how", ["same", "relative", "symlink", "hardlink", "-wal", "-shm"])
def test_the_open_project_is_never_an_export_target(
    annotated: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, force: bool
) -> None:
    db = annotated.path
    if how == "same":
        out = db
    elif how == "relative":
        monkeypatch.chdir(tmp_path)
        out = Path(os.path.relpath(db))
    elif how == "symlink":
        out = tmp_path / "link.jsonl"
        out.symlink_to(db)
    elif how == "hardlink":
        out = tmp_path / "hard.jsonl"
        os.link(db, out)
    else:
        out = Path(f"{db}{how}")
        assert out.exists()
    _refused(annotated, "jsonl", out, "is the open project file", force)


def test_a_project_opened_through_a_symlink_protects_its_real_wal_file(
    annotated: Project, tmp_path: Path
) -> None:
    link = tmp_path / "elsewhere" / "link.sqlite"
    link.parent.mkdir()
    link.symlink_to(annotated.path)
    through_link = open_project(link)
    try:
        wal = Path(f"{annotated.path}-wal")
        assert wal.exists() and not Path(f"{link}-wal").exists()
        _refused(through_link, "jsonl", wal, "is the open project file", force=True)
    finally:
        through_link.close()


def test_the_cli_refuses_the_project_with_exit_code_2(
    annotated: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(annotated.path)
    before = _state(annotated)
    args = ["export", "--db", db, "--out", db, "--format", "jsonl", "--annotator", LAYER]
    assert main([*args, "--force"]) == 2
    assert f"error: {db} is the open project file" in capsys.readouterr().err
    assert _state(annotated) == before


def test_another_sqlite_file_needs_force(annotated: Project, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    data = other.read_bytes()
    _refused(annotated, "conll", other, r"other\.db is an SQLite database .* --force")
    assert other.read_bytes() == data
    _export(annotated, "jsonl", other, force=True)
    assert "حماة" in other.read_text("utf-8")


def _special_files(folder: Path) -> list[Path]:
    """A FIFO, and (as root) a character device made here: never touch the real /dev."""
    fifo = folder / "pipe.jsonl"
    os.mkfifo(fifo)
    if os.geteuid() != 0:
        return [fifo]
    device = folder / "null.jsonl"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    return [fifo, device]


def test_devices_pipes_and_folders_are_refused_for_one_file_formats(
    annotated: Project, tmp_path: Path
) -> None:
    specials = _special_files(tmp_path)
    for force in (False, True):
        for special in specials:
            _refused(annotated, "jsonl", special, "is a device, pipe or socket", force)
            assert not stat.S_ISREG(special.lstat().st_mode)
        _refused(annotated, "jsonl", tmp_path, "is a folder; give a file name", force)
    _refused(annotated, "jsonl", tmp_path / "missing" / "x.jsonl", "missing does not exist")
    assert not (tmp_path / "missing").exists()


def test_brat_refuses_a_foreign_folder_unless_forced(annotated: Project, tmp_path: Path) -> None:
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "chapter1.txt").write_text("فصل أول", encoding="utf-8")
    _refused(annotated, "brat", folder, "holds other files and was not made by an export")
    assert sorted(p.name for p in folder.iterdir()) == ["chapter1.txt"]
    result = _export(annotated, "brat", folder, force=True)
    assert result.documents == 1  # type: ignore[attr-defined]
    names = sorted(p.name for p in folder.iterdir())
    assert names == [MARKER, "annotation.conf", "chapter1.txt", "k.ann", "k.txt", "visual.conf"]
    assert (folder / "chapter1.txt").read_text("utf-8") == "فصل أول"


def test_brat_may_write_again_into_its_own_export_and_keeps_other_files(
    annotated: Project, tmp_path: Path
) -> None:
    doc, _ = annotated.documents.add_text("second.txt", "نص ثانٍ 😀 عن دمشق")
    annotated.annotations.create_span(doc, LAYER, 10, 14, "GPE")
    out = tmp_path / "brat"
    _export(annotated, "brat", out)
    assert sorted(p.name for p in out.iterdir()) == [
        MARKER,
        "annotation.conf",
        "k.ann",
        "k.txt",
        "second.ann",
        "second.txt",
        "visual.conf",
    ]
    (out / "notes.md").write_text("ملاحظاتي", encoding="utf-8")  # the user's own file
    annotated.transfer().export("brat", out, annotator=LAYER, docs=["k.txt"])
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        MARKER,
        "annotation.conf",
        "k.ann",
        "k.txt",
        "notes.md",
        "second.ann",
        "second.txt",
        "visual.conf",
    ]
    assert (out / "notes.md").read_text("utf-8") == "ملاحظاتي"
    assert (out / MARKER).read_text("utf-8").splitlines()[1:] == [
        "annotation.conf",
        "k.ann",
        "k.txt",
        "visual.conf",
    ]


@pytest.mark.parametrize("fmt", ["brat", "jsonl"])
def test_a_foreign_part_folder_is_never_deleted(
    annotated: Project, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / ("out" if fmt == "brat" else "out.jsonl")
    part = out.with_name(out.name + ".part")
    part.mkdir()
    (part / "precious.txt").write_text("عمل لا يعوض 😀", encoding="utf-8")
    cancelled = annotated.transfer().export(
        fmt, out, annotator=LAYER, progress=lambda done, total, name: False
    )
    assert cancelled.cancelled
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [part.name, annotated.path.name, f"{annotated.path.name}-shm", f"{annotated.path.name}-wal"]
        + (["data"] if (tmp_path / "data").exists() else [])
    )
    _export(annotated, fmt, out)
    assert (part / "precious.txt").read_text("utf-8") == "عمل لا يعوض 😀"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert leftovers == [part.name]  # the export's own temporary name is gone


def test_brat_names_never_collide_and_the_count_is_true(project: Project, tmp_path: Path) -> None:
    long_name = "تقرير_مطول_عن_الهجوم_" * 12  # about 440 bytes of UTF-8
    names = [
        "خبر.txt",
        "خبر",  # the same stem once .txt is dropped
        "Khabar.txt",
        "KHABAR.txt",  # clashes with the one above on case-insensitive disks
        "a/b:c.txt",
        "a_b_c.txt",  # the same once unsafe characters are replaced
        long_name + "أ.txt",
        long_name + "ب.txt",  # differ only after the cut
    ]
    texts = []
    for index, name in enumerate(names):
        text = f"نص رقم {index} 😀 في\u00a0حماة ـ Latin {index}"
        doc, _ = project.documents.add_text(name, text)
        project.annotations.create_span(doc, LAYER, 0, 2, "GPE")
        texts.append(text)
    out = tmp_path / "brat"
    result = project.transfer().export("brat", out, annotator=LAYER)
    written = sorted(p for p in out.iterdir() if p.suffix == ".txt")
    assert result.documents == len(names) == len(written)
    assert sorted(p.read_text("utf-8") for p in written) == sorted(texts)
    keys = {p.stem.casefold() for p in written}
    assert len(keys) == len(names)
    for path in out.iterdir():
        assert len(path.name.encode("utf-8")) <= 255
    stems = sorted(p.stem for p in written)
    assert "خبر" in stems and "خبر_2" in stems
    long_stems = [s for s in stems if s.startswith("تقرير_مطول")]
    assert len(long_stems) == 2
    assert sorted(s.endswith("_2") for s in long_stems) == [False, True]


def test_a_failure_while_writing_held_back_documents_leaves_no_temporary_file(
    annotated: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Token formats write their last batch in ``finish``; a failure there cleans up too."""
    from annotator.formats import conll
    from annotator.services.transfer import ExportRequest, export_layer

    def full_disk(*args: object) -> list[str]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(conll, "dumps_many", full_disk)
    out = tmp_path / "out.conll"
    before = sorted(p.name for p in tmp_path.iterdir())
    request = ExportRequest("conll", out, annotator=LAYER, split=(1, 1))
    with pytest.raises(AnnotatorError, match="No space left on device"):
        export_layer(annotated, request)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
