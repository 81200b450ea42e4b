"""The window opened on a team database that an older version set up says, in a message, that
a manager must run ``annotator team init`` again (issue 20, follow-up item 2; ADR 0024), not
a traceback nor a Mark done that fails later with "function ... does not exist".
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtWidgets import QMessageBox

from annotator import app
from annotator.services import credentials
from annotator.store.team_sql import SETUP_VERSION, SETUP_VERSION_KEY
from tests.gui.conftest import when_modal
from tests.teamdb import Team, kept_in_memory, team_database


@pytest.fixture
def t(pg_server: str, pg_admin: sa.Engine) -> Iterator[Team]:
    with team_database(pg_server, pg_admin) as made:
        yield made


def test_an_older_set_up_is_a_message_when_the_window_opens(qtbot: Any, t: Team) -> None:
    with t.admin.begin() as conn:
        conn.execute(sa.text("DELETE FROM project_meta WHERE key = :k"), {"k": SETUP_VERSION_KEY})
    url = sa.make_url(t.server).set(database=t.name, username=t.logins["amal"])
    told: list[tuple[str, str]] = []

    def read(box: QMessageBox) -> None:
        told.append((box.windowTitle(), box.text()))
        box.accept()

    when_modal(QMessageBox, read)
    with kept_in_memory():
        credentials.remember_password(url, t.passwords["amal"])
        db = url.render_as_string(hide_password=False)
        # quit_after: without the check the window would open, then close as a user would
        code = app.run_gui(argparse.Namespace(db=db, annotator="amal", quit_after=3))
    assert code == 2
    assert told == [
        (
            "Cannot open project",
            f"The team database {t.name} was set up by an older version of this app, so its "
            "server lacks what this version needs (e.g. to mark a document done): a manager "
            "must run 'annotator team init --db URL' on it again (set-up 0, this app needs "
            f"{SETUP_VERSION}); nothing was changed.",
        )
    ]
