"""``annotator merge`` into a team server holds the gold layers it writes (issue 20, follow-up
item 1; ADR 0024): a curator's laptop pushes its gold layer under a curation hold taken for
the merge, a document another curator holds refuses the whole merge up front with one
sentence naming it, and a manager's new document comes in with its gold layer. Real password
logins on the run's cluster (tests/teamdb.py).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from annotator.__main__ import main
from annotator.core.model import Status
from annotator.services.project import open_project
from annotator.services.write import WriteService
from annotator.services.write.requests import NewDocument
from annotator.store.writer import Writer
from tests.teamdb import TEXT, Team, kept_in_memory, team_database, word

OTHER = f"{TEXT} 2"


@pytest.fixture
def t(pg_server: str, pg_admin: sa.Engine) -> Iterator[Team]:
    with team_database(pg_server, pg_admin) as made:
        WriteService(Writer(made.admin)).add_documents(
            [NewDocument("doc-2.txt", OTHER, hashlib.sha256(OTHER.encode()).hexdigest())]
        )
        yield made


def _laptop(path: Path, golds: dict[str, str], done: bool = False, uid: str = "") -> Path:
    """A project file with the documents ``golds`` names (name -> text), each with one gold
    span on its first word (``done``: the gold layer marked done; ``uid``: the identity of
    the server's gold layer, as a laptop that pulled it has)."""
    project = open_project(path)
    try:
        for name, text in golds.items():
            project.write.add_documents(
                [NewDocument(name, text, hashlib.sha256(text.encode()).hexdigest())]
            )
            (doc_id,) = project.documents.ids_with_name(name)
            start, end = word("القوات")
            project.annotations.create_span(doc_id, "gold", start, end, "ORG")
    finally:
        project.close()
    with sqlite3.connect(path) as con:  # adjudicated on the laptop: its layer is the gold one
        con.execute("UPDATE annotators SET kind = 'gold' WHERE name = 'gold'")
        if uid:
            con.execute("UPDATE annotators SET uid = ? WHERE name = 'gold'", (uid,))
    if done:
        project = open_project(path)
        try:
            for name in golds:
                (doc_id,) = project.documents.ids_with_name(name)
                project.write.set_status(doc_id, "gold", Status.DONE, gold=True)
        finally:
            project.close()
    return path


def _push(t: Team, person: str, laptop: Path) -> int:
    url = sa.make_url(t.server).set(
        database=t.name, username=t.logins[person], password=t.passwords[person]
    )
    return main(["merge", "--db", url.render_as_string(hide_password=False), str(laptop)])


def _rows(t: Team, sql: str) -> list[tuple[object, ...]]:
    with t.admin.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql))]


def _gold(t: Team) -> list[tuple[object, ...]]:
    return _rows(
        t,
        "SELECT d.name, s.label FROM spans s JOIN annotators a ON a.id = s.annotator_id "
        "JOIN documents d ON d.id = s.doc_id WHERE a.kind = 'gold' ORDER BY d.name",
    )


def _holds(t: Team) -> list[tuple[object, ...]]:
    return _rows(
        t,
        "SELECT a.doc_id, a.login_role, a.state FROM assignments a JOIN annotators l "
        "ON l.id = a.annotator_id WHERE l.kind = 'gold' ORDER BY a.doc_id",
    )


def test_a_curators_laptop_pushes_its_gold_under_holds_taken_for_the_merge(
    t: Team, tmp_path: Path
) -> None:
    laptop = _laptop(tmp_path / "cora.sqlite", {"doc-1.txt": TEXT, "doc-2.txt": OTHER})
    assert _push(t, "cora", laptop) == 0
    assert _gold(t) == [("doc-1.txt", "ORG"), ("doc-2.txt", "ORG")]
    assert _holds(t) == []  # not curated yet: the holds ended with the merge


def test_a_gold_layer_pushed_done_is_recorded_as_the_curators(t: Team, tmp_path: Path) -> None:
    laptop = _laptop(tmp_path / "cora.sqlite", {"doc-1.txt": TEXT}, done=True)
    assert _push(t, "cora", laptop) == 0
    assert _gold(t) == [("doc-1.txt", "ORG")]
    assert _holds(t) == [(1, t.logins["cora"], "finished")]


def test_a_document_another_curator_holds_refuses_the_whole_merge(
    t: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with t.engine("majid").begin() as conn:
        conn.execute(sa.text("SELECT team_curate(2)"))  # makes the gold layer too
    ((uid,),) = _rows(t, "SELECT uid FROM annotators WHERE kind = 'gold'")
    laptop = _laptop(
        tmp_path / "cora.sqlite", {"doc-1.txt": TEXT, "doc-2.txt": OTHER}, uid=str(uid)
    )
    assert _push(t, "cora", laptop) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == (
        f"error: Nothing was merged: another curator holds the gold layer of doc-2.txt "
        f"(majid, login {t.logins['majid']}), and on the team's server only the curator who "
        "holds a document writes its gold layer; try again once they mark it curated or "
        "leave review mode."
    )
    assert _gold(t) == []  # not even doc-1.txt's
    assert _holds(t) == [(2, t.logins["majid"], "curating")]  # cora's hold on 1 let go


def test_a_managers_new_document_comes_in_with_its_gold_layer(t: Team, tmp_path: Path) -> None:
    third = f"{TEXT} 3"
    laptop = _laptop(tmp_path / "majid.sqlite", {"doc-1.txt": TEXT, "doc-3.txt": third}, done=True)
    assert _push(t, "majid", laptop) == 0
    assert _gold(t) == [("doc-1.txt", "ORG"), ("doc-3.txt", "ORG")]
    assert _holds(t) == [(1, t.logins["majid"], "finished")]


def test_an_annotator_cannot_push_a_gold_layer(
    t: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop = _laptop(tmp_path / "amal.sqlite", {"doc-1.txt": TEXT})
    with kept_in_memory():
        assert _push(t, "amal", laptop) == 2
    err = capsys.readouterr().err
    assert "not a curator" in err and "Traceback" not in err
    assert _gold(t) == [] and _holds(t) == []
