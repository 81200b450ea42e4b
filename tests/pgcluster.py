"""A throwaway PostgreSQL cluster for the tests and benchmarks (issue 20).

``Cluster`` initdb's a cluster in a fresh temporary folder, starts it listening on a Unix
socket in that folder only (no TCP port, nothing reachable from another machine), and stops
and deletes it afterwards. Its superuser ``postgres`` logs in without a password (``trust``),
which is acceptable for this cluster only: nobody but the folder's owner can reach the socket.

``initdb`` refuses to run as root, and CI runs ``make test`` as root: then the cluster runs as
the ``postgres`` system user (``runuser -u postgres --``), and its folder belongs to that user.

Run as a program, it wraps a command: ``python -m tests.pgcluster CMD ARGS...`` starts a
cluster, runs CMD with ``ANNOTATOR_TEST_PG`` set to the superuser URL, and stops the cluster
when CMD ends, also after Ctrl+C or a failure. ``make test`` runs pytest that way, so one
cluster serves the whole run (every xdist worker); tests/conftest.py starts its own when the
variable is not set.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

ENV = "ANNOTATOR_TEST_PG"
PASSWORD_ROLE = "password_check"  # the one role that must give its password (scram-sha-256)
INSTALL_HINT = (
    "The tests need PostgreSQL 15's server programs (initdb, pg_ctl, postgres), which were not "
    "found: install them with `apt-get install postgresql-15` (or set ANNOTATOR_PG_BIN to the "
    "folder that holds them)."
)
# Settings for a cluster whose data nobody keeps: no fsync (a crash of the machine loses the
# cluster, which is deleted anyway), room for the concurrency tests' clients.
_SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
    "shared_buffers": "32MB",
}

_HBA = "local all postgres trust\nlocal all all scram-sha-256\n"


class PostgresMissing(RuntimeError):
    """The PostgreSQL server programs are not on this machine."""


def bin_dir() -> Path:
    """The folder with initdb and pg_ctl: ANNOTATOR_PG_BIN, Debian's newest, or the PATH."""
    named = os.environ.get("ANNOTATOR_PG_BIN")
    candidates = [Path(named)] if named else []
    debian = Path("/usr/lib/postgresql")
    if not named and debian.is_dir():
        versions = [p for p in debian.iterdir() if p.name.isdigit()]
        candidates += [p / "bin" for p in sorted(versions, key=lambda p: int(p.name), reverse=True)]
    on_path = shutil.which("initdb")
    if not named and on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise PostgresMissing(INSTALL_HINT)


def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


class Cluster:
    """One PostgreSQL cluster in a temporary folder; use as a context manager."""

    def __init__(
        self, parent: str | os.PathLike[str] | None = None, settings: dict[str, str] | None = None
    ) -> None:
        self.bin = bin_dir()
        self._parent = parent
        self._settings = {**_SETTINGS, **(settings or {})}  # a benchmark wants durable ones
        self.folder: Path | None = None

    @property
    def url(self) -> str:
        """The superuser's SQLAlchemy URL (database ``postgres``)."""
        assert self.folder is not None, "the cluster is not started"
        return f"postgresql+psycopg://postgres@/postgres?host={self.folder}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if _as_root():
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(
                f"{args[0]} failed (exit {done.returncode}): {done.stderr.strip() or done.stdout}"
            )
        return done

    def start(self) -> str:
        """initdb, start, wait until it accepts connections; returns the superuser URL."""
        parent = self._parent
        if parent is None and len(tempfile.gettempdir()) > 60:
            parent = "/tmp"  # a socket path is limited to 107 bytes
        self.folder = Path(tempfile.mkdtemp(prefix="annotator-pg-", dir=parent))
        try:
            if _as_root():
                shutil.chown(self.folder, user="postgres", group="postgres")
                # the postgres user must be able to reach the folder through its parents
                self.folder.parent.chmod(self.folder.parent.stat().st_mode | 0o111)
            data = self.folder / "data"
            self._run(
                "initdb", "-D", str(data), "-U", "postgres", "-A", "trust",
                "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions",
            )  # fmt: skip
            self._password_role_first(data)
            options = " ".join(f"-c {k}={v}" for k, v in self._settings.items())
            options += f" -c unix_socket_directories='{self.folder}'"
            self._run(
                "pg_ctl", "start", "-w", "-t", "60", "-D", str(data),
                "-l", str(self.folder / "server.log"), "-o", options,
            )  # fmt: skip
        except BaseException:
            self.stop()
            raise
        return self.url

    def _password_role_first(self, data: Path) -> None:
        """The superuser logs in without a password (trust); every other role, :data:`PASSWORD_ROLE`
        among them, needs its scram-sha-256 password: the tests of a refused login use it, and
        the rights tests log people in with their passwords, as a team's server would."""
        (data / "pg_hba.conf").write_text(_HBA, encoding="utf-8")

    def stop(self) -> None:
        """Stop the server (immediately: its data is thrown away) and delete the folder."""
        if self.folder is None:
            return
        folder, self.folder = self.folder, None
        if (folder / "data" / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError):  # already gone: the folder goes anyway
                self._run("pg_ctl", "stop", "-w", "-m", "immediate", "-D", str(folder / "data"))
        shutil.rmtree(folder, ignore_errors=True)

    def __enter__(self) -> Cluster:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def wait_until_ready(url: str, timeout: float = 30.0) -> None:
    """Wait until the server at ``url`` answers a query (a server being restarted, say)."""
    import sqlalchemy as sa

    deadline = time.monotonic() + timeout
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        while True:
            try:
                with engine.connect() as conn:
                    conn.execute(sa.text("SELECT 1"))
                return
            except sa.exc.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
    finally:
        engine.dispose()


def main(argv: list[str]) -> int:
    """Run ``argv`` with a fresh cluster's URL in ANNOTATOR_TEST_PG; its exit code is ours."""
    if not argv:
        print("usage: python -m tests.pgcluster COMMAND [ARGS...]", file=sys.stderr)
        return 2
    if os.environ.get(ENV):  # an outer run's cluster (or the developer's own server)
        return subprocess.call(argv)
    try:
        cluster = Cluster()
        url = cluster.start()
    except (PostgresMissing, RuntimeError) as error:
        print(f"tests: {error}", file=sys.stderr)
        return 2
    try:
        child = subprocess.Popen(argv, env={**os.environ, ENV: url})
        # SIGTERM (a CI runner cancelling) goes on to the command; the cluster stops after it
        signal.signal(signal.SIGTERM, lambda *_: child.terminate())
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:  # the command got Ctrl+C too: wait until it has ended
                continue
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
