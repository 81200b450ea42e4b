"""Where a project lives: a project file (a :class:`~pathlib.Path`) or a database server.

A project on a PostgreSQL server (team mode, issue 20) is named by its URL. It is kept as
its own type, never as a ``Path``: ``Path("postgresql://host/db")`` folds ``//`` into ``/``
and would name a local file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

_PASSWORD = re.compile(r"^([^:/?#]+://[^:/@?#]*):[^@/?#]*@")


@dataclass(frozen=True)
class ServerUrl:
    """A project database on a PostgreSQL server: ``postgresql+psycopg://USER@HOST:PORT/DB``.

    ``url`` is the URL as given (with its password, if it holds one); ``str()`` and
    ``name`` never show the password.
    """

    url: str

    @property
    def database(self) -> str:
        """The database's name."""
        return unquote(urlsplit(self.url).path.lstrip("/")) or "postgres"

    @property
    def host(self) -> str:
        """The server's host (or socket folder), as the URL names it."""
        parts = urlsplit(self.url)
        socket = parse_qs(parts.query).get("host")
        if socket:
            return socket[0]
        return parts.hostname or "localhost"

    @property
    def name(self) -> str:
        """A short name for messages and titles: ``team on db.lab.example``."""
        return f"{self.database} on {self.host}"

    def __str__(self) -> str:
        return _PASSWORD.sub(r"\1:***@", self.url)


Location = Path | ServerUrl
"""A project file or a project database on a server."""
