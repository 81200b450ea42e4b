"""pytest fixtures for the PostgreSQL backend: one server per run, one fresh database per test.

The server is ANNOTATOR_TEST_PG's (``make test`` starts one cluster for the whole run with
``python -m tests.pgcluster``). Without it, the first test that needs a server starts one
(under a file lock, so the xdist workers of one run share it), and the run's controlling
process stops it at the end of the session. No server at all (the programs are missing) is an
error that says what to install, never a skip.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pgcluster import ENV, Cluster

_LAZY = "ANNOTATOR_TEST_PG_LAZY"  # the folder where this run's own cluster is noted


def pytest_configure(config: pytest.Config) -> None:
    """The controlling process names (but does not create) a folder for a lazy cluster."""
    if os.environ.get(ENV) or hasattr(config, "workerinput"):
        return
    folder = Path("/tmp") / f"annotator-pg-run-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    os.environ[_LAZY] = str(folder)
    config.stash[_lazy_key] = folder


_lazy_key = pytest.StashKey[Path]()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop the cluster a test started lazily (after every xdist worker has finished)."""
    folder = session.config.stash.get(_lazy_key, None)
    if folder is None:
        return
    noted = folder / "cluster"
    if noted.exists():
        cluster = Cluster()
        cluster.folder = Path(noted.read_text(encoding="utf-8"))
        cluster.stop()
    shutil.rmtree(folder, ignore_errors=True)
    os.environ.pop(_LAZY, None)


def _lazy_server() -> str:
    folder = Path(os.environ[_LAZY])
    folder.mkdir(exist_ok=True)
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (folder / "url").exists():
            return (folder / "url").read_text(encoding="utf-8")
        cluster = Cluster()
        url = cluster.start()
        assert cluster.folder is not None
        (folder / "cluster").write_text(str(cluster.folder), encoding="utf-8")
        (folder / "url").write_text(url, encoding="utf-8")
        return url


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The superuser URL of this run's PostgreSQL server (database ``postgres``)."""
    return os.environ.get(ENV) or _lazy_server()


@pytest.fixture(scope="session")
def pg_admin(pg_server: str) -> Iterator[object]:
    """An autocommit engine on the server's ``postgres`` database, for CREATE/DROP DATABASE."""
    import sqlalchemy as sa

    engine = sa.create_engine(pg_server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    yield engine
    engine.dispose()


def database_url(server: str, name: str) -> str:
    """``server``'s URL with the database ``name`` instead of ``postgres``."""
    import sqlalchemy as sa

    return sa.make_url(server).set(database=name).render_as_string(hide_password=False)


def _fresh_database(pg_server: str, pg_admin: object, template: str | None) -> Iterator[str]:
    import sqlalchemy as sa

    assert isinstance(pg_admin, sa.Engine)
    name = f"t_{uuid.uuid4().hex[:16]}"
    copy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"{copy}'))
    yield database_url(pg_server, name)
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture
def pg_empty_url(pg_server: str, pg_admin: object) -> Iterator[str]:
    """A fresh, empty database on the server, dropped after the test."""
    yield from _fresh_database(pg_server, pg_admin, None)


def _schema_digest() -> str:
    """A digest of what makes a new project's tables: the models and the migrations."""
    import hashlib

    store = Path(__file__).resolve().parent.parent / "annotator" / "store"
    digest = hashlib.sha256()
    for path in sorted(
        [store / "models.py", store / "engine.py", *store.glob("migrations/**/*.py")]
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@pytest.fixture(scope="session")
def pg_template(pg_server: str, pg_admin: object) -> str:
    """A database holding a new, empty project, made once per server and schema: each test
    copies it (CREATE DATABASE ... TEMPLATE) instead of creating the tables. FILE_COPY: for so
    small a database, 3.5 times as fast as PostgreSQL 15's default (WAL_LOG), measured."""
    import sqlalchemy as sa

    from annotator.core.location import ServerUrl
    from annotator.store.server import open_server

    assert isinstance(pg_admin, sa.Engine)
    name = f"annotator_template_{_schema_digest()}"
    exists = sa.text("SELECT count(*) FROM pg_database WHERE datname = :n")
    with pg_admin.connect() as conn:
        conn.execute(sa.text("SELECT pg_advisory_lock(20)"))  # the xdist workers take turns
        try:
            if not conn.execute(exists, {"n": name}).scalar_one():
                making = f"{name}_making_{uuid.uuid4().hex[:8]}"
                conn.execute(sa.text(f'CREATE DATABASE "{making}"'))
                open_server(ServerUrl(database_url(pg_server, making))).engine.dispose()
                conn.execute(sa.text(f'ALTER DATABASE "{making}" RENAME TO "{name}"'))
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(20)"))
    return name


@pytest.fixture
def pg_project_url(pg_server: str, pg_admin: object, pg_template: str) -> Iterator[str]:
    """A fresh database on the server holding a new, empty project; dropped after the test."""
    yield from _fresh_database(pg_server, pg_admin, pg_template)


@pytest.fixture(scope="session")
def pg_seeded_template(pg_server: str, pg_admin: object, pg_template: str) -> str:
    """A copy of :func:`pg_template` with the five seed articles imported (as the SQLite
    ``seeded_template``), made once per server and schema."""
    import sqlalchemy as sa

    from annotator.core.location import ServerUrl
    from annotator.services.project import open_project
    from tests.conftest import SEEDS

    assert isinstance(pg_admin, sa.Engine)
    name = pg_template.replace("template", "seeded")
    exists = sa.text("SELECT count(*) FROM pg_database WHERE datname = :n")
    with pg_admin.connect() as conn:
        conn.execute(sa.text("SELECT pg_advisory_lock(21)"))
        try:
            if not conn.execute(exists, {"n": name}).scalar_one():
                making = f"{name}_making_{uuid.uuid4().hex[:8]}"
                conn.execute(
                    sa.text(
                        f'CREATE DATABASE "{making}" TEMPLATE "{pg_template}" STRATEGY FILE_COPY'
                    )
                )
                project = open_project(ServerUrl(database_url(pg_server, making)))
                try:
                    project.documents.import_paths([SEEDS])
                finally:
                    project.close()
                conn.execute(sa.text(f'ALTER DATABASE "{making}" RENAME TO "{name}"'))
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(21)"))
    return name


@pytest.fixture
def pg_seeded_url(pg_server: str, pg_admin: object, pg_seeded_template: str) -> Iterator[str]:
    """A fresh database on the server holding the seeded project; dropped after the test."""
    yield from _fresh_database(pg_server, pg_admin, pg_seeded_template)
