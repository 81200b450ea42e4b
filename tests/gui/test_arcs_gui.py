"""Relation arcs and event-argument arcs in a real window, built the way the app builds it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF

from annotator.app import build_window
from annotator.core.positions import CodePoint
from annotator.services.events import EventService
from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR
from tests.gui.pixels import grab

PHRASE = "محافظة حماة السورية"


def _seed_doc(project: Project) -> int:
    doc = next(d for d in project.documents.summaries(ANNOTATOR) if d.name.startswith("000_"))
    return int(doc.id)


def _span(project: Project, doc_id: int, text: str, word: str, label: str) -> int:
    base = text.index(PHRASE)
    start = CodePoint(base + PHRASE.index(word))
    edit = project.annotations.create_span(
        doc_id, ANNOTATOR, start, CodePoint(start + len(word)), label
    )
    return edit.add.spans[0].id


def _relations(project: Project) -> tuple[int, int, int]:
    """Spans on «محافظة», «حماة», «السورية» and two relations, stored before the window opens."""
    doc_id = _seed_doc(project)
    text = project.documents.document(doc_id).text
    region = _span(project, doc_id, text, "محافظة", "LOC")
    hama = _span(project, doc_id, text, "حماة", "GPE")
    syria = _span(project, doc_id, text, "السورية", "GPE")
    events = EventService(project.annotations, lambda: project.schemas.schema)
    events.create_relation("PART-WHOLE", hama, syria)
    events.create_relation("PHYS", region, hama)
    return region, hama, syria


def _window(qtbot: Any, project: Project) -> MainWindow:
    window = build_window(project, ANNOTATOR, None)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.pane.loading)
    return window


def test_arcs_are_drawn_for_the_document_open_at_start_up(qtbot: Any, project: Project) -> None:
    region, hama, syria = _relations(project)
    window = _window(qtbot, project)
    pane = window.pane
    assert pane.band_on
    assert {(a.arg1, a.arg2) for a in pane.painter.arcs} == {(hama, syria), (region, hama)}
    grab(pane)
    frame = pane.painter.last_frame
    assert {region, hama, syria} <= set(frame.anchors)  # the three ends are on screen
    assert len(frame.captions) == 2  # one caption per relation: both arcs drawn
    window.close()


def _visible_lines(pane: Any) -> list[QRectF]:
    """The viewport rectangles of the lines of text wholly on screen."""
    out = []
    height = pane.viewport().height()
    for block, origin, _conv in pane.painter.last_frame.blocks:
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            rect = line.naturalTextRect().translated(origin)
            if rect.top() >= 0 and rect.bottom() <= height:
                out.append(rect)
    return out


def _glyph_boxes(pane: Any) -> list[QRectF]:
    """The layout's own glyph-run boxes of every visible line, in viewport coordinates."""
    boxes = []
    for block, origin, _conv in pane.painter.last_frame.blocks:
        layout = block.layout()
        for i in range(layout.lineCount()):
            for run in layout.lineAt(i).glyphRuns():
                boxes.append(run.boundingRect().translated(origin))
    return boxes


def test_the_band_keeps_room_only_above_lines_with_tags(qtbot: Any, project: Project) -> None:
    region, hama, syria = _relations(project)  # three tags on one line, two relations
    window = _window(qtbot, project)
    pane = window.pane
    grab(pane)
    lines = _visible_lines(pane)
    assert len(lines) >= 14, len(lines)  # 1400 x 900, the default font, few tags
    tagged = {round(t.anchor.top()) for t in pane.painter.last_frame.tags}
    assert len(tagged) == 1
    gaps = [b.top() - a.bottom() for a, b in zip(lines, lines[1:], strict=False)]
    assert sum(1 for g in gaps if g > 1) == 1  # only the tagged line has room above it
    frame = pane.painter.last_frame
    captions = [t.box for t in frame.tags if t.box is not None] + frame.captions
    assert len(captions) == 5  # three tags, two arc captions
    glyphs = _glyph_boxes(pane)
    assert len(glyphs) > 14
    for box in captions:
        assert not any(box.intersects(g) for g in glyphs), box
        assert not any(box.intersects(line) for line in lines), box


def _segments(points: list[Any]) -> list[QRectF]:
    """The runs of a polyline as thin rectangles (a pen 2 px wide)."""
    out = []
    for p, q in zip(points, points[1:], strict=False):
        left, top = min(p.x(), q.x()) - 1, min(p.y(), q.y()) - 1
        out.append(QRectF(left, top, abs(p.x() - q.x()) + 2, abs(p.y() - q.y()) + 2))
    return out


def test_arcs_do_not_collide_and_the_other_end_shows_its_type(qtbot: Any, project: Project) -> None:
    region, hama, syria = _relations(project)  # PHYS region -> hama, PART-WHOLE hama -> syria
    events = EventService(project.annotations, lambda: project.schemas.schema)
    events.create_relation("GEN-AFF", syria, hama)  # a second arrowhead on «حماة»
    window = _window(qtbot, project)
    pane = window.pane
    pane.select_span(hama, scroll=False)  # one end of both relations selected
    grab(pane)
    frame = pane.painter.last_frame
    shown = {t.span_id: t.shown for t in frame.tags}
    assert shown[syria] == "GPE" and shown[region] == "LOC"  # entity types, not "WHOLE"
    shapes = frame.arcs or []
    assert sorted(s.arc.caption for s in shapes) == ["GEN-AFF", "PART-WHOLE", "PHYS"]
    tips = [s.tip for s in shapes if s.tip is not None]
    assert len(tips) == 3
    for i, a in enumerate(tips):  # two land on «حماة», at distinct points
        assert all(abs(a.x() - b.x()) >= 4 for b in tips[i + 1 :])
    boxes = [s.box for s in shapes if s.box is not None]
    assert len(boxes) == 3
    for i, box in enumerate(boxes):
        assert not any(box.intersects(other) for other in boxes[i + 1 :])
    for shape in shapes:
        assert shape.box is not None and shape.shown == shape.arc.caption
        for other in shapes:
            runs = _segments(other.points)
            if other is not shape:  # no other arc runs through this caption
                assert not any(shape.box.intersects(r) for r in runs), shape.arc.caption
            else:  # its own arc meets it only along its horizontal run
                assert not any(shape.box.intersects(r) for r in runs if r.height() > 3)
            if other.tip is not None:
                x, y = other.tip.x(), other.tip.y()
                head = QRectF(x - 5, y - 6, 10, 6)
                assert not shape.box.intersects(head), shape.arc.caption


def test_an_event_has_an_arc_to_each_argument_with_the_role_on_it(
    qtbot: Any, project: Project
) -> None:
    doc_id = _seed_doc(project)
    text = project.documents.document(doc_id).text
    phrase = "أكدت وزارة الدفاع الروسية أنها شنت هجوماً"
    base = text.index(phrase)
    org_at = CodePoint(base + phrase.index("وزارة"))
    org = project.annotations.create_span(
        doc_id, ANNOTATOR, org_at, CodePoint(org_at + len("وزارة الدفاع الروسية")), "ORG"
    ).add.spans[0]
    events = EventService(project.annotations, lambda: project.schemas.schema)
    attack_at = CodePoint(base + phrase.index("هجوماً"))
    edit = events.create_event(
        doc_id, ANNOTATOR, attack_at, CodePoint(attack_at + len("هجوماً")), "Conflict.Attack"
    )
    event = edit.add.events[0]
    events.add_argument(event, "Attacker", org.id)
    window = _window(qtbot, project)
    pane = window.pane
    assert any(
        (a.arg1, a.arg2, a.caption) == (event.trigger_id, org.id, "Attacker")
        for a in pane.painter.arcs
    )
    tools = window.event_tools  # type: ignore[attr-defined]
    tools.event_panel.set_event(event.id)  # the event shown: its argument is outlined
    grab(pane)
    frame = pane.painter.last_frame
    (shape,) = [s for s in frame.arcs or [] if s.arc.caption == "Attacker"]
    assert shape.shown == "Attacker" and shape.tip is not None
    org_tag = next(t for t in frame.tags if t.span_id == org.id)
    assert org_tag.shown == "ORG" and org_tag.box is not None  # its entity type, not its role
    assert org_tag.box.left() <= shape.tip.x() <= org_tag.box.right()  # the arrow lands on it
    assert abs(shape.tip.y() - org_tag.box.top()) < 1
    trigger_tag = next(t for t in frame.tags if t.span_id == event.trigger_id)
    assert trigger_tag.box is not None
    assert trigger_tag.box.left() <= shape.points[0].x() <= trigger_tag.box.right()
    # a new argument gets its arc at once
    place_at = CodePoint(text.index("محافظة حماة"))
    place = project.annotations.create_span(
        doc_id, ANNOTATOR, place_at, CodePoint(place_at + len("محافظة حماة")), "GPE"
    ).add.spans[0]
    tools.ctx.push_outcome(lambda: tools.events.add_argument(event, "Place", place.id), "Place")
    assert any(a.caption == "Place" and a.arg2 == place.id for a in pane.painter.arcs)
