"""The team server's refusals as sentences (ADR 0024).

Row-level security and the grants refuse with SQLSTATE 42501 (insufficient
privilege): "new row violates row-level security policy for table ..." or
"permission denied for table ...". The state functions refuse with 42501 too, or
with the codes of :mod:`.team_sql` (a full document, a document another curator
holds), and a message of their own. :func:`refused_right` turns each into a
:class:`RightsError` that says what the login may not do; anything else is None.
"""

from __future__ import annotations

import re

from sqlalchemy.exc import DBAPIError

from annotator.core.errors import ProjectError, RightsError
from annotator.store.team_sql import (
    CURATION_NOT_HELD,
    CURATION_TAKEN,
    DOCUMENT_FULL,
    MANAGERS_ONLY,
    SETUP_VERSION,
)

_SAVED_NOTHING = "nothing was saved."
_LAYERS = (
    "The team's server lets you change only your own layer (and the gold layer if you are "
    "a curator); this change touches another layer, so " + _SAVED_NOTHING
)
# (tables, what only a manager may do)
_MANAGERS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"annotation_schema"}), "change the schema"),
    (frozenset({"documents", "document_tokens"}), "add, change or delete documents"),
    (frozenset({"annotators"}), "add or change people and layers"),
    (frozenset({"assignments"}), "assign documents"),
)
_TABLE = re.compile(r'(?:for table|on table) "?([a-z_]+)"?')


class TeamSetupOutdated(ProjectError):
    """The team database was set up by an older version: ``team init`` must run again."""


def refuse_outdated(name: str, version: int | None) -> None:
    """Raise :class:`TeamSetupOutdated` when ``version`` (``team.setup_version``: None for a
    database that is no team's) is older than this client's set-up, naming the database."""
    if version is not None and version < SETUP_VERSION:
        raise TeamSetupOutdated(
            f"The team database {name} was set up by an older version of this app, so its "
            "server lacks what this version needs (e.g. to mark a document done): a manager "
            f"must run 'annotator team init --db URL' on it again (set-up {version}, this "
            f"app needs {SETUP_VERSION}); nothing was changed."
        )


def _sqlstate(exc: BaseException) -> tuple[str | None, str]:
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    return getattr(orig, "sqlstate", None), str(orig).split("\n", 1)[0]


def refused_right(exc: BaseException) -> RightsError | None:
    """A :class:`RightsError` for a refusal of the team server's rights, else None."""
    state, message = _sqlstate(exc)
    if state == DOCUMENT_FULL:
        return RightsError(
            f"The document already has as many people as the project allows ({message}); "
            "claim another one."
        )
    if state == CURATION_TAKEN:
        return RightsError(
            f"{message}: one curator per document at a time, so {_SAVED_NOTHING} "
            "Try again once they leave review mode, or choose another document."
        )
    if state == CURATION_NOT_HELD:
        doc = message.rsplit(" ", 1)[-1]
        return RightsError(
            f"On the team's server the gold layer of a document is written only by the curator "
            f"who holds it, and you do not hold document {doc} now, so {_SAVED_NOTHING} "
            "Open it in review mode (which holds it for you), then edit its gold layer."
        )
    if state != "42501":
        return None
    if message.startswith(MANAGERS_ONLY):
        return RightsError(
            "Only a manager may change the schema or the documents on the team's server, so "
            + _SAVED_NOTHING
        )
    found = _TABLE.search(message)
    table = found.group(1) if found else ""
    if "row-level security" in message and table == "project_meta":
        return RightsError(
            "The team's server lets you write only your own layer's notes, and only a manager "
            "may change the project's settings; so " + _SAVED_NOTHING
        )
    if "row-level security" in message:
        return RightsError(_LAYERS)
    for tables, what in _MANAGERS:
        if table in tables:
            return RightsError(
                f"Only a manager may {what} on the team's server, so {_SAVED_NOTHING}"
            )
    if "permission denied" in message:
        return RightsError(
            f"The team's server does not let your login do this ({message}); {_SAVED_NOTHING}"
        )
    return RightsError(f"The team's server refused: {message}; {_SAVED_NOTHING}")
