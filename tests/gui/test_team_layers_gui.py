"""File → Switch annotator… on a team server (issue 20 follow-up, items 1 and 4), against the
run's PostgreSQL server with real password logins: a blind annotator is offered only their own
layer; a curator is offered gold, written under a hold of the shown document that moves with
it; another person's layer, when the project lets it be read, is shown read-only and an edit
of it is refused at once with a sentence.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from annotator.core.positions import CodePoint
from annotator.services.project import Project
from annotator.store.team_sql import OTHERS_LAYERS_KEY
from annotator.ui.main_window import MainWindow
from annotator.ui.team_layers import TeamLayers, not_readable_sentence, read_only_sentence
from tests.gui.test_team_gui import _close, _window, opened, t
from tests.teamdb import Team, word

__all__ = ["opened", "t"]  # the fixtures


def _layers(window: MainWindow) -> TeamLayers:
    found = window.findChild(TeamLayers, "teamLayers")
    assert found is not None
    return found


def _tag(window: MainWindow, text: str, label: str) -> None:
    start, end = word(text)
    window.pane.select_text(CodePoint(start), CodePoint(end))
    window.apply_name(label)


def _gold_holds(t: Team) -> list[tuple[int, str]]:
    with t.admin.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT a.doc_id, a.login_role FROM assignments a JOIN annotators l "
                "ON l.id = a.annotator_id WHERE l.kind = 'gold' AND a.state = 'curating' "
                "ORDER BY a.doc_id"
            )
        )
        return [(int(d), str(w)) for d, w in rows]


def test_a_blind_annotator_is_offered_only_her_own_layer(
    qtbot: Any, t: Team, opened: list[Project]
) -> None:
    window = _window(qtbot, t, "amal", opened)
    layers = _layers(window)
    assert layers.choices() == ["amal (your layer)"]
    asked: list[list[str]] = []
    layers.ask = lambda offered, _current: asked.append(offered) or "amal (your layer)"
    window.actions_["switch_annotator"].trigger()  # the menu item asks the list, not a name
    assert asked == [["amal (your layer)"]]
    assert layers.show_layer("badr") is False
    assert window.current_annotator() == "amal"
    assert window.last_notice == not_readable_sentence("badr", ["amal"])
    _close(qtbot, window)


def test_a_curator_writes_gold_under_a_hold_that_moves_with_the_document(
    qtbot: Any, t: Team, opened: list[Project]
) -> None:
    window = _window(qtbot, t, "cora", opened)
    layers = _layers(window)
    assert layers.choices() == ["cora (your layer)", "gold (curate the shown document)"]
    window.open_document(1)
    assert layers.show_layer("gold") is True
    assert window.current_annotator() == "gold"
    assert _gold_holds(t) == [(1, t.logins["cora"])]
    qtbot.waitUntil(lambda: not window.pane.loading)
    _tag(window, "القوات", "ORG")  # written: she holds document 1
    assert window.pane.span_count() == 1
    window.open_document(2)  # the hold moves with the shown document
    assert _gold_holds(t) == [(2, t.logins["cora"])]
    with t.engine("majid").begin() as conn:
        conn.execute(sa.text("SELECT team_curate(3)"))
    window.open_document(3)  # majid curates it: back to her own layer, saying who
    assert window.current_annotator() == "cora"
    assert window.last_notice.startswith(f"majid (login {t.logins['majid']}) is curating")
    assert _gold_holds(t) == [(3, t.logins["majid"])]
    window.open_document(1)
    assert layers.show_layer("gold") is True
    assert layers.show_layer("cora") is True  # her own layer again: the hold is let go of
    assert _gold_holds(t) == [(3, t.logins["majid"])]
    _close(qtbot, window)


def test_another_persons_layer_is_shown_read_only_when_the_project_allows(
    qtbot: Any, t: Team, opened: list[Project]
) -> None:
    with t.admin.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO project_meta VALUES (:k, 'readable')"), {"k": OTHERS_LAYERS_KEY}
        )
    with t.engine("badr").begin() as conn:  # something of badr's to read
        conn.execute(sa.text("SELECT team_claim(1)"))
    window = _window(qtbot, t, "amal", opened)
    layers = _layers(window)
    assert layers.choices() == [
        "amal (your layer)",
        "badr (read-only)",
        "cora (read-only)",
        "majid (read-only)",
    ]
    window.open_document(1)
    assert layers.show_layer("badr") is True and window.current_annotator() == "badr"
    qtbot.waitUntil(lambda: not window.pane.loading)
    window.statusBar().clearMessage()
    _tag(window, "القوات", "ORG")
    assert window.statusBar().currentMessage() == read_only_sentence("badr")
    assert window.pane.span_count() == 0 and window.undo_stack.count() == 0
    with t.admin.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM spans")).scalar_one() == 0
    assert layers.show_layer("gold") is False  # not a curator
    assert layers.show_layer("amal") is True
    _tag(window, "القوات", "ORG")  # her own layer: written
    assert window.pane.span_count() == 1
    _close(qtbot, window)


def test_mark_curated_outside_review_mode_holds_the_document_and_finishes_it(
    qtbot: Any, t: Team, opened: list[Project]
) -> None:
    with t.engine("majid").begin() as conn:
        conn.execute(sa.text("SELECT team_curate(2)"))
    window = _window(qtbot, t, "cora", opened)
    curation = window.review_tools.curation  # type: ignore[attr-defined]
    window.open_document(1)  # her own layer shown; nobody holds document 1
    curation.mark_curated()
    assert window.statusBar().currentMessage() == "Marked curated."
    with t.admin.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT a.doc_id, a.login_role, a.state, s.status FROM assignments a "
                "JOIN annotators l ON l.id = a.annotator_id AND l.kind = 'gold' "
                "LEFT JOIN document_status s ON s.doc_id = a.doc_id "
                "AND s.annotator_id = a.annotator_id ORDER BY a.doc_id"
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        (1, t.logins["cora"], "finished", "done"),  # recorded as Mark curated records it
        (2, t.logins["majid"], "curating", None),
    ]
    window.open_document(2)
    curation.mark_curated()  # majid holds it: refused, naming him, nothing written
    assert window.last_notice.startswith(f"majid (login {t.logins['majid']}) is curating")
    assert _gold_holds(t) == [(2, t.logins["majid"])]
    _close(qtbot, window)
