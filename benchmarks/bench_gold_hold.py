"""What the curation hold's trigger costs writes on a team server (issue 20, item 5; ADR 0024).

Every statement that writes spans, events, relations, event arguments or document statuses
runs ``team_gold_held``: statement-level AFTER triggers that join the statement's rows (a
transition table) with the curation holds. Measured on one team database, with the
trigger on and, as the baseline, off (``ALTER TABLE ... DISABLE TRIGGER``), in turn: one
"create span" by amal through the write service, and ``--rows`` spans inserted by amal in one
statement (where a per-row cost shows whole). Medians of ``--repeats`` runs. With ``--gold``,
the same writes go to the gold layer of document 1, by cora who holds it (the trigger's
holder checks then find gold rows to look at).

Run: ``.venv/bin/python -m benchmarks.bench_gold_hold [--rows N] [--repeats N] [--gold]``
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

from annotator.services.annotations import AnnotationService  # noqa: E402
from annotator.services.write import WriteService  # noqa: E402
from annotator.store.repository import Repository  # noqa: E402
from annotator.store.writer import Writer  # noqa: E402
from benchmarks.bench_team_rights import _LABELS, _client  # noqa: E402
from tests.pgcluster import Cluster  # noqa: E402
from tests.teamdb import TEXT, Team, team_database  # noqa: E402

_BATCH = iter(range(10**6))


def _bulk(
    t: Team, rows: int, person: str = "amal", layer_name: str = "amal"
) -> Callable[[], object]:
    layer, width = t.layer_id(layer_name), len(TEXT) - 1

    def insert() -> None:
        batch = next(_BATCH)
        with t.engine(person).begin() as conn:
            conn.execute(
                sa.text(
                    'INSERT INTO spans (doc_id, annotator_id, start, "end", label, attributes, '
                    "created_at) SELECT 1, :layer, g % :n, g % :n + 1, 'B' || :b || '_' || g, "
                    "'{}', now() FROM generate_series(0, :count - 1) AS g"
                ),
                {"layer": layer, "n": width, "count": rows, "b": batch},
            )

    return insert


def _gold_create(t: Team) -> Callable[[], object]:
    """One "create span" in the gold layer of document 1, by cora (who holds it)."""
    engine = t.engine("cora")
    annotations = AnnotationService(Repository(engine), WriteService(Writer(engine)))
    made = iter(range(10**6))

    def create() -> None:
        k = next(made)
        start, label = k % (len(TEXT) - 2), _LABELS[k // (len(TEXT) - 2) % len(_LABELS)]
        annotations.create_span(1, "gold", start, start + 2, label)  # type: ignore[arg-type]

    return create


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
    parser.add_argument("--gold", action="store_true", help="cora writes gold under her hold")
    args = parser.parse_args(argv)
    results: dict[str, tuple[float, float]] = {}
    with Cluster() as cluster:
        admin = sa.create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with team_database(cluster.url, admin) as t:
            if args.gold:
                with t.engine("cora").begin() as conn:
                    conn.execute(sa.text("SELECT team_curate(1)"))  # makes the gold layer too
                create, bulk = _gold_create(t), _bulk(t, args.rows, "cora", "gold")
            else:
                create, bulk = _client(t.engine("amal"))[1], _bulk(t, args.rows)
            for name, run in (("create one span", create), (f"insert {args.rows}", bulk)):
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
