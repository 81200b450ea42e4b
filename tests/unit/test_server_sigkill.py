"""A client killed with SIGKILL mid-change, and a server that crashes mid-session (issue 20,
item 7 and its test).

A real client process makes edits on a project on the run's PostgreSQL server and prints each
edit once the write service has returned it (committed: acknowledged). It is killed with
SIGKILL at a random moment, several times, each new client going on where the last stopped.
Each edit is one transaction that writes several rows: two spans on two neighbouring words
(a pair), or the deletion of a pair, and its change-log row and feed number. Afterwards the
server holds every acknowledged edit; every stored edit is whole (both spans of a pair, or
neither; one change-log row per edit; feed numbers with no gap and no duplicate, the document
and the edits that committed but were not acknowledged included); and the project opens and
accepts edits. The same holds when, instead, the server crashes (``pg_ctl stop -m immediate``)
under a client twice and comes back by crash recovery, on a cluster with PostgreSQL's durable
defaults.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa

from annotator.core.location import ServerUrl
from annotator.core.positions import CodePoint
from annotator.services.project import Project, open_project
from tests.conftest import REPO
from tests.pgcluster import Cluster, wait_until_ready

WORD = "😀 قصفتْ الطائـرات\u00a0مدينة\u200cحماة في 2024 Reuters "
WHO = "نور\u200c😀"
KILLS = int(os.environ.get("ANNOTATOR_SIGKILLS", "4"))  # clients killed, one after another

_CLIENT = """
import re, sys
from annotator.core.location import ServerUrl
from annotator.core.model import Bundle, Edit, Span
from annotator.services.project import open_project
url, who, doc_id = sys.argv[1], sys.argv[2], int(sys.argv[3])
project = open_project(ServerUrl(url))
ann = project.annotations
text = project.documents.document(doc_id).text
words = [(m.start(), m.end()) for m in re.finditer(r"\\S+", text)]
stored = {s.start for s in ann.spans(doc_id, who)}
pairs = [(words[j], words[j + 1]) for j in range(0, len(words) - 1, 2)]
free = [p for p in pairs if p[0][0] not in stored and p[1][0] not in stored]
mine = []
print("ready", flush=True)
for k, ((a, b), (c, d)) in enumerate(free):
    spans = (Span(0, doc_id, who, a, b, "GPE"), Span(0, doc_id, who, c, d, "ORG"))
    done = ann.apply(Edit(doc_id, who, add=Bundle(spans=spans), description="Tag pair"))
    ids = [s.id for s in done.add.spans]
    mine.append(ids)
    print("add", a, c, *ids, flush=True)
    if k % 3 == 2:
        gone = mine.pop(0)
        ann.apply(Edit(doc_id, who, remove=Bundle(spans=tuple(ann.span(i) for i in gone)),
                       description="Delete pair"))
        print("del", *gone, flush=True)
"""


@pytest.fixture
def server_project(pg_project_url: str) -> Iterator[Project]:
    project = open_project(ServerUrl(pg_project_url))
    yield project
    project.close()


def _run_and_stop(
    url: str, doc_id: int, rng: random.Random, stop: Callable[[subprocess.Popen[str]], None]
) -> list[list[str]]:
    """One client, stopped by ``stop`` at a random moment after it started editing (killed,
    or its server crashed); the edits it acknowledged, in order."""
    client = subprocess.Popen(
        [sys.executable, "-c", _CLIENT, url, WHO, str(doc_id)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert client.stdout is not None
    lines: list[str] = []

    def read() -> None:
        for line in client.stdout or []:
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 120
    while "ready\n" not in lines:
        assert client.poll() is None, client.communicate()[1]
        assert time.monotonic() < deadline, "the client did not start"
        time.sleep(0.02)
    time.sleep(rng.uniform(0.2, 1.5))  # somewhere among its edits, mid-change or between
    assert client.poll() is None, "the client ran out of words before it was stopped"
    stop(client)
    client.wait(timeout=60)
    reader.join(timeout=30)
    assert client.returncode != 0  # killed, or refused by a server that went away
    for stream in (client.stdout, client.stderr):
        if stream is not None:
            stream.close()
    return [line.split() for line in lines if line.endswith("\n") and line != "ready\n"]


def _sigkill(client: subprocess.Popen[str]) -> None:
    client.send_signal(signal.SIGKILL)


def test_a_client_killed_mid_change_loses_no_acknowledged_edit_and_leaves_none_half_written(
    pg_project_url: str, server_project: Project
) -> None:
    doc_id, _ = server_project.documents.add_text("a 😀.txt", WORD * 400)
    rounds = [
        _run_and_stop(pg_project_url, doc_id, random.Random(20 + k), _sigkill) for k in range(KILLS)
    ]
    _check(pg_project_url, doc_id, rounds)


def _check(url: str, doc_id: int, rounds: list[list[list[str]]]) -> None:
    """Every acknowledged edit of ``rounds`` (one list per client) is on the server at ``url``,
    every stored one is whole, the feed has no gap, and the project accepts an edit."""
    added: dict[int, tuple[int, int, int]] = {}  # acknowledged pairs: id -> starts, other id
    deleted: set[int] = set()  # the first ids of the pairs whose deletion was acknowledged
    maybe_gone: set[int] = set()  # per client, the pair it deletes next (maybe unacknowledged)
    for acknowledged in rounds:
        mine: list[int] = []
        for kind, *values in acknowledged:
            numbers = [int(v) for v in values]
            if kind == "add":
                added[numbers[2]] = (numbers[0], numbers[1], numbers[3])
                mine.append(numbers[2])
            else:
                deleted.add(numbers[0])
                mine.remove(numbers[0])
        maybe_gone.update(mine[:1])
    stops = len(rounds)
    assert len(added) >= stops and deleted  # the clients did edit before they were stopped

    project = open_project(ServerUrl(url))  # it opens, as after any crash
    try:
        text = project.documents.document(doc_id).text
        starts = [m.start() for m in re.finditer(r"\S+", text)]
        index = {start: i for i, start in enumerate(starts)}
        spans = project.annotations.spans(doc_id, WHO)
        by_id = {s.id: s for s in spans}
        for first, (a, c, second) in added.items():  # every acknowledged edit is there
            if first in deleted or (first in maybe_gone and first not in by_id):
                assert first not in by_id and second not in by_id
            else:
                assert (by_id[first].start, by_id[first].label) == (a, "GPE")
                assert (by_id[second].start, by_id[second].label) == (c, "ORG")
        at = {index[s.start]: s.label for s in spans}
        for i, label in at.items():  # whole pairs only: words 2j and 2j + 1, together
            partner = i + 1 if i % 2 == 0 else i - 1
            assert at.get(partner) == ("ORG" if i % 2 == 0 else "GPE"), (i, label)
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with engine.connect() as conn:
            logged = conn.execute(
                sa.text("SELECT seq, description FROM change_log ORDER BY seq, id")
            ).all()
            last = conn.execute(sa.text("SELECT seq FROM change_feed")).scalar_one()
        engine.dispose()
        seqs = [seq for seq, _ in logged]
        assert seqs == sorted(set(seqs)) == list(range(1, last + 1))  # no gap, no duplicate
        kinds = Counter(description for _, description in logged)
        assert kinds["Tag pair"] - kinds["Delete pair"] == len(spans) // 2  # one row per edit
        assert len(added) <= kinds["Tag pair"] <= len(added) + stops  # unacknowledged: 1 each
        assert len(deleted) <= kinds["Delete pair"] <= len(deleted) + stops

        free = next(i for i in range(len(starts)) if i not in at)  # it accepts edits
        word = text[starts[free] :].split()[0]
        start = CodePoint(starts[free])
        project.annotations.create_span(doc_id, WHO, start, CodePoint(start + len(word)), "LOC")
        assert len(project.annotations.spans(doc_id, WHO)) == len(spans) + 1
    finally:
        project.close()


CRASHES = 2
DURABLE = {"fsync": "on", "synchronous_commit": "on"}  # as a real server runs


@pytest.fixture
def durable_server() -> Iterator[tuple[Cluster, str]]:
    """A cluster of this test's own, with PostgreSQL's durable defaults (the run's shared one
    has synchronous_commit off, which may lose a commit acknowledged just before a crash)."""
    with Cluster(settings=DURABLE) as cluster:
        admin = sa.create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("CREATE DATABASE team"))
        admin.dispose()
        yield cluster, cluster.url.replace("/postgres?", "/team?")


def test_a_server_crash_mid_session_loses_no_acknowledged_edit_and_leaves_none_half_written(
    durable_server: tuple[Cluster, str],
) -> None:
    cluster, url = durable_server
    project = open_project(ServerUrl(url))
    doc_id, _ = project.documents.add_text("a 😀.txt", WORD * 400)
    project.close()
    assert cluster.folder is not None
    data = str(cluster.folder / "data")

    def crash(_client: subprocess.Popen[str]) -> None:  # the server dies mid-change
        cluster._run("pg_ctl", "stop", "-w", "-m", "immediate", "-D", data)

    rounds = []
    for k in range(CRASHES):
        rounds.append(_run_and_stop(url, doc_id, random.Random(40 + k), crash))
        options = f"-c listen_addresses='' -c unix_socket_directories='{cluster.folder}'"
        log = str(cluster.folder / "server.log")  # crash recovery replays the log:
        cluster._run("pg_ctl", "start", "-w", "-D", data, "-l", log, "-o", options)
        wait_until_ready(url)
    _check(url, doc_id, rounds)
