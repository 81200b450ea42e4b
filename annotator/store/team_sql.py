"""Team mode's rights on PostgreSQL: roles and the names they share (ADR 0024).

Roles are cluster-wide, so each team database gets its own, named after it
(:class:`TeamRoles`): a NOLOGIN owner that owns every table and function and that
no person logs in as, and three NOLOGIN groups (annotator, curator, manager; the
manager group is a member of the curator group). Each person is a LOGIN role in
one group, and ``annotators.login_role`` maps a layer to its person.

Every table has ``ENABLE`` and ``FORCE ROW LEVEL SECURITY``; its policies are keyed
on ``current_user`` (never on a session variable, which any client may set). The
owner has a policy of its own that lets it see everything: the ``SECURITY
DEFINER`` functions (:mod:`.team_functions`) run as the owner. Those functions check
``session_user``: inside a ``SECURITY DEFINER`` function ``current_user`` is the
owner, and ``session_user`` is the login that authenticated, which only a
superuser can change.

:func:`~annotator.store.team_policies.rights_statements` is idempotent (``CREATE OR
REPLACE``, ``DROP POLICY IF EXISTS``), so ``annotator team init`` runs it again after a
migration adds a table.
"""

from __future__ import annotations

from dataclasses import dataclass

GROUPS = ("annotator", "curator", "manager")
ROLE_NAME_LIMIT = 63  # PostgreSQL's identifier length, in bytes
# the project fact that lets annotators read the other people's layers ("readable")
OTHERS_LAYERS_KEY = "team/others_layers"
# the project fact that says how many people may claim one document (default 1)
PER_DOCUMENT_KEY = "team/annotators_per_document"

# tables whose rows belong to one layer, through their annotator_id
LAYER_TABLES = ("spans", "events", "relations")
# readable by every person, written by managers only
MANAGER_TABLES = ("documents", "document_tokens", "annotation_schema")
ALL_TABLES = (
    "project_meta",
    "annotation_schema",
    "annotators",
    "documents",
    "document_tokens",
    "document_status",
    "spans",
    "events",
    "event_arguments",
    "relations",
    "set_aside_rows",
    "change_feed",
    "change_log",
    "assignments",
    "alembic_version",
)
# what the change log's trigger says when a non-manager logs a change of no layer: the write
# path logs before its other rows reach the server, so this is the refusal a person sees
MANAGERS_ONLY = "only a manager may change the schema or the documents"
# the project fact that says which set-up ``team init`` last ran on the database: a client
# refuses a team database set up by an older version (its functions and checks are older)
SETUP_VERSION_KEY = "team/setup_version"
SETUP_VERSION = 2  # 2: the merge's holds (AN003 passes a document its transaction added)
# the refusals the functions raise besides insufficient_privilege (42501)
DOCUMENT_FULL = "AN001"  # a claim on a document that has its number of people
CURATION_TAKEN = "AN002"  # a second curator on one document
CURATION_NOT_HELD = "AN003"  # a gold write to a document the writer does not hold
# notified (payload empty) by every statement that changes ``assignments`` or
# ``document_status`` (who works on what, and how far they are: both readable by everybody):
# the window's People column reads them again (issue 20, item 4). Not durable: a client reads
# them again after it reconnects.
TEAM_CHANNEL = "annotator_team"


def ident(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """``value`` as an SQL string literal (standard_conforming_strings is on since 9.1)."""
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class TeamRoles:
    """The roles of one team database: ``<db>_owner`` and ``<db>_<group>``."""

    database: str

    @property
    def owner(self) -> str:
        """The NOLOGIN role that owns the tables and functions."""
        return f"{self.database}_owner"

    def group(self, name: str) -> str:
        """The group role for ``name`` (annotator, curator or manager)."""
        if name not in GROUPS:
            raise ValueError(name)
        return f"{self.database}_{name}"

    @property
    def groups(self) -> tuple[str, ...]:
        """The three group roles."""
        return tuple(self.group(g) for g in GROUPS)


def role_statements(roles: TeamRoles, existing: set[str]) -> list[str]:
    """Create the owner and group roles that ``existing`` lacks; managers are curators too."""
    out = [
        f"CREATE ROLE {ident(name)} NOLOGIN"
        for name in (roles.owner, *roles.groups)
        if name not in existing
    ]
    out.append(f"GRANT {ident(roles.group('curator'))} TO {ident(roles.group('manager'))}")
    return out
