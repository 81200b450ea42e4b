"""Team mode in the window (issue 20, items 4 and 5), against the run's PostgreSQL server with
real password logins (tests/teamdb.py): the document list shows who works on what and follows
other people's claims and edits; Next document claims on the server; one curator per
document in review mode, the second told who curates it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt

from annotator.app import build_window
from annotator.core.location import ServerUrl
from annotator.services.project import Project, open_project
from annotator.services.write import WriteService
from annotator.services.write.requests import NewDocument
from annotator.store import team
from annotator.store.writer import Writer
from annotator.ui.dock_layout import COMFORTABLE_CHARS, readable_text_width
from annotator.ui.document_actions import reopen_document
from annotator.ui.main_window import MainWindow
from annotator.ui.review.review_view import Layout
from annotator.ui.team_work import NOTHING_LEFT, PEOPLE_ROOM, TeamTools
from tests.teamdb import TEXT, Team, team_database, word

MORE = ("doc-2.txt", "doc-3.txt")  # besides teamdb's doc-1.txt (id 1): ids 2 and 3


@pytest.fixture
def t(pg_server: str, pg_admin: sa.Engine) -> Iterator[Team]:
    with team_database(pg_server, pg_admin) as made:
        docs = [
            NewDocument(name, f"{TEXT} {k}", hashlib.sha256(f"{TEXT} {k}".encode()).hexdigest())
            for k, name in enumerate(MORE)
        ]
        WriteService(Writer(made.admin)).add_documents(docs)
        yield made


@pytest.fixture
def opened() -> Iterator[list[Project]]:
    projects: list[Project] = []
    yield projects
    for project in projects:
        project.close()


def _project(t: Team, person: str, opened: list[Project]) -> Project:
    url = t.url(t.logins[person], t.passwords[person])
    project = open_project(ServerUrl(url.render_as_string(hide_password=False)), create=False)
    opened.append(project)
    return project


def _window(qtbot: Any, t: Team, person: str, opened: list[Project]) -> MainWindow:
    window = build_window(_project(t, person, opened), person)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _close(qtbot: Any, *windows: MainWindow) -> None:
    """Close when every pane has its spans: a load left pending would run in a later test,
    after this test's database and logins are gone."""
    for window in windows:
        qtbot.waitUntil(lambda w=window: not w.pane.loading)
        window.close()


def _people(window: MainWindow, doc_id: int) -> str | None:
    return window.documents.model_.team(doc_id)


def _assignments(t: Team) -> list[tuple[int, str, str]]:
    with t.admin.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT a.doc_id, l.name, a.state FROM assignments a "
                "JOIN annotators l ON l.id = a.annotator_id ORDER BY a.doc_id, l.name"
            )
        )
        return [(int(d), str(n), str(s)) for d, n, s in rows]


def test_the_list_shows_who_works_on_what_and_follows_the_others(
    qtbot: Any, t: Team, opened: list[Project]
) -> None:
    team.assign(t.admin, 2, t.logins["badr"], t.logins["majid"])
    window = _window(qtbot, t, "amal", opened)
    model = window.documents.model_
    assert model.headerData(model.columnCount() - 1, Qt.Orientation.Horizontal) == "People"
    assert _people(window, 2) == "\u2068badr\u2069: assigned, new"
    assert _people(window, 1) == ""
    badr = _project(t, "badr", opened)
    team.claim_next(badr.repo.engine)  # another client: badr takes the document assigned to him
    qtbot.waitUntil(lambda: _people(window, 2) == "\u2068badr\u2069: claimed, new", timeout=1000)
    # his span is hidden from amal (blind annotation), but his layer's status is not
    badr.annotations.create_span(2, "badr", *word("القوات"), "ORG")
    qtbot.waitUntil(
        lambda: _people(window, 2) == "\u2068badr\u2069: claimed, in progress", timeout=1000
    )
    _close(qtbot, window)


def test_the_documents_panel_makes_room_for_the_people_and_the_names(
    qtbot: Any, t: Team, opened: list[Project]
) -> None:
    window = build_window(_project(t, "amal", opened), "amal")
    qtbot.addWidget(window)
    window.resize(1400, 900)  # as a user's screen: the panel widens when the window shows
    window.show()
    qtbot.waitExposed(window)
    documents = window.documents
    metrics, header = documents.fontMetrics(), documents.horizontalHeader()
    name = metrics.horizontalAdvance(documents.NAME_ROOM)
    qtbot.waitUntil(lambda: header.sectionSize(0) >= name)  # not "d…t"
    people = documents.model_.columnCount() - 1
    assert header.sectionSize(people) >= metrics.horizontalAdvance(PEOPLE_ROOM)
    shown = documents.viewport().width()
    assert header.length() <= shown  # every column in sight, no scrolling sideways
    window.documents.model_.set_curation({1: False})  # another optional column: room kept
    assert header.sectionSize(documents.model_.columnCount() - 1) >= metrics.horizontalAdvance(
        PEOPLE_ROOM
    )
    # and the panel widens again, past the right docks' usual 380 px, for all five columns
    qtbot.waitUntil(lambda: header.length() <= documents.viewport().width())
    assert documents.parentWidget().width() > 380
    assert header.sectionSize(0) >= name
    assert window.pane.width() >= readable_text_width(window.pane.font(), COMFORTABLE_CHARS)
    _close(qtbot, window)


def test_the_people_column_is_a_team_servers_only(qtbot: Any, project: Project) -> None:
    window = build_window(project, "amal")
    qtbot.addWidget(window)
    assert window.findChild(TeamTools, "teamTools") is None
    assert window.documents.model_.team(1) is None
    assert "People" not in [
        window.documents.model_.headerData(c, Qt.Orientation.Horizontal)
        for c in range(window.documents.model_.columnCount())
    ]
    window.close()


def test_the_window_edits_the_logins_own_layer(qtbot: Any, t: Team, opened: list[Project]) -> None:
    window = build_window(_project(t, "amal", opened), "أمل 🌙")  # a name typed at start
    qtbot.addWidget(window)
    assert window.current_annotator() == "amal"
    assert window.last_notice.startswith(
        "On the team's server your login annotates the layer \u2068amal\u2069"
    )
    _close(qtbot, window)


def test_next_document_claims_on_the_server_until_none_is_left(
    qtbot: Any, t: Team, opened: list[Project]
) -> None:
    team.claim_next(t.engine("badr"))  # badr holds document 1: one person per document
    window = _window(qtbot, t, "amal", opened)
    following = window.actions_["next"]
    following.trigger()
    assert window.current_doc_id() == 2 and "Claimed" in window.statusBar().currentMessage()
    following.trigger()  # not done yet: the same document, and the window says why
    assert window.current_doc_id() == 2 and "still yours and not done" in window.last_notice
    window.mark_done()
    assert (2, "amal", "finished") in _assignments(t)
    following.trigger()
    assert window.current_doc_id() == 3
    window.mark_done()
    following.trigger()
    assert window.current_doc_id() == 3 and window.last_notice == NOTHING_LEFT
    assert _assignments(t) == [(1, "badr", "claimed"), (2, "amal", "finished"),
                               (3, "amal", "finished")]  # fmt: skip
    assert _people(window, 3) == "\u2068amal\u2069: finished, done"
    reopen_document(window)  # Document → Reopen: the document is hers to finish again
    assert (3, "amal", "claimed") in _assignments(t)
    assert _people(window, 3) == "\u2068amal\u2069: claimed, in progress"
    following.trigger()
    assert window.current_doc_id() == 3 and "still yours and not done" in window.last_notice
    _close(qtbot, window)


def test_one_curator_per_document_and_the_second_is_told_who(
    qtbot: Any, t: Team, opened: list[Project]
) -> None:
    cora = _window(qtbot, t, "cora", opened)
    majid = _window(qtbot, t, "majid", opened)
    cora_review = cora.review_tools.review  # type: ignore[attr-defined]
    majid_review = majid.review_tools.review  # type: ignore[attr-defined]
    cora_review.start(["amal", "badr"], Layout.SIDE_BY_SIDE)
    assert cora_review.active and (1, "gold", "curating") in _assignments(t)
    majid_review.start(["amal", "badr"], Layout.SIDE_BY_SIDE)
    assert not majid_review.active
    assert majid.last_notice.startswith(f"cora (login {t.logins['cora']}) is curating doc-1.txt")
    assert majid.current_annotator() == "majid"  # still on his own layer
    cora_review.stop()  # leaving review mode lets go of the document
    assert [a for a in _assignments(t) if a[1] == "gold"] == []
    majid_review.start(["amal", "badr"], Layout.SIDE_BY_SIDE)
    assert majid_review.active
    majid.open_document(2)  # another document: his hold moves with him
    assert [a for a in _assignments(t) if a[1] == "gold"] == [(2, "gold", "curating")]
    cora_review.start(["amal", "badr"], Layout.SIDE_BY_SIDE)  # cora is on document 1: free
    assert cora_review.active
    cora.open_document(2)  # held by majid: review mode is left, saying who
    assert not cora_review.active and cora.current_annotator() == "cora"
    assert cora.last_notice.startswith(f"majid (login {t.logins['majid']}) is curating doc-2.txt")
    majid.review_tools.curation.mark_curated()  # type: ignore[attr-defined]
    assert [a for a in _assignments(t) if a[1] == "gold"] == [(2, "gold", "finished")]
    cora.open_document(1)
    cora_review.start(["amal", "badr"], Layout.SIDE_BY_SIDE)
    assert cora_review.active and (1, "gold", "curating") in _assignments(t)
    with t.admin.begin() as conn:  # an hour and a half without renewal...
        conn.execute(sa.text("UPDATE assignments SET updated_at = now() - interval '90 minutes'"))
    cora.findChild(TeamTools, "teamTools").renew_holds()  # ...what its timer does every 10 min
    with t.admin.connect() as conn:
        age = conn.execute(
            sa.text("SELECT now() - updated_at FROM assignments WHERE doc_id = 1")
        ).scalar_one()
    assert age.total_seconds() < 60
    _close(qtbot, majid, cora)  # closing the window in review mode lets go of the document
    assert [a for a in _assignments(t) if a[1] == "gold"] == [(2, "gold", "finished")]
