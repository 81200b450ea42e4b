"""One client's "create span" on a project file and on a PostgreSQL server (issue 20).

The same edits through the write service (``AnnotationService.create_span``: one write
transaction each, with its checks, its change-log row and, on the server, its write lock):
a project file (the baseline) and a database on a throwaway local cluster
(tests/pgcluster.py: Unix socket, fsync off, as in the tests; a real server syncs). Printed:
edits per second and p50/p95 latency of each, and the ratios server / file.

Run: ``.venv/bin/python -m benchmarks.bench_server_edits [--edits N]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from annotator.core.location import Location, ServerUrl  # noqa: E402
from annotator.core.positions import CodePoint  # noqa: E402
from annotator.services.project import open_project  # noqa: E402
from benchmarks.corpus import seed_texts  # noqa: E402
from tests.pgcluster import Cluster  # noqa: E402


def _latencies(where: Location, text: str, edits: int) -> list[float]:
    """Seconds each of ``edits`` one-word spans takes, on the project at ``where``."""
    project = open_project(where)
    try:
        doc_id, _ = project.documents.add_text("bench.txt", text)
        words = [i for i, c in enumerate(text) if c == " " and i + 3 < len(text)]
        out = []
        for k in range(edits):
            at = words[k % len(words)] + 1
            started = time.perf_counter()
            project.annotations.create_span(
                doc_id, f"a{k // len(words)}", CodePoint(at), CodePoint(at + 2), "GPE"
            )
            out.append(time.perf_counter() - started)
        return out
    finally:
        project.close()


def _summary(name: str, seconds: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(seconds, n=20)
    rate = len(seconds) / sum(seconds)
    p50, p95 = statistics.median(seconds) * 1000, cuts[18] * 1000
    print(f"{name:>12}: {rate:7.1f} edits/s  p50 {p50:6.2f} ms  p95 {p95:6.2f} ms")
    return rate, p50, p95


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=400)
    args = parser.parse_args(argv)
    text = " ".join(seed_texts())[:20000]
    with tempfile.TemporaryDirectory() as folder, Cluster() as cluster:
        admin = sa.create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("CREATE DATABASE bench"))
        admin.dispose()
        server = ServerUrl(cluster.url.replace("/postgres?", "/bench?"))
        _latencies(Path(folder) / "warm.sqlite", text, 20)  # imports and caches, once
        file_rate, file_p50, file_p95 = _summary(
            "SQLite file", _latencies(Path(folder) / "p.sqlite", text, args.edits)
        )
        pg_rate, pg_p50, pg_p95 = _summary("PostgreSQL", _latencies(server, text, args.edits))
    print(
        f"{'ratio':>12}: {pg_rate / file_rate:7.2f} x rate  p50 {pg_p50 / file_p50:5.2f} x  "
        f"p95 {pg_p95 / file_p95:5.2f} x  (server / file; {args.edits} edits each)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
