"""A hotkey create and a selection change read nothing from the store after the write.

The Attributes, Event and Relations panels follow every selection and edit. They read the
selected span and its event from the store on each (five queries per hotkey create before
the pane could repaint, issue 18); now they take the span from the pane and the layer's
events and relations from one copy read once per change (``ui/panels/layer_reads.py``).
What they show must still be the store's state: an edit of events, and the same document
shown again after another program changed it, are read again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import event

from annotator.app import build_window
from annotator.core.positions import CodePoint
from annotator.services.events import EventService
from annotator.services.project import Project, open_project
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR

SENTENCE = "أكدت وزارة الدفاع الروسية أنها شنت هجوماً على «داعش» في محافظة حماة السورية. "
TEXT = "\n".join(SENTENCE * 2 for _ in range(6))
WRITE_ENDS = "INSERT INTO change_log"
"""The last statement of every write transaction (its row in the change log)."""


@contextmanager
def statements(project: Project) -> Iterator[list[str]]:
    """Collect the SQL statements ``project`` runs inside the block."""
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    engine = project.repo.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def after_the_write(seen: list[str]) -> list[str]:
    """The statements after the (single) write transaction's last one."""
    ends = [i for i, s in enumerate(seen) if s.startswith(WRITE_ENDS)]
    assert len(ends) == 1, seen
    return seen[ends[0] + 1 :]


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _window(qtbot: Any, proj: Project) -> MainWindow:
    doc_id, _created = proj.documents.add_text("a.txt", TEXT)
    window = build_window(proj, ANNOTATOR)  # as the app builds it: every panel installed
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_document(doc_id)
    qtbot.waitUntil(lambda: not window.pane.loading)
    window.pane.setFocus()
    _settle()
    return window


def _create(window: MainWindow, proj: Project, occurrence: int) -> list[str]:
    """Select the ``occurrence``-th «حماة» and press the PER hotkey; the statements run."""
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index("حماة", start + 1)
    window.pane.select_text(CodePoint(start), CodePoint(start + 4))
    _settle()
    with statements(proj) as seen:
        QTest.keyClick(window.pane, Qt.Key.Key_P)
        _settle()
    return seen


def test_a_hotkey_create_reads_nothing_after_its_write(qtbot: Any, proj: Project) -> None:
    window = _window(qtbot, proj)
    panel = window.attributes  # type: ignore[attr-defined]
    _create(window, proj, 0)  # the first makes the annotator, whom the window's lists read
    for occurrence in range(1, 5):
        seen = _create(window, proj, occurrence)
        assert after_the_write(seen) == [], occurrence
        span = panel.current_span()  # the panel shows the new span, as stored
        assert span is not None and span.id == window.pane.selected_span_ids()[-1]
        assert span == proj.annotations.span(span.id)
        assert panel.boxes[("span", "MentionType")].currentText() == "—"


def test_a_selection_change_reads_nothing(qtbot: Any, proj: Project) -> None:
    window = _window(qtbot, proj)
    for occurrence in range(3):
        _create(window, proj, occurrence)
    ids = [s.id for s in window.pane.spans()]
    for span_id in (ids[0], ids[2], ids[1]):
        with statements(proj) as seen:
            window.pane.select_span(span_id, scroll=False)
            _settle()
        assert seen == []
        assert window.attributes.current_span().id == span_id  # type: ignore[attr-defined]


def test_an_event_made_elsewhere_shows_once_the_document_is_shown_again(
    qtbot: Any, proj: Project, project_at: Any
) -> None:
    window = _window(qtbot, proj)
    _create(window, proj, 0)
    doc_id = window.current_doc_id()
    assert doc_id is not None
    at = TEXT.index("هجوماً")
    other = open_project(project_at)  # another program on the same project
    try:
        events = EventService(other.annotations, lambda: other.schemas.schema)
        made = events.create_event(doc_id, ANNOTATOR, at, at + 6, "Conflict.Attack")
    finally:
        other.close()
    trigger_id = made.add.events[0].trigger_id
    window.open_document(doc_id)  # as the window does when it hears of another's change
    qtbot.waitUntil(lambda: not window.pane.loading)
    window.pane.select_span(trigger_id, scroll=False)
    _settle()
    tools = window.event_tools  # type: ignore[attr-defined]
    shown = tools.event_panel.current_event()
    assert shown is not None and shown.id == made.add.events[0].id
    assert window.attributes.current_event() == shown  # type: ignore[attr-defined]
    assert ("event", "Polarity") in window.attributes.boxes  # type: ignore[attr-defined]


def test_an_event_edit_is_read_again(qtbot: Any, proj: Project) -> None:
    window = _window(qtbot, proj)
    at = TEXT.index("هجوماً")
    window.pane.select_text(CodePoint(at), CodePoint(at + 6))
    _settle()
    window.apply_name("Conflict.Attack")
    _settle()
    panel = window.attributes  # type: ignore[attr-defined]
    (stored,) = proj.annotations.events(window.current_doc_id() or 0, ANNOTATOR)
    assert panel.current_event() == stored
    qtbot.keyClick(
        window.pane,
        Qt.Key.Key_1,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
    )
    _settle()
    (stored,) = proj.annotations.events(window.current_doc_id() or 0, ANNOTATOR)
    assert stored.attributes
    assert panel.current_event().attributes == stored.attributes
    box = panel.boxes[("event", next(iter(stored.attributes)))]
    assert box.currentText() == next(iter(stored.attributes.values()))


def test_the_attributes_form_is_kept_for_a_span_like_the_last(qtbot: Any, proj: Project) -> None:
    window = _window(qtbot, proj)
    panel = window.attributes  # type: ignore[attr-defined]
    _create(window, proj, 0)
    box = panel.boxes[("span", "MentionType")]
    qtbot.keyClick(window.pane, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    _settle()
    assert box.currentText() == "NAM"
    _create(window, proj, 1)  # another PER: the same choice, not laid out again
    assert panel.boxes == {("span", "MentionType"): box}
    assert box.currentText() == "—"  # the new span's value, not the last one's
    first = window.pane.spans()[0]
    window.pane.select_span(first.id, scroll=False)
    _settle()
    assert panel.boxes[("span", "MentionType")] is box
    assert box.currentText() == "NAM"


def _relate(window: MainWindow, first: int, second: int, kind: str) -> None:
    window.pane.select_span(first, scroll=False)
    window.pane.select_span(second, add=True, scroll=False)
    assert window.event_tools.relation_panel.relate(kind)  # type: ignore[attr-defined]
    _settle()


def test_a_selection_change_sets_only_the_relation_rows_it_highlights(
    qtbot: Any, proj: Project
) -> None:
    window = _window(qtbot, proj)
    for occurrence in range(4):
        _create(window, proj, occurrence)  # four PER spans on «حماة»
    a, b, c, d = (s.id for s in window.pane.spans())
    _relate(window, a, b, "PHYS")
    _relate(window, c, d, "PHYS")
    table = window.event_tools.relation_panel.table  # type: ignore[attr-defined]
    assert table.rowCount() == 2
    window.pane.select_span(a, scroll=False)
    _settle()
    other = [table.item(1, col) for col in range(3)]
    assert table.item(0, 0).font().bold() and not other[0].font().bold()
    window.pane.select_span(b, scroll=False)  # the same relation: no row changes
    _settle()
    now = [table.item(1, col) for col in range(3)]
    assert all(x is y for x, y in zip(now, other, strict=True))  # the same items, not new ones
    assert table.item(0, 0).font().bold()
    window.pane.select_span(d, scroll=False)
    _settle()
    assert not table.item(0, 0).font().bold() and table.item(1, 0).font().bold()
    window.pane.select_span(c, scroll=False)
    window.tagging.relabel_selected("ORG")  # an end relabelled: its row says so at once
    _settle()
    assert table.item(1, 1).text().endswith("ORG")
    assert table.item(1, 0).font().bold()


def test_the_arcs_are_made_again_only_when_relations_or_events_change(
    qtbot: Any, proj: Project
) -> None:
    window = _window(qtbot, proj)
    for occurrence in range(4):
        _create(window, proj, occurrence)
    a, b, c, d = (s.id for s in window.pane.spans())
    _relate(window, a, b, "PHYS")
    tools = window.event_tools  # type: ignore[attr-defined]
    relations, arguments = tools.relation_panel.arcs(), tools.argument_arcs()
    window.pane.select_span(c, scroll=False)  # a selection change asks for them again
    _settle()
    assert tools.relation_panel.arcs() is relations and tools.argument_arcs() is arguments
    _relate(window, c, d, "PHYS")
    assert [(x.arg1, x.arg2) for x in tools.relation_panel.arcs()] == [(a, b), (c, d)]
    at = TEXT.index("هجوماً")
    window.pane.select_text(CodePoint(at), CodePoint(at + 6))
    window.apply_name("Conflict.Attack")
    tools.event_panel.arm_role("Attacker")
    tools.event_panel.fill_with_span(a)
    _settle()
    (event,) = proj.annotations.events(window.current_doc_id() or 0, ANNOTATOR)
    made = [(x.arg1, x.arg2, x.caption) for x in tools.argument_arcs()]
    assert made == [(event.trigger_id, a, "Attacker")]
    assert [(x.arg1, x.arg2) for x in window.pane.painter.arcs] == [
        (a, b),
        (c, d),
        (event.trigger_id, a),
    ]


def test_a_document_with_relations_shows_its_text_before_its_spans_are_read(
    qtbot: Any, proj: Project
) -> None:
    window = _window(qtbot, proj)
    for occurrence in range(2):
        _create(window, proj, occurrence)
    a, b = (s.id for s in window.pane.spans())
    _relate(window, a, b, "PHYS")
    doc_id = window.current_doc_id()
    assert doc_id is not None
    table = window.event_tools.relation_panel.table  # type: ignore[attr-defined]
    window.open_document(doc_id)  # shown again: the text first, the spans after its first paint
    assert window.pane.loading  # the Relations list did not make the pane read them all
    assert table.rowCount() == 0
    qtbot.waitUntil(lambda: not window.pane.loading)
    assert table.rowCount() == 1
    assert table.item(0, 1).text() == "«حماة» PER"
    window.pane.select_span(b, scroll=False)
    _settle()
    assert table.item(0, 0).font().bold()
