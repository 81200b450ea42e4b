"""Paths and settings: platformdirs for data, QSettings only for window geometry."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "arabic-annotator"


def data_dir() -> Path:
    """Where the default project lives (override with ANNOTATOR_DATA_DIR)."""
    override = os.environ.get("ANNOTATOR_DATA_DIR")
    return Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))


def default_project_path() -> Path:
    """The sample project opened when no ``--db`` is given."""
    return data_dir() / "sample-project.sqlite"


def seeds_dir() -> Path:
    """The sample articles: ``seeds/`` next to the package (override with ANNOTATOR_SEEDS)."""
    override = os.environ.get("ANNOTATOR_SEEDS")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "seeds"


def annotator_file() -> Path:
    """Remembers the annotator's name between runs."""
    return data_dir() / "annotator-name.txt"


def remembered_annotator() -> str | None:
    """The annotator name given on an earlier run, if any."""
    path = annotator_file()
    if path.exists():
        name = path.read_text(encoding="utf-8").strip()
        return name or None
    return None


def remember_annotator(name: str) -> None:
    """Store the annotator name for the next run."""
    path = annotator_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(name.strip() + "\n", encoding="utf-8")
