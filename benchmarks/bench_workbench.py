"""Workbench speed on a 200,000-word document with 20,000 spans.

Measures, with the real window offscreen (compact label band on, relation and event-argument
arcs drawn):
- open: from asking the window to show the document to the pane's first paint
  (the text and the spans of the visible lines), side by side with a bare
  ``QPlainTextEdit`` showing the same text in the same run, and the ratio;
- open to spans loaded: until every span is in the pane and painted (after the first paint);
- create: from a label hotkey press (with text selected) to the span being
  stored and the pane repainted, over 200 creations spread through the text; wall
  time, and the process's CPU time over the same stretch (``time.process_time``);
- CPU time per repaint of the visible part (``time.process_time``, less sensitive
  than wall time to other programs on a loaded machine);
- peak memory (max RSS) of the whole process.

As in the app, the objects made while starting and those a document's load brings are
frozen out of the garbage collector (``freeze_startup_objects``, ``ui/gc_freeze.py``).

Targets (issue 2, issue 9): open <= 1 s and within 2x of the bare editor,
median and p95 create <= 16 ms, peak memory <= 500 MB.
Run: ``make bench`` or ``QT_QPA_PLATFORM=offscreen python -m benchmarks.bench_workbench``.

``--app``: the window as the app builds it (``annotator.app.build_window``: the event,
relation and attribute tools, whose panels follow every selection and edit) instead of a
bare ``MainWindow``. Its arcs are the stored relations' and events': the same pairs of
spans as the bare window's arcs are stored as 5,000 PART-WHOLE relations and 5,000
Conflict.Attack events (the first span of each pair relabelled as its trigger, the second
its Attacker), so the Relations panel lists 5,000 relations and the pane draws 10,000 arcs.
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QPaintEvent, QTextOption  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QWidget  # noqa: E402

from annotator.app import application, freeze_startup_objects  # noqa: E402
from annotator.core.model import Argument, Bundle, Edit, Event, Relation, Span  # noqa: E402
from annotator.core.tokens import tokenize  # noqa: E402
from annotator.services.project import Project, open_project  # noqa: E402
from annotator.ui.gc_freeze import freeze_after_loads  # noqa: E402
from annotator.ui.main_window import MainWindow  # noqa: E402
from annotator.ui.pane.text_pane import Arc  # noqa: E402
from benchmarks.corpus import repeated_text, seed_texts  # noqa: E402

WORDS = 200_000
SPANS = 20_000
CREATES = 200
ANNOTATOR = "bench"
REPAINTS = 50
ARC_EVERY = 4  # one relation arc from every 4th span to the next one
LABELS = ("PER", "ORG", "GPE", "LOC", "FAC")
TRIGGER = "Conflict.Attack"


def pairs_for_arcs(spans: list[Span]) -> tuple[list[tuple[Span, Span]], list[tuple[Span, Span]]]:
    """The pairs of consecutive spans joined by a relation arc (every :data:`ARC_EVERY`-th
    span and the next) and by an event-argument arc (the pairs half way between those)."""
    pairs = list(enumerate(zip(spans, spans[1:], strict=False)))
    relations = [p for i, p in pairs if i % ARC_EVERY == 0]
    arguments = [p for i, p in pairs if i % ARC_EVERY == ARC_EVERY // 2]
    return relations, arguments


def store_arcs(project: Project, doc_id: int) -> int:
    """Store the arcs' relations and events (``--app``); returns how many arcs they draw."""
    spans = project.annotations.spans(doc_id, ANNOTATOR)
    relations, arguments = pairs_for_arcs(spans)
    triggers = [replace(a, label=TRIGGER) for a, _b in arguments]
    project.annotations.apply(
        Edit(
            doc_id,
            ANNOTATOR,
            remove=Bundle(spans=tuple(a for a, _ in arguments)),
            add=Bundle(spans=tuple(triggers)),
        )
    )
    rels = tuple(Relation(0, doc_id, ANNOTATOR, "PART-WHOLE", a.id, b.id) for a, b in relations)
    events = tuple(
        Event(0, doc_id, ANNOTATOR, TRIGGER, a.id, (Argument("Attacker", b.id),))
        for a, b in arguments
    )
    project.annotations.apply(Edit(doc_id, ANNOTATOR, add=Bundle(events=events, relations=rels)))
    return len(rels) + len(events)


def build_project(path: Path) -> tuple[Project, int, list[tuple[int, int]]]:
    """A project with one seed (shown first) and the big document with its spans."""
    project = open_project(path)
    project.documents.add_text("seed.txt", seed_texts()[0])
    text = repeated_text(WORDS)
    big_id, _created = project.documents.add_text("big.txt", text)
    words = [(m.start(), m.end()) for m in re.finditer(r"[^\s«»،.,:؛()\"]+", text)]
    step = len(words) // SPANS
    tagged = words[::step][:SPANS]
    spans = tuple(
        Span(0, big_id, ANNOTATOR, a, b, LABELS[i % len(LABELS)]) for i, (a, b) in enumerate(tagged)
    )
    project.annotations.apply(Edit(big_id, ANNOTATOR, add=Bundle(spans=spans)))
    free = [w for i, w in enumerate(words) if i % step == step // 2]
    print(f"document: {len(text.split()):,} words, {len(text):,} characters, {len(spans):,} spans")
    return project, big_id, free


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Process events until ``condition()`` holds."""
    deadline = time.perf_counter() + timeout
    while not condition():
        QApplication.processEvents()
        if time.perf_counter() > deadline:
            raise TimeoutError("the pane did not repaint")


def measure_open(window: MainWindow, doc_id: int) -> tuple[float, float]:
    """Seconds from open_document() to the pane's first paint, and to all spans painted."""
    pane = window.pane
    loaded: list[tuple[bool, float]] = []

    def on_loaded() -> None:
        loaded.append((pane.first_paint_done, pane.first_paint_at))
        pane.first_paint_done = False  # the next paint shows every span

    pane.spansLoaded.connect(on_loaded)
    pane.first_paint_done = False
    started = time.perf_counter()
    window.open_document(doc_id)
    wait_for(lambda: bool(loaded) and pane.first_paint_done)
    pane.spansLoaded.disconnect(on_loaded)
    painted_before_load, first_at = loaded[0]
    everything = pane.first_paint_at - started
    return (first_at - started if painted_before_load else everything), everything


class BareEditor(QPlainTextEdit):
    """A plain ``QPlainTextEdit`` that says when it has painted (the yardstick)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.painted = False
        self.setReadOnly(True)
        option = QTextOption()
        option.setTextDirection(Qt.LayoutDirection.RightToLeft)
        option.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
        self.document().setDefaultTextOption(option)

    def paintEvent(self, e: QPaintEvent) -> None:  # noqa: N802
        """Paint, and remember that it happened."""
        super().paintEvent(e)
        self.painted = True


def measure_bare(window: MainWindow, text: str) -> float:
    """Seconds from setPlainText() to the first paint of a bare editor as big as the pane."""
    bare = BareEditor()
    bare.setFont(window.pane.font())
    bare.resize(window.pane.size())
    bare.show()
    QTest.qWaitForWindowExposed(bare)
    times = []
    for _ in range(3):
        bare.setPlainText("")
        wait_for(lambda: True)
        bare.painted = False
        started = time.perf_counter()
        bare.setPlainText(text)
        wait_for(lambda: bare.painted)
        times.append(time.perf_counter() - started)
    bare.close()
    bare.deleteLater()
    window.activateWindow()
    wait_for(lambda: QApplication.activeWindow() is window)
    return statistics.median(times)


def add_arcs(window: MainWindow) -> int:
    """Draw a relation arc from every :data:`ARC_EVERY`-th span to the next, and an event
    argument arc (trigger to argument, the role on it) from every other such span to the
    next, as the event tools draw them (issue 18); returns how many."""
    relations, arguments = pairs_for_arcs(window.pane.spans())
    arcs = [Arc(a.id, b.id, "PART-WHOLE", "#43a047") for a, b in relations]
    arcs += [Arc(a.id, b.id, "Attacker", "#e53935") for a, b in arguments]
    window.pane.set_arcs(arcs)
    return len(arcs)


def cpu_per_repaint(window: MainWindow) -> float:
    """CPU milliseconds per synchronous repaint of the pane's viewport."""
    viewport = window.pane.viewport()
    viewport.repaint()
    started = time.process_time()
    for _ in range(REPAINTS):
        viewport.repaint()
    return (time.process_time() - started) * 1000 / REPAINTS


def measure_creates(
    window: MainWindow, free: list[tuple[int, int]]
) -> tuple[list[float], list[float]]:
    """Milliseconds from a hotkey press to the stored span being painted, per creation: wall
    time, and the process's CPU time over the same stretch (less sensitive to load)."""
    pane = window.pane
    stride = max(1, len(free) // CREATES)
    times: list[float] = []
    cpu: list[float] = []
    for start, end in free[::stride][:CREATES]:
        pane.select_text(start, end)
        wait_for(lambda: True)
        QApplication.processEvents()
        pane.first_paint_done = False
        before = pane.span_count()
        cpu_started = time.process_time()
        started = time.perf_counter()
        QTest.keyClick(pane, Qt.Key.Key_P)
        wait_for(lambda: pane.first_paint_done)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert pane.span_count() == before + 1, "the hotkey did not create a span"
    return times, cpu


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports KB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def verdict(ok: bool) -> str:
    return "OK" if ok else "OVER TARGET"


def main() -> int:
    """Build the corpus, run the measurements and print them."""
    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        project, big_id, free = build_project(Path(tmp) / "bench.sqlite")
        print(f"setup (corpus + 20,000 spans stored): {time.perf_counter() - started:.1f} s")
        tokenize("تهيئة")  # load camel-tools once, as the first tag in a session would
        app_window = "--app" in sys.argv
        stored = 0
        if app_window:
            from annotator.app import build_window

            stored = store_arcs(project, big_id)
            print(f"stored: {stored:,} arcs' relations and events")
            window = build_window(project, ANNOTATOR)
        else:
            window = MainWindow(project, ANNOTATOR)
        window.resize(1300, 800)
        window.show()
        QTest.qWaitForWindowExposed(window)
        window.activateWindow()
        wait_for(lambda: QApplication.activeWindow() is window)
        freeze_startup_objects()  # as run_gui does, and after each document's spans load:
        freeze_after_loads(window.pane)
        assert window.pane.band_on, "the label band is on by default"
        cold, cold_all = measure_open(window, big_id)
        opens = []
        for _ in range(3):
            window.open_document(window.documents.model_.rows()[0].id)
            wait_for(lambda: not window.pane.loading)
            opens.append(measure_open(window, big_id))
        warm = statistics.median(o[0] for o in opens)
        warm_all = statistics.median(o[1] for o in opens)
        bare = measure_bare(window, window.pane.text)
        arcs = stored if app_window else add_arcs(window)
        window.pane.scroll_to_offset(window.pane.spans()[len(window.pane.spans()) // 2].start)
        wait_for(lambda: True)
        cpu = cpu_per_repaint(window)
        creates, create_cpu = measure_creates(window, free)
        median = statistics.median(creates)
        p95 = statistics.quantiles(creates, n=20)[-1]
        cpu_median = statistics.median(create_cpu)
        cpu_p95 = statistics.quantiles(create_cpu, n=20)[-1]
        stored = len(project.annotations.spans(big_id, ANNOTATOR))
        window.close()
        project.close()
    peak = peak_rss_mb()
    print(f"open to first paint (first time):  {cold * 1000:8.1f} ms   {verdict(cold <= 1.0)}")
    print(f"open to first paint (median of 3): {warm * 1000:8.1f} ms   {verdict(warm <= 1.0)}")
    ratio = warm / bare
    print(f"bare QPlainTextEdit, same text:    {bare * 1000:8.1f} ms")
    print(f"  ratio open / bare:               {ratio:8.2f} x    {verdict(ratio <= 2.0)}")
    everything = f"{warm_all * 1000:8.1f} ms (first time {cold_all * 1000:.1f} ms)"
    print(f"open to every span painted:        {everything}")
    if app_window:
        print("window: as the app builds it (--app: event, relation, attribute tools)")
    print(f"CPU per repaint (band, {arcs:,} arcs): {cpu:8.2f} ms   {verdict(cpu <= 16)}")
    print("  (half of the arcs are event-argument arcs, half relations)")
    print(f"create span, hotkey to repaint:    median {median:6.2f} ms   {verdict(median <= 16)}")
    print(f"                                   p95    {p95:6.2f} ms   {verdict(p95 <= 16)}")
    print(f"                                   max    {max(creates):6.2f} ms")
    print(f"  CPU per hotkey (same stretch):   median {cpu_median:6.2f} ms, p95 {cpu_p95:.2f} ms")
    print(f"  ({len(creates)} creations; {stored:,} spans stored at the end)")
    print(f"peak memory (max RSS):             {peak:8.1f} MB   {verdict(peak <= 500)}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
