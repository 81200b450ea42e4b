"""A throwaway PostgreSQL 15 cluster for the rights tests (until the shared one of issue 20,
item 1 lands): a temporary folder, run as the ``postgres`` system user when the tests run as
root (``initdb`` refuses root), a Unix socket for the superuser (trust, only that user) and
127.0.0.1 with scram-sha-256 for everybody else, so a person's login is a real password login.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BIN = Path(os.environ.get("ANNOTATOR_PG_BIN", "/usr/lib/postgresql/15/bin"))
SUPERUSER = "postgres"


@dataclass(frozen=True)
class Cluster:
    """A running cluster: its socket folder, its TCP port, its superuser."""

    folder: Path
    port: int

    @property
    def socket_dir(self) -> str:
        """The folder that holds the cluster's Unix socket."""
        return str(self.folder / "sock")

    def superuser_url(self, db: str = "postgres") -> str:
        """The URL of the superuser's connection over the socket."""
        return f"postgresql+psycopg://{SUPERUSER}@/{db}?host={self.socket_dir}&port={self.port}"

    def login_url(self, user: str, password: str, db: str) -> str:
        """The URL of a person's password login over 127.0.0.1."""
        from sqlalchemy import URL

        url = URL.create(
            "postgresql+psycopg",
            username=user,
            password=password,
            host="127.0.0.1",
            port=self.port,
            database=db,
        )
        return url.render_as_string(hide_password=False)


def available() -> bool:
    """Whether PostgreSQL's programs are installed."""
    return (BIN / "initdb").exists() and (BIN / "pg_ctl").exists()


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start() -> Cluster:
    """initdb a cluster in a new temporary folder and start it; returns when it accepts."""
    folder = Path(tempfile.mkdtemp(prefix="annotator-pg-rights-"))
    (folder / "sock").mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        shutil.chown(folder / "sock", "postgres", "postgres")
    data = folder / "data"
    subprocess.run(
        _as_postgres(
            [str(BIN / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=scram-sha-256"]
            + ["--auth-local=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]
        ),
        check=True,
        capture_output=True,
    )
    hba = (
        f"local all {SUPERUSER} trust\n"
        "host all all 127.0.0.1/32 scram-sha-256\n"
        "host all all ::1/128 scram-sha-256\n"
    )
    subprocess.run(
        _as_postgres(["sh", "-c", f"cat > {data / 'pg_hba.conf'}"]),
        input=hba.encode(),
        check=True,
    )
    port = _free_port()
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder / 'sock'} -c fsync=off"
    subprocess.run(
        _as_postgres(
            [str(BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w"]
            + ["start"]
        ),
        check=True,
        capture_output=True,
    )
    cluster = Cluster(folder, port)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if (folder / "sock" / f".s.PGSQL.{port}").exists():
            return cluster
        time.sleep(0.1)
    stop(cluster)
    raise RuntimeError("the test cluster did not start")


def stop(cluster: Cluster) -> None:
    """Stop the cluster and remove its folder."""
    subprocess.run(
        _as_postgres([str(BIN / "pg_ctl"), "-D", str(cluster.folder / "data"), "-m", "fast"])
        + ["stop"],
        check=False,
        capture_output=True,
    )
    shutil.rmtree(cluster.folder, ignore_errors=True)
