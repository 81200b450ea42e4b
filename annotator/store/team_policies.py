"""Team mode's grants and row-level security policies (ADR 0024); the roles and functions
they use are in :mod:`annotator.store.team_sql`.

Who may do what, in short: every person reads the documents, the schema, the
people, the document states and the assignments; an annotator reads and writes
only the layer whose ``login_role`` is their login (others' layers too when the
project fact ``team/others_layers`` is ``readable``); curators read every layer
and write the gold layer; managers are curators who also write documents, the
schema, the people and the assignments, and may delete any layer (deleting a
document deletes every layer on it). Notes (``note/document/<id>/<layer>``)
and merge records (``merged/<layer uid>/<doc id>``) follow their layer; other project facts
are the managers'.
"""

from __future__ import annotations

from annotator.store.team_functions import functions
from annotator.store.team_sql import (
    ALL_TABLES,
    LAYER_TABLES,
    MANAGER_TABLES,
    TeamRoles,
    ident,
)

READABLE = "(SELECT team_readable_layers())"
WRITABLE = "(SELECT team_writable_layers())"


def _note_of(layers: str) -> str:
    """A note key (``note/document/<doc id>/<layer name>``) of one of ``layers``."""
    return (
        "(key LIKE 'note/document/%' AND EXISTS (SELECT 1 FROM annotators a "
        f"WHERE a.id IN {layers} "
        "AND key = 'note/document/' || split_part(key, '/', 3) || '/' || a.name))"
    )


def _merge_record_of(layers: str) -> str:
    """A merge record key (``merged/<layer uid>/<doc id>``, ADR 0012) of one of ``layers``: a
    person who pushes a laptop records what of their own layer it brought."""
    return (
        "(key LIKE 'merged/%' AND EXISTS (SELECT 1 FROM annotators a "
        f"WHERE a.id IN {layers} "
        "AND key = 'merged/' || a.uid || '/' || split_part(key, '/', 3)))"
    )


def _span_in(column: str, layers: str) -> str:
    return f"EXISTS (SELECT 1 FROM spans s WHERE s.id = {column} AND s.annotator_id IN {layers})"


def _event_in(layers: str) -> str:
    return f"EXISTS (SELECT 1 FROM events e WHERE e.id = event_id AND e.annotator_id IN {layers})"


class _Policies:
    """Collects ``CREATE POLICY`` statements, each dropped first (so it can run again)."""

    def __init__(self, roles: TeamRoles) -> None:
        self.roles = roles
        self.everybody = ", ".join(ident(g) for g in roles.groups)
        self.out: list[str] = []

    def to(self, group: str) -> str:
        return ident(self.roles.group(group))

    def add(
        self,
        table: str,
        name: str,
        command: str,
        to: str,
        using: str | None = None,
        check: str | None = None,
    ) -> None:
        self.out.append(f"DROP POLICY IF EXISTS {name} ON {table}")
        sql = f"CREATE POLICY {name} ON {table} FOR {command} TO {to}"
        if using is not None:
            sql += f" USING ({using})"
        if check is not None:
            sql += f" WITH CHECK ({check})"
        self.out.append(sql)

    def layer_writes(self, table: str, own: str, check: str) -> None:
        """Insert, update and delete of rows whose layer ``own`` tests; ``check`` on new rows."""
        self.add(table, "team_insert", "INSERT", self.everybody, check=check)
        self.add(table, "team_update", "UPDATE", self.everybody, using=own, check=check)
        self.add(table, "team_delete", "DELETE", self.everybody, using=own)
        self.add(table, "team_manager_delete", "DELETE", self.to("manager"), using="true")


def _table_policies(roles: TeamRoles) -> list[str]:
    p = _Policies(roles)
    for table in ALL_TABLES:
        p.add(table, "team_owner", "ALL", ident(roles.owner), using="true", check="true")
    for table in (*MANAGER_TABLES, "annotators", "assignments", "alembic_version"):
        p.add(table, "team_read", "SELECT", p.everybody, using="true")
    for table in (*MANAGER_TABLES, "annotators", "assignments"):
        p.add(table, "team_manager", "ALL", p.to("manager"), using="true", check="true")
    p.add(
        "annotators",
        "team_curator_gold",
        "INSERT",
        p.to("curator"),
        check="kind = 'gold' AND login_role IS NULL",
    )
    p.add("set_aside_rows", "team_read", "SELECT", p.to("curator"), using="true")
    p.add("change_feed", "team_read", "SELECT", p.everybody, using="true")
    p.add("change_feed", "team_count", "UPDATE", p.everybody, using="true", check="true")
    own = f"annotator_id IN {WRITABLE}"
    for table in LAYER_TABLES:
        p.add(table, "team_read", "SELECT", p.everybody, using=f"annotator_id IN {READABLE}")
    p.layer_writes("spans", own, own)
    p.layer_writes("events", own, f"{own} AND {_span_in('trigger_span_id', WRITABLE)}")
    p.layer_writes(
        "relations",
        own,
        f"{own} AND {_span_in('arg1_span_id', WRITABLE)} AND {_span_in('arg2_span_id', WRITABLE)}",
    )
    p.add("event_arguments", "team_read", "SELECT", p.everybody, using=_event_in(READABLE))
    p.layer_writes(
        "event_arguments",
        _event_in(WRITABLE),
        f"{_event_in(WRITABLE)} AND {_span_in('span_id', WRITABLE)}",
    )
    p.add("document_status", "team_read", "SELECT", p.everybody, using="true")
    p.layer_writes("document_status", own, own)
    _meta_and_log(p)
    return p.out


def _meta_and_log(p: _Policies) -> None:
    note_read = _note_of(READABLE)
    note_write = f"({_note_of(WRITABLE)} OR {_merge_record_of(WRITABLE)})"
    p.add(
        "project_meta",
        "team_read",
        "SELECT",
        p.everybody,
        using=f"key NOT LIKE 'note/document/%' OR {note_read}",
    )
    p.layer_writes("project_meta", note_write, note_write)
    p.add(
        "project_meta",
        "team_manager",
        "ALL",
        p.to("manager"),
        using="key NOT LIKE 'note/document/%'",
        check="key NOT LIKE 'note/document/%'",
    )
    layer_names = "(SELECT a.name FROM annotators a WHERE a.id IN {})"
    p.add(
        "change_log",
        "team_read",
        "SELECT",
        p.everybody,
        using=f"annotator IS NULL OR annotator IN {layer_names.format(READABLE)}",
    )
    p.add(
        "change_log",
        "team_insert",
        "INSERT",
        p.everybody,
        check=f"annotator IN {layer_names.format(WRITABLE)}",
    )
    p.add("change_log", "team_manager_insert", "INSERT", p.to("manager"), check="true")


def _database_grants(roles: TeamRoles, database: str) -> list[str]:
    """Who may connect and see the schema (run by the database's owner or a superuser)."""
    everybody = ", ".join(ident(g) for g in roles.groups)
    return [
        f"REVOKE ALL ON DATABASE {ident(database)} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {ident(database)} TO {everybody}",
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {everybody}",
        f"GRANT USAGE, CREATE ON SCHEMA public TO {ident(roles.owner)}",
    ]


def _grants(roles: TeamRoles) -> list[str]:
    everybody = ", ".join(ident(g) for g in roles.groups)
    manager, curator = ident(roles.group("manager")), ident(roles.group("curator"))
    writes = ", ".join((*LAYER_TABLES, "event_arguments", "document_status", "project_meta"))
    readable = ", ".join(t for t in ALL_TABLES if t != "set_aside_rows")
    return [
        "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {everybody}",
        "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC",
        f"GRANT SELECT ON {readable} TO {everybody}",
        f"GRANT SELECT ON set_aside_rows TO {curator}",
        f"GRANT INSERT, UPDATE, DELETE ON {writes} TO {everybody}",
        f"GRANT INSERT ON change_log TO {everybody}",
        f"GRANT UPDATE ON change_feed TO {everybody}",
        f"GRANT INSERT, UPDATE, DELETE ON {', '.join(MANAGER_TABLES)}, assignments TO {manager}",
        f"GRANT INSERT, UPDATE, DELETE ON annotators TO {manager}",
        f"GRANT INSERT ON annotators TO {curator}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {everybody}",
        f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {everybody}",
    ]


def _ownership(roles: TeamRoles) -> list[str]:
    owner = ident(roles.owner)
    out = [f"ALTER TABLE {t} OWNER TO {owner}" for t in ALL_TABLES]
    out += [f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY" for t in ALL_TABLES]
    out += [f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY" for t in ALL_TABLES]
    return out


def rights_statements(roles: TeamRoles, database: str) -> list[str]:
    """Everything that gives the tables to the owner and the people their rights.

    Runs as a role that may ``SET ROLE`` to the owner (a superuser, or the owner
    login ``team init`` made a member of it): the functions are created by the
    owner, so they run as the owner.
    """
    return [
        *_database_grants(roles, database),  # first: a new owner needs CREATE on the schema
        *_ownership(roles),
        f"SET LOCAL ROLE {ident(roles.owner)}",
        *functions(roles),
        *_table_policies(roles),
        *_grants(roles),
        "RESET ROLE",
    ]
