"""``annotator team init|add-person|assign|status`` against a real server (issue 20, item 2):
clear sentences and exit codes, passwords from stdin or the keyring and never from argv, and
the server's refusal of a non-manager's assignment said in words.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import keyring
import pytest
import sqlalchemy as sa

from annotator.__main__ import main
from annotator.cli import EXIT_OK, EXIT_REFUSED
from annotator.services import credentials
from annotator.services import team as team_service
from annotator.services.write import WriteService
from annotator.services.write.requests import NewDocument
from annotator.store.writer import Writer
from tests.teamdb import TEXT, MemoryKeyring, bare_database, kept_in_memory


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with kept_in_memory() as kept:
        yield kept


@pytest.fixture
def db(pg_admin: sa.Engine) -> Iterator[tuple[str, list[str]]]:
    logins: list[str] = []
    with bare_database(pg_admin, logins) as name:
        yield name, logins


def _url(server: str, db: str, user: str | None = None) -> str:
    url = sa.make_url(server).set(database=db)
    if user is not None:
        url = url.set(username=user)
    return url.render_as_string(hide_password=False)


def _team(args: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["team", *args])


def _setup(server: str, db: str, logins: list[str], mp: pytest.MonkeyPatch) -> dict[str, str]:
    admin = _url(server, db)
    assert _team(["init", "--db", admin], mp) == EXIT_OK
    passwords = {}
    for person, role in (("amal", "annotator"), ("majid", "manager")):
        login, password = f"{db}_{person}", f"كلمة {person} 🔑"
        logins.append(login)
        code = _team(
            ["add-person", person, "--login", login, "--role", role, "--db", admin],
            mp,
            password + "\n",
        )
        assert code == EXIT_OK
        passwords[person] = password
    engine = sa.create_engine(sa.make_url(admin), poolclass=sa.pool.NullPool)
    sha = __import__("hashlib").sha256(TEXT.encode()).hexdigest()
    WriteService(Writer(engine)).add_documents([NewDocument("خبر 1.txt", TEXT, sha)])
    engine.dispose()
    return passwords


def _keep(kept: MemoryKeyring, server: str, db: str, login: str, password: str) -> None:
    kept.set_password(
        credentials.SERVICE, credentials._entry(sa.make_url(_url(server, db, login))), password
    )


def test_init_add_person_assign_and_status(
    pg_server: str,
    db: tuple[str, list[str]],
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name, logins = db
    passwords = _setup(pg_server, name, logins, monkeypatch)
    out = capsys.readouterr().out
    assert f"The team database {name} is ready" in out
    assert f"Added amal as annotator, logging in as {name}_amal." in out
    # the person logs in with the password typed on stdin
    engine = sa.create_engine(
        sa.make_url(_url(pg_server, name, f"{name}_amal")).set(password=passwords["amal"]),
        poolclass=sa.pool.NullPool,
    )
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT current_user")).scalar() == f"{name}_amal"
    engine.dispose()
    # the manager's password comes from the keyring
    _keep(memory_keyring, pg_server, name, f"{name}_majid", passwords["majid"])
    manager = _url(pg_server, name, f"{name}_majid")
    assert _team(["assign", "خبر 1.txt", "amal", "--db", manager], monkeypatch) == EXIT_OK
    assert capsys.readouterr().out == f"Assigned خبر 1.txt to amal ({name}_amal).\n"
    assert _team(["status", "--db", manager], monkeypatch) == EXIT_OK
    assert capsys.readouterr().out.splitlines() == [
        "People:",
        f"  amal  annotator  (login {name}_amal)",
        f"  majid  manager  (login {name}_majid)",
        "Work:",
        "  خبر 1.txt (#1)  amal  assigned",
    ]


def test_an_annotator_cannot_assign_and_is_told_why(
    pg_server: str,
    db: tuple[str, list[str]],
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name, logins = db
    passwords = _setup(pg_server, name, logins, monkeypatch)
    capsys.readouterr()
    _keep(memory_keyring, pg_server, name, f"{name}_amal", passwords["amal"])
    amal = _url(pg_server, name, f"{name}_amal")
    assert _team(["assign", "1", "amal", "--db", amal], monkeypatch) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err == (
        "error: Only a manager may assign documents on the team's server, so nothing was saved.\n"
    )


def test_a_login_without_a_password_at_hand_is_refused_in_words(
    pg_server: str,
    db: tuple[str, list[str]],
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name, logins = db
    _setup(pg_server, name, logins, monkeypatch)
    capsys.readouterr()
    code = _team(["status", "--db", _url(pg_server, name, f"{name}_amal")], monkeypatch)
    assert code == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err.startswith(f"error: The team server refused the login {name}_amal on ")
    assert "Traceback" not in err


def test_a_password_that_worked_is_kept_in_the_keyring_and_a_refused_one_forgotten(
    pg_server: str,
    db: tuple[str, list[str]],
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name, logins = db
    passwords = _setup(pg_server, name, logins, monkeypatch)
    url = _url(pg_server, name, f"{name}_amal")
    team_service.connect(url, lambda _prompt: passwords["amal"]).dispose()
    assert list(memory_keyring.kept.values()) == [passwords["amal"]]
    team_service.connect(url, lambda _prompt: None).dispose()  # from the keyring, not asked
    _keep(memory_keyring, pg_server, name, f"{name}_amal", "an old password")
    team_service.connect(url, lambda _prompt: passwords["amal"]).dispose()
    assert list(memory_keyring.kept.values()) == [passwords["amal"]]


def test_without_a_keyring_nothing_is_kept(
    pg_server: str, db: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        name, logins = db
        passwords = _setup(pg_server, name, logins, monkeypatch)
        url = sa.make_url(_url(pg_server, name, f"{name}_amal"))
        assert not credentials.has_keyring()
        assert credentials.remember_password(url, passwords["amal"]) is False
        assert credentials.stored_password(url) is None
    finally:
        keyring.set_keyring(before)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["status", "--db", "project.sqlite"], "is not a team server's URL"),
        (["status", "--db", "postgresql+psycopg://u:secret@/db"], "The URL holds a password"),
    ],
)
def test_a_bad_server_url_is_refused_in_words(
    args: list[str], says: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _team(args, monkeypatch) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err.startswith("error: ") and says in err


def test_a_password_is_never_taken_from_the_command_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "add-person",
        "amal",
        "--role",
        "annotator",
        "--password",
        "x",
        "--db",
        "postgresql://u@/d",
    ]
    with pytest.raises(SystemExit) as usage:
        _team(args, monkeypatch)
    assert usage.value.code == EXIT_REFUSED
    assert "unrecognized arguments: --password" in capsys.readouterr().err


def test_a_superuser_cannot_become_a_persons_login(
    pg_server: str,
    db: tuple[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name, _logins = db
    admin = _url(pg_server, name)
    assert _team(["init", "--db", admin], monkeypatch) == EXIT_OK
    args = ["add-person", "postgres", "--role", "annotator", "--db", admin]
    assert _team(args, monkeypatch, "whatever\n") == EXIT_REFUSED
    assert "postgres exists already and is a superuser" in capsys.readouterr().err


def test_the_databases_owner_with_createrole_sets_up_a_team(
    pg_server: str,
    pg_admin: sa.Engine,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lead, password = "team_lead_" + __import__("uuid").uuid4().hex[:8], "lead ‹🔑›"
    logins = [lead]
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f"CREATE ROLE {lead} LOGIN CREATEROLE PASSWORD '{password}'"))
    try:
        with bare_database(pg_admin, logins) as name:
            with pg_admin.connect() as conn:
                conn.execute(sa.text(f'ALTER DATABASE "{name}" OWNER TO {lead}'))
            _keep(memory_keyring, pg_server, name, lead, password)
            url = _url(pg_server, name, lead)
            assert _team(["init", "--db", url], monkeypatch) == EXIT_OK
            logins.append(f"{name}_amal")
            args = ["add-person", "amal", "--login", f"{name}_amal", "--role", "annotator"]
            assert _team([*args, "--db", url], monkeypatch, "amal's\n") == EXIT_OK
            assert _team(["status", "--db", url], monkeypatch) == EXIT_OK
            assert f"  amal  annotator  (login {name}_amal)" in capsys.readouterr().out
    finally:
        with pg_admin.connect() as conn:
            conn.execute(sa.text(f"DROP ROLE IF EXISTS {lead}"))


def test_an_annotator_cannot_set_up_the_team_and_is_told_so(
    pg_server: str,
    db: tuple[str, list[str]],
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name, logins = db
    passwords = _setup(pg_server, name, logins, monkeypatch)
    capsys.readouterr()
    _keep(memory_keyring, pg_server, name, f"{name}_amal", passwords["amal"])
    amal = _url(pg_server, name, f"{name}_amal")
    assert _team(["init", "--db", amal], monkeypatch) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    assert err == (
        "error: Only a superuser, or the database's owner with CREATEROLE, may set up a team "
        f"database; {name}_amal is neither, so nothing was changed.\n"
    )
    args = ["add-person", "zaid", "--login", f"{name}_zaid", "--role", "manager", "--db", amal]
    assert _team(args, monkeypatch, "pw\n") == EXIT_REFUSED
    assert "may add people" in capsys.readouterr().err


def test_an_annotator_claims_the_next_document_and_then_none_is_left(
    pg_server: str,
    db: tuple[str, list[str]],
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name, logins = db
    passwords = _setup(pg_server, name, logins, monkeypatch)
    capsys.readouterr()
    _keep(memory_keyring, pg_server, name, f"{name}_amal", passwords["amal"])
    amal = _url(pg_server, name, f"{name}_amal")
    assert _team(["claim", "--db", amal], monkeypatch) == EXIT_OK
    claimed = "Claimed خبر 1.txt (document 1): it is yours until you finish it.\n"
    assert capsys.readouterr().out == claimed
    assert _team(["claim", "--db", amal], monkeypatch) == EXIT_OK  # not finished: the same
    assert capsys.readouterr().out == claimed
    engine = sa.create_engine(
        sa.make_url(amal).set(password=passwords["amal"]), poolclass=sa.pool.NullPool
    )
    with engine.begin() as conn:
        conn.execute(sa.text("SELECT team_finish(1)"))
    engine.dispose()
    assert _team(["claim", "--db", amal], monkeypatch) == EXIT_OK
    assert capsys.readouterr().out == (
        "Every document has its number of people; none is left to claim.\n"
    )
