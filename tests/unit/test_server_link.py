"""Online / Offline for a project on a server (issue 20, item 7), below the window.

While the link is Offline and the server does not answer, every kind of change is refused by
the write service before it is tried (no statement reaches the server), with one sentence; once
the server is back, a refused change asks it (off the caller's thread) and the next change is
made (once), without waiting for the probe. A read that finds the server gone turns the link
Offline; a pooled connection that a server restart ended, and that the pool replaces, does not.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from annotator.core.location import ServerUrl
from annotator.core.model import Bundle, Edit, Status
from annotator.core.positions import CodePoint
from annotator.core.schema import default_schema
from annotator.services.online import ASK_AGAIN_S, OfflineError, ServerLink
from annotator.services.project import Project, open_project
from tests.gui.test_server_away_gui import _pg_ctl
from tests.pgcluster import Cluster, wait_until_ready

TEXT = "😀 قصفت الطائـــرات\u00a0مدينةَ حماة قرب حلب\u200cالشهباء في 2024 (Reuters)"
WHO = "سلمى 😀"


@pytest.fixture
def on_server(pg_project_url: str) -> Iterator[Project]:
    project = open_project(ServerUrl(pg_project_url))
    yield project
    project.close()


@pytest.fixture
def own_server() -> Iterator[tuple[Cluster, str]]:
    """A cluster of this test's own (it is stopped and started again) with a database."""
    with Cluster() as cluster:
        admin = sa.create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("CREATE DATABASE away"))
        admin.dispose()
        yield cluster, cluster.url.replace("/postgres?", "/away?")


def _statements(engine: sa.Engine) -> list[str]:
    """Every statement ``engine`` sends from now on."""
    sent: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    return sent


def _connections(engine: sa.Engine) -> list[object]:
    """Every new connection ``engine`` opens from now on."""
    made: list[object] = []
    sa.event.listen(engine, "connect", lambda conn, _record: made.append(conn))
    return made


def test_every_change_is_refused_before_it_is_tried_while_offline(
    own_server: tuple[Cluster, str],
) -> None:
    cluster, url = own_server
    project = open_project(ServerUrl(url))
    doc, _ = project.documents.add_text("حماة 😀.txt", TEXT)
    at = CodePoint(TEXT.index("حماة"))
    kept = project.annotations.create_span(doc, WHO, at, CodePoint(at + 4), "GPE").add.spans[0]
    seq = project.repo.last_seq()
    link = ServerLink(project)
    turns: list[bool] = []
    link.changed.connect(turns.append)
    _pg_ctl(cluster, "stop")
    with pytest.raises(sa.exc.DBAPIError):
        project.repo.last_seq()  # a read finds the server gone: Offline
    assert not link.online and turns == [False]
    sent = _statements(project.repo.engine)
    near = CodePoint(TEXT.index("حلب"))
    changes: dict[str, Callable[[], Any]] = {
        "tag": lambda: project.annotations.create_span(doc, WHO, near, CodePoint(near + 3), "GPE"),
        "delete span": lambda: project.write.apply_edit(
            Edit(doc, WHO, remove=Bundle(spans=(kept,)))
        ),
        "status": lambda: project.documents.set_status(doc, WHO, Status.DONE),
        "plan deletion": lambda: project.write.plan_deletion(doc),
        "delete document": lambda: project.write.delete(doc),
        "schema": lambda: project.write.replace_schema(default_schema()),
        "fact": lambda: project.write.set_meta("k", "v"),
        "document": lambda: project.documents.add_text("new.txt", TEXT + " 2"),
    }
    for what, change in changes.items():
        with pytest.raises(OfflineError) as refused:
            change()
        assert str(refused.value) == link.refusal(), what
    assert sent == []  # refused before being tried: not one statement reached the server
    assert link.server in link.refusal() and not link.online and turns == [False]
    _pg_ctl(cluster, "start")
    wait_until_ready(url)
    time.sleep(ASK_AGAIN_S)  # the last refusal's unanswered question is older than that
    # no probe has run: a refused change asks the server off this thread, and once it has
    # answered, the next change is made (tests/unit/test_server_far_away.py: never waiting)
    made = None
    deadline = time.monotonic() + 30
    while made is None and time.monotonic() < deadline:
        try:
            made = project.annotations.create_span(doc, WHO, near, CodePoint(near + 3), "GPE")
        except OfflineError:
            time.sleep(0.02)
    assert made is not None and link.online and turns == [False, True]
    assert project.repo.last_seq() == seq + 1  # one change: made once, nothing half-made
    assert sorted(s.id for s in project.annotations.spans(doc, WHO)) == sorted(
        [kept.id, made.add.spans[0].id]
    )
    link.close()
    project.close()


def test_a_read_that_finds_the_server_gone_turns_offline_and_a_probe_turns_online(
    on_server: Project,
) -> None:
    project = on_server
    link = ServerLink(project)
    turns: list[bool] = []
    link.changed.connect(turns.append)
    kill = sa.text(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )

    def end_connections() -> None:  # as a restart does, for this database's connections
        admin = sa.create_engine(project.repo.engine.url, poolclass=sa.pool.NullPool)
        with admin.connect() as conn:
            conn.execute(kill)
            conn.commit()
        admin.dispose()

    project.repo.last_seq()  # a pooled connection
    end_connections()
    project.repo.last_seq()  # the pool's ping finds it ended and makes another: no loss
    assert link.online and turns == []

    with project.repo.engine.connect() as conn:
        end_connections()
        with pytest.raises(sa.exc.DBAPIError):
            conn.execute(sa.text("SELECT 1"))  # a read on a connection the server ended
    assert not link.online and turns == [False]
    tried = _connections(project.repo.engine)
    with pytest.raises(sa.exc.DBAPIError) as held:  # the server is up, but not asked
        project.repo.last_seq()
    assert tried == [] and link.is_loss(held.value)  # failed at once, and said as a loss

    link.probe()  # on a thread of its own
    deadline = time.monotonic() + 10
    while not link.online and time.monotonic() < deadline:
        time.sleep(0.02)
    assert link.online and turns == [False, True]
    assert project.repo.last_seq() >= 0 and len(tried) == 1  # the probe's, the read uses it
    link.close()
