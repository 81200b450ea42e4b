"""Team mode's set-up on a PostgreSQL server: roles, people, assignments (ADR 0024).

The SQL lives in :mod:`.team_sql`, :mod:`.team_functions` and :mod:`.team_policies`; this
module runs it.
Each function takes an engine on the team database, logged in as the role the
step needs: :func:`set_up` and :func:`add_person` a superuser or the database's
owner login with CREATEROLE, :func:`assign` a manager (the policies refuse
anybody else), :func:`team_state` anybody.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from annotator.store.engine import migrate
from annotator.store.models import AnnotatorRow, AssignmentRow, DocumentRow, new_uid
from annotator.store.team_errors import refuse_outdated
from annotator.store.team_policies import rights_statements
from annotator.store.team_sql import (
    GROUPS,
    SETUP_VERSION,
    SETUP_VERSION_KEY,
    TeamRoles,
    ident,
    literal,
    role_statements,
)


def _run(conn: Connection, statements: list[str]) -> None:
    """Run ``statements`` as they are: with no parameters, the driver leaves ``%`` alone."""
    cursor = conn.connection.cursor()
    try:
        for sql in statements:
            try:
                cursor.execute(sql)
            except conn.dialect.loaded_dbapi.Error as exc:
                # wrapped as SQLAlchemy wraps its own statements' errors, for the callers
                raise DBAPIError.instance(sql, None, exc, conn.dialect.loaded_dbapi.Error) from exc
    finally:
        cursor.close()


def may_set_up(engine: Engine) -> bool:
    """Whether the login is a superuser, or owns the database and may create roles."""
    with engine.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT r.rolsuper OR (r.rolcreaterole AND d.datdba = r.oid) "
                    "FROM pg_roles r, pg_database d "
                    "WHERE r.rolname = current_user AND d.datname = current_database()"
                )
            ).scalar()
        )


class LoginRefused(Exception):
    """An existing role that must not become a person's login (a superuser, a team role)."""


class NotFound(Exception):
    """No document or person by the name given."""


def roles_of(engine: Engine) -> TeamRoles:
    """The team roles of the database ``engine`` opens."""
    return TeamRoles(str(engine.url.database))


def _existing_roles(conn: Connection, names: tuple[str, ...]) -> set[str]:
    rows = conn.execute(
        text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"), {"names": list(names)}
    )
    return {str(r) for r in rows.scalars()}


def set_up(engine: Engine, create_tables: bool = True) -> TeamRoles:
    """Create the roles that are missing, the tables (if asked) and every right; idempotent.

    The connecting role becomes a member of the owner role (so that it may give the
    tables to it and create the functions as it), unless it is a superuser.
    """
    roles = roles_of(engine)
    with engine.begin() as conn:
        existing = _existing_roles(conn, (roles.owner, *roles.groups))
        _run(conn, role_statements(roles, existing))
        superuser = text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not conn.execute(superuser).scalar():
            conn.exec_driver_sql(f"GRANT {ident(roles.owner)} TO current_user")
    if create_tables:
        migrate(engine)  # a new database gets the newest tables at once (engine._create_at_head)
    with engine.begin() as conn:
        _run(conn, rights_statements(roles, roles.database))
        conn.execute(  # last, in the same transaction: the version says every step ran
            text(
                "INSERT INTO project_meta (key, value) VALUES (:k, :v) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
            ),
            {"k": SETUP_VERSION_KEY, "v": str(SETUP_VERSION)},
        )
    return roles


def setup_version(engine: Engine) -> int | None:
    """The set-up version ``team init`` recorded on a team database: 0 when it recorded none
    (an older version set it up), None for a database that is no team's."""
    with engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT to_regprocedure('team_readable_layers()') IS NOT NULL, "
                "(SELECT value FROM project_meta WHERE key = :k)"
            ),
            {"k": SETUP_VERSION_KEY},
        ).one()
    if not found[0]:
        return None
    value = str(found[1] or "")
    return int(value) if value.isdigit() else 0


def check_setup(engine: Engine) -> None:
    """Refuse, with :class:`~annotator.store.team_errors.TeamSetupOutdated`, a team database
    that an older version set up (asked on connect by the window and every command)."""
    refuse_outdated(str(engine.url.database), setup_version(engine))


def scram_verifier(conn: Connection, login: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password``, computed by libpq on this side, so the
    password itself never travels to the server nor reaches its statement log."""
    raw = conn.connection.driver_connection
    verifier: bytes = raw.pgconn.encrypt_password(  # type: ignore[union-attr]
        password.encode("utf-8"), login.encode("utf-8"), b"scram-sha-256"
    )
    return verifier.decode("ascii")


@dataclass(frozen=True)
class PersonAdded:
    """What :func:`add_person` did: whether the login was new, and the layer's id."""

    login: str
    group: str
    new_login: bool
    layer_id: int


def add_person(engine: Engine, layer: str, login: str, group: str, password: str) -> PersonAdded:
    """Create ``login`` (scram-sha-256) in ``group``, with the layer ``layer`` mapped to it.

    A login that already exists (a person of another team database on the same
    server) is put in the group; its password is left as it is.
    """
    if group not in GROUPS:
        raise ValueError(group)
    roles = roles_of(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL password_encryption = 'scram-sha-256'")
        new = not _existing_roles(conn, (login,))
        if not new:
            _refuse_privileged(conn, roles, login)
        if new:
            verifier = scram_verifier(conn, login, password)
            conn.exec_driver_sql(f"CREATE ROLE {ident(login)} LOGIN PASSWORD {literal(verifier)}")
        for other in GROUPS:
            if other != group:
                conn.exec_driver_sql(f"REVOKE {ident(roles.group(other))} FROM {ident(login)}")
        conn.exec_driver_sql(f"GRANT {ident(roles.group(group))} TO {ident(login)}")
        row = conn.execute(select(AnnotatorRow.id).where(AnnotatorRow.name == layer)).scalar()
        if row is None:
            row = conn.execute(
                insert(AnnotatorRow)
                .values(
                    name=layer,
                    kind="human",
                    uid=new_uid(),
                    created_at=datetime.now(UTC),
                    login_role=login,
                )
                .returning(AnnotatorRow.id)
            ).scalar_one()
        else:
            conn.execute(
                update(AnnotatorRow).where(AnnotatorRow.id == row).values(login_role=login)
            )
    return PersonAdded(login, group, new, int(row))


def _refuse_privileged(conn: Connection, roles: TeamRoles, login: str) -> None:
    if login in (roles.owner, *roles.groups):
        raise LoginRefused(f"{login} is one of the team's own roles, not a person's login.")
    row = conn.execute(
        text(
            "SELECT rolsuper OR rolbypassrls OR rolcreaterole OR NOT rolcanlogin "
            "FROM pg_roles WHERE rolname = :r"
        ),
        {"r": login},
    ).scalar()
    if row:
        raise LoginRefused(
            f"{login} exists already and is a superuser, may create roles, bypasses row-level "
            "security or cannot log in, so it cannot be a person's login; choose another."
        )


@dataclass(frozen=True)
class Assignee:
    """A document and a person's layer, found by name."""

    doc_id: int
    document: str
    layer: str
    login: str


def find_assignee(engine: Engine, document: str, person: str) -> Assignee:
    """The document named ``document`` (or with that id) and the person with that layer
    name or login; :class:`NotFound` says which is missing or ambiguous."""
    with engine.connect() as conn:
        docs = conn.execute(
            select(DocumentRow.id, DocumentRow.name).where(DocumentRow.name == document)
        ).all()
        if not docs and document.isdigit():
            docs = conn.execute(
                select(DocumentRow.id, DocumentRow.name).where(DocumentRow.id == int(document))
            ).all()
        if len(docs) != 1:
            raise NotFound(
                f"The project has no document named {document!r}."
                if not docs
                else f"{len(docs)} documents are named {document!r}; give its number instead."
            )
        who = conn.execute(
            select(AnnotatorRow.name, AnnotatorRow.login_role).where(
                (AnnotatorRow.login_role == person)
                | ((AnnotatorRow.name == person) & AnnotatorRow.login_role.is_not(None))
            )
        ).first()
    if who is None:
        raise NotFound(f"Nobody in the team has the layer or login {person!r}.")
    return Assignee(int(docs[0][0]), str(docs[0][1]), str(who[0]), str(who[1]))


def assign(engine: Engine, doc_id: int, login: str, by: str) -> None:
    """Record that ``login`` works on document ``doc_id`` (state "assigned")."""
    with engine.begin() as conn:
        layer = conn.execute(
            select(AnnotatorRow.id).where(AnnotatorRow.login_role == login)
        ).scalar()
        if layer is None:
            raise LookupError(login)
        conn.execute(
            insert(AssignmentRow).values(
                doc_id=doc_id,
                annotator_id=layer,
                login_role=login,
                state="assigned",
                assigned_by=by,
                updated_at=datetime.now(UTC),
            )
        )


@dataclass(frozen=True)
class Person:
    """One person of the team: login, group, layer name."""

    login: str
    group: str
    layer: str


@dataclass(frozen=True)
class Work:
    """One assignment: document, its name, the layer, who, and the state."""

    doc_id: int
    document: str
    layer: str
    login: str
    state: str


def team_state(engine: Engine) -> tuple[list[Person], list[Work]]:
    """The people (with their group) and every assignment, as the connecting role may see."""
    roles = roles_of(engine)
    with engine.connect() as conn:
        people = []
        rows = conn.execute(
            select(AnnotatorRow.login_role, AnnotatorRow.name)
            .where(AnnotatorRow.login_role.is_not(None))
            .order_by(AnnotatorRow.login_role)
        )
        for login, layer in rows:
            group = next(
                (
                    g
                    for g in reversed(GROUPS)
                    if conn.execute(
                        select(func.pg_has_role(login, roles.group(g), "MEMBER"))
                    ).scalar()
                ),
                "",
            )
            people.append(Person(str(login), group, str(layer)))
        work = [
            Work(int(d), str(n), str(layer), str(who), str(state))
            for d, n, layer, who, state in conn.execute(
                select(
                    AssignmentRow.doc_id,
                    DocumentRow.name,
                    AnnotatorRow.name,
                    AssignmentRow.login_role,
                    AssignmentRow.state,
                )
                .join(DocumentRow, DocumentRow.id == AssignmentRow.doc_id)
                .join(AnnotatorRow, AnnotatorRow.id == AssignmentRow.annotator_id)
                .order_by(AssignmentRow.doc_id, AnnotatorRow.name)
            )
        ]
    return people, work


def claim_next(engine: Engine) -> tuple[int, str] | None:
    """Claim the next document for the login of ``engine`` (``team_claim_next``: one already
    assigned or claimed by it first, else the first that still needs people); its id and name,
    or None when every document has its number of people."""
    with engine.begin() as conn:
        doc = conn.execute(text("SELECT team_claim_next()")).scalar()
        if doc is None:
            return None
        name = conn.execute(text("SELECT name FROM documents WHERE id = :d"), {"d": doc}).scalar()
        return int(doc), str(name)
