"""In the app's window a document's first paint waits for no event or relation read.

The events and relations of the document opened (the Event and Relations panels, the
argument and relation arcs) are read once the pane has its spans, right after the first
paint (ADR 0005, text first); until then the panels and arcs are empty, never the previous
document's, and afterwards they are the store's.
"""

from __future__ import annotations

import re
from typing import Any

from annotator.app import build_window
from annotator.core.positions import CodePoint
from annotator.services.events import EventService
from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR
from tests.gui.test_reads_per_create import SENTENCE, statements

LAYER_READS = re.compile(r"\b(events|event_arguments|relations)\b")
ArcKey = tuple[int, int, str]


def _document(proj: Project, name: str, opening: str) -> tuple[int, set[ArcKey]]:
    """A document with a relation and an event with one argument; the arcs they draw."""
    text = opening + "\n" + "\n".join(SENTENCE * 2 for _ in range(6))
    doc_id, _created = proj.documents.add_text(name, text)

    def span(word: str, label: str) -> int:
        start = text.index(word)
        end = CodePoint(start + len(word))
        return (
            proj.annotations.create_span(doc_id, ANNOTATOR, CodePoint(start), end, label)
            .add.spans[0]
            .id
        )

    hama, syria, isis = span("حماة", "GPE"), span("السورية", "GPE"), span("داعش", "ORG")
    events = EventService(proj.annotations, lambda: proj.schemas.schema)
    events.create_relation("PART-WHOLE", hama, syria)
    at = CodePoint(text.index("هجوماً"))
    made = events.create_event(doc_id, ANNOTATOR, at, CodePoint(at + 6), "Conflict.Attack")
    event = made.add.events[0]
    events.add_argument(event, "Attacker", isis)
    return doc_id, {(hama, syria, "PART-WHOLE"), (event.trigger_id, isis, "Attacker")}


def _arcs(window: MainWindow) -> set[ArcKey]:
    return {(a.arg1, a.arg2, a.caption) for a in window.pane.painter.arcs}


def _rows(window: MainWindow) -> list[str]:
    table = window.event_tools.relation_panel.table  # type: ignore[attr-defined]
    return [" | ".join(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]


def _window(qtbot: Any, proj: Project, doc_id: int) -> MainWindow:
    window = build_window(proj, ANNOTATOR)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    window.open_document(doc_id)
    qtbot.waitUntil(lambda: not window.pane.loading)
    return window


def _open_and_watch(qtbot: Any, window: MainWindow, doc_ids: list[int]) -> list[set[ArcKey]]:
    """Open each document in turn at once; the arcs of every paint until the last is in."""
    pane = window.pane
    painted: list[set[ArcKey]] = []
    watch = lambda: painted.append(_arcs(window))  # noqa: E731
    pane.painted.connect(watch)
    try:
        for doc_id in doc_ids:
            window.open_document(doc_id)
        qtbot.waitUntil(lambda: not pane.loading and len(painted) >= 2)
        qtbot.wait(50)
    finally:
        pane.painted.disconnect(watch)
    return painted


def test_the_first_paint_reads_no_events_or_relations(qtbot: Any, proj: Project) -> None:
    first, first_arcs = _document(proj, "a.txt", "الأول")
    second, second_arcs = _document(proj, "b.txt", "الثاني")
    window = _window(qtbot, proj, first)
    assert _arcs(window) == first_arcs
    pane = window.pane
    with statements(proj) as seen:
        at_first_paint: list[int] = []
        pane.painted.connect(lambda: at_first_paint.append(len(seen)))
        painted = _open_and_watch(qtbot, window, [second])
    before = seen[: at_first_paint[0]]
    assert before  # the document and its first screen's spans were read
    assert [s for s in before if LAYER_READS.search(s)] == []
    assert [s for s in seen[at_first_paint[0] :] if LAYER_READS.search(s)]  # read after it
    assert painted[0] == set()  # nothing drawn of the first document's layer
    assert _arcs(window) == second_arcs
    stored = proj.annotations.relations(second, ANNOTATOR)
    tools = window.event_tools  # type: ignore[attr-defined]
    assert tools.relation_panel.relations() == stored
    assert _rows(window) == ["PART-WHOLE | «حماة» GPE | «السورية» GPE"]
    window.close()


def test_switching_quickly_never_shows_the_previous_document(qtbot: Any, proj: Project) -> None:
    first, first_arcs = _document(proj, "a.txt", "الأول")
    second, second_arcs = _document(proj, "b.txt", "الثاني")
    window = _window(qtbot, proj, second)
    for doc_ids, arcs in (([first, second], second_arcs), ([second, first], first_arcs)):
        painted = _open_and_watch(qtbot, window, doc_ids)
        assert all(seen <= arcs for seen in painted), painted
        assert painted[-1] == arcs
        assert _arcs(window) == arcs
        assert len(_rows(window)) == 1
        doc_id = doc_ids[-1]
        assert window.event_tools.relation_panel.relations() == (  # type: ignore[attr-defined]
            proj.annotations.relations(doc_id, ANNOTATOR)
        )
    window.close()


def test_the_event_shown_is_shown_again_when_its_document_is_reopened(
    qtbot: Any, proj: Project
) -> None:
    first, first_arcs = _document(proj, "a.txt", "الأول")
    window = _window(qtbot, proj, first)
    (event,) = proj.annotations.events(first, ANNOTATOR)
    panel = window.event_tools.event_panel  # type: ignore[attr-defined]
    panel.set_event(event.id)
    window.open_document(first)  # as the window does when another client changed it
    assert window.pane.loading and panel.current_event() is None  # nothing read yet
    qtbot.waitUntil(lambda: not window.pane.loading)
    assert panel.current_event() == event
    assert _arcs(window) == first_arcs
    window.close()
