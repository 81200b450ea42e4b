"""A team database set up by an older version is named on connect (issue 20, follow-up item 2;
ADR 0024): ``team init`` records its set-up version, and the commands (and the window, see
tests/gui/test_team_setup_gui.py) refuse a database whose version is missing or older with
one sentence that a manager must run ``annotator team init`` again, and an exit code of its
own. After ``team init`` runs again, Mark done's ``team_finish(doc, gold)`` works.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from annotator.__main__ import main
from annotator.cli import EXIT_TEAM_SETUP
from annotator.services import credentials
from annotator.store import team
from annotator.store.team_sql import SETUP_VERSION, SETUP_VERSION_KEY
from tests.teamdb import Team, kept_in_memory, team_database


@pytest.fixture
def t(pg_server: str, pg_admin: sa.Engine) -> Iterator[Team]:
    with team_database(pg_server, pg_admin) as made:
        yield made


def _age(t: Team, version: str | None) -> None:
    """The set-up as an older version left it: its version fact ``version`` (None: none),
    and (for the missing one) the one-argument ``team_finish`` of those set-ups only."""
    with t.admin.begin() as conn:
        conn.execute(sa.text("DELETE FROM project_meta WHERE key = :k"), {"k": SETUP_VERSION_KEY})
        if version is not None:
            conn.execute(
                sa.text("INSERT INTO project_meta (key, value) VALUES (:k, :v)"),
                {"k": SETUP_VERSION_KEY, "v": version},
            )
        else:
            conn.execute(sa.text("DROP FUNCTION team_finish(integer, boolean)"))
            conn.execute(
                sa.text(
                    "CREATE FUNCTION team_finish(doc integer) RETURNS text LANGUAGE sql "
                    "AS $$ SELECT 'finished' $$"
                )
            )
            owner = team.TeamRoles(t.name).owner
            conn.execute(sa.text(f'ALTER FUNCTION team_finish(integer) OWNER TO "{owner}"'))


def _run(t: Team, person: str, *command: str) -> int:
    url = sa.make_url(t.server).set(database=t.name, username=t.logins[person])
    with kept_in_memory():
        credentials.remember_password(url, t.passwords[person])
        return main([*command, "--db", url.render_as_string(hide_password=False)])


def test_team_init_records_its_set_up_version(t: Team) -> None:
    assert team.setup_version(t.admin) == SETUP_VERSION
    assert team.setup_version(t.engine("amal")) == SETUP_VERSION  # every person reads it


@pytest.mark.parametrize("version", [None, str(SETUP_VERSION - 1)])
def test_an_older_set_up_is_one_sentence_and_an_exit_code_of_its_own(
    t: Team, version: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    _age(t, version)
    for command in (("agreement",), ("team", "status"), ("team", "claim")):
        assert _run(t, "amal", *command) == EXIT_TEAM_SETUP
        err = capsys.readouterr().err.strip().splitlines()
        assert err == [
            f"error: The team database {t.name} was set up by an older version of this app, "
            "so its server lacks what this version needs (e.g. to mark a document done): a "
            "manager must run 'annotator team init --db URL' on it again (set-up "
            f"{version or 0}, this app needs {SETUP_VERSION}); nothing was changed."
        ]
    with t.admin.connect() as conn:  # nothing was claimed
        assert conn.execute(sa.text("SELECT count(*) FROM assignments")).scalar() == 0


def test_team_init_again_brings_the_set_up_up_to_date(t: Team) -> None:
    _age(t, None)
    team.set_up(t.admin)  # what `annotator team init` runs
    assert team.setup_version(t.admin) == SETUP_VERSION
    assert _run(t, "amal", "team", "claim") == 0
    with t.engine("amal").begin() as conn:  # Mark done's function is the new one
        assert conn.execute(sa.text("SELECT team_finish(1, false)")).scalar() == "finished"


def test_a_database_that_is_no_teams_has_no_set_up_version(pg_project_url: str) -> None:
    engine = sa.create_engine(pg_project_url, poolclass=sa.pool.NullPool)
    try:
        assert team.setup_version(engine) is None
        team.check_setup(engine)  # refuses nothing
    finally:
        engine.dispose()
