"""Review mode is readable at 1300×800 (issue 18, point 5, and the View menu of point 13).

The versions beside the Accept buttons are whole, the annotators' panes show
more than one line, a relation is quoted in short windows (not the 500
characters between its ends), an Arabic annotator name keeps its place in
Latin words, a boundary disagreement of an argument is one stop, and the View
menu has one item called Review.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor, QTextDocument, QTextLayout, QTextOption
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from annotator.app import build_window
from annotator.core.positions import CodePoint
from annotator.services.events import EventService
from annotator.services.project import Project
from annotator.tools.review_demo import ALI, BADR, MINISTRY, SHORT_MINISTRY, build_disagreement
from annotator.ui.bidi import isolate
from annotator.ui.main_window import MainWindow
from annotator.ui.pane.text_pane import TextPane
from annotator.ui.review.controller import ReviewController
from annotator.ui.review.review_view import Layout

SALMA = "سلمى"
FILLER = (
    "وقال المتحدث إن الاجتماع 😀 سيُعقد لاحقاً في المدينة\u00a0القديمة وَفْقَ الخطة Z\u200cW عام 2024 "
)


def review_window(qtbot: Any, project: Project, doc_id: int, names: list[str]) -> MainWindow:
    """The app's window (as `build_window` wires it) at 1300×800, reviewing ``names``."""
    window = build_window(project, "curator")
    qtbot.addWidget(window)
    window.open_document(doc_id)
    window.resize(1300, 800)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    review(window).start(names, Layout.SIDE_BY_SIDE)
    qtbot.wait(100)
    return window


def review(window: MainWindow) -> ReviewController:
    return window.review_tools.review  # type: ignore[attr-defined, no-any-return]


def full_lines(pane: TextPane) -> int:
    """How many text lines are wholly inside the pane's viewport."""
    area = pane.viewport().rect()
    tops = set()
    cursor = QTextCursor(pane.document())
    for pos in range(pane.document().characterCount()):
        cursor.setPosition(pos)
        rect = pane.cursorRect(cursor)
        if area.top() <= rect.top() and rect.bottom() <= area.bottom():
            tops.add(rect.top())
    return len(tops)


def whole(label: QLabel, within: QWidget) -> bool:
    """True if the label is tall enough for its wrapped text and lies inside ``within``."""
    box = label.rect().translated(label.mapTo(within, QPoint(0, 0)))
    tall = label.height() >= label.heightForWidth(label.width())
    return tall and within.rect().contains(box)


def test_every_version_is_whole_and_each_pane_shows_lines_at_1300x800(
    qtbot: Any, project: Project
) -> None:
    doc_id = project.documents.document_ids()[0]
    build_disagreement(project, doc_id)
    window = review_window(qtbot, project, doc_id, [ALI, BADR])
    reviewing = review(window)
    panel = reviewing.panel
    assert len(reviewing.disputes) == 8
    for n in range(len(reviewing.disputes)):
        reviewing.step(1)
        assert reviewing.current == n
        qtbot.wait(50)
        labels = [panel.title, panel.context, panel.gold, *panel.findChildren(QLabel, "version-1")]
        labels += panel.findChildren(QLabel, "version-2")
        viewport = panel.scroller.viewport()
        for label in labels:  # nothing cut off: wrapped, tall enough, inside the panel's width
            assert label.isVisible() or label is panel.context, label.objectName()
            if label.isVisible():
                assert whole(label, panel.scroller.widget()), (n, label.objectName(), label.text())
                left = label.mapTo(viewport, QPoint(0, 0)).x()
                assert left >= 0 and left + label.width() <= viewport.width(), label.objectName()
        for button in panel.accept_buttons():
            assert button.width() >= button.sizeHint().width(), button.text()
    for name, pane in reviewing.view.panes().items():
        assert pane.viewport().height() >= 250, name
        assert full_lines(pane) >= 2, name
    assert reviewing.dock is not None and reviewing.dock.height() >= 0.4 * window.height()


def test_the_panel_scrolls_rather_than_cuts_when_the_dock_is_low(
    qtbot: Any, project: Project
) -> None:
    doc_id = project.documents.document_ids()[0]
    build_disagreement(project, doc_id)
    window = review_window(qtbot, project, doc_id, [ALI, BADR])
    reviewing = review(window)
    reviewing.step(1)
    dock = reviewing.dock
    assert dock is not None
    window.resizeDocks([dock], [150], Qt.Orientation.Vertical)
    qtbot.wait(100)
    panel = reviewing.panel
    assert panel.scroller.verticalScrollBar().maximum() > 0
    for label in [panel.title, *panel.findChildren(QLabel, "version-1")]:
        assert label.height() >= label.heightForWidth(label.width()), label.objectName()


def test_a_relation_far_apart_is_quoted_in_two_short_windows(qtbot: Any, project: Project) -> None:
    text = "قصفت 😀 طائراتٌ مدينة حماة السورية. " + FILLER * 6 + "وفي محافظة\u00a0إدلب أيضاً.\n"
    doc_id, _new = project.documents.add_text("relation.txt", text)
    one, two = text.index("حماة"), text.index("إدلب")
    assert two - one > 500
    events = EventService(project.annotations, lambda: project.schemas.schema)
    for name in ("ali", SALMA):
        a = project.annotations.create_span(
            doc_id, name, CodePoint(one), CodePoint(one + 4), "GPE"
        ).add.spans[0]
        b = project.annotations.create_span(
            doc_id, name, CodePoint(two), CodePoint(two + 4), "GPE"
        ).add.spans[0]
        if name == "ali":
            events.create_relation("PART-WHOLE", a.id, b.id)
    window = review_window(qtbot, project, doc_id, ["ali", SALMA])
    reviewing = review(window)
    [dispute] = reviewing.disputes
    reviewing.step(1)
    panel = reviewing.panel
    shown = [panel.title.text(), panel.context.text(), *panel.version_texts()]
    assert all(len(t) < 160 for t in shown), [len(t) for t in shown]
    context = panel.context.text()
    assert "<b>حماة</b>" in context and "<b>إدلب</b>" in context and "…" in context
    assert "المتحدث" not in panel.title.text()  # nothing of the text between the ends
    assert "حماة" in panel.title.text() and "إدلب" in panel.title.text()
    assert dispute.title == f"relation between «{isolate('حماة')}» and «{isolate('إدلب')}»"


XRanges = list[tuple[float, float]]


def _glyph_ranges(layout: QTextLayout, text: str, parts: list[str]) -> XRanges:
    out = []
    for part in parts:
        boxes = [r.boundingRect() for r in layout.glyphRuns(text.index(part), len(part))]
        out.append((min(b.left() for b in boxes), max(b.right() for b in boxes)))
    return out


def _button_ranges(button: QPushButton, parts: list[str]) -> XRanges:
    """A button paints its text on one line in the button's layout direction."""
    layout = QTextLayout(button.text(), button.font())
    option = QTextOption()
    option.setTextDirection(button.layoutDirection())
    layout.setTextOption(option)
    layout.beginLayout()
    layout.createLine().setLineWidth(100000)
    layout.endLayout()
    return _glyph_ranges(layout, button.text(), parts)


def _label_ranges(label: QLabel, parts: list[str]) -> XRanges:
    """A label lays its text out in a QTextDocument, which takes the paragraph's direction
    from the first strong letter (isolates are not skipped there)."""
    doc = QTextDocument()
    doc.setDefaultFont(label.font())
    if label.textFormat() == Qt.TextFormat.RichText:
        doc.setHtml(label.text())
    else:
        doc.setPlainText(label.text())
    doc.setTextWidth(100000)
    doc.size()  # lays the document out
    block = doc.firstBlock()
    layout = block.layout()
    assert layout is not None
    return _glyph_ranges(layout, block.text(), parts)


def assert_reads_in_order(widget: QPushButton | QLabel, parts: list[str]) -> None:
    """The parts appear left to right in this order, as the widget lays its text out."""
    assert widget.layoutDirection() == Qt.LayoutDirection.LeftToRight, widget.text()
    if isinstance(widget, QPushButton):
        ranges = _button_ranges(widget, parts)
    else:
        ranges = _label_ranges(widget, parts)
    for (_l1, right), (left, _r2) in zip(ranges, ranges[1:], strict=False):
        assert right <= left + 0.5, (widget.text(), ranges)


def test_an_arabic_annotator_name_keeps_its_place_in_latin_words(
    qtbot: Any, project: Project
) -> None:
    doc_id = project.documents.document_ids()[0]
    build_disagreement(project, doc_id)  # ali and badr; سلمى copies badr's layer minus one span
    for span in project.annotations.spans(doc_id, BADR)[:-1]:
        if span.label in ("GPE", "ORG", "PER", "LOC"):
            project.annotations.create_span(doc_id, SALMA, span.start, span.end, span.label)
    window = review_window(qtbot, project, doc_id, [ALI, SALMA])
    reviewing = review(window)
    reviewing.step(1)
    panel = reviewing.panel
    button = panel.accept_buttons()[1]
    assert_reads_in_order(button, ["Accept", SALMA, "(2)"])
    label = panel.findChildren(QLabel, "version-2")[0]
    rest = label.text().split(": ", 1)[1]
    first = next(w for w in rest.split() if w.isascii() and w.isalpha())  # e.g. "nothing"
    assert_reads_in_order(label, [SALMA, first])
    pane_titles = [w for w in reviewing.view.findChildren(QLabel, "reviewPaneTitle")]
    title = next(w for w in pane_titles if SALMA in w.text())
    assert_reads_in_order(title, [SALMA, "spans"])


def test_a_shorter_attacker_is_one_disagreement_with_both_versions(
    qtbot: Any, project: Project
) -> None:
    doc_id = project.documents.document_ids()[0]
    build_disagreement(project, doc_id)
    window = review_window(qtbot, project, doc_id, [ALI, BADR])
    reviewing = review(window)
    attacker = [d for d in reviewing.disputes if "Attacker" in " ".join(d.versions.values())]
    assert len(attacker) == 1
    assert attacker[0].versions == {
        ALI: f"Attacker = ORG «{isolate(MINISTRY)}»",
        BADR: f"Attacker = ORG «{isolate(SHORT_MINISTRY)}»",
    }


def test_the_view_menu_has_one_item_called_review(qtbot: Any, project: Project) -> None:
    doc_id = project.documents.document_ids()[0]
    build_disagreement(project, doc_id)
    window = review_window(qtbot, project, doc_id, [ALI, BADR])
    reviewing = review(window)
    reviewing.stop()
    reviewing.start([ALI, BADR], Layout.SIDE_BY_SIDE)  # used twice
    texts = [a.text().replace("&", "") for a in window.view_menu.actions()]
    assert texts.count("Review") == 1
    submenu = next(a.menu() for a in window.view_menu.actions() if a.text() == "Review")
    assert reviewing.dock is not None
    assert reviewing.dock.toggleViewAction() in submenu.actions()
