"""Team-server passwords: kept in the system keyring when there is one, else asked each time.

Nothing here writes a password to a file: with no usable keyring backend (a server
without a desktop session, keyring's ``fail`` or ``null`` backends) the password is
asked for every time. The keyring's entry is named by the service
:data:`SERVICE` and ``user@host:port/database``.
"""

from __future__ import annotations

import getpass
import sys
from typing import IO, Any

import sqlalchemy as sa

from annotator.core.errors import ProjectError
from annotator.core.location import ServerUrl

SERVICE = "arabic-annotator team server"


def _keyring() -> Any | None:
    """The keyring backend, or None when there is no usable one."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
        priority = float(getattr(type(backend), "priority", 0))
    except (KeyringError, RuntimeError, ValueError):
        return None
    return backend if priority > 0 else None


def _entry(url: sa.URL) -> str:
    socket = url.query.get("host")
    host = url.host or (socket if isinstance(socket, str) else "")
    return f"{url.username or ''}@{host}:{url.port or ''}/{url.database}"


def has_keyring() -> bool:
    """Whether passwords can be kept in a system keyring here."""
    return _keyring() is not None


def stored_password(url: sa.URL) -> str | None:
    """The password kept for ``url``'s login, if a keyring holds one."""
    backend = _keyring()
    if backend is None:
        return None
    try:
        found = backend.get_password(SERVICE, _entry(url))
    except Exception:  # noqa: BLE001 - a locked or broken keyring is the same as none
        return None
    return str(found) if found is not None else None


def remember_password(url: sa.URL, password: str) -> bool:
    """Keep ``password`` for ``url``'s login in the keyring; False if there is none."""
    backend = _keyring()
    if backend is None:
        return False
    try:
        backend.set_password(SERVICE, _entry(url), password)
    except Exception:  # noqa: BLE001 - then it is asked for next time
        return False
    return True


def forget_password(url: sa.URL) -> None:
    """Remove the keyring's password for ``url``'s login (the server refused it)."""
    backend = _keyring()
    if backend is None:
        return
    try:
        backend.delete_password(SERVICE, _entry(url))
    except Exception:  # noqa: BLE001 - nothing to forget
        return


def with_stored_password(location: ServerUrl) -> ServerUrl:
    """``location`` with the keyring's password for its login, if it holds none itself and
    the keyring has one; else ``location`` as it is."""
    try:
        url = sa.make_url(location.url)
    except (sa.exc.ArgumentError, ValueError):
        return location
    if url.password is not None:
        return location
    password = stored_password(url)
    if password is None:
        return location
    return ServerUrl(url.set(password=password).render_as_string(hide_password=False))


def ask_on_terminal(prompt: str) -> str | None:
    """Ask for a password on the terminal (not echoed); None when there is no terminal."""
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(prompt)


def read_new_password(who: str, stdin: IO[str] | None = None) -> str:
    """A new person's password: typed twice at a terminal, or the first line of stdin.

    Never from the command line, where the shell's history and the process list
    would keep it.
    """
    stream = stdin or sys.stdin
    if stream.isatty():
        first = getpass.getpass(f"Password for {who}: ")
        if getpass.getpass("The same password again: ") != first:
            raise ProjectError("The two passwords differ; nothing was changed.")
        password = first
    else:
        password = stream.readline().rstrip("\r\n")
    if not password:
        raise ProjectError(
            f"No password for {who}: type it when asked, or give it on standard input "
            "(one line); nothing was changed."
        )
    return password
