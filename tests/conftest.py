"""Shared fixtures: every test gets its own fresh project file and isolated settings."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent


def run_cli(tmp_path: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """``python -m annotator ARGS`` from the repository, with its data folder under ``tmp_path``."""
    env = {**os.environ, "ANNOTATOR_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run(
        [sys.executable, "-m", "annotator", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


SEEDS = REPO / "seeds"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the user's data dir, QSettings and HOME out of every test."""
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh project file path (not yet created)."""
    return tmp_path / "project.sqlite"


@pytest.fixture
def project(db_path: Path) -> Iterator[object]:
    """A real SQLite project with the five seed articles imported."""
    from annotator.services.project import open_project

    proj = open_project(db_path)
    proj.documents.import_paths([SEEDS])
    yield proj
    proj.close()
