"""Curation and workload on a team server (issue 20, items 4 and 5; ADR 0024), with real
password logins (tests/teamdb.py): a curator's hold on a document ends when they leave it,
a reopened document is its person's again, changes of the assignments are notified, the
second curator is told who curates, and ``annotator adjudicate`` on the server holds each
document it writes and skips those another curator holds.
"""

from __future__ import annotations

import hashlib
import select
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from annotator.__main__ import main
from annotator.core.errors import ProjectError, RightsError
from annotator.core.location import ServerUrl
from annotator.core.model import Status
from annotator.services import credentials
from annotator.services.annotations import AnnotationService
from annotator.services.project import Project, open_project
from annotator.services.team_work import CurationTaken, TeamWork
from annotator.services.write import WriteService
from annotator.services.write.requests import NewDocument
from annotator.store import team_work
from annotator.store.listen import Listener
from annotator.store.repository import Repository
from annotator.store.writer import Writer
from tests.teamdb import TEXT, Team, kept_in_memory, team_database, word


@pytest.fixture
def t(pg_server: str, pg_admin: sa.Engine) -> Iterator[Team]:
    with team_database(pg_server, pg_admin) as made:
        other = f"{TEXT} 2"
        WriteService(Writer(made.admin)).add_documents(
            [NewDocument("doc-2.txt", other, hashlib.sha256(other.encode()).hexdigest())]
        )
        yield made


def _sql(t: Team, person: str, sql: str, **values: object) -> object:
    with t.engine(person).begin() as conn:
        return conn.execute(sa.text(sql), values).scalar()


def _gold_holds(t: Team) -> list[tuple[int, str, str]]:
    with t.admin.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT a.doc_id, a.login_role, a.state FROM assignments a JOIN annotators l "
                "ON l.id = a.annotator_id WHERE l.kind = 'gold' ORDER BY a.doc_id"
            )
        )
        return [(int(d), str(w), str(s)) for d, w, s in rows]


def _project(t: Team, person: str) -> Project:
    url = t.url(t.logins[person], t.passwords[person])
    return open_project(ServerUrl(url.render_as_string(hide_password=False)), create=False)


def test_a_curator_who_leaves_lets_the_next_one_in(t: Team) -> None:
    assert _sql(t, "cora", "SELECT team_curate(1)") == "curating"
    with pytest.raises(sa.exc.DBAPIError):
        _sql(t, "majid", "SELECT team_curate(1)")
    assert _sql(t, "majid", "SELECT team_leave_curation(1)") is False  # not his to let go of
    assert _gold_holds(t) == [(1, t.logins["cora"], "curating")]
    assert _sql(t, "cora", "SELECT team_leave_curation(1)") is True
    assert _gold_holds(t) == []
    assert _sql(t, "majid", "SELECT team_curate(1)") == "curating"
    assert _sql(t, "majid", "SELECT team_finish(1, true)") == "finished"
    assert _sql(t, "majid", "SELECT team_leave_curation(1)") is False  # a finished one stays
    assert _gold_holds(t) == [(1, t.logins["majid"], "finished")]


def _age_hold(t: Team, doc_id: int, age: str) -> None:
    with t.admin.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE assignments SET updated_at = now() - CAST(:age AS interval) "
                "WHERE doc_id = :d AND state = 'curating'"
            ),
            {"age": age, "d": doc_id},
        )


def test_a_hold_not_renewed_for_two_hours_is_taken_over(t: Team) -> None:
    assert _sql(t, "cora", "SELECT team_curate(1)") == "curating"
    _age_hold(t, 1, "119 minutes")  # cora's window renews it every 10 minutes
    with pytest.raises(sa.exc.DBAPIError):
        _sql(t, "majid", "SELECT team_curate(1)")
    assert team_work.renew_hold(t.engine("cora"), 1)
    _age_hold(t, 1, "121 minutes")  # her window crashed, or lost the server
    assert _sql(t, "majid", "SELECT team_curate(1)") == "curating"
    assert _gold_holds(t) == [(1, t.logins["majid"], "curating")]
    assert not team_work.renew_hold(t.engine("cora"), 1)  # hers no longer
    assert _gold_holds(t) == [(1, t.logins["majid"], "curating")]


def test_a_finished_document_claimed_again_is_its_persons_again(t: Team) -> None:
    assert _sql(t, "amal", "SELECT team_claim(1)") == "claimed"
    assert _sql(t, "amal", "SELECT team_finish(1)") == "finished"
    assert _sql(t, "amal", "SELECT team_claim_next()") == 2  # finished: the next one
    assert _sql(t, "amal", "SELECT team_claim(1)") == "claimed"  # reopened
    assert _sql(t, "amal", "SELECT team_finish(2)") == "finished"
    assert _sql(t, "amal", "SELECT team_claim_next()") == 1  # back in her work


def test_a_change_of_the_assignments_is_notified(t: Team) -> None:
    listener = Listener(t.engine("amal"))
    try:
        assert listener.drain() == [] and not listener.team_news
        _sql(t, "badr", "SELECT team_claim_next()")  # another person's claim
        ready, _, _ = select.select([listener.fileno()], [], [], 5.0)
        assert ready, "no notification within 5 s"
        assert listener.drain() == [] and listener.team_news  # no change-feed number
    finally:
        listener.close()


def test_the_second_curator_is_told_who_curates(t: Team) -> None:
    cora, majid, amal = (_project(t, person) for person in ("cora", "majid", "amal"))
    try:
        TeamWork(cora).curate(1)
        with pytest.raises(CurationTaken) as taken:
            TeamWork(majid).curate(1)
        assert str(taken.value).startswith(
            f"cora (login {t.logins['cora']}) is curating doc-1.txt now: one curator per "
            "document at a time."
        )
        with pytest.raises(RightsError, match="not a curator"):
            TeamWork(amal).curate(2)
    finally:
        for project in (cora, majid, amal):
            project.close()


def _annotate(t: Team, person: str, doc_id: int, *labels: tuple[str, str]) -> None:
    engine = t.engine(person)
    write = WriteService(Writer(engine))
    annotations = AnnotationService(Repository(engine), write)
    for text, label in labels:
        annotations.create_span(doc_id, person, *word(text), label)


def _gold(t: Team) -> list[tuple[int, str]]:
    with t.admin.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT s.doc_id, s.label FROM spans s JOIN annotators a ON a.id = s.annotator_id "
                "WHERE a.kind = 'gold' ORDER BY s.doc_id, s.start"
            )
        )
        return [(int(d), str(label)) for d, label in rows]


def test_adjudicate_on_the_server_skips_what_another_curator_holds(
    t: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    for person in ("amal", "badr"):
        for doc_id in (1, 2):
            _annotate(t, person, doc_id, ("القوات", "ORG"), ("2005", "TIME"))
    _sql(t, "majid", "SELECT team_curate(2)")
    url = sa.make_url(t.server).set(database=t.name, username=t.logins["cora"])
    with kept_in_memory():
        credentials.remember_password(url, t.passwords["cora"])
        db = ["--db", url.render_as_string(hide_password=False)]
        assert main(["adjudicate", "--annotators", "amal,badr", *db]) == 0
        out, err = capsys.readouterr()
    assert "doc-1.txt: added 2 spans" in out and "doc-2.txt" not in out
    assert f"skipped: majid (login {t.logins['majid']}) is curating doc-2.txt now" in err
    assert _gold(t) == [(1, "ORG"), (1, "TIME")]
    assert _gold_holds(t) == [(2, t.logins["majid"], "curating")]  # cora's hold was let go


def test_an_annotator_cannot_adjudicate_on_the_server(
    t: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    _annotate(t, "amal", 1, ("القوات", "ORG"))
    url = sa.make_url(t.server).set(database=t.name, username=t.logins["amal"])
    with kept_in_memory():
        credentials.remember_password(url, t.passwords["amal"])
        db = ["--db", url.render_as_string(hide_password=False)]
        assert main(["adjudicate", "--annotators", "amal", *db]) == 2
    err = capsys.readouterr().err
    assert "not a curator" in err and "Traceback" not in err
    assert _gold(t) == [] and _gold_holds(t) == []


def test_who_works_on_what_is_a_sentence_when_the_server_refuses(t: Team) -> None:
    amal = _project(t, "amal")
    login = t.logins["amal"]
    try:
        work = TeamWork(amal)
        assert set(work.workload()) == set()  # nobody works on anything yet
        with t.admin.connect() as conn:  # her login is locked out, her connections ended
            conn.execute(sa.text(f'ALTER ROLE "{login}" NOLOGIN'))
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :u"
                ),
                {"u": login},
            )
            conn.commit()
        with pytest.raises(ProjectError, match="^The team server could not say who works on"):
            work.workload()
    finally:
        amal.close()


def _service(t: Team, person: str) -> AnnotationService:
    engine = t.engine(person)
    return AnnotationService(Repository(engine), WriteService(Writer(engine)))


def _insert_gold(t: Team, person: str, doc_id: int, start: int = 0) -> None:
    """One gold span (``start``, 4 code points) by plain SQL, as psql would."""
    with t.engine(person).begin() as conn:
        conn.execute(
            sa.text(
                'INSERT INTO spans (doc_id, annotator_id, start, "end", label, attributes, '
                "created_at) SELECT :d, id, :s, :s + 4, 'ORG', '{}', now() FROM annotators "
                "WHERE kind = 'gold'"
            ),
            {"d": doc_id, "s": start},
        )


def test_only_the_holder_writes_a_held_documents_gold_layer(t: Team) -> None:
    _sql(t, "cora", "SELECT team_curate(1)")  # makes the gold layer too
    start, end = word("القوات")
    with pytest.raises(RightsError) as refused:  # a manager is a curator, not the holder
        _service(t, "majid").create_span(1, "gold", start, end, "ORG")
    assert str(refused.value) == (
        f"cora (login {t.logins['cora']}) is curating document 1: one curator per document at "
        "a time, so nothing was saved. Try again once they leave review mode, or choose "
        "another document."
    )
    with pytest.raises(RightsError, match="^cora"):  # marking it curated, too
        WriteService(Writer(t.engine("majid"))).set_status(1, "gold", Status.DONE, gold=True)
    with pytest.raises(sa.exc.DBAPIError) as raw:  # psql is refused too
        _insert_gold(t, "majid", 1)
    assert getattr(raw.value.orig, "sqlstate", None) == "AN002"
    _sql(t, "majid", "SELECT team_curate(2)")  # a document nobody holds: he holds it first
    _service(t, "majid").create_span(2, "gold", start, end, "ORG")
    _service(t, "cora").create_span(1, "gold", start, end, "ORG")  # the holder
    _age_hold(t, 1, "121 minutes")  # a stale hold no longer counts: he takes it over
    _sql(t, "majid", "SELECT team_curate(1)")
    _insert_gold(t, "majid", 1)
    assert _gold(t) == [(1, "ORG"), (1, "ORG"), (2, "ORG")]


def test_gold_is_written_only_by_a_curator_who_holds_the_document(t: Team) -> None:
    """Issue 20 item 1 of the follow-up: no hold, no gold write (app and psql alike)."""
    _sql(t, "cora", "SELECT team_curate(1)")  # makes the gold layer; doc 2 nobody holds
    start, end = word("القوات")
    with pytest.raises(RightsError) as refused:
        _service(t, "majid").create_span(2, "gold", start, end, "ORG")
    assert str(refused.value) == (
        "On the team's server the gold layer of a document is written only by the curator who "
        "holds it, and you do not hold document 2 now, so nothing was saved. Open it in review "
        "mode (which holds it for you), then edit its gold layer."
    )
    with pytest.raises(RightsError, match="do not hold document 2"):
        WriteService(Writer(t.engine("majid"))).set_status(2, "gold", Status.DONE, gold=True)
    with pytest.raises(sa.exc.DBAPIError) as raw:  # psql is refused too
        _insert_gold(t, "cora", 2)  # holding document 1 is no right on document 2
    assert getattr(raw.value.orig, "sqlstate", None) == "AN003"
    _insert_gold(t, "cora", 1)
    assert _sql(t, "cora", "SELECT team_finish(1, true)") == "finished"
    with pytest.raises(sa.exc.DBAPIError) as done:  # a finished curation is no hold either
        _insert_gold(t, "cora", 1, start=5)
    assert getattr(done.value.orig, "sqlstate", None) == "AN003"
    assert _gold(t) == [(1, "ORG")]
    with t.admin.begin() as conn:  # a manager may still delete a document's rows
        conn.execute(sa.text("UPDATE assignments SET state = 'curating'"))
    with t.engine("majid").begin() as conn:
        deleted = conn.execute(sa.text("DELETE FROM spans WHERE doc_id = 1")).rowcount
    assert deleted == 1 and _gold(t) == []


def test_finishing_ends_one_row_not_every_row_of_the_person(t: Team) -> None:
    """cora annotates document 1 in her own layer and curates it: finishing her claim
    leaves her curation going, and finishing her curation leaves her claim."""
    cora = _project(t, "cora")
    try:
        assert _sql(t, "cora", "SELECT team_claim(1)") == "claimed"
        assert _sql(t, "cora", "SELECT team_curate(1)") == "curating"
        assert TeamWork(cora).finished(1) is True
        assert _gold_holds(t) == [(1, t.logins["cora"], "curating")]
        assert _claims(t) == [(1, "cora", "finished")]
        assert _sql(t, "cora", "SELECT team_claim(1)") == "claimed"  # reopened
        assert TeamWork(cora).finished(1, gold=True) is True
        assert _gold_holds(t) == [(1, t.logins["cora"], "finished")]
        assert _claims(t) == [(1, "cora", "claimed")]
        assert TeamWork(cora).finished(2, gold=True) is False  # holds nothing there
    finally:
        cora.close()
    with pytest.raises(sa.exc.DBAPIError, match="holds no curation of document 1"):
        _sql(t, "amal", "SELECT team_finish(1, true)")


def _claims(t: Team) -> list[tuple[int, str, str]]:
    with t.admin.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT a.doc_id, l.name, a.state FROM assignments a JOIN annotators l "
                "ON l.id = a.annotator_id WHERE l.kind <> 'gold' ORDER BY a.doc_id, l.name"
            )
        )
        return [(int(d), str(n), str(s)) for d, n, s in rows]


def test_adjudicate_finish_agreed_records_the_curation_finished(
    t: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    """Document 1 agreed (marked curated: its hold is finished, as Mark curated does);
    document 2 disagreed (its hold is let go of)."""
    for person in ("amal", "badr"):
        _annotate(t, person, 1, ("القوات", "ORG"), ("2005", "TIME"))
    _annotate(t, "amal", 2, ("القوات", "ORG"))
    _annotate(t, "badr", 2, ("القوات", "GPE"))
    url = sa.make_url(t.server).set(database=t.name, username=t.logins["cora"])
    with kept_in_memory():
        credentials.remember_password(url, t.passwords["cora"])
        db = ["--db", url.render_as_string(hide_password=False)]
        assert main(["adjudicate", "--annotators", "amal,badr", "--finish-agreed", *db]) == 0
    out = capsys.readouterr().out
    assert "doc-1.txt" in out
    assert _gold_holds(t) == [(1, t.logins["cora"], "finished")]
    with t.admin.connect() as conn:
        status = conn.execute(
            sa.text(
                "SELECT s.doc_id, s.status FROM document_status s JOIN annotators a "
                "ON a.id = s.annotator_id WHERE a.kind = 'gold' ORDER BY s.doc_id"
            )
        ).all()
    assert [(int(d), str(st)) for d, st in status][0] == (1, "done")


def test_a_claim_done_whose_finish_was_lost_is_finished_by_the_next_claim(t: Team) -> None:
    """Mark done commits the status, then finishes the claim in a second transaction: if the
    server went away between the two, the next claim finishes it instead of giving it back."""
    assert _sql(t, "amal", "SELECT team_claim_next()") == 1
    WriteService(Writer(t.engine("amal"))).set_status(1, "amal", Status.DONE)  # no finish
    assert _sql(t, "amal", "SELECT team_claim_next()") == 2  # not document 1 again
    with t.admin.connect() as conn:
        states = conn.execute(
            sa.text("SELECT doc_id, state FROM assignments ORDER BY doc_id")
        ).all()
    assert [tuple(r) for r in states] == [(1, "finished"), (2, "claimed")]
