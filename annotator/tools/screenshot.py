"""Take the README screenshots: the real window on seed 000 with a few spans.

Run under Xvfb (``make screenshot``)::

    xvfb-run -a -s "-screen 0 1400x900x24" python -m annotator.tools.screenshot docs/screenshot.png

With ``--band`` (``docs/screenshot-band.png``), seed 000 also gets an attack
event with its arguments and two relations, the event is selected, and only
the text pane is saved, zoomed in: the label band with tags, roles and arcs.

With ``--agreement`` (``docs/screenshot-agreement.png``), three annotators tag the
seeds (:mod:`annotator.tools.agreement_demo`) and the Agreement view is saved with
its pair grid and its confusion heatmap side by side; the HTML report's heatmap
(inline SVG) is drawn by QSvgRenderer into ``agreement-heatmap.png`` next to it,
and the report itself is written to ``agreement-report.html`` in a temporary folder.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QGuiApplication, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from annotator import config
from annotator.app import application, build_window
from annotator.core.agreement.svg import confusion_svg
from annotator.core.positions import CodePoint
from annotator.services.project import Project, open_project
from annotator.tools.agreement_demo import ANNOTATORS, add_demo_layers
from annotator.tools.review_demo import ALI, BADR, build_disagreement
from annotator.ui.main_window import MainWindow
from annotator.ui.review.review_view import Layout

ANNOTATOR = "demo"

# (label, phrase, occurrence, skip): tag the phrase's n-th occurrence, minus `skip` leading chars
SPANS = [
    ("ORG", "وزارة الدفاع الروسية", 0, 0),
    ("GPE", "الروسية", 0, 0),
    ("Conflict.Attack", "هجوماً", 0, 0),
    ("ORG", "داعش", 0, 0),
    ("GPE", "حماة", 0, 0),
    ("GPE", "روسيا", 0, 0),
    ("GPE", "آستانة", 0, 0),
    ("GPE", "واشنطنَ", 0, 0),
    ("LOC", "بمحافظة", 0, 1),
    ("WEA", "صواريخ", 0, 0),
]


def _nth(text: str, phrase: str, n: int) -> CodePoint:
    at = -1
    for _ in range(n + 1):
        at = text.index(phrase, at + 1)
    return CodePoint(at)


def tag_demo_spans(window: MainWindow) -> None:
    """Create the demo spans through the same controller the hotkeys use."""
    text = window.pane.text
    for label, phrase, occurrence, skip in SPANS:
        start = CodePoint(_nth(text, phrase, occurrence) + skip)
        window.tagging.create_span(label, start, CodePoint(start + len(phrase) - skip))
    window.pane.select_span(-1, scroll=False)
    window.pane.scroll_to_offset(CodePoint(0))
    window.table.scrollToTop()


# (role, phrase) arguments of the attack event; (type, arg1, arg2) relations between phrases
ARGUMENTS = [("Attacker", "وزارة الدفاع الروسية"), ("Place", "حماة")]
RELATIONS = [("PART-WHOLE", "حماة", "السورية"), ("PHYS", "داعش", "حماة")]


def tag_band_demo(window: MainWindow) -> None:
    """Add «السورية», the attack event with its arguments, and the relations; select the event."""
    text = window.pane.text
    start = _nth(text, "السورية", 0)
    window.tagging.create_span("GPE", start, CodePoint(start + len("السورية")))
    by_text = {s.text_in(text): s for s in window.pane.spans()}
    tools = window.event_tools  # type: ignore[attr-defined]
    trigger = by_text["هجوماً"]
    tools.events.create_event_on_span(trigger.id, trigger.label)
    event = tools.events.event_for_trigger(window.pane.span(trigger.id))
    for role, phrase in ARGUMENTS:
        tools.events.add_argument(event, role, by_text[phrase].id)
    for rel_type, a, b in RELATIONS:
        tools.events.create_relation(rel_type, by_text[a].id, by_text[b].id)
    tools.event_panel.set_event(event.id)
    window.pane.select_span(-1, scroll=False)
    window.pane.scroll_to_offset(CodePoint(0))


MIXED = (
    "قال Macron إن الهجوم وقع في 2020 على حماة 😀 ok 12\u00a0مارس الـــحرب "
    "می\u200cخواهم وَزَارَةُ الدفاع في Paris 🙂 عام 1999.\n"
    "أكدت وزارة الدفاع الروسية أنها شنت هجوماً على «داعش» في محافظة حماة السورية.\n"
)
MIXED_SPANS = [
    ("PER", "Macron"),
    ("TIME", "2020"),
    ("GPE", "حماة"),
    ("MONEY", "ok 12"),
    ("ORG", "وَزَارَةُ الدفاع"),
    ("GPE", "Paris"),
    ("TIME", "1999"),
    ("ORG", "😀"),
]


def mixed_demo(window: MainWindow, doc_id: int) -> None:
    """Open the mixed Latin/Arabic/digit document and tag a span on each kind of run."""
    window.open_document(doc_id)
    settle(0.3)
    text = window.pane.text
    for label, phrase in MIXED_SPANS:
        start = CodePoint(text.index(phrase))
        window.tagging.create_span(label, start, CodePoint(start + len(phrase)))
    window.pane.select_span(-1, scroll=False)
    window.pane.scroll_to_offset(CodePoint(0))


def search_demo(window: MainWindow) -> None:
    """Search all documents for «محافظة» with clitics (finds «بمحافظة», «والمحافظة»...)."""
    tools = window.search_tools  # type: ignore[attr-defined]
    tools.find(True)
    tools.panel.clitics.setChecked(True)
    tools.panel.query.setText("محافظه")
    tools.panel.run()
    tools.panel.next_hit(1)


def review_demo(project: Project, narrow: bool, boundary: bool = False) -> MainWindow:
    """Review mode on seed 000 in a 1300×800 window (``narrow``: 950×700, where the side panels
    are stacked as tabs): ali and badr side by side under gold, at
    the Place argument (``boundary``: at the Attacker argument, where badr's «وزارة الدفاع»
    and ali's «وزارة الدفاع الروسية» are one place with both versions)."""
    doc_id = project.documents.document_ids()[0]
    build_disagreement(project, doc_id)
    window = build_window(project, ANNOTATOR)
    window.resize(*((950, 700) if narrow else (1300, 800)))
    window.show()
    settle(0.3)
    review = window.review_tools.review  # type: ignore[attr-defined]
    review.start([ALI, BADR], Layout.SIDE_BY_SIDE)
    review.premerge()
    settle(0.3)
    review.step(1)
    review.accept(1)
    role = "Attacker" if boundary else "Place"
    review.current = next(
        n
        for n, d in enumerate(review.disputes)
        if {u.role for u in d.disagreement.units()} == {role}
    )
    review.focus_current()
    settle(0.5)
    return window


def settle(seconds: float) -> None:
    """Let Qt lay out and paint for a while."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.02)


def agreement_shot(project: Project, out: Path) -> bool:
    """The Agreement view on three annotators: pair grid and heatmap side by side."""
    add_demo_layers(project)
    window = build_window(project, ANNOTATORS[0])
    window.resize(1200, 800)
    window.show()
    settle(0.3)
    action = window.findChild(QAction, "agreementAction")
    assert action is not None, "the Agreement view is not wired into the window"
    action.trigger()
    view = window.agreement_views[0]  # type: ignore[attr-defined]
    view.resize(900, 640)
    settle(0.3)
    view.compute()
    deadline = time.monotonic() + 120
    while view.report is None and time.monotonic() < deadline:
        settle(0.1)
    view.wait()
    settle(0.3)
    shots = []
    for tab in (0, 1):
        view.tabs.setCurrentIndex(tab)
        settle(0.3)
        shots.append(view.grab())
    ok = _side_by_side(shots).save(str(out))
    report = view.report
    if report is not None:
        svg = confusion_svg(report.confusion_labels, report.confusion_matrix, standalone=True)
        ok = _svg_png(svg, out.with_name("agreement-heatmap.png")) and ok
        view.export(Path(tempfile.gettempdir()) / "agreement-report.html")
        print(view.message.text())
    view.close()
    window.close()
    return ok


def progress_shot(window: MainWindow, folder: Path, out: Path) -> bool:
    """The window importing 3,000 files on a worker, its progress dialog over it.

    The dialog is a window of its own, so the screen is grabbed (under Xvfb, where
    no window manager moves it), 2.5 s into the import.
    """
    folder.mkdir()
    for k in range(3000):
        line = f"الخبر رقم {k} من مدينة\u00a0حماة 😀 في سنة {2000 + k % 25}\n"
        (folder / f"{k:04d}.txt").write_text(line, encoding="utf-8")
    saved: list[bool] = []

    def grab() -> None:
        box = window.frameGeometry()
        screen = QGuiApplication.primaryScreen().grabWindow(0)
        saved.append(screen.copy(box).save(str(out)))

    QTimer.singleShot(2500, grab)
    window.import_paths(sorted(folder.iterdir()))
    window.last_import_report.accept()  # type: ignore[attr-defined]
    return saved == [True]  # False too when the import ended before the grab


def _side_by_side(shots: list[QPixmap]) -> QPixmap:
    width = sum(p.width() for p in shots)
    height = max(p.height() for p in shots)
    canvas = QPixmap(width, height)
    canvas.fill(QColor("white"))
    painter = QPainter(canvas)
    x = 0
    for shot in shots:
        painter.drawPixmap(x, 0, shot)
        x += shot.width()
    painter.end()
    return canvas


def _svg_png(svg: str, out: Path) -> bool:
    """Draw an SVG document at twice its size into a PNG."""
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    size = renderer.defaultSize() * 2
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return renderer.isValid() and image.save(str(out))


def main(argv: list[str]) -> int:
    """Write the screenshot to ``argv[0]`` (default docs/screenshot.png).

    ``--band``: the label band with an event and relations; ``--search``: the search dock;
    ``--review``: review mode with two annotators (``--narrow``: a 950×700 window;
    ``--boundary``: at their boundary disagreement);
    ``--agreement``: the Agreement view (and ``agreement-heatmap.png`` beside it);
    ``--progress``: an import of 3,000 files with its progress dialog (a screen grab);
    ``--mixed``: a line of Arabic with Latin words, digits and emoji, a span on each run;
    ``--sparse``: the whole window with two tags only (the compact band).
    """
    band = "--band" in argv
    search = "--search" in argv
    review, narrow = "--review" in argv, "--narrow" in argv
    boundary = "--boundary" in argv
    agreement = "--agreement" in argv
    progress = "--progress" in argv
    mixed, sparse = "--mixed" in argv, "--sparse" in argv
    flags = {
        "--mixed",
        "--sparse",
        "--band",
        "--search",
        "--review",
        "--narrow",
        "--boundary",
        "--agreement",
        "--progress",
    }
    argv = [a for a in argv if a not in flags]
    out = Path(argv[0] if argv else "docs/screenshot.png")
    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        project = open_project(Path(tmp) / "demo.sqlite")
        project.documents.import_paths([config.seeds_dir()])
        if review:
            return _save(review_demo(project, narrow, boundary), project, out)
        if agreement:
            out.parent.mkdir(parents=True, exist_ok=True)
            ok = agreement_shot(project, out)
            project.close()
            print(f"wrote {out}" if ok else f"could not write {out}")
            return 0 if ok else 1
        mixed_id = project.documents.add_text("mixed.txt", MIXED)[0] if mixed else -1
        window = build_window(project, ANNOTATOR)
        window.resize(1400, 900)
        window.show()
        settle(0.3)
        dock = window.annotations_dock
        window.resizeDocks([dock], [420], Qt.Orientation.Horizontal)
        window.resizeDocks([dock], [330], Qt.Orientation.Vertical)
        settle(0.3)
        if sparse:  # a few tags on the first lines: the band opens only above them
            for label, phrase in (("ORG", "وزارة الدفاع الروسية"), ("GPE", "حماة")):
                start = CodePoint(window.pane.text.index(phrase))
                window.tagging.create_span(label, start, CodePoint(start + len(phrase)))
            window.pane.select_span(-1, scroll=False)
        elif mixed:
            window.view.zoom(1)
            window.view.zoom(1)
            mixed_demo(window, mixed_id)
        else:
            tag_demo_spans(window)
        if band:
            window.view.zoom(1)
            window.view.zoom(1)
            tag_band_demo(window)
        if search:
            search_demo(window)
        settle(0.5)
        out.parent.mkdir(parents=True, exist_ok=True)
        if progress:
            ok = progress_shot(window, Path(tmp) / "many", out)
        else:
            ok = (window.pane.grab() if band or mixed else window.grab()).save(str(out))
        window.close()
        project.close()
    del app
    print(f"wrote {out}" if ok else f"could not write {out}")
    return 0 if ok else 1


def _save(window: MainWindow, project: Project, out: Path) -> int:
    """Save the whole window to ``out``, then close it and the project."""
    out.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(out))
    window.close()
    project.close()
    print(f"wrote {out}" if ok else f"could not write {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
