"""Alembic environment: runs against the engine handed over by annotator.store.engine.

SQLite rebuilds a table to alter it. With foreign keys on, dropping the old
table would cascade into every row that refers to it, so migrations run with
foreign keys OFF (set outside the transaction, where SQLite honours it), in one
IMMEDIATE transaction (a second process waits instead of migrating twice), and
``PRAGMA foreign_key_check`` must come back empty before the commit.
"""

from alembic import context

from annotator.core.errors import ProjectError
from annotator.store.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    raw = connection.connection.driver_connection if sqlite else None
    if raw is not None:
        raw.execute("PRAGMA foreign_keys=OFF")
        raw.execute("PRAGMA busy_timeout=120000")
    try:
        connection = connection.execution_options(sqlite_begin="IMMEDIATE")
        with connection.begin():
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=True,
            )
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise ProjectError(
                        f"Migrating the project would leave {len(broken)} broken references "
                        f"(first: {tuple(broken[0])}); nothing was changed."
                    )
    finally:
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=ON")
            raw.execute("PRAGMA busy_timeout=5000")
