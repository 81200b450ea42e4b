"""Team mode's people and assignments: what ``annotator team`` does (and, later, the window).

Every step connects to the team's PostgreSQL server with the login in the URL, and
the server decides what that login may do (ADR 0024): this module only turns its
answers and refusals into sentences. Passwords are never taken from the command
line nor written to a file: the login's password comes from the URL's environment
(libpq: ``~/.pgpass``, peer or trust), else from the system keyring
(:mod:`annotator.services.credentials`), else from a prompt; a new person's password
is read by :func:`annotator.services.credentials.read_new_password`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from annotator.core.errors import ProjectError, RightsError
from annotator.services import credentials
from annotator.store import team
from annotator.store.engine import make_engine
from annotator.store.team_errors import refused_right
from annotator.store.team_sql import GROUPS, ROLE_NAME_LIMIT

LOGIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")
Ask = Callable[[str], str | None]  # asks for a password with this prompt; None: cannot ask


def server_url(raw: str) -> sa.URL:
    """The PostgreSQL URL given as ``--db``; anything else is refused with a sentence."""
    try:
        url = sa.make_url(raw)
    except sa.exc.ArgumentError:
        url = None
    if url is None or url.get_backend_name() != "postgresql" or not url.database:
        raise ProjectError(
            f"{raw!r} is not a team server's URL. Team commands work on a PostgreSQL server: "
            "give --db postgresql+psycopg://USER@HOST:PORT/DATABASE."
        )
    if url.password is not None:
        raise ProjectError(
            "The URL holds a password, which would stay in your shell's history and in the "
            "process list. Leave it out: the password is asked for, or taken from the "
            "system keyring or ~/.pgpass."
        )
    return url.set(drivername="postgresql+psycopg")


def _where(url: sa.URL) -> str:
    return f"{url.username or 'your login'} on {url.host or 'the local socket'}/{url.database}"


def _needs_password(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "password" in text and ("no password supplied" in text or "authentication" in text)


def connect(raw: str, ask: Ask) -> sa.Engine:
    """An engine logged in to the team database at ``raw`` (see the module for the password).

    A password that worked is kept in the system keyring (when there is one); a
    stored password the server refuses is forgotten.
    """
    url = server_url(raw)
    tries: list[tuple[str | None, str]] = [(None, "")]
    stored = credentials.stored_password(url)
    if stored is not None:
        tries.append((stored, "keyring"))
    tries.append((None, "ask"))
    last: OperationalError | None = None
    for password, source in tries:
        if source == "ask":
            password = ask(f"Password for {_where(url)}: ")
            if password is None:
                break
        engine = make_engine(url.set(password=password))
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except OperationalError as exc:
            engine.dispose()
            if not _needs_password(exc):
                raise ProjectError(
                    f"The team server cannot be reached as {_where(url)}: "
                    f"{str(exc.orig).strip().splitlines()[-1]}"
                ) from None
            last = exc
            if source == "keyring":
                credentials.forget_password(url)
            continue
        if source == "ask" and password:
            credentials.remember_password(url, password)
        return engine
    detail = str(last.orig).strip().splitlines()[-1] if last is not None else ""
    raise ProjectError(
        f"The team server refused the login {_where(url)} ({detail}). Check the user name "
        "and the password."
    )


def _refusal(exc: DBAPIError, what: str) -> RightsError | ProjectError:
    known = refused_right(exc)
    if known is not None:
        return known
    return ProjectError(f"The team server refused to {what}: {str(exc.orig).splitlines()[0]}")


@dataclass(frozen=True)
class InitDone:
    """What ``team init`` made: the database and its roles."""

    database: str
    owner: str
    groups: tuple[str, ...]


def _refuse_unless_admin(engine: sa.Engine, what: str) -> None:
    if not team.may_set_up(engine):
        raise RightsError(
            f"Only a superuser, or the database's owner with CREATEROLE, may {what}; "
            f"{engine.url.username} is neither, so nothing was changed."
        )


def init(engine: sa.Engine) -> InitDone:
    """Set up the team database (tables, roles, rights); idempotent."""
    _refuse_unless_admin(engine, "set up a team database")
    database = str(engine.url.database)
    roles = team.TeamRoles(database)
    if len(f"{database}_annotator".encode()) > ROLE_NAME_LIMIT:
        raise ProjectError(
            f"The database name {database!r} is too long for its role names "
            f"({database}_annotator would pass PostgreSQL's {ROLE_NAME_LIMIT} bytes)."
        )
    try:
        team.set_up(engine)
    except DBAPIError as exc:
        raise _refusal(exc, "set up the team database (log in as a superuser or as the "
                       "database's owner with CREATEROLE)") from None  # fmt: skip
    return InitDone(database, roles.owner, roles.groups)


def login_for(name: str, login: str | None) -> str:
    """The login role for the person ``name``: ``login`` if given, else the name itself."""
    chosen = login or name
    if not LOGIN_NAME.fullmatch(chosen) or len(chosen) > ROLE_NAME_LIMIT:
        raise ProjectError(
            f"{chosen!r} cannot be a login name: use lower-case Latin letters, digits and _ "
            f"(at most {ROLE_NAME_LIMIT}), starting with a letter"
            + ("" if login else "; give one with --login")
            + "."
        )
    return chosen


def add_person(engine: sa.Engine, name: str, group: str, login: str, password: str) -> str:
    """Create the person's login and layer; returns a sentence saying what was done."""
    if group not in GROUPS:
        raise ProjectError(f"{group!r} is not a role; choose one of {', '.join(GROUPS)}.")
    _refuse_unless_admin(engine, "add people")
    try:
        done = team.add_person(engine, name, login, group, password)
    except team.LoginRefused as exc:
        raise ProjectError(str(exc)) from None
    except IntegrityError:
        raise ProjectError(
            f"The login {login} already has a layer in this project; nothing was changed."
        ) from None
    except DBAPIError as exc:
        raise _refusal(exc, "add the person") from None
    kept = "" if done.new_login else " (the login existed already; its password is unchanged)"
    return f"Added {name} as {group}, logging in as {login}{kept}."


def assign(engine: sa.Engine, document: str, person: str) -> str:
    """Assign the document named (or numbered) ``document`` to ``person`` (a layer or login)."""
    try:
        found = team.find_assignee(engine, document, person)
        team.assign(engine, found.doc_id, found.login, str(engine.url.username or ""))
    except team.NotFound as exc:
        raise ProjectError(str(exc)) from None
    except IntegrityError:
        raise ProjectError(
            f"{person} already works on {document}; the assignment was left as it is."
        ) from None
    except DBAPIError as exc:
        raise _refusal(exc, "record the assignment") from None
    return f"Assigned {found.document} to {found.layer} ({found.login})."


def claim_next(engine: sa.Engine) -> str:
    """Claim the next document that needs this login's person; what happened, as a sentence."""
    try:
        claimed = team.claim_next(engine)
    except DBAPIError as exc:
        raise _refusal(exc, "give you a document") from None
    if claimed is None:
        return "Every document has its number of people; none is left to claim."
    doc_id, name = claimed
    return f"Claimed {name} (document {doc_id}): it is yours until you finish it."


def status_lines(engine: sa.Engine) -> list[str]:
    """The people with their roles, then who works on which document and in which state."""
    people, work = team.team_state(engine)
    lines = ["People:"] + [
        f"  {p.layer}  {p.group or 'no role'}  (login {p.login})" for p in people
    ]
    if not people:
        lines.append("  nobody yet: add people with 'annotator team add-person'")
    lines.append("Work:")
    lines += [f"  {w.document} (#{w.doc_id})  {w.layer}  {w.state}" for w in work]
    if not work:
        lines.append("  no document is assigned or claimed yet")
    return lines
