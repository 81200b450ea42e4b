"""Another person's layer shown read-only on a team server (issue 20, follow-up item 3; ADR
0024): a change in the Attributes, Event or Relations panel is refused by the window with
its own sentence before any statement reaches the server, not by the server's refusal.
Real password logins on the run's cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt

from annotator.core.positions import CodePoint
from annotator.services.events import EventService
from annotator.services.project import Project
from annotator.store.team_sql import OTHERS_LAYERS_KEY
from annotator.ui.main_window import MainWindow
from annotator.ui.team_layers import TeamLayers, read_only_sentence
from tests.gui.conftest import click_char
from tests.gui.test_team_gui import _close, _project, _window, opened, t
from tests.teamdb import Team, word

__all__ = ["opened", "t"]  # the fixtures

WRITES = ("INSERT", "UPDATE", "DELETE")


def _badrs_layer(t: Team, opened: list[Project]) -> None:
    """badr's layer of document 1: ORG on القوات, GPE on المدينة, a PHYS relation between
    them, and an attack on هجـوماً with القوات as its attacker; readable by the others."""
    with t.admin.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO project_meta VALUES (:k, 'readable')"), {"k": OTHERS_LAYERS_KEY}
        )
    badr = _project(t, "badr", opened)
    events = EventService(badr.annotations, lambda: badr.write.schema)
    ids = {}
    for text, label in (("القوات", "ORG"), ("المدينة", "GPE")):
        start, end = word(text)
        edit = badr.annotations.create_span(1, "badr", CodePoint(start), CodePoint(end), label)
        ids[text] = edit.add.spans[0].id
    events.create_relation("PHYS", ids["القوات"], ids["المدينة"])
    start, end = word("هجـوماً")
    edit = events.create_event(1, "badr", CodePoint(start), CodePoint(end), "Conflict.Attack")
    events.add_argument(edit.add.events[0], "Attacker", ids["القوات"])


def _rows(t: Team) -> tuple[object, ...]:
    with t.admin.connect() as conn:
        return tuple(
            conn.execute(sa.text(f"SELECT count(*), max(x::text) FROM {table} x")).one()
            for table in ("spans", "events", "event_arguments", "relations", "project_meta")
        )


@pytest.fixture
def amal(qtbot: Any, t: Team, opened: list[Project]) -> Iterator[MainWindow]:
    _badrs_layer(t, opened)
    window = _window(qtbot, t, "amal", opened)
    window.open_document(1)
    found = window.findChild(TeamLayers, "teamLayers")
    assert found is not None and found.show_layer("badr") is True
    qtbot.waitUntil(lambda: not window.pane.loading)
    yield window
    _close(qtbot, window)


class _Sent:
    """The statements the window's engine sends to the server while it is on."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine, self.statements = engine, []

    def __enter__(self) -> list[str]:
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self.statements

    def __exit__(self, *_exc: object) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        self.statements.append(statement)


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(WRITES)]


def _select_span(qtbot: Any, window: MainWindow, text: str) -> None:
    start, _end = word(text)
    click_char(qtbot, window.pane, start + 1)


def test_the_attributes_panel_refuses_before_the_server_is_asked(
    qtbot: Any, t: Team, amal: MainWindow, opened: list[Project]
) -> None:
    before = _rows(t)
    _select_span(qtbot, amal, "القوات")
    panel = amal.attributes  # type: ignore[attr-defined]
    assert panel.current_span() is not None and panel.current_span().annotator == "badr"
    engine = opened[-1].repo.engine
    with _Sent(engine) as sent:
        box = panel.boxes[("span", "MentionType")]
        box.activated.emit(box.findText("NAM"))
        panel.note.setText("راجِع")
        panel.note.editingFinished.emit()
    assert _writes(sent) == []
    assert panel.message.isVisible() and panel.message.text() == read_only_sentence("badr")
    assert _rows(t) == before and amal.undo_stack.count() == 0


def test_the_event_and_relation_panels_refuse_before_the_server_is_asked(
    qtbot: Any, t: Team, amal: MainWindow, opened: list[Project]
) -> None:
    before = _rows(t)
    tools = amal.event_tools  # type: ignore[attr-defined]
    _select_span(qtbot, amal, "هجـوماً")
    events = tools.event_panel
    assert events.current_event() is not None
    engine = opened[-1].repo.engine
    with _Sent(engine) as sent:
        qtbot.mouseClick(events.delete_button, Qt.MouseButton.LeftButton)
    assert _writes(sent) == []
    assert events.message.isVisible() and events.message.text() == read_only_sentence("badr")
    _select_span(qtbot, amal, "القوات")
    relations = tools.relation_panel
    assert relations.table.rowCount() == 1
    relations.table.selectRow(0)
    with _Sent(engine) as sent:
        qtbot.mouseClick(relations.delete_button, Qt.MouseButton.LeftButton)
    assert _writes(sent) == []
    assert relations.message.isVisible()
    assert relations.message.text() == read_only_sentence("badr")
    assert _rows(t) == before and amal.undo_stack.count() == 0
