"""What row-level security costs on a team server (issue 20, item 2; ADR 0024).

On a throwaway PostgreSQL cluster (tests/pgcluster.py, a Unix socket), one team database with
two annotators; amal's layer holds ``--spans`` spans on one document. Measured, each as the
median of ``--repeats`` runs, for the same statements run by a superuser (who bypasses row-level
security: the baseline) and by amal's own login (every policy applies):

- reading her layer's spans (``Repository.spans``: the document's opening), and the same
  rows by plain SQL (the query alone, where the policies' cost would show);
- one "create span" through the write service (validation, the write lock, the change log);

and the ratio of each to its baseline.

Run: ``.venv/bin/python -m benchmarks.bench_team_rights [--spans N] [--repeats N]``
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
from tests.pgcluster import Cluster  # noqa: E402
from tests.teamdb import TEXT, Team, team_database  # noqa: E402

_CREATED = iter(range(10**6))
_LABELS = ("ORG", "PER", "GPE", "LOC")


def _medians_ms(
    base: Callable[[], object], other: Callable[[], object], repeats: int
) -> tuple[float, float]:
    """Medians of ``base`` and ``other``, run in turn (so the machine's load hits both alike)."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for run, kept in ((base, times[0]), (other, times[1])):
            started = time.perf_counter()
            run()
            kept.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def _fill(t: Team, spans: int) -> None:
    """``spans`` spans in amal's layer, written in one statement by the superuser (each its
    own label, as identical spans are refused; reading does not look at the schema)."""
    with t.admin.begin() as conn:
        conn.execute(
            sa.text(
                'INSERT INTO spans (doc_id, annotator_id, start, "end", label, attributes, '
                "created_at) SELECT 1, :layer, g % :n, g % :n + 1, 'L' || g, '{}', now() "
                "FROM generate_series(0, :count - 1) AS g"
            ),
            {"layer": t.layer_id("amal"), "n": len(TEXT) - 1, "count": spans},
        )


def _raw_read(engine: sa.Engine, layer: int) -> Callable[[], object]:
    """The layer's rows by plain SQL, without the app's objects: the query's own cost."""
    query = sa.text(
        'SELECT id, start, "end", label, attributes FROM spans '
        "WHERE doc_id = 1 AND annotator_id = :a ORDER BY start"
    )

    def read() -> object:
        with engine.connect() as conn:
            return conn.execute(query, {"a": layer}).fetchall()

    return read


def _client(engine: sa.Engine) -> tuple[Callable[[], object], Callable[[], object]]:
    """Reading amal's layer and creating one span in it, as ``engine``'s login."""
    repo = Repository(engine)
    annotations = AnnotationService(repo, WriteService(Writer(engine)))

    def create() -> None:
        k = next(_CREATED)  # never the same span twice, across both clients
        start, label = k % (len(TEXT) - 2), _LABELS[k // (len(TEXT) - 2) % len(_LABELS)]
        annotations.create_span(1, "amal", start, start + 2, label)  # type: ignore[arg-type]

    return (lambda: repo.spans(1, "amal")), create


def main(argv: list[str]) -> int:
    """Print the medians and ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--spans", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args(argv)
    with Cluster() as cluster:
        admin = sa.create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with team_database(cluster.url, admin) as t:
            _fill(t, args.spans)
            (su_read, su_create), (read_, create_) = _client(t.admin), _client(t.engine("amal"))
            base_read, read = _medians_ms(su_read, read_, args.repeats)
            base_create, create = _medians_ms(su_create, create_, args.repeats)
            layer = t.layer_id("amal")
            base_raw, raw = _medians_ms(
                _raw_read(t.admin, layer), _raw_read(t.engine("amal"), layer), args.repeats
            )
        admin.dispose()
    print(f"spans in the layer: {args.spans}, repeats: {args.repeats}")
    print(f"read the layer   superuser {base_read:8.1f} ms   amal (RLS) {read:8.1f} ms   "
          f"ratio {read / base_read:.2f}")  # fmt: skip
    print(f"read, SQL only   superuser {base_raw:8.1f} ms   amal (RLS) {raw:8.1f} ms   "
          f"ratio {raw / base_raw:.2f}")  # fmt: skip
    print(f"create one span  superuser {base_create:8.1f} ms   amal (RLS) {create:8.1f} ms   "
          f"ratio {create / base_create:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
