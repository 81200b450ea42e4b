"""Review mode on a large document: entering it, F8, accepting a version, undo.

The document is seed 000 repeated (about 230,000 characters); ali and badr
each tag one span per twelve characters (about 19,500 spans each), and badr
relabels every tenth, so there are about 1,950 disagreements. Times are wall
clock in the GUI thread, offscreen, including the repaint Qt does right after.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.bench_review [--copies N]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator import config  # noqa: E402
from annotator.app import application, build_window  # noqa: E402
from annotator.core.model import Bundle, Edit, Span  # noqa: E402
from annotator.core.positions import CodePoint  # noqa: E402
from annotator.services.project import Project, open_project  # noqa: E402
from annotator.ui.review.review_view import Layout  # noqa: E402


def _layers(project: Project, copies: int) -> int:
    seed = sorted(config.seeds_dir().glob("*.txt"))[0].read_text(encoding="utf-8")
    text = (seed + "\n") * copies
    doc, _new = project.documents.add_text("big.txt", text)
    places = [(at, at + 4) for at in range(0, len(text) - 5, 12)]
    for name, every in (("ali", 0), ("badr", 10)):
        spans = tuple(
            Span(
                0,
                doc,
                name,
                CodePoint(a),
                CodePoint(b),
                "GPE" if every and n % every == 0 else "ORG",
            )
            for n, (a, b) in enumerate(places)
        )
        project.annotations.apply(Edit(doc, name, add=Bundle(spans=spans)))
    print(f"{len(text)} characters, {len(places)} spans per annotator")
    return doc


def _timed(label: str, action: object) -> None:
    start = time.perf_counter()
    assert callable(action)
    action()
    QApplication.processEvents()
    print(f"{label}: {(time.perf_counter() - start) * 1000:.0f} ms")


def main(argv: list[str]) -> int:
    """Build the document, then time each step of review mode on it."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=60, help="copies of seed 000")
    args = parser.parse_args(argv)
    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        project = open_project(Path(tmp) / "review.sqlite")
        doc = _layers(project, args.copies)
        window = build_window(project, "curator")
        window.resize(1400, 900)
        window.show()
        window.open_document(doc)
        QApplication.processEvents()
        review = window.review_tools.review  # type: ignore[attr-defined]
        _timed("enter review mode", lambda: review.start(["ali", "badr"], Layout.SIDE_BY_SIDE))
        print(f"{len(review.disputes)} disagreements")
        _timed("F8 (next disagreement)", lambda: review.step(1))
        _timed("accept a version", lambda: review.accept(1))
        _timed("undo it", window.undo)
        window.close()
        project.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
