"""Team mode speed (issue 20): "create span" on a PostgreSQL server against a project file.

Measured, each writer in its own process (one person each, their own layer), all starting at
once on one shared document:

- edits per second (all writers together) and the p50/p95 latency of one "create span"
  (from the call to the write service until it returns, committed), with 1, 4 and 8 writers,
  on a loopback PostgreSQL server and on an SQLite project file (the baseline, run alongside);
- notification latency: from one client's commit of a span to another client's listening
  socket becoming readable (p50/p95), the path a window's live updates take (ADR 0025).

Two ways of writing, each reported (``--pace``):

- closed loop: each writer creates its spans back to back, as fast as the server answers.
  With 8 processes on a 2-core machine this measures saturation (the rate the whole system
  reaches, and how long an edit waits in the queue it makes), not what one edit costs a team.
- paced (``--pace MS``, default 250): each writer starts an edit at random intervals of 0.5 to
  1.5 times MS (start to start; a late edit starts at once), as a fast annotator tagging
  four words a second would: the latency of one edit while the others keep working.

The server is a throwaway cluster started here with PostgreSQL's durable defaults (fsync and
synchronous_commit on, unlike the test suite's cluster), on a Unix socket. Target (issue 20):
p95 of a single edit 25 ms or less with 8 clients.

Run: ``.venv/bin/python -m benchmarks.bench_server [--edits N] [--clients 1,4,8] [--pace MS]
[--pg-set NAME=VALUE ...]`` (``--pace 0``: closed loop only; ``--pg-set``: a server setting
such as ``commit_delay=20``, on top of the durable ones).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import select
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from annotator.core.location import ServerUrl  # noqa: E402
from annotator.services.project import open_project  # noqa: E402
from annotator.store.listen import Listener  # noqa: E402
from tests.pgcluster import Cluster  # noqa: E402

WORD = "حماة😀"
# the test corpus's characters: emoji, NBSP, ZWNJ, tatweel, diacritics, Latin, digits
FILLER = "قصفت الطائـــرات\u00a0مدينةَ حلب\u200cالشهباء في 2024 (Reuters) "
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}


def _text(words: int) -> str:
    return " ".join([WORD] * words) + " " + FILLER


def _location(where: str) -> Any:
    return ServerUrl(where) if where.startswith("postgresql") else Path(where)


def _writer(
    where: str, doc_id: int, person: str, edits: int, pace: float, start: Any, out: Any
) -> None:
    """One person creating ``edits`` spans (every other word) in their own layer: back to
    back (``pace`` 0), or each starting 0.5 to 1.5 times ``pace`` ms after the one before."""
    project = open_project(_location(where))
    step = len(WORD) + 1
    latencies = []
    chance = random.Random(person)
    try:
        start.wait()
        due = time.perf_counter() + chance.uniform(0, pace) / 1000  # writers out of step
        for k in range(edits):
            at = 2 * k * step
            if pace:
                time.sleep(max(0.0, due - time.perf_counter()))
                due = max(due, time.perf_counter()) + chance.uniform(0.5, 1.5) * pace / 1000
            began = time.perf_counter()
            project.annotations.create_span(doc_id, person, at, at + len(WORD), "GPE")
            latencies.append(time.perf_counter() - began)
    finally:
        project.close()
    out.put(latencies)


def _round(
    where: str, doc_id: int, clients: int, edits: int, pace: float, tag: str
) -> dict[str, float]:
    ctx = mp.get_context("spawn")
    start = ctx.Barrier(clients + 1)
    out = ctx.Queue()
    people = [f"{tag}{clients}p{k}" for k in range(clients)]
    procs = [
        ctx.Process(target=_writer, args=(where, doc_id, p, edits, pace, start, out))
        for p in people
    ]
    for proc in procs:
        proc.start()
    start.wait()
    began = time.perf_counter()
    latencies: list[float] = []
    for _ in procs:
        latencies += out.get(timeout=600)
    wall = time.perf_counter() - began
    for proc in procs:
        proc.join()
    ms = sorted(x * 1000 for x in latencies)
    return {
        "rate": len(ms) / wall,
        "p50": statistics.median(ms),
        "p95": ms[int(0.95 * (len(ms) - 1))],
    }


def _notify_latency(url: str, doc_id: int, edits: int) -> tuple[float, float]:
    one = open_project(ServerUrl(url))
    two = open_project(ServerUrl(url))
    listener = Listener(two.repo.engine)
    waits = []
    step = len(WORD) + 1
    try:
        for k in range(edits):
            at = (2 * k + 1) * step  # the words the writers left
            one.annotations.create_span(doc_id, "notifier", at, at + len(WORD), "GPE")
            committed = time.perf_counter()
            ready, _, _ = select.select([listener.fileno()], [], [], 5.0)
            assert ready, "no notification within 5 s"
            waits.append((time.perf_counter() - committed) * 1000)
            listener.drain()
    finally:
        listener.close()
        one.close()
        two.close()
    waits.sort()
    return statistics.median(waits), waits[int(0.95 * (len(waits) - 1))]


def _print(mode: str, n: int, base: dict[str, float], pg: dict[str, float]) -> None:
    for name, row in (("sqlite", base), ("postgres", pg)):
        print(
            f"{mode:>15} {n:>8} {name:>10} {row['rate']:>9.1f} {row['p50']:>8.2f} "
            f"{row['p95']:>8.2f}"
        )
    print(
        f"{'':>15} {'':>8} {'ratio':>10} {pg['rate'] / base['rate']:>9.2f} "
        f"{pg['p50'] / base['p50']:>8.2f} {pg['p95'] / base['p95']:>8.2f}"
        + ("   target p95 <= 25 ms: " + ("met" if pg["p95"] <= 25 else "NOT met"))
        * (n == 8)
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=200, help="spans per writer per round")
    parser.add_argument("--clients", default="1,4,8", help="writer counts, comma-separated")
    parser.add_argument(
        "--pace", type=float, default=250, help="paced mode's mean ms between edits (0: none)"
    )
    parser.add_argument(
        "--pg-set", action="append", default=[], metavar="NAME=VALUE", help="a server setting"
    )
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.clients.split(",")]
    modes = [("closed loop", 0.0)] + [(f"paced {args.pace:g} ms", args.pace)] * (args.pace > 0)
    settings = dict(DURABLE, **dict(kv.split("=", 1) for kv in args.pg_set))
    words = 2 * args.edits + 2
    text = _text(words)
    with tempfile.TemporaryDirectory() as tmp, Cluster(settings=settings) as cluster:
        admin = sa.create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("CREATE DATABASE bench"))
        admin.dispose()
        url = cluster.url.replace("/postgres?", "/bench?")
        server = open_project(ServerUrl(url))  # an empty database is created by the server
        file_project = open_project(Path(tmp) / "bench.sqlite")
        try:
            doc_pg, _ = server.documents.add_text("bench 😀.txt", text)
            doc_sq, _ = file_project.documents.add_text("bench 😀.txt", text)
        finally:
            server.close()
            file_project.close()
        print(f"create span: {args.edits} per writer, each writer its own process and layer")
        print(f"server settings: {settings}")
        print(
            f"{'mode':>15} {'writers':>8} {'backend':>10} {'edits/s':>9} {'p50 ms':>8} "
            f"{'p95 ms':>8}"
        )
        for m, (mode, pace) in enumerate(modes):
            for n in counts:
                tag = f"m{m}"  # new layers in each round: each starts from empty layers
                sqlite = str(Path(tmp) / "bench.sqlite")
                base = _round(sqlite, doc_sq, n, args.edits, pace, "s" + tag)
                pg = _round(url, doc_pg, n, args.edits, pace, "p" + tag)
                _print(mode, n, base, pg)
        p50, p95 = _notify_latency(url, doc_pg, min(args.edits, 100))
        print(
            f"notification, commit to the other client's socket: p50 {p50:.2f} ms, p95 {p95:.2f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
