"""Read-only and full file systems, for real: the app runs in a child process.

Tests run as root here, and root ignores ``chmod``. So, as root, the child runs
in its own mount namespace (``unshare -m``) where the folder or file is bind
mounted read-only (writes fail with EROFS, even for root), or where a tiny
tmpfs stands in for a full disk. As another user, plain ``chmod`` is used.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.services.project import open_project
from tests.conftest import REPO

ROOT = os.geteuid() == 0
TEXT = "قصفت الطائرات 😀 مدينة\u00a0حماة و\u200cـ Latin 42"


@functools.cache
def _can_unshare() -> bool:
    if not ROOT or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs none /mnt"], capture_output=True
    )
    return probe.returncode == 0


needs_isolation = pytest.mark.skipif(
    ROOT and not _can_unshare(), reason="root without mount namespaces: chmod cannot stop root"
)


def _run(
    tmp_path: Path, readonly: list[Path], argv: list[str], tmpfs: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` with each of ``readonly`` unwritable (and ``tmpfs`` a 96 KB file system)."""
    env = {**os.environ, "ANNOTATOR_DATA_DIR": str(tmp_path / "data")}
    command = shlex.join(argv)
    if ROOT:
        mounts = [f"mount -t tmpfs -o size=96k none {shlex.quote(str(tmpfs))}"] if tmpfs else []
        for path in readonly:
            p = shlex.quote(str(path))
            mounts.append(f"mount --bind {p} {p} && mount -o remount,ro,bind {p} {p}")
        script = " && ".join([*mounts, f"exec {command}"])
        argv = ["unshare", "-m", "sh", "-c", script]
    else:
        assert tmpfs is None, "a full disk needs root here"
        for path in readonly:
            path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        return subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    finally:
        for path in readonly:
            path.chmod(0o755 if path.is_dir() else 0o644)


def _annotated_project(folder: Path) -> Path:
    folder.mkdir()
    path = folder / "p.sqlite"
    project = open_project(path)
    doc, _ = project.documents.add_text("k.txt", TEXT)
    project.annotations.create_span(doc, "amal", 23, 27, "GPE")
    project.close()
    return path


def _export(db: Path, out: Path) -> list[str]:
    args = ["--db", str(db), "--format", "jsonl", "--out", str(out), "--annotator", "amal"]
    return [sys.executable, "-m", "annotator", "export", *args]


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@needs_isolation
def test_a_project_in_a_read_only_folder_opens_read_only_and_exports(tmp_path: Path) -> None:
    db = _annotated_project(tmp_path / "shared")
    before = _listing(db.parent)
    assert list(before) == ["p.sqlite"]
    out = tmp_path / "out.jsonl"
    run = _run(tmp_path, [db.parent], _export(db, out))
    assert (run.returncode, run.stderr) == (0, "")
    assert "Exported 1 documents, 1 spans of layer 'amal'" in run.stdout
    assert '"GPE"' in out.read_text("utf-8") and "حماة" in out.read_text("utf-8")
    assert _listing(db.parent) == before  # no -wal, -shm or temp file appeared
    snippet = (
        "import sys; from annotator.services.project import open_project as o\n"
        "p = o(sys.argv[1]); print(p.read_only, len(p.documents.document_ids())); p.close()"
    )
    probe = _run(tmp_path, [db.parent], [sys.executable, "-c", snippet, str(db)])
    assert (probe.stdout, probe.stderr) == ("True 1\n", "")


@needs_isolation
def test_a_read_only_file_in_a_writable_folder_opens_read_only(tmp_path: Path) -> None:
    db = _annotated_project(tmp_path / "shared")
    snippet = (
        "import sys; from annotator.services.project import open_project as o\n"
        "p = o(sys.argv[1]); print(p.read_only); p.close()"
    )
    probe = _run(tmp_path, [db], [sys.executable, "-c", snippet, str(db)])
    assert (probe.stdout, probe.stderr) == ("True\n", "")
    out = tmp_path / "out.jsonl"
    run = _run(tmp_path, [db], _export(db, out))
    assert run.returncode == 0, run.stderr
    assert "حماة" in out.read_text("utf-8")


@needs_isolation
def test_importing_into_a_read_only_project_is_refused_and_changes_nothing(
    tmp_path: Path,
) -> None:
    db = _annotated_project(tmp_path / "shared")
    before = _listing(db.parent)
    text = tmp_path / "new.txt"
    text.write_text("نص جديد 😀", encoding="utf-8")
    argv = [sys.executable, "-m", "annotator", "import", str(text), "--db", str(db)]
    run = _run(tmp_path, [db.parent], argv)
    assert run.returncode == 2
    assert run.stderr == (
        f"error: {db} is read-only (the file or its folder cannot be written), "
        "so nothing can be imported into it.\n"
    )
    assert _listing(db.parent) == before


@needs_isolation
def test_changes_still_in_the_wal_file_are_read_from_a_read_only_folder(tmp_path: Path) -> None:
    db = _annotated_project(tmp_path / "shared")
    code = (
        "import os, sys\n"
        "from annotator.services.project import open_project\n"
        "p = open_project(sys.argv[1])\n"
        "(doc,) = p.documents.document_ids()\n"
        "p.annotations.create_span(doc, 'amal', 0, 4, 'PER')\n"
        "os._exit(0)\n"  # no checkpoint: the span is only in p.sqlite-wal
    )
    subprocess.run([sys.executable, "-c", code, str(db)], cwd=REPO, check=True, timeout=120)
    assert Path(f"{db}-wal").stat().st_size > 0
    out = tmp_path / "out.jsonl"
    run = _run(tmp_path, [db.parent], _export(db, out))
    assert run.returncode == 0, run.stderr
    assert "Exported 1 documents, 2 spans" in run.stdout


@needs_isolation
def test_a_new_project_cannot_be_made_in_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    db = folder / "new.sqlite"
    argv = [sys.executable, "-m", "annotator", "import", str(REPO / "seeds"), "--db", str(db)]
    run = _run(tmp_path, [folder], argv)
    assert run.returncode == 2
    assert run.stderr == f"error: {db} cannot be created: the folder {folder} is read-only.\n"
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(not _can_unshare(), reason="a full disk needs a tmpfs mount (root)")
def test_a_full_disk_gives_one_clear_line(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    db = disk / "p.sqlite"
    argv = [sys.executable, "-m", "annotator", "import", str(REPO / "seeds"), "--db", str(db)]
    run = _run(tmp_path, [], argv, tmpfs=disk)
    assert run.returncode == 2, run.stderr
    assert run.stderr == (
        f"error: The disk that holds {db} is full, so the change could not be saved. "
        "Free some space and try again.\n"
    )


@pytest.mark.skipif(not _can_unshare(), reason="a full disk needs a tmpfs mount (root)")
def test_an_export_to_a_full_disk_is_refused_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite"
    project = open_project(db)
    for index in range(40):  # about 8 KB of jsonl: more than the 4 KB disk holds
        doc, _ = project.documents.add_text(f"{index}.txt", f"{TEXT} رقم {index} " * 3)
        project.annotations.create_span(doc, "amal", 23, 27, "GPE")
    project.close()
    disk = tmp_path / "disk"
    disk.mkdir()
    out = disk / "out.jsonl"
    export = shlex.join(_export(db, out))
    script = f"mount -t tmpfs -o size=4k none {disk} && {export}; echo rc=$?; ls -A {disk}"
    env = {**os.environ, "ANNOTATOR_DATA_DIR": str(tmp_path / "data")}
    run = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.stderr == (
        f"error: Cannot write the export to {out} (No space left on device); "
        "the export did not finish.\n"
    )
    assert run.stdout == "rc=2\n"  # and `ls -A` of the disk printed nothing: no temp file
