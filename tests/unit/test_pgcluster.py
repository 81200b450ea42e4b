"""The tests' throwaway PostgreSQL cluster (tests/pgcluster.py): started, reachable, gone after."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import REPO
from tests.pgcluster import ENV, INSTALL_HINT, PostgresMissing, bin_dir


def test_a_fresh_database_per_test_on_the_server(pg_empty_url: str) -> None:
    engine = sa.create_engine(pg_empty_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        name = conn.execute(sa.text("SELECT current_database()")).scalar_one()
        tables = conn.execute(
            sa.text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        ).scalar_one()
    engine.dispose()
    assert name.startswith("t_") and name in pg_empty_url
    assert tables == 0


def test_missing_server_programs_say_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANNOTATOR_PG_BIN", str(tmp_path))  # a folder without initdb
    with pytest.raises(PostgresMissing, match="apt-get install postgresql-15"):
        bin_dir()
    monkeypatch.delenv(ENV, raising=False)
    done = subprocess.run(
        [sys.executable, "-m", "tests.pgcluster", "true"],
        cwd=REPO,
        env={k: v for k, v in os.environ.items() if k != ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr == f"tests: {INSTALL_HINT}\n"


def _server_folder(url: str) -> Path:
    return Path(sa.make_url(url).query["host"])  # type: ignore[arg-type]


def test_the_wrapper_stops_and_deletes_its_cluster_after_ctrl_c(tmp_path: Path) -> None:
    """The command gets the URL; Ctrl+C ends it, and the cluster is stopped and deleted."""
    noted = tmp_path / "url"
    script = (
        "import os, pathlib, time, sqlalchemy as sa\n"
        f"url = os.environ[{ENV!r}]\n"
        "with sa.create_engine(url).connect() as conn: conn.execute(sa.text('SELECT 1'))\n"
        f"pathlib.Path({str(noted)!r}).write_text(url)\n"
        "time.sleep(120)\n"
    )
    wrapper = subprocess.Popen(
        [sys.executable, "-m", "tests.pgcluster", sys.executable, "-c", script],
        cwd=REPO,
        env={k: v for k, v in os.environ.items() if k != ENV},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # Ctrl+C reaches the whole group, as in a terminal
        # with Ctrl+C's default action, as a terminal gives it: a suite started in the
        # background by a shell (``make test &``, nohup) runs with SIGINT ignored, which the
        # wrapper and its command would inherit, and they would never see this Ctrl+C
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 90
    while not noted.exists() and wrapper.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert noted.exists(), wrapper.communicate(timeout=30)
    folder = _server_folder(noted.read_text())
    assert (folder / "data" / "postmaster.pid").exists()
    os.killpg(wrapper.pid, signal.SIGINT)
    try:
        wrapper.communicate(timeout=60)
    finally:  # never left running to trouble later tests (and its cluster goes with it)
        if wrapper.poll() is None:
            os.killpg(wrapper.pid, signal.SIGTERM)
            wrapper.communicate(timeout=60)
    assert wrapper.returncode != 0  # the command was interrupted
    assert not folder.exists()
