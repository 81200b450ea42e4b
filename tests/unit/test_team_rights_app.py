"""Rights enforced by the database, seen through the app (issue 20, item 2; ADR 0024): the
write service runs as each person's own login, the server refuses, and the person reads a
sentence that says what their login may not do, never PostgreSQL's text.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from annotator.core.errors import ProjectError, RightsError
from annotator.core.location import ServerUrl
from annotator.core.schema import Label
from annotator.services import credentials
from annotator.services.annotations import AnnotationService
from annotator.services.project import open_project
from annotator.services.write import WriteService
from annotator.store.repository import Repository
from annotator.store.writer import Writer
from tests.teamdb import MemoryKeyring, Team, kept_in_memory, team_database, word


@pytest.fixture
def t(pg_server: str, pg_admin: sa.Engine) -> Iterator[Team]:
    with team_database(pg_server, pg_admin) as made:
        yield made


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with kept_in_memory() as kept:
        yield kept


def _app(t: Team, person: str) -> tuple[WriteService, AnnotationService]:
    engine = t.engine(person)
    write = WriteService(Writer(engine))
    return write, AnnotationService(Repository(engine), write)


def _spans(t: Team, layer: str) -> list[tuple[int, int, str]]:
    with t.admin.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                sa.text(
                    'SELECT s.start, s."end", s.label FROM spans s JOIN annotators a '
                    "ON a.id = s.annotator_id WHERE a.name = :n ORDER BY s.start"
                ),
                {"n": layer},
            )
        ]


def _refused(call: object) -> str:
    with pytest.raises(RightsError) as refused:
        call()  # type: ignore[operator]
    message = str(refused.value)
    assert "row-level" not in message and "42501" not in message and "nothing was saved" in message
    return message


def test_an_annotator_tags_their_own_layer_through_the_app(t: Team) -> None:
    _write, amal = _app(t, "amal")
    start, end = word("المدينة\u200cالقديمة")
    amal.create_span(1, "amal", start, end, "GPE")
    assert _spans(t, "amal") == [(start, end, "GPE")]
    assert Repository(t.engine("badr")).spans(1, "amal") == []  # blind: badr sees none of it


def test_the_app_says_so_when_an_annotator_writes_another_persons_layer(t: Team) -> None:
    _write, amal = _app(t, "amal")
    start, end = word("القوات")
    message = _refused(lambda: amal.create_span(1, "badr", start, end, "ORG"))
    assert message.startswith("The team's server lets you change only your own layer")
    assert _spans(t, "badr") == []


def test_the_app_says_so_when_an_annotator_writes_gold_and_lets_a_curator(t: Team) -> None:
    with t.admin.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO annotators (name, kind, uid, created_at) VALUES ('gold', 'gold', "
            "'00000000000000000000000000000002', now())"
        ))  # fmt: skip
    start, end = word("2005")
    _refused(lambda: _app(t, "amal")[1].create_span(1, "gold", start, end, "TIME"))
    assert _spans(t, "gold") == []
    with t.engine("cora").begin() as conn:  # gold is written under a hold (review mode's)
        conn.execute(sa.text("SELECT team_curate(1)"))
    _app(t, "cora")[1].create_span(1, "gold", start, end, "TIME")
    assert _spans(t, "gold") == [(start, end, "TIME")]


def test_the_app_says_only_a_manager_changes_the_schema_and_a_manager_does(t: Team) -> None:
    write, _ = _app(t, "amal")
    changed = write.schema.with_label(Label("WEA_X", "#123456"))
    message = _refused(lambda: write.replace_schema(changed))
    assert (
        message
        == "Only a manager may change the schema on the team's server, so nothing was saved."
    )
    manager, _ = _app(t, "majid")
    manager.replace_schema(changed)
    with t.admin.connect() as conn:
        assert "WEA_X" in conn.execute(sa.text("SELECT body FROM annotation_schema")).scalar()


def test_deleting_a_layer_or_document_is_refused_in_words_and_a_manager_may(t: Team) -> None:
    badr_write, badr = _app(t, "badr")
    start, end = word("القوات")
    badr.create_span(1, "badr", start, end, "ORG")
    badr_write.set_meta("note/document/1/badr", "ملاحظة 🔥")
    amal_write, _ = _app(t, "amal")
    message = _refused(lambda: amal_write.delete(1, "badr"))
    assert message.startswith("The team's server lets you change only your own layer")
    message = _refused(lambda: amal_write.delete(1, None))
    assert message == (
        "Only a manager may add, change or delete documents on the team's server, so "
        "nothing was saved."
    )
    assert _spans(t, "badr") == [(start, end, "ORG")]
    # a manager deletes the document with every layer and note on it
    _app(t, "majid")[0].delete(1, None)
    with t.admin.connect() as conn:
        left = conn.execute(sa.text(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM spans), "
            "(SELECT count(*) FROM project_meta WHERE key LIKE 'note/%')"
        )).one()  # fmt: skip
    assert tuple(left) == (0, 0, 0)


def test_a_project_on_the_server_opens_with_the_keyrings_password(
    t: Team, memory_keyring: MemoryKeyring
) -> None:
    url = sa.make_url(t.server).set(database=t.name, username=t.logins["amal"])
    location = ServerUrl(url.render_as_string(hide_password=False))
    with pytest.raises(ProjectError):  # no password at hand: refused in words
        open_project(location, create=False)
    assert credentials.remember_password(url, t.passwords["amal"])
    project = open_project(location, create=False)
    try:
        start, end = word("أمس")
        project.annotations.create_span(1, "amal", start, end, "TIME")
        with pytest.raises(RightsError):
            project.annotations.create_span(1, "badr", start, end, "TIME")
        assert "amal:" not in str(project.path) and t.passwords["amal"] not in str(project.path)
    finally:
        project.close()
    assert _spans(t, "amal") == [(start, end, "TIME")]
