"""Rights enforced by the database (issue 20, item 2; ADR 0024), through raw SQL: each person
logs in with their own password, as a desktop client would, and tries what a person with the
credentials could type into psql. Every refusal must be PostgreSQL's own (42501).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg.errors
import pytest
import sqlalchemy as sa

from tests.teamdb import Team, team_database, word

SPAN = (
    'INSERT INTO spans (doc_id, annotator_id, start, "end", label, attributes, created_at) '
    "VALUES (1, :layer, :start, :end, :label, '{}', now())"
)
# RETURNING would make the read policy refuse too: the refusals below are the write policy's


@pytest.fixture
def t(pg_server: str, pg_admin: sa.Engine) -> Iterator[Team]:
    with team_database(pg_server, pg_admin) as made:
        yield made


def _run(engine: sa.Engine, sql: str, **params: Any) -> Any:
    with engine.begin() as conn:
        result = conn.execute(sa.text(sql), params)
        return result.fetchall() if result.returns_rows else result.rowcount


def _refused(engine: sa.Engine, sql: str, **params: Any) -> str:
    """Run ``sql``; it must be refused by PostgreSQL with insufficient_privilege."""
    with pytest.raises(sa.exc.DBAPIError) as refused:
        _run(engine, sql, **params)
    assert isinstance(refused.value.orig, psycopg.errors.InsufficientPrivilege), refused.value
    return str(refused.value.orig)


def _span(t: Team, person: str, w: str, label: str = "GPE", by: str | None = None) -> int:
    start, end = word(w)
    sql, layer = SPAN + " RETURNING id", t.layer_id(person)
    rows = _run(t.engine(by or person), sql, layer=layer, start=start, end=end, label=label)
    return int(rows[0][0])


def _count(t: Team, table: str, where: str = "true") -> int:
    with t.admin.connect() as conn:
        return int(conn.execute(sa.text(f"SELECT count(*) FROM {table} WHERE {where}")).scalar())


def test_an_annotator_writes_and_reads_their_own_layer(t: Team) -> None:
    span = _span(t, "amal", "المدينة\u200cالقديمة")
    assert _run(t.engine("amal"), "SELECT id, label FROM spans") == [(span, "GPE")]
    assert _run(t.engine("amal"), "UPDATE spans SET label = 'LOC' WHERE id = :i", i=span) == 1
    assert _run(t.engine("amal"), "DELETE FROM spans WHERE id = :i", i=span) == 1


def test_an_annotator_cannot_insert_into_another_persons_layer(t: Team) -> None:
    start, end = word("القوات")
    message = _refused(t.engine("amal"), SPAN, layer=t.layer_id("badr"), start=start, end=end,
                       label="ORG")  # fmt: skip
    assert 'row-level security policy for table "spans"' in message
    assert _count(t, "spans") == 0


def test_an_annotator_can_neither_read_update_nor_delete_another_persons_layer(t: Team) -> None:
    theirs = _span(t, "badr", "القوات", "ORG")
    amal = t.engine("amal")
    assert _run(amal, "SELECT id FROM spans") == []
    assert _run(amal, "SELECT count(*) FROM spans WHERE id = :i", i=theirs) == [(0,)]
    # the rows are invisible to her, so her UPDATE and DELETE reach none of them
    assert _run(amal, "UPDATE spans SET label = 'PER' WHERE id = :i", i=theirs) == 0
    assert _run(amal, "DELETE FROM spans WHERE id = :i", i=theirs) == 0
    assert _count(t, "spans", f"id = {theirs} AND label = 'ORG'") == 1
    # and she cannot move a span of hers into his layer either
    mine = _span(t, "amal", "🔥", "WEA")
    message = _refused(amal, "UPDATE spans SET annotator_id = :b WHERE id = :i",
                       b=t.layer_id("badr"), i=mine)  # fmt: skip
    assert "row-level security" in message


def test_when_the_project_allows_it_annotators_read_but_never_write_others_layers(t: Team) -> None:
    theirs = _span(t, "badr", "ACE", "ORG")
    _refused(t.engine("amal"), "INSERT INTO project_meta VALUES ('team/others_layers', 'readable')")
    _run(t.engine("majid"), "INSERT INTO project_meta VALUES ('team/others_layers', 'readable')")
    amal = t.engine("amal")
    assert _run(amal, "SELECT id FROM spans") == [(theirs,)]
    assert _run(amal, "UPDATE spans SET label = 'PER' WHERE id = :i", i=theirs) == 0
    assert _run(amal, "DELETE FROM spans WHERE id = :i", i=theirs) == 0
    assert _count(t, "spans", f"id = {theirs} AND label = 'ORG'") == 1


def test_an_annotator_cannot_write_gold_and_a_curator_can(t: Team) -> None:
    with t.admin.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO annotators (name, kind, uid, created_at) VALUES ('gold', 'gold', "
            "'00000000000000000000000000000001', now())"
        ))  # fmt: skip
    start, end = word("2005")
    _refused(t.engine("amal"), SPAN, layer=t.layer_id("gold"), start=start, end=end, label="TIME")
    assert _count(t, "spans") == 0
    _run(t.engine("cora"), "SELECT team_curate(1)")  # gold is written under a hold
    _span(t, "gold", "2005", "TIME", by="cora")
    assert _count(t, "spans", f"annotator_id = {t.layer_id('gold')}") == 1
    # the curator reads every layer; the annotator still sees no gold
    _span(t, "amal", "أمس", "TIME")
    assert len(_run(t.engine("cora"), "SELECT id FROM spans")) == 2
    assert len(_run(t.engine("amal"), "SELECT id FROM spans")) == 1


def test_only_a_manager_changes_the_schema(t: Team) -> None:
    for person in ("amal", "cora"):
        message = _refused(t.engine(person), "UPDATE annotation_schema SET body = '{}'")
        assert "permission denied for table annotation_schema" in message
    assert _run(t.engine("majid"), "UPDATE annotation_schema SET body = body") == 1


def test_annotators_cannot_change_documents_people_or_the_database_structure(t: Team) -> None:
    amal = t.engine("amal")
    _refused(amal, "DELETE FROM documents")
    _refused(amal, "UPDATE annotators SET login_role = NULL")
    _refused(amal, "CREATE TABLE public.mine (id integer)")
    # no temporary objects either, which could shadow a table in a function's search path
    _refused(amal, "CREATE TEMP TABLE spans (id integer)")
    _refused(amal, "ALTER TABLE spans DISABLE ROW LEVEL SECURITY")
    assert _count(t, "documents") == 1


def test_only_a_manager_assigns_documents(t: Team) -> None:
    assign = "INSERT INTO assignments VALUES (1, :layer, :login, 'assigned', :login, now())"
    params = {"layer": t.layer_id("amal"), "login": t.logins["amal"]}
    _refused(t.engine("amal"), assign, **params)
    _refused(t.engine("cora"), assign, **params)
    assert _run(t.engine("majid"), assign, **params) == 1


def test_each_person_logs_only_their_own_layers_changes_and_reads_only_those(t: Team) -> None:
    log = (
        "INSERT INTO change_log (seq, session, origin, doc_id, annotator, description, at) "
        "VALUES (7, 's', 'user', 1, :who, 'Tag GPE', now())"
    )
    assert _run(t.engine("badr"), log, who="badr") == 1
    _refused(t.engine("amal"), log, who="badr")
    # she reads the document's arrival (no layer) but not his change
    seen = "SELECT seq, annotator FROM change_log ORDER BY seq"
    assert _run(t.engine("amal"), seen) == [(1, None)]
    assert _run(t.engine("badr"), seen) == [(1, None), (7, "badr")]
    # what changed, without which layer or how: seq and document only
    assert _run(t.engine("amal"), "SELECT * FROM team_changes_since(0)") == [(1, 1), (7, 1)]


def test_the_change_feed_only_counts_up(t: Team) -> None:
    amal = t.engine("amal")
    assert _run(amal, "UPDATE change_feed SET seq = seq + 1 WHERE id = 1") == 1
    message = _refused(amal, "UPDATE change_feed SET seq = 0 WHERE id = 1")
    assert "only counts up" in message


def test_notes_follow_their_layer(t: Team) -> None:
    note = "INSERT INTO project_meta VALUES (:k, 'ملاحظة\u00a0🔥')"
    assert _run(t.engine("amal"), note, k="note/document/1/amal") == 1
    _refused(t.engine("amal"), note, k="note/document/1/badr")
    assert _run(t.engine("badr"), "SELECT key FROM project_meta WHERE key LIKE 'note/%'") == []


def test_state_functions_check_the_login_and_run_as_the_owner(t: Team) -> None:
    amal, badr = t.engine("amal"), t.engine("badr")
    assert _run(amal, "SELECT team_claim(1)") == [("claimed",)]
    with pytest.raises(sa.exc.DBAPIError) as full:  # one person per document by default
        _run(badr, "SELECT team_claim(1)")
    assert getattr(full.value.orig, "sqlstate", None) == "AN001"
    assert _run(amal, "SELECT team_finish(1)") == [("finished",)]
    _refused(badr, "SELECT team_finish(1)")
    _refused(amal, "SELECT team_curate(1)")
    assert _run(t.engine("cora"), "SELECT team_curate(1)") == [("curating",)]
    with pytest.raises(sa.exc.DBAPIError) as taken:  # one curator per document at a time
        _run(t.engine("majid"), "SELECT team_curate(1)")
    assert getattr(taken.value.orig, "sqlstate", None) == "AN002"
    states = _run(t.admin, "SELECT login_role, state FROM assignments ORDER BY state")
    assert states == [(t.logins["cora"], "curating"), (t.logins["amal"], "finished")]


def test_the_set_up_holds_what_the_adr_says(t: Team) -> None:
    with t.admin.connect() as conn:
        owner = f"{t.name}_owner"
        tables = conn.execute(sa.text(
            "SELECT c.relname, pg_get_userbyid(c.relowner), c.relrowsecurity, "
            "c.relforcerowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r'"
        )).fetchall()  # fmt: skip
        assert len(tables) == 15
        assert {(o, r, f) for _, o, r, f in tables} == {(owner, True, True)}
        assert (
            conn.execute(
                sa.text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :o"), {"o": owner}
            ).scalar()
            is False
        )
        definers = conn.execute(sa.text(
            "SELECT proname, proconfig FROM pg_proc WHERE prosecdef "
            "AND pronamespace = 'public'::regnamespace ORDER BY proname"
        )).fetchall()  # fmt: skip
        assert [p for p, _ in definers] == [
            "team_changes_since", "team_claim", "team_claim_next", "team_curate", "team_finish",
            "team_leave_curation",
        ]  # fmt: skip
        assert {tuple(c) for _, c in definers} == {("search_path=pg_catalog, public, pg_temp",)}
        verifier = conn.execute(
            sa.text("SELECT rolpassword FROM pg_authid WHERE rolname = :r"),
            {"r": t.logins["amal"]},
        ).scalar()
        assert verifier.startswith("SCRAM-SHA-256$") and t.passwords["amal"] not in verifier


def test_a_login_needs_its_password(t: Team) -> None:
    wrong = sa.create_engine(
        t.url(t.logins["amal"], "not the password"), poolclass=sa.pool.NullPool
    )
    with pytest.raises(sa.exc.OperationalError, match="password authentication failed"):
        wrong.connect()
    wrong.dispose()
