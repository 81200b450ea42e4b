"""Shared fixtures: every test gets its own fresh project file and isolated settings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import fallback_font

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent

# the PostgreSQL server of the run and a fresh database per test (issue 20)
pytest_plugins = ["tests.pgfixtures"]


# How glyphs are rasterized, fixed here rather than taken from /etc/fonts (these are
# Debian's defaults: slight hinting, grey anti-aliasing).
_RENDERING = (
    '<match target="pattern">'
    '<edit name="antialias" mode="assign"><bool>true</bool></edit>'
    '<edit name="hinting" mode="assign"><bool>true</bool></edit>'
    '<edit name="hintstyle" mode="assign"><const>hintslight</const></edit>'
    '<edit name="rgba" mode="assign"><const>none</const></edit>'
    "</match>"
)


def _no_system_fonts() -> Path:
    """Point fontconfig at a configuration without a single font folder; returns its folder.

    Qt then has only the fonts the app registers itself (annotator/assets/fonts), so a GUI or
    pixel test draws the same pixels on a bare machine and on one with hundreds of fonts. Set
    before any QApplication exists, here and in every process the tests start.
    """
    folder = Path(tempfile.mkdtemp(prefix=FONT_FOLDER_PREFIX))
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><cachedir>{folder / 'cache'}</cachedir>{_RENDERING}</fontconfig>\n",
        encoding="utf-8",
    )
    os.environ["FONTCONFIG_FILE"] = str(conf)
    os.environ.pop("FONTCONFIG_PATH", None)
    os.environ[_FALLBACK_ENV] = str(fallback_font.build(folder / "fallback.ttf"))
    return folder


FONT_FOLDER_PREFIX = "annotator-fontconfig-"
_FALLBACK_ENV = "ANNOTATOR_TEST_FALLBACK_FONT"
_font_folder = _no_system_fonts()


def pytest_configure(config: pytest.Config) -> None:
    """A second session in the same process (mutmut runs pytest again) gets its own folder."""
    config.addinivalue_line(
        "markers", "sqlite_only(reason): in a BACKENDS = BOTH module, run on a project file only"
    )
    global _font_folder
    if not _font_folder.exists():
        _font_folder = _no_system_fonts()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Remove the fontconfig folder once the session's tests (and fixtures) are done.

    Here, not in an ``atexit`` function: mutmut runs pytest in forked children that leave
    with ``os._exit``, which runs none, and /tmp filled with one folder per run. (A run
    killed by a signal still leaves its folder: nothing of it runs then.)
    """
    shutil.rmtree(_font_folder, ignore_errors=True)


@pytest.fixture(scope="session")
def qapp_cls() -> type[Any]:
    """pytest-qt's QApplication, with the bundled fonts registered as app.py does."""
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication

    from annotator.ui.fonts import register_bundled_fonts

    class BundledFontsApplication(QApplication):
        """A QApplication that registers the app's own fonts, like ``app.run_gui``."""

        def __init__(self, args: list[str]) -> None:
            super().__init__(args)
            register_bundled_fonts()
            # what a system font would add (tests/fallback_font.py): not among the text families
            QFontDatabase.addApplicationFont(os.environ[_FALLBACK_ENV])

    return BundledFontsApplication


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


# The suites that run on both backends say so: BACKENDS = BOTH at the top of the module.
# Their ``backend`` is then "sqlite" (a project file) and "postgresql" (a fresh database on
# the run's server, tests/pgfixtures.py); every other test gets "sqlite" only.
BOTH = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    backends = getattr(metafunc.module, "BACKENDS", None)
    if metafunc.definition.get_closest_marker("sqlite_only"):
        backends = ("sqlite",)  # the test is about a property of project files
    if backends and "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Where this test's project lives: "sqlite" or "postgresql"."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def project_at(backend: str, db_path: Path, request: pytest.FixtureRequest) -> Any:
    """The location of this test's project: ``db_path``, or a fresh database on the server
    (seeded when the test uses ``project``). Open it again for a second window."""
    if backend == "sqlite":
        return db_path
    from annotator.core.location import ServerUrl

    seeded = "project" in request.fixturenames
    return ServerUrl(request.getfixturevalue("pg_seeded_url" if seeded else "pg_project_url"))


@pytest.fixture
def proj(project_at: Any) -> Iterator[Any]:
    """A fresh project, with no seeds (the mutation tests need to be fast)."""
    from annotator.services.project import open_project

    project = open_project(project_at)
    yield project
    project.close()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed project file with the five seed articles imported, made once per process.

    Importing the seeds (reading, tokenizing, storing) for every test that needs them
    cost the suite minutes; each test gets a copy of this file instead.
    """
    from annotator.services.project import open_project

    folder = tmp_path_factory.mktemp("seeded")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ANNOTATOR_DATA_DIR", str(folder / "data"))
        proj = open_project(folder / "seeded.sqlite")
        try:
            proj.documents.import_paths([SEEDS])
        finally:
            proj.close()
    assert not Path(f"{folder / 'seeded.sqlite'}-wal").exists()  # all in the one file
    return folder / "seeded.sqlite"


@pytest.fixture
def project(project_at: Any, request: pytest.FixtureRequest) -> Iterator[object]:
    """A real project with the five seed articles imported (a copy of the template): a
    project file, or a database on the server for the postgresql backend."""
    from annotator.services.project import open_project

    if isinstance(project_at, Path):
        shutil.copyfile(request.getfixturevalue("seeded_template"), project_at)
    proj = open_project(project_at)
    yield proj
    proj.close()


@pytest.fixture
def second_window_first(
    project_at: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[Callable[[Any], object]], None]]:
    """A second window on the project file: ``second_window_first(act)`` runs ``act(window)``
    just before the next write transaction opens, that is after the first window's service
    has read what it checks and before it writes (issue 17: a check that runs outside the
    write transaction is then wrong)."""
    from annotator.services.project import open_project
    from annotator.store.writer import Writer

    other = open_project(project_at)
    original = Writer.transaction
    pending: list[Callable[[Any], object]] = []

    def transaction(self: Writer, layers: Any = None) -> object:
        if pending:
            pending.pop()(other)
        return original(self, layers)

    monkeypatch.setattr(Writer, "transaction", transaction)
    yield pending.append
    other.close()
