"""A database server URL given as ``--db``: PostgreSQL opens the server, anything else is
refused, and nothing appears on disk either way.

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
from annotator.core.location import ServerUrl
from annotator.services.project import project_path

COMMANDS = [
    ["import", "text.txt"],
    ["export", "--format", "jsonl", "--out", "out.jsonl"],
    ["agreement", "--format", "csv", "--out", "report.csv"],
    ["merge", "other.sqlite"],
    ["adjudicate", "--strategy", "unanimous"],
]
TEXT = "قصفٌ على حماة 😀 في\u00a0عام 2020 ـ Reuters\u200c\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_says_an_unreachable_server_cannot_be_reached_and_creates_nothing(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(tmp_path / "data"))
    Path("text.txt").write_text(TEXT, encoding="utf-8")
    if command[0] == "merge":
        main(["import", "text.txt", "--db", "other.sqlite"])
    before = sorted(os.listdir(tmp_path))
    url = f"postgresql+psycopg://postgres@/team?host={tmp_path / 'no-server'}"
    code = main([*command, "--db", url])
    err = capsys.readouterr().err
    assert code == EXIT_REFUSED
    assert err.splitlines()[-1] == (
        f"error: The server {tmp_path / 'no-server'} cannot be reached: nothing listens on that "
        "socket. Nothing was changed."
    )
    assert "Traceback" not in err
    assert sorted(os.listdir(tmp_path)) == before


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql+pymysql://me@host/team", "is a mysql database server URL; projects on a server"),
        ("postgresql+asyncpg://me@host/team", "names the driver 'asyncpg'"),
        ("postgresql+psycopg://me@host", "names no database"),
        ("postgresql+psycopg://me:secret@host:notaport/team", "is not a valid server URL"),
    ],
)
def test_other_servers_and_bad_urls_are_refused_before_anything_is_made(
    url: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProjectError, match=message) as refused:
        open_gui_project(url)
    assert "secret" not in str(refused.value)
    assert os.listdir(tmp_path) == []


def test_a_postgresql_url_names_a_server_and_a_path_a_file() -> None:
    given = project_path("postgres://ann:secret@db.lab:5433/team")
    assert given == ServerUrl("postgresql+psycopg://ann:secret@db.lab:5433/team")
    assert str(given) == "postgresql+psycopg://ann:***@db.lab:5433/team"
    assert given.name == "team on db.lab"
    assert project_path("team.sqlite") == Path("team.sqlite")
    with pytest.raises(ProjectError, match="looks like a URI"):
        project_path("file:team.sqlite")


@pytest.mark.parametrize(
    ("password", "sentence"),
    [
        ("wrong", "refused the login of 'password_check': wrong password, or no such user."),
        (None, "asks 'password_check' for a password, and none was given."),
    ],
)
def test_a_refused_login_is_one_sentence_without_the_password(
    password: str | None,
    sentence: str,
    pg_server: str,
    pg_admin: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import sqlalchemy as sa

    from tests.pgcluster import PASSWORD_ROLE

    assert isinstance(pg_admin, sa.Engine)
    with pg_admin.connect() as conn:  # the role exists and has a password; ours is not it
        conn.execute(
            sa.text(
                f"DO $$ BEGIN CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD 'right-😀'; "
                "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            )
        )
    monkeypatch.chdir(tmp_path)
    url = sa.make_url(pg_server).set(username=PASSWORD_ROLE, password=password)
    given = url.render_as_string(hide_password=False)
    code = main(["export", "--format", "jsonl", "--out", "x.jsonl", "--gold", "--db", given])
    err = capsys.readouterr().err
    host = sa.make_url(pg_server).query["host"]
    assert code == EXIT_REFUSED
    assert err == f"error: The server {host} {sentence} Nothing was changed.\n"
    assert os.listdir(tmp_path) == []


def test_a_copy_of_the_app_without_the_driver_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as in a bundle built without it
    monkeypatch.chdir(tmp_path)
    url = "postgresql+psycopg://ann:secret@db.lab:5433/team"
    assert main(["export", "--format", "jsonl", "--out", "x.jsonl", "--gold", "--db", url]) == 2
    assert capsys.readouterr().err == (
        "error: This copy of the app cannot reach database servers (its PostgreSQL driver, "
        "psycopg, is missing), so team on db.lab cannot be opened.\n"
    )
    assert os.listdir(tmp_path) == []
