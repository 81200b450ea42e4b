"""A database server URL given as ``--db`` is refused, and nothing appears on disk.

``Path("postgresql+psycopg://postgres@/team")`` folds ``//`` into ``/``; the URL
used to become nested folders in the working directory with a new SQLite project
inside, and the command exited 0.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.__main__ import main
from annotator.app import open_gui_project
from annotator.cli import EXIT_REFUSED
from annotator.core.errors import ProjectError
from annotator.services.project import project_path

URL = "postgresql+psycopg://postgres@/team?host=/tmp/sock"
MESSAGE = "is a database server URL. This version opens project files only"


@pytest.mark.parametrize(
    "command",
    [
        ["import", "text.txt"],
        ["export", "--format", "jsonl", "--out", "out.jsonl"],
        ["agreement", "--format", "csv", "--out", "report.csv"],
        ["merge", "other.sqlite"],
        ["adjudicate", "--strategy", "unanimous"],
    ],
)
def test_every_command_refuses_a_server_url_and_creates_nothing(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(tmp_path / "data"))
    text = "قصفٌ على حماة 😀 في\u00a0عام 2020 ـ Reuters\u200c\n"
    Path("text.txt").write_text(text, encoding="utf-8")
    code = main([*command, "--db", URL])
    assert code == EXIT_REFUSED
    assert MESSAGE in capsys.readouterr().err
    assert sorted(os.listdir(tmp_path)) == ["text.txt"]


def test_the_window_refuses_a_server_url_before_making_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProjectError, match=MESSAGE):
        open_gui_project(URL)
    with pytest.raises(ProjectError, match=MESSAGE):
        project_path("mysql+pymysql://me@host/team")
    assert os.listdir(tmp_path) == []
    assert project_path("team.sqlite") == Path("team.sqlite")
