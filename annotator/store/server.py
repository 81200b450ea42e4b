"""Open a project database on a PostgreSQL server (team mode, issue 20).

The same store, write path and migrations as a project file: :func:`open_server` makes
the engine (:func:`annotator.store.engine.make_engine` gives PostgreSQL connections UTC and
a lock timeout, and write transactions their lock, ADR 0023), gives an empty database the
newest schema or migrates an older one, and turns a server that cannot be reached or a
refused login into one sentence. A server keeps no file beside the project: no backup copy
is taken before a migration (the server's own backups are the administrator's), and there
are no private copies or WAL files.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError

from annotator.core.errors import ProjectError
from annotator.core.location import ServerUrl
from annotator.store.dberrors import server_error
from annotator.store.engine import BUSY_TIMEOUT_MS, OpenedFile, make_engine, migrate

_SERVER_URL = re.compile(
    r"^\s*(postgres|postgresql|mysql|mariadb|oracle|mssql)(\+[\w.-]+)?:/", re.IGNORECASE
)
_POSTGRES = {"postgres", "postgresql"}
CONNECT_TIMEOUT_S = 10


def server_url(raw: str) -> ServerUrl | None:
    """The server ``raw`` names, or None if it is not a server URL (a path, say).

    A PostgreSQL URL opens with psycopg 3 (``postgresql://`` and ``postgres://`` too); any
    other server, or a URL that does not parse, is refused with a sentence.
    """
    found = _SERVER_URL.match(raw)
    if not found:
        return None
    kind = found.group(1).lower()
    if kind not in _POSTGRES:
        raise ProjectError(
            f"{raw} is a {kind} database server URL; projects on a server live on PostgreSQL "
            "only (postgresql+psycopg://USER@HOST:PORT/DATABASE), or in a project file."
        )
    try:
        url = make_url(raw.strip())
    except (ArgumentError, ValueError):
        raise ProjectError(
            f"{ServerUrl(raw)} is not a valid server URL; write it as "
            "postgresql+psycopg://USER@HOST:PORT/DATABASE."
        ) from None
    if url.drivername != "postgresql+psycopg":
        if url.drivername not in {"postgres", "postgresql"}:
            raise ProjectError(
                f"{ServerUrl(raw)} names the driver {url.drivername.split('+')[-1]!r}; the "
                "app talks to PostgreSQL through psycopg: postgresql+psycopg://..."
            )
        url = url.set(drivername="postgresql+psycopg")
    if not url.database:
        raise ProjectError(f"{ServerUrl(raw)} names no database; add it at the end: .../DATABASE.")
    return ServerUrl(url.render_as_string(hide_password=False))


def open_server(
    location: ServerUrl, *, create: bool = True, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> OpenedFile:
    """Connect to the project database at ``location`` and bring its schema to the newest.

    An empty database becomes a project (``create=False`` refuses it). A server that
    cannot be reached, a refused login or a missing database is a :class:`ProjectError`.
    """
    try:
        engine = make_engine(_url(location), busy_timeout_ms)
    except ImportError:  # a build without the driver (psycopg is a runtime dependency)
        raise ProjectError(
            f"This copy of the app cannot reach database servers (its PostgreSQL driver, "
            f"psycopg, is missing), so {location.name} cannot be opened."
        ) from None
    try:
        if not create and _is_empty(engine):
            raise ProjectError(f"The database {location.name} holds no project yet.")
        migrate(engine)
    except DBAPIError as exc:
        engine.dispose()
        error = server_error(exc, location)
        if error is None:
            raise
        raise error from None
    except BaseException:
        engine.dispose()
        raise
    return OpenedFile(engine, False)


def _url(location: ServerUrl) -> URL:
    url = make_url(location.url)
    if "connect_timeout" not in url.query:
        url = url.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_S)})
    return url


def _is_empty(engine: Engine) -> bool:
    query = text("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one()) == 0
