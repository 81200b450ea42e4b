"""A team database on the run's PostgreSQL server, with real people (issue 20, item 2).

:func:`team_database` creates a database, runs ``annotator team``'s set-up on it as the
superuser, adds four people with passwords (two annotators, a curator, a manager), stores
one document through the write service, and yields engines that log in as each person
with their password (scram-sha-256 over the cluster's socket: tests/pgcluster.py's
pg_hba asks every login but the superuser for a password). Roles are cluster-wide, so
the database and every role it made are dropped afterwards.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import keyring
import keyring.backend
import sqlalchemy as sa

from annotator.services.write import WriteService
from annotator.services.write.requests import NewDocument
from annotator.store import team
from annotator.store.engine import make_engine
from annotator.store.writer import Writer

# emoji, NBSP, ZWNJ, tatweel, diacritics, Latin and digits
TEXT = "شنّت القوات هجـوماً\u00a0على المدينة\u200cالقديمة 🔥 أمس، ACE 2005."
PEOPLE = (
    ("amal", "annotator"),
    ("badr", "annotator"),
    ("cora", "curator"),
    ("majid", "manager"),
)


def word(w: str) -> tuple[int, int]:
    """The code-point offsets of ``w`` in :data:`TEXT`."""
    start = TEXT.index(w)
    return start, start + len(w)


@dataclass
class Team:
    """A team database: its name, the superuser's engine, and one engine per person."""

    name: str
    server: str
    admin: sa.Engine
    logins: dict[str, str] = field(default_factory=dict)  # layer name -> login
    passwords: dict[str, str] = field(default_factory=dict)  # layer name -> password
    engines: dict[str, sa.Engine] = field(default_factory=dict)

    def url(self, login: str, password: str) -> sa.URL:
        """A password login's URL on this database, over the cluster's socket."""
        return sa.make_url(self.server).set(username=login, password=password, database=self.name)

    def engine(self, person: str) -> sa.Engine:
        """The engine of ``person``'s own login (made once)."""
        if person not in self.engines:
            self.engines[person] = make_engine(
                self.url(self.logins[person], self.passwords[person])
            )
        return self.engines[person]

    def layer_id(self, person: str) -> int:
        """The id of ``person``'s layer."""
        with self.admin.connect() as conn:
            return int(
                conn.execute(
                    sa.text("SELECT id FROM annotators WHERE name = :n"), {"n": person}
                ).scalar_one()
            )


def _drop_roles(admin: sa.Engine, names: list[str]) -> None:
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{name}"'))


@contextmanager
def bare_database(pg_admin: sa.Engine, logins: list[str]) -> Iterator[str]:
    """A new, empty database's name; afterwards it, its team roles and ``logins`` (which the
    test may add to) are dropped."""
    name = f"tr_{uuid.uuid4().hex[:10]}"
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield name
    finally:
        with pg_admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        roles = team.TeamRoles(name)
        _drop_roles(pg_admin, [*logins, *roles.groups, roles.owner])


@contextmanager
def team_database(server: str, pg_admin: sa.Engine) -> Iterator[Team]:
    """A fresh team database with :data:`PEOPLE` and one document (see the module)."""
    name = f"tr_{uuid.uuid4().hex[:10]}"
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin = make_engine(sa.make_url(server).set(database=name))
    made: list[str] = []
    t = Team(name, server, admin)
    try:
        roles = team.set_up(admin)
        made += [*roles.groups, roles.owner]
        for person, group in PEOPLE:
            login, password = f"{name}_{person}", f"pw {person} ‹{uuid.uuid4().hex[:6]}›"
            team.add_person(admin, person, login, group, password)
            made.insert(0, login)
            t.logins[person], t.passwords[person] = login, password
        sha = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
        WriteService(Writer(admin)).add_documents([NewDocument("doc-1.txt", TEXT, sha)])
        yield t
    finally:
        for engine in t.engines.values():
            engine.dispose()
        admin.dispose()
        with pg_admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        _drop_roles(pg_admin, made)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring backend that keeps passwords in this process only (keyring's plug-in API)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.kept.pop((service, username), None)


@contextmanager
def kept_in_memory() -> Iterator[MemoryKeyring]:
    """A :class:`MemoryKeyring` as this process's keyring while the block runs."""
    before = keyring.get_keyring()
    kept = MemoryKeyring()
    keyring.set_keyring(kept)
    yield kept
    keyring.set_keyring(before)
