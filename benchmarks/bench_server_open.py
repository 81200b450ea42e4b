"""Opening the big document on a PostgreSQL server against a project file (issue 20).

The workbench's corpus (:mod:`benchmarks.bench_workbench`: a 200,000-word document with
20,000 spans, and a seed shown first) is stored twice: in an SQLite project file (the
baseline) and in a database on a loopback PostgreSQL server (a throwaway cluster started here
with PostgreSQL's durable defaults, on a Unix socket). For each, a real window (offscreen)
opens the document, and this measures, alternating the two backends round by round:

- open to first paint: from ``open_document()`` to the pane's first paint (the text and the
  spans of the visible lines), the figure issue 20 sets a target for (within 1.5x of SQLite);
- open to every span painted;
- the reads the open makes, each timed alone: the document (text), the spans of the first
  screen, and every span of the layer.

Run: ``make bench`` or ``.venv/bin/python -m benchmarks.bench_server_open [--rounds N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.app import application  # noqa: E402
from annotator.core.location import ServerUrl  # noqa: E402
from annotator.core.tokens import tokenize  # noqa: E402
from annotator.services.project import Project  # noqa: E402
from annotator.ui.main_window import FIRST_SCREEN, MainWindow  # noqa: E402
from benchmarks.bench_server import DURABLE  # noqa: E402
from benchmarks.bench_workbench import ANNOTATOR, build_project, measure_open, wait_for  # noqa: E402
from tests.pgcluster import Cluster  # noqa: E402

TARGET = 1.5  # the server's open to first paint, at most this many times SQLite's


def _timed(read: Callable[[], object], times: int = 3) -> float:
    """Median milliseconds of ``read()``."""
    took = []
    for _ in range(times):
        started = time.perf_counter()
        read()
        took.append((time.perf_counter() - started) * 1000)
    return statistics.median(took)


def _window(project: Project) -> MainWindow:
    window = MainWindow(project, ANNOTATOR)
    window.resize(1300, 800)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.activateWindow()
    wait_for(lambda: QApplication.activeWindow() is window)
    return window


def _open_once(window: MainWindow, doc_id: int) -> tuple[float, float]:
    window.open_document(window.documents.model_.rows()[0].id)  # the seed, then the big one
    wait_for(lambda: not window.pane.loading)
    return measure_open(window, doc_id)


def _reads(project: Project, doc_id: int) -> dict[str, float]:
    ann, docs = project.annotations, project.documents
    return {
        "document": _timed(lambda: docs.document(doc_id)),
        "first screen": _timed(lambda: ann.spans_before(doc_id, ANNOTATOR, FIRST_SCREEN)),
        "every span": _timed(lambda: ann.spans(doc_id, ANNOTATOR)),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="opens per backend")
    args = parser.parse_args(argv)
    app = application()
    tokenize("تهيئة")  # camel-tools loaded once, before either is timed
    with tempfile.TemporaryDirectory() as tmp, Cluster(settings=DURABLE) as cluster:
        admin = sa.create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("CREATE DATABASE bench"))
        admin.dispose()
        url = cluster.url.replace("/postgres?", "/bench?")
        started = time.perf_counter()
        built = {
            "sqlite": build_project(Path(tmp) / "bench.sqlite")[:2],
            "postgres": build_project(ServerUrl(url))[:2],  # type: ignore[arg-type]
        }
        print(f"setup (both corpora stored): {time.perf_counter() - started:.1f} s")
        windows = {name: _window(project) for name, (project, _doc) in built.items()}
        first: dict[str, list[float]] = {name: [] for name in built}
        every: dict[str, list[float]] = {name: [] for name in built}
        for _ in range(args.rounds):
            for name, (_project, doc_id) in built.items():
                paint, spans = _open_once(windows[name], doc_id)
                first[name].append(paint * 1000)
                every[name].append(spans * 1000)
        reads = {name: _reads(project, doc_id) for name, (project, doc_id) in built.items()}
        for window in windows.values():
            window.close()
        for project, _doc in built.values():
            project.close()
    del app
    med = {name: statistics.median(first[name]) for name in built}
    med_all = {name: statistics.median(every[name]) for name in built}
    print(f"open the 200,000-word document (20,000 spans), median of {args.rounds}:")
    print(f"{'':>28} {'sqlite':>9} {'postgres':>9} {'ratio':>7}")
    for label, values in (("open to first paint, ms", med), ("open to every span, ms", med_all)):
        ratio = values["postgres"] / values["sqlite"]
        print(f"{label:>28} {values['sqlite']:>9.1f} {values['postgres']:>9.1f} {ratio:>7.2f}")
    for read in reads["sqlite"]:
        sq, pg = reads["sqlite"][read], reads["postgres"][read]
        print(f"{'read ' + read + ', ms':>28} {sq:>9.1f} {pg:>9.1f} {pg / sq:>7.2f}")
    ratio = med["postgres"] / med["sqlite"]
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"target: first paint on the server within {TARGET}x of SQLite: {verdict}")
    print("first paint, every round (ms):")
    for name in built:
        print(f"  {name:>8}: " + ", ".join(f"{x:.0f}" for x in first[name]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
