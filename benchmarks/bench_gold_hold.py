"""What the curation hold's trigger costs writes on a team server (issue 20, item 5; ADR 0024).

Every statement that writes spans, events, relations, event arguments or document statuses
runs ``team_gold_held``: statement-level AFTER triggers that join the statement's rows (a
transition table) with the curation holds. Measured on one team database, with the
trigger on and, as the baseline, off (``ALTER TABLE ... DISABLE TRIGGER``), in turn: one
"create span" by amal through the write service, and ``--rows`` spans inserted by amal in one
statement (where a per-row cost shows whole). Medians of ``--repeats`` runs.

Run: ``.venv/bin/python -m benchmarks.bench_gold_hold [--rows N] [--repeats N]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from benchmarks.bench_team_rights import _client  # noqa: E402
from tests.pgcluster import Cluster  # noqa: E402
from tests.teamdb import TEXT, Team, team_database  # noqa: E402

_BATCH = iter(range(10**6))


def _bulk(t: Team, rows: int) -> Callable[[], object]:
    layer, width = t.layer_id("amal"), len(TEXT) - 1

    def insert() -> None:
        batch = next(_BATCH)
        with t.engine("amal").begin() as conn:
            conn.execute(
                sa.text(
                    'INSERT INTO spans (doc_id, annotator_id, start, "end", label, attributes, '
                    "created_at) SELECT 1, :layer, g % :n, g % :n + 1, 'B' || :b || '_' || g, "
                    "'{}', now() FROM generate_series(0, :count - 1) AS g"
                ),
                {"layer": layer, "n": width, "count": rows, "b": batch},
            )

    return insert


def _switch(t: Team, on: bool) -> None:
    with t.admin.begin() as conn:
        conn.execute(
            sa.text(
                f"ALTER TABLE spans {'ENABLE' if on else 'DISABLE'} TRIGGER team_gold_held_insert"
            )
        )


def _timed(t: Team, run: Callable[[], object], on: bool, kept: list[float]) -> None:
    _switch(t, on)
    started = time.perf_counter()
    run()
    kept.append((time.perf_counter() - started) * 1000)


def main(argv: list[str]) -> int:
    """Print the medians and ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    results: dict[str, tuple[float, float]] = {}
    with Cluster() as cluster:
        admin = sa.create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with team_database(cluster.url, admin) as t:
            _read, create = _client(t.engine("amal"))
            for name, run in (
                ("create one span", create),
                (f"insert {args.rows}", _bulk(t, args.rows)),
            ):
                off: list[float] = []
                on: list[float] = []
                for _ in range(args.repeats):
                    _timed(t, run, False, off)
                    _timed(t, run, True, on)
                results[name] = (statistics.median(off), statistics.median(on))
        admin.dispose()
    for name, (off_ms, on_ms) in results.items():
        print(f"{name:16} trigger off {off_ms:8.1f} ms   on {on_ms:8.1f} ms   "
              f"ratio {on_ms / off_ms:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
