"""Team mode's workload and curation, as the window uses them (issue 20, items 4 and 5).

Each function takes an engine logged in as the person (the window's own) and goes
through the state functions of :mod:`.team_functions` (``team_claim_next``, ``team_claim``,
``team_finish``, ``team_curate``, ``team_leave_curation``), which check ``session_user``:
the server decides, this module only asks. :func:`workload` reads who works on what,
which every person may read (``assignments`` and ``document_status``, ADR 0024).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text

from annotator.store.team_sql import OTHERS_LAYERS_KEY, TeamRoles

_WORKLOAD = text(
    """SELECT a.doc_id, l.name, l.kind, a.login_role, coalesce(p.name, a.login_role), a.state,
  coalesce(s.status, 'new')
FROM assignments a
JOIN annotators l ON l.id = a.annotator_id
LEFT JOIN annotators p ON p.login_role = a.login_role
LEFT JOIN document_status s ON s.doc_id = a.doc_id AND s.annotator_id = a.annotator_id
ORDER BY a.doc_id, l.kind DESC, l.name"""
)
# the person's name when a login holds the document's gold layer: its own layer's name
_PERSON = text("SELECT name FROM annotators WHERE login_role = :login")


@dataclass(frozen=True)
class Worker:
    """One person on one document: the layer (theirs, or gold), their login and name (their
    own layer's), the assignment's state (assigned, claimed, finished, curating) and the
    layer's status (new, in_progress, done)."""

    doc_id: int
    layer: str
    gold: bool
    login: str
    person: str
    state: str
    status: str


def is_team_database(engine: Engine) -> bool:
    """True when ``team init`` set the database up (its state functions exist)."""
    with engine.connect() as conn:
        found = conn.execute(text("SELECT to_regprocedure('team_claim_next(interval)')"))
        return found.scalar() is not None


def my_layer(engine: Engine) -> str | None:
    """The layer of the login ``engine`` connects as, or None (no person's login)."""
    with engine.connect() as conn:
        found = conn.execute(text("SELECT name FROM annotators WHERE login_role = session_user"))
        name = found.scalar()
    return None if name is None else str(name)


def workload(engine: Engine) -> list[Worker]:
    """Every assignment with its layer's status, by document."""
    with engine.connect() as conn:
        rows = conn.execute(_WORKLOAD).all()
    return [
        Worker(int(d), str(layer), kind == "gold", str(login), str(who), str(state), str(status))
        for d, layer, kind, login, who, state, status in rows
    ]


def claim_next(engine: Engine) -> int | None:
    """``team_claim_next()``: the id of the document claimed (or still held), or None."""
    with engine.begin() as conn:
        doc = conn.execute(text("SELECT team_claim_next()")).scalar()
    return None if doc is None else int(doc)


def finish(engine: Engine, doc_id: int, gold: bool = False) -> bool:
    """``team_finish(doc, gold)`` when the login has that row: its own layer's claim or
    assignment on the document, or (``gold``) the curation of its gold layer that it holds.
    False when it has none (nothing to finish)."""
    with engine.begin() as conn:
        done = conn.execute(
            text(
                "SELECT team_finish(:d, :g) WHERE EXISTS (SELECT 1 FROM assignments a "
                "JOIN annotators l ON l.id = a.annotator_id WHERE a.doc_id = :d AND CASE "
                "WHEN :g THEN l.kind = 'gold' AND a.login_role = session_user::text "
                "ELSE l.kind <> 'gold' AND l.login_role = session_user::text END)"
            ),
            {"d": doc_id, "g": gold},
        ).scalar()
    return done is not None


def claim(engine: Engine, doc_id: int) -> str:
    """``team_claim(doc)``: the login's assignment state on the document afterwards."""
    with engine.begin() as conn:
        return str(conn.execute(text("SELECT team_claim(:d)"), {"d": doc_id}).scalar_one())


def curate(engine: Engine, doc_id: int) -> None:
    """``team_curate(doc)``: the login holds the document's gold layer (one curator at a time)."""
    with engine.begin() as conn:
        conn.execute(text("SELECT team_curate(:d)"), {"d": doc_id})


def renew_hold(engine: Engine, doc_id: int) -> bool:
    """Renew the login's hold on the document's gold layer (``team_curate`` again, which
    sets its time), if it still holds it; False when it does not (finished, or taken over)."""
    with engine.begin() as conn:
        renewed = conn.execute(
            text(
                "SELECT team_curate(:d) WHERE EXISTS (SELECT 1 FROM assignments a "
                "JOIN annotators l ON l.id = a.annotator_id WHERE a.doc_id = :d "
                "AND l.kind = 'gold' AND a.state = 'curating' "
                "AND a.login_role = session_user::text)"
            ),
            {"d": doc_id},
        ).scalar()
    return renewed is not None


def holding(engine: Engine) -> list[int]:
    """The documents whose gold layer the login holds now (``curating``), in id order."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT a.doc_id FROM assignments a JOIN annotators l ON l.id = a.annotator_id "
                "WHERE l.kind = 'gold' AND a.state = 'curating' "
                "AND a.login_role = session_user::text ORDER BY a.doc_id"
            )
        )
        return [int(d) for (d,) in rows]


def leave_curation(engine: Engine, doc_id: int) -> None:
    """``team_leave_curation(doc)``: the login no longer holds the document's gold layer."""
    with engine.begin() as conn:
        conn.execute(text("SELECT team_leave_curation(:d)"), {"d": doc_id})


def curator_of(engine: Engine, doc_id: int) -> tuple[str, str] | None:
    """Who curates the document now: ``(person's layer name, login)``, or None."""
    with engine.connect() as conn:
        login = conn.execute(
            text(
                "SELECT a.login_role FROM assignments a JOIN annotators l ON l.id = a.annotator_id "
                "WHERE a.doc_id = :d AND l.kind = 'gold' AND a.state = 'curating'"
            ),
            {"d": doc_id},
        ).scalar()
        if login is None:
            return None
        name = conn.execute(_PERSON, {"login": login}).scalar()
    return (str(name) if name is not None else str(login)), str(login)


@dataclass(frozen=True)
class Readable:
    """The layers a login may show on a team server: its own, the gold layer's name when it is
    a curator (None: it is not), and the other people's layers when the project lets them be
    read (``team/others_layers`` is ``readable``; empty otherwise: blind annotation)."""

    mine: str | None
    gold: str | None
    others: tuple[str, ...]


def readable(engine: Engine) -> Readable:
    """What :class:`Readable` says for the login ``engine`` connects as."""
    curators = TeamRoles(str(engine.url.database)).group("curator")
    with engine.connect() as conn:
        curator, open_ = conn.execute(
            text(
                "SELECT pg_has_role(session_user, :g, 'MEMBER'), EXISTS (SELECT 1 FROM "
                "project_meta WHERE key = :k AND value = 'readable')"
            ),
            {"g": curators, "k": OTHERS_LAYERS_KEY},
        ).one()
        rows = conn.execute(
            text(
                "SELECT name, kind, login_role = session_user::text FROM annotators "
                "ORDER BY kind DESC, name"
            )
        ).all()
    mine = next((str(n) for n, _k, me in rows if me), None)
    gold = next((str(n) for n, k, _me in rows if k == "gold"), "gold") if curator else None
    others = tuple(str(n) for n, k, me in rows if k != "gold" and not me) if open_ else ()
    return Readable(mine, gold, others)
