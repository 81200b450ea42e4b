"""Frame gaps on the GUI thread while long work runs in the window (ADR 0017, issue 17).

A 10 ms ``QTimer`` on the GUI thread records the time between its ticks; a tick that comes
late means the GUI thread could not paint or answer for that long. Measured, with the real
window offscreen:

- idle: the window doing nothing (the baseline, in the same run);
- import: File → Import of 5,000 text files (``window.import_paths``: a worker thread,
  one commit per file, the document list following each commit);
- merge: File → Merge of another project with 2,000 documents and 10,000 spans in one layer
  (``MergeFlow.merge_paths``: reading, then one transaction, on worker threads).

For each: the longest gap, the 99th percentile, the GUI thread's own CPU time in its longest
stretch between two ticks (``time.thread_time``: what the GUI thread did itself, as opposed
to waiting for a CPU on a loaded machine), the ticks counted and the work's wall time.
Target: the longest gap 100 ms or less. Sizes: ``FRAMES_FILES`` and ``FRAMES_DOCS``. The
window is built as ``run_gui`` builds it, startup objects frozen out of the garbage collector
(``freeze_startup_objects``); ``FRAMES_FREEZE=0`` leaves that out, for comparison.
Run: ``make bench`` or ``QT_QPA_PLATFORM=offscreen python -m benchmarks.bench_frames``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from annotator.app import (  # noqa: E402
    GUI_BUSY_TIMEOUT_MS,
    application,
    build_window,
    freeze_startup_objects,
)
from annotator.core.model import Bundle, Span  # noqa: E402
from annotator.core.positions import CodePoint  # noqa: E402
from annotator.core.text import text_sha256  # noqa: E402
from annotator.core.tokens import tokenize  # noqa: E402
from annotator.services.project import open_project  # noqa: E402
from annotator.services.write import LayerImport, NewDocument  # noqa: E402
from annotator.ui.dialogs.merge_dialog import MergeFlow  # noqa: E402
from annotator.ui.main_window import MainWindow  # noqa: E402
from benchmarks.corpus import seed_texts  # noqa: E402

FILES = int(os.environ.get("FRAMES_FILES", "5000"))
DOCS = int(os.environ.get("FRAMES_DOCS", "2000"))
SPANS_PER_DOC = 5
IDLE_MS = 3000
TARGET_MS = 100.0


class GapRecorder:
    """A 10 ms timer on the GUI thread; ``gaps`` are the milliseconds between its ticks."""

    def __init__(self) -> None:
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)
        self._clock = QElapsedTimer()
        self._last = 0
        self._cpu = 0.0
        self.gaps: list[float] = []
        self.busy: list[float] = []  # the GUI thread's own CPU time in each gap

    def _tick(self) -> None:
        now, cpu = self._clock.nsecsElapsed(), time.thread_time()
        self.gaps.append((now - self._last) / 1e6)
        self.busy.append((cpu - self._cpu) * 1000)
        self._last, self._cpu = now, cpu

    def run(self, work: Callable[[], object]) -> float:
        """Record while ``work()`` runs on this thread; return its wall time in seconds."""
        self.gaps.clear()
        self.busy.clear()
        self._clock.start()
        self._last, self._cpu = 0, time.thread_time()
        self._timer.start()
        started = time.perf_counter()
        work()
        took = time.perf_counter() - started
        self._tick()  # the gap up to the end of the work counts too
        self._timer.stop()
        return took


def idle(ms: int) -> None:
    """Turn the event loop for ``ms`` without doing anything."""
    QTest.qWait(ms)


def text_files(folder: Path, count: int) -> list[Path]:
    """``count`` distinct short Arabic texts, one file each."""
    folder.mkdir()
    seed = seed_texts()[0].split("\n")[0][:300]
    paths = []
    for k in range(count):
        path = folder / f"{k:05d}.txt"
        path.write_text(f"{seed}\nالنص رقم {k}.\n", encoding="utf-8")
        paths.append(path)
    return paths


def other_project(path: Path, docs: int) -> Path:
    """A project where ``ali`` tagged ``SPANS_PER_DOC`` GPE spans in each of ``docs`` texts."""
    items = []
    for k in range(docs):
        text = " ".join(f"مدينة{k}x{j} في بيروت" for j in range(SPANS_PER_DOC))
        spans, start = [], 0
        for j in range(SPANS_PER_DOC):
            start = text.index("بيروت", start)
            spans.append(Span(j + 1, 0, "", CodePoint(start), CodePoint(start + 5), "GPE"))
            start += 5
        doc = NewDocument(f"m{k:05d}.txt", text, text_sha256(text))
        items.append(LayerImport(doc, Bundle(tuple(spans))))
    project = open_project(path)
    try:
        project.write.import_layers("ali", items, replace_layer=True)
    finally:
        project.close()
    return path


def close_boxes() -> None:
    """Close the report boxes the flows leave open."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            widget.accept()


def line(name: str, recorder: GapRecorder, took: float | None = None) -> str:
    """One result line: longest gap, p99, the GUI thread's longest CPU stretch, ticks, and
    the work's wall time. On a loaded machine a gap can be long while the GUI thread was
    only waiting for a CPU; its own CPU time in the gap says how much was its work."""
    gaps = recorder.gaps
    worst = max(gaps)
    p99 = statistics.quantiles(gaps, n=100)[-1] if len(gaps) >= 2 else worst
    ok = "OK" if worst <= TARGET_MS else "OVER TARGET"
    wall = f", work {took:.1f} s" if took is not None else ""
    return (
        f"{name:<34} longest gap {worst:7.1f} ms  p99 {p99:6.1f} ms  "
        f"GUI CPU in a gap {max(recorder.busy):6.1f} ms  ({len(gaps):,} ticks{wall})  {ok}"
    )


def main() -> int:
    """Build the inputs, then record the gaps: idle, import, merge."""
    application()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        paths = text_files(root / "texts", FILES)
        laptop = other_project(root / "laptop.sqlite", DOCS)
        print(
            f"setup ({FILES:,} files, a project of {DOCS:,} documents): "
            f"{time.perf_counter() - started:.1f} s"
        )
        tokenize("تهيئة")  # load camel-tools once, as the first import in a session would
        project = open_project(root / "bench.sqlite", busy_timeout_ms=GUI_BUSY_TIMEOUT_MS)
        project.documents.add_text("seed.txt", seed_texts()[0])
        window: MainWindow = build_window(project, "bench")
        if os.environ.get("FRAMES_FREEZE", "1") == "1":
            freeze_startup_objects()  # as run_gui does
        window.resize(1300, 800)
        window.show()
        QTest.qWaitForWindowExposed(window)
        flow = window.findChild(MergeFlow)
        assert flow is not None
        recorder = GapRecorder()
        results = []
        recorder.run(lambda: idle(IDLE_MS))
        results.append(line("idle window (baseline)", recorder))
        took = recorder.run(lambda: window.import_paths(paths))
        results.append(line(f"import {FILES:,} files", recorder, took))
        added = len(project.documents.document_ids()) - 1
        assert added == FILES, f"{added} of {FILES} files were imported"
        close_boxes()
        recorder.run(lambda: idle(500))
        took = recorder.run(lambda: flow.merge_paths([laptop]))
        spans = f"{DOCS * SPANS_PER_DOC:,} spans"
        results.append(line(f"merge {DOCS:,} documents, {spans}", recorder, took))
        close_boxes()
        window.close()
        project.close()
    for result in results:
        print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
