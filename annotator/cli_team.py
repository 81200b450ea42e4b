"""``annotator team init|add-person|assign|status``: a team's database on a PostgreSQL server
(issue 20, item 2; ADR 0024). The commands share :mod:`annotator.services.team` with the window.

``--db`` is the server's URL without a password. Each command logs in with that login,
and the server decides what it may do: ``init`` and ``add-person`` need a superuser or the
database's owner login with CREATEROLE; ``assign`` a manager; ``status`` anybody. A
refusal is one ``error:`` line and exit 2 (:func:`annotator.cli.run_command`).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from annotator.cli import EXIT_OK
from annotator.services import credentials, team
from annotator.store import team as team_store
from annotator.store.team_errors import TeamSetupOutdated
from annotator.store.team_sql import GROUPS

if TYPE_CHECKING:
    from sqlalchemy import Engine


def _engine(args: argparse.Namespace, set_up: bool = True) -> Engine:
    """The login's engine; unless ``set_up`` is False (init, add-person: a superuser's or
    owner's steps), a database an older version set up is refused (``team init`` again)."""
    engine = team.connect(args.db, credentials.ask_on_terminal)
    if set_up:
        try:
            team_store.check_setup(engine)
        except TeamSetupOutdated:
            engine.dispose()
            raise
    return engine


def cmd_init(args: argparse.Namespace) -> int:
    """Set up the database: tables, roles, rights."""
    engine = _engine(args, set_up=False)
    try:
        done = team.init(engine)
    finally:
        engine.dispose()
    print(
        f"The team database {done.database} is ready: its tables belong to {done.owner}, and "
        f"people go in the roles {', '.join(done.groups)} (annotator team add-person)."
    )
    return EXIT_OK


def cmd_add_person(args: argparse.Namespace) -> int:
    """Create a person's login (with a password read from the terminal or stdin) and layer."""
    login = team.login_for(args.name, args.login)
    password = credentials.read_new_password(login)
    engine = _engine(args, set_up=False)
    try:
        print(team.add_person(engine, args.name, args.role, login, password))
    finally:
        engine.dispose()
    return EXIT_OK


def cmd_assign(args: argparse.Namespace) -> int:
    """Assign a document to a person."""
    engine = _engine(args)
    try:
        print(team.assign(engine, args.document, args.person))
    finally:
        engine.dispose()
    return EXIT_OK


def cmd_claim(args: argparse.Namespace) -> int:
    """Claim the next document that needs you (or the one you claimed and did not finish)."""
    engine = _engine(args)
    try:
        print(team.claim_next(engine))
    finally:
        engine.dispose()
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    """List the people, their roles, and who works on which document in which state."""
    engine = _engine(args)
    try:
        print("\n".join(team.status_lines(engine)))
    finally:
        engine.dispose()
    return EXIT_OK


def add_team_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``team`` and its subcommands."""
    parser = sub.add_parser("team", help="a team's shared database on a PostgreSQL server")
    steps = parser.add_subparsers(dest="team_command", required=True)
    db_help = "the server: postgresql+psycopg://USER@HOST:PORT/DATABASE (no password in it)"
    init = steps.add_parser("init", help="set up the database, its roles and their rights")
    init.set_defaults(func=cmd_init)
    add = steps.add_parser(
        "add-person",
        help="add a person: a login with a password (asked, or one line on stdin) and a layer",
    )
    add.add_argument("name", metavar="NAME", help="the person's layer (annotator name)")
    add.add_argument("--role", required=True, choices=GROUPS, help="what the person may do")
    add.add_argument("--login", help="the login name (default: NAME, if it can be one)")
    add.set_defaults(func=cmd_add_person)
    assign = steps.add_parser("assign", help="assign a document to a person (managers)")
    assign.add_argument("document", metavar="DOC", help="the document's name (or number)")
    assign.add_argument("person", metavar="PERSON", help="the person's layer name or login")
    assign.set_defaults(func=cmd_assign)
    claim = steps.add_parser(
        "claim", help="claim the next document that needs you (annotators; N per document)"
    )
    claim.set_defaults(func=cmd_claim)
    status = steps.add_parser("status", help="people, roles, and who works on what")
    status.set_defaults(func=cmd_status)
    for step in (init, add, assign, claim, status):
        step.add_argument("--db", required=True, help=db_help)
