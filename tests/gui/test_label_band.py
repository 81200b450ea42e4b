"""The label band: tags and arcs above each line, never over a glyph."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QPointF, QSettings, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from annotator.core.positions import CodePoint
from annotator.services.events import EventService
from annotator.services.project import Project, open_project
from annotator.ui.fonts import default_font
from annotator.ui.main_window import MainWindow
from annotator.ui.pane.label_band import band_rows
from annotator.ui.pane.text_pane import Arc, Overlay, TextPane
from tests.gui.conftest import ANNOTATOR, char_center
from tests.gui.pixels import Pixels, grab

SENTENCE = (
    "أكدت وزارة الدفاع الروسية 😀 أنها شنت هجوماً على «داعش» في محافظة حماة السورية "
    "𝐀 ok 12\u00a0مارس الـــحرب می\u200cخواهم وَزَارَةُ. "
)
TEXT = SENTENCE * 5
# (label, phrase) tagged in every sentence; «الروسية» is nested in the ORG
LABELS = [
    ("ORG", "وزارة الدفاع الروسية"),
    ("GPE", "الروسية"),
    ("Conflict.Attack", "هجوماً"),
    ("ORG", "داعش"),
    ("GPE", "حماة"),
    ("GPE", "السورية"),
]
PART_WHOLE = "#43a047"  # the ACE schema's PART-WHOLE colour


def _starts(phrase: str) -> list[int]:
    return [i for i in range(len(TEXT)) if TEXT.startswith(phrase, i)]


@pytest.fixture
def stored(tmp_path: Path) -> Iterator[tuple[Project, int]]:
    """A real project with :data:`TEXT`, its spans and a PART-WHOLE relation per sentence."""
    project = open_project(tmp_path / "band.sqlite")
    doc_id, _created = project.documents.add_text("band.txt", TEXT)
    ids: dict[tuple[str, int], int] = {}
    for label, phrase in LABELS:
        for n, start in enumerate(_starts(phrase)):
            edit = project.annotations.create_span(
                doc_id, ANNOTATOR, CodePoint(start), CodePoint(start + len(phrase)), label
            )
            ids[(phrase, n)] = edit.add.spans[0].id
    events = EventService(project.annotations, lambda: project.schemas.schema)
    for n in range(len(_starts("حماة"))):
        events.create_relation("PART-WHOLE", ids[("حماة", n)], ids[("السورية", n)])
    yield project, doc_id
    project.close()


def _pane(qtbot: Any, project: Project, doc_id: int, points: int, width: int) -> TextPane:
    pane = TextPane()
    qtbot.addWidget(pane)
    pane.setFont(default_font(points))
    pane.resize(width, 700)
    pane.set_band(True)
    pane.show()
    qtbot.waitExposed(pane)
    schema = project.schemas.schema
    pane.set_document(TEXT, project.annotations.spans(doc_id, ANNOTATOR), schema)
    rels = project.annotations.relations(doc_id, ANNOTATOR)
    pane.set_arcs([Arc(r.arg1_id, r.arg2_id, r.type, PART_WHOLE) for r in rels])
    attacker = next(s for s in pane.spans() if s.label == "ORG")
    pane.set_overlays([Overlay(attacker.start, attacker.end, "#d32f2f", "Attacker")])
    return pane


def _render(pane: TextPane, content: bool) -> Pixels:
    pane.painter.band_content = content
    pane.viewport().update()
    return grab(pane)


def _ink(image: Pixels) -> NDArray[np.bool_]:
    """Pixels that are not white, grown by one pixel each way (anti-aliased glyph edges)."""
    mask = (image < 250).any(axis=2)
    grown = mask.copy()
    grown[1:] |= mask[:-1]
    grown[:-1] |= mask[1:]
    grown[:, 1:] |= mask[:, :-1]
    grown[:, :-1] |= mask[:, 1:]
    return grown


def _line_rows(pane: TextPane) -> NDArray[np.bool_]:
    """The viewport rows covered by the visible lines of text."""
    rows = np.zeros(pane.viewport().height(), dtype=bool)
    for block, origin, _conv in pane.painter.last_frame.blocks:
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            top = int(origin.y() + line.y())
            rows[max(0, top) : max(0, int(top + line.height()))] = True
    return rows


@pytest.mark.parametrize(("points", "width"), [(14, 900), (26, 900), (14, 330), (26, 330)])
def test_tags_and_arcs_never_cover_a_glyph(
    qtbot: Any, stored: tuple[Project, int], points: int, width: int
) -> None:
    project, doc_id = stored
    pane = _pane(qtbot, project, doc_id, points, width)
    empty_band = _render(pane, False)  # text and highlights, the same band geometry
    glyphs = _ink(empty_band)
    full_band = _render(pane, True)
    drawn = (empty_band != full_band).any(axis=2)
    assert drawn.sum() > 300  # tags and arcs are there
    assert len(pane.painter.last_frame.tags) >= 6
    assert not (drawn & glyphs).any()  # ... and never on a glyph pixel
    assert not drawn[_line_rows(pane)].any()  # nor anywhere in a line of text


def test_wrapped_right_to_left_lines_stay_right_aligned(
    qtbot: Any, stored: tuple[Project, int]
) -> None:
    project, doc_id = stored
    pane = _pane(qtbot, project, doc_id, 16, 520)
    image = _render(pane, True)
    block, origin, _conv = pane.painter.last_frame.blocks[0]
    layout = block.layout()
    assert layout.lineCount() > 4  # the paragraph wraps
    rights = []
    for i in range(layout.lineCount()):
        line = layout.lineAt(i)
        top = int(origin.y() + line.y())
        if top + line.height() >= image.shape[0]:
            break
        ink = (image[top : int(top + line.height())] < 128).all(axis=2).any(axis=0)
        rights.append(int(np.nonzero(ink)[0].max()))
    assert len(rights) > 3
    assert max(rights) - min(rights) <= 3, rights  # every line ends at the right margin
    assert max(rights) > pane.viewport().width() - 40


def test_nested_spans_get_their_own_rows(qtbot: Any, stored: tuple[Project, int]) -> None:
    project, doc_id = stored
    pane = _pane(qtbot, project, doc_id, 16, 900)
    image = _render(pane, True)
    tags = {(t.span_id): t for t in pane.painter.last_frame.tags}
    long_orgs = [s for s in pane.spans() if s.label == "ORG" and s.end - s.start > 10]
    outer = long_orgs[1]  # the first one is outlined as the Attacker
    inner = next(s for s in pane.spans() if s.label == "GPE" and s.start > outer.start)
    assert outer.start < inner.start and inner.end == outer.end
    top, low = tags[outer.id].box, tags[inner.id].box
    assert top is not None and low is not None
    assert top.bottom() <= low.top()  # the outer span's tag stands above the inner one's
    schema = project.schemas.schema
    for box, label in ((top, "ORG"), (low, "GPE")):
        y, x = int(box.top() + 1), int(box.left() + 2)
        expected = schema.color_of(label).lstrip("#")
        assert bytes(image[y, x]).hex() == expected.lower()


def test_band_rows_put_outer_spans_above_inner_ones() -> None:
    c = CodePoint
    ranges = [(c(0), c(20)), (c(10), c(20)), (c(12), c(15)), (c(30), c(35)), (c(30), c(35))]
    assert band_rows(ranges) == [2, 1, 0, 0, 1]


def test_narrow_spans_get_short_tags_with_the_full_name_in_the_tooltip(
    qtbot: Any, stored: tuple[Project, int]
) -> None:
    project, doc_id = stored
    pane = _pane(qtbot, project, doc_id, 14, 900)
    _render(pane, True)
    tags = pane.painter.last_frame.tags
    attack = next(t for t in tags if t.name == "Conflict.Attack")
    assert attack.shown == "Attack" and attack.box is not None
    assert pane.painter.tag_at(attack.box.center()) == "Conflict.Attack"
    attacker = pane.painter.overlays[0]
    role = next(t for t in tags if t.outline is not None)  # the outlined argument
    assert role.box is not None and role.name == "ORG"  # its entity type, not its role
    assert (attacker.caption, attacker.color) == ("Attacker", "#d32f2f")
    assert pane.painter.tag_at(role.box.center()) == "ORG (Attacker)"
    assert pane.painter.tag_at(QPointF(-5, -5)) is None


def _colour_mask(image: Pixels, colour: str) -> NDArray[np.bool_]:
    rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return np.asarray((image == rgb).all(axis=2))


def test_a_relation_is_an_arc_with_its_arrowhead_on_arg2(
    qtbot: Any, project: Project, window: MainWindow
) -> None:
    from annotator.ui.events_wiring import install_event_tools

    tools = install_event_tools(window, project)
    pane = window.pane
    assert pane.band_on  # the window's default
    text = pane.text
    ends = []
    for phrase in ("حماة", "السورية"):  # «حماة السورية»: Arg1 right of Arg2 (RTL)
        start = CodePoint(text.index(phrase + " السورية" if phrase == "حماة" else phrase))
        edit = window.tagging.create_span("GPE", start, CodePoint(start + len(phrase)))
        assert edit is not None
        ends.append(edit.add.spans[0].id)
    tools.ctx.push_outcome(lambda: tools.events.create_relation("PART-WHOLE", *ends), "rel")
    window.clear_selection()
    pane.scroll_to_offset(CodePoint(0))
    pane.painter.band_content = False
    without = grab(pane)
    pane.painter.band_content = True
    image = grab(pane)
    anchors = pane.painter.last_frame.anchors
    a, b = anchors[ends[0]], anchors[ends[1]]
    assert a.line_top == b.line_top and a.x > b.x  # same line; Arg1 reads first (right)
    arc = _colour_mask(image, PART_WHOLE) & ~_colour_mask(without, PART_WHOLE)
    ys, xs = np.nonzero(arc)
    assert len(xs) > 50
    assert ys.max() < a.line_top  # all in the band
    across = arc[:, int(b.x) + 6 : int(a.x) - 6].any(axis=1)  # the span between the two tags
    assert across.any()
    # the arrowhead: wide just above Arg2's tag, a thin line above Arg1's
    near = slice(int(b.y) - 7, int(b.y) - 3)
    (shape,) = pane.painter.last_frame.arcs or []
    assert shape.tip is not None
    bx, ax = int(shape.tip.x()), int(shape.points[0].x())
    assert arc[near, bx - 4 : bx + 5].sum(axis=1).max() >= 5
    assert arc[near, ax - 4 : ax + 5].sum(axis=1).max() <= 3


def test_captions_of_relations_between_the_same_spans_do_not_overlap(
    qtbot: Any, stored: tuple[Project, int]
) -> None:
    project, doc_id = stored
    pane = _pane(qtbot, project, doc_id, 16, 900)
    rels = project.annotations.relations(doc_id, ANNOTATOR)
    arcs = [Arc(r.arg1_id, r.arg2_id, r.type, PART_WHOLE) for r in rels]
    arcs += [Arc(r.arg1_id, r.arg2_id, "PHYS", "#1e88e5") for r in rels]  # same ends
    pane.set_arcs(arcs)
    _render(pane, True)
    captions = pane.painter.last_frame.captions
    assert len(captions) >= 4
    for i, box in enumerate(captions):
        assert not any(box.intersects(other) for other in captions[i + 1 :])


def test_the_band_can_be_switched_off_for_dense_reading(qtbot: Any, window: MainWindow) -> None:
    pane = window.pane
    assert window.tagging.create_span("PER", CodePoint(0), CodePoint(4)) is not None
    grab(pane)
    block = pane.firstVisibleBlock()
    with_band = [block.layout().lineAt(i).y() for i in range(block.layout().lineCount())]
    assert with_band[0] > 10  # the first line has a tag: room above it
    qtbot.keyClick(
        window,
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert not window.band_action.isChecked() and not pane.band_on
    grab(pane)
    block = pane.firstVisibleBlock()
    layout = block.layout()
    lines = [layout.lineAt(i) for i in range(layout.lineCount())]
    assert lines[0].y() == 0  # as Qt lays it out: no room above the lines
    assert all(
        abs(b.y() - (a.y() + a.height())) < 0.01 for a, b in zip(lines, lines[1:], strict=False)
    )
    assert pane.painter.last_frame.tags == []
    window.band_action.trigger()
    grab(pane)
    assert pane.firstVisibleBlock().layout().lineAt(0).y() == with_band[0]


def test_the_band_switch_is_remembered(qtbot: Any, project: Project, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    first = MainWindow(project, ANNOTATOR, settings)
    qtbot.addWidget(first)
    assert first.pane.band_on  # on by default
    first.band_action.trigger()
    assert not first.pane.band_on
    first.close()
    second = MainWindow(project, ANNOTATOR, settings)
    qtbot.addWidget(second)
    assert not second.band_action.isChecked() and not second.pane.band_on
    second.close()


def test_with_the_band_off_no_caption_is_drawn_over_the_text(
    qtbot: Any, stored: tuple[Project, int]
) -> None:
    project, doc_id = stored
    pane = _pane(qtbot, project, doc_id, 16, 900)
    pane.set_band(False)
    captioned = list(pane.painter.overlays)
    assert captioned[0].caption == "Attacker"
    uncaptioned = [Overlay(o.start, o.end, o.color) for o in captioned]
    pane.set_overlays(uncaptioned)
    outline_only = grab(pane)

    pane.set_overlays(captioned)
    assert (grab(pane) == outline_only).all()  # the caption adds no pixel: it is not drawn
    assert pane.painter.last_frame.tags == []
    # ... it is in the tooltip of the span under the mouse instead
    attacker = next(
        s for s in pane.spans() if (s.start, s.end) == (captioned[0].start, captioned[0].end)
    )
    point = char_center(pane, attacker.start + 2)
    QApplication.sendEvent(
        pane.viewport(),
        QHelpEvent(QEvent.Type.ToolTip, point, pane.viewport().mapToGlobal(point)),
    )
    assert "Attacker" in QToolTip.text() and "ORG" in QToolTip.text()
