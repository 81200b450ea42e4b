"""Take ``docs/screenshot-team.png``: a person's window on a team server (issue 20).

A throwaway team database on a PostgreSQL server: ``annotator team init``'s set-up, three
people (amal and badr annotate, cora curates), the five seed articles, two documents assigned
and claimed, one held by the curator. The window is amal's, logged in with her own password,
at 1400×900, with a few of her spans: the Documents panel's People column, the Online label.
The database and every role it made are dropped afterwards.

Run under Xvfb with a server (``make screenshot`` starts a throwaway one)::

    python -m tests.pgcluster xvfb-run -a -s "-screen 0 1400x900x24" \\
        python -m annotator.tools.screenshot_team docs/screenshot-team.png

The server is the superuser URL in ``--server URL`` or in ``ANNOTATOR_TEST_PG``.
"""

from __future__ import annotations

import os
import secrets
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from annotator import config
from annotator.app import application, build_window
from annotator.core.location import ServerUrl
from annotator.services import team
from annotator.services.project import Project, open_project
from annotator.services.team_work import TeamWork
from annotator.store.engine import make_engine
from annotator.tools.screenshot import settle, tag_demo_spans

PEOPLE = (("amal", "annotator"), ("badr", "annotator"), ("cora", "curator"))
ME = "amal"


@dataclass
class Demo:
    """The demo database: its superuser URL and each person's login URL."""

    admin: sa.URL
    urls: dict[str, str] = field(default_factory=dict)

    def project(self, person: str) -> Project:
        return open_project(ServerUrl(self.urls[person]), create=False)


@contextmanager
def team_demo(server: str) -> Iterator[Demo]:
    """A team database with :data:`PEOPLE`, the seeds and some work; dropped afterwards."""
    root = make_engine(sa.make_url(server))
    name = f"screenshot_{uuid.uuid4().hex[:8]}"
    made: list[str] = []
    with root.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(
            sa.text(f'CREATE DATABASE "{name}"')
        )
    demo = Demo(sa.make_url(server).set(database=name))
    admin = make_engine(demo.admin)
    try:
        done = team.init(admin)
        made += [*done.groups, done.owner]
        for person, group in PEOPLE:
            login, password = f"{name}_{person}", secrets.token_hex(12)
            team.add_person(admin, person, group, login, password)
            made.insert(0, login)
            url = demo.admin.set(username=login, password=password)
            demo.urls[person] = url.render_as_string(hide_password=False)
        seeded = open_project(ServerUrl(demo.admin.render_as_string(hide_password=False)))
        try:
            seeded.documents.import_paths([config.seeds_dir()])
            names = [s.name for s in seeded.documents.summaries(ME)]
        finally:
            seeded.close()
        team.assign(admin, names[1], "badr")
        team.assign(admin, names[3], ME)
        _as(demo, "badr", lambda work: work.claim_next())
        _as(demo, "cora", lambda work: work.curate(1))
        yield demo
    finally:
        admin.dispose()
        with root.connect() as conn:
            auto = conn.execution_options(isolation_level="AUTOCOMMIT")
            auto.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for role in made:
                auto.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))
        root.dispose()


def _as(demo: Demo, person: str, act: Callable[[TeamWork], object]) -> None:
    project = demo.project(person)
    try:
        act(TeamWork(project))
    finally:
        project.close()


def main(argv: list[str]) -> int:
    """Write the screenshot to ``argv[0]`` (default docs/screenshot-team.png)."""
    server = os.environ.get("ANNOTATOR_TEST_PG", "")
    if "--server" in argv:
        at = argv.index("--server")
        server = argv[at + 1]
        argv = argv[:at] + argv[at + 2 :]
    if not server:
        print("screenshot_team needs a PostgreSQL superuser URL: --server URL", file=sys.stderr)
        return 2
    out = Path(argv[0] if argv else "docs/screenshot-team.png")
    app = application()
    with team_demo(server) as demo:
        project = demo.project(ME)
        window = build_window(project, ME)
        window.resize(1400, 900)
        window.show()
        settle(0.8)  # the docks are pinned, then the Documents panel makes room for People
        tag_demo_spans(window)
        settle(0.8)
        out.parent.mkdir(parents=True, exist_ok=True)
        ok = window.grab().save(str(out))
        window.close()
        settle(0.2)
        project.close()
    del app
    print(f"wrote {out}" if ok else f"could not write {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
