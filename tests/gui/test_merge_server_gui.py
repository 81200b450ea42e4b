"""File → Merge from a server…: a laptop window pulls a project database from the team's
PostgreSQL server (issue 20, item 6, in the window; ``annotator merge`` does it from the CLI)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction

from annotator.__main__ import main
from annotator.app import build_window
from annotator.core.location import ServerUrl
from annotator.services.project import Project, open_project
from annotator.ui.dialogs.merge_dialog import MergeFlow
from annotator.ui.main_window import MainWindow
from tests.gui.conftest import ANNOTATOR
from tests.merge_corpus import TEXTS, laptop, rich_layer, span_layer


def _window(qtbot: Any, project: Project) -> tuple[MainWindow, MergeFlow]:
    window = build_window(project, ANNOTATOR)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    flow = window.findChild(MergeFlow)
    assert flow is not None
    return window, flow


def _server_spans(url: str, name: str, person: str) -> list[tuple[int, int, str]]:
    server = open_project(ServerUrl(url), create=False)
    try:
        (doc_id,) = server.documents.ids_with_name(name)
        return sorted((s.start, s.end, s.label) for s in server.annotations.spans(doc_id, person))
    finally:
        server.close()


def test_a_window_pulls_the_servers_layers_and_pulling_again_brings_nothing_new(
    qtbot: Any, project: Project, pg_project_url: str, tmp_path: Path
) -> None:
    pushed = laptop(tmp_path / "ali.db", "ali", [rich_layer("a.txt"), span_layer("b.txt", 2)])
    assert main(["merge", "--db", pg_project_url, str(pushed)]) == 0  # ali pushed from a train
    window, flow = _window(qtbot, project)
    actions = [a.objectName() or a.text() for a in window.file_menu.actions()]
    action = window.findChild(QAction, "mergeServerAction")
    assert action is not None and action.text() == "Merge from a server…"
    assert actions.index("mergeProjectsAction") < actions.index("mergeServerAction")
    assert actions.index("mergeServerAction") < actions.index("Quit")
    before = len(window.documents.model_.rows())

    report = flow.merge_server(f"  {pg_project_url}\n")  # pasted with blanks around it
    assert report is not None and not report.failed
    assert flow.last_box is not None
    merged = "Merged 1 of 1 file: 2 documents added, 2 layers added, 0 updated."
    assert flow.last_box.text() == merged
    assert len(window.documents.model_.rows()) == before + 2
    for name in ("a.txt", "b.txt"):
        (doc_id,) = project.documents.ids_with_name(name)
        here = sorted((s.start, s.end, s.label) for s in project.annotations.spans(doc_id, "ali"))
        assert here == _server_spans(pg_project_url, name, "ali") and here
        spans = project.annotations.spans(doc_id, "ali")
        assert all(s.text_in(TEXTS[name]) in TEXTS[name].split() for s in spans)

    again = flow.merge_server(pg_project_url)
    assert again is not None and again.nothing_new
    assert flow.last_box.text() == "Nothing new: every file was merged before."
    window.close()


def test_a_file_name_or_another_servers_url_is_refused_with_a_sentence_and_changes_nothing(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    window, flow = _window(qtbot, project)
    before = project.repo.last_seq()
    assert flow.merge_server(str(tmp_path / "laptop.sqlite")) is None
    assert flow.last_box is not None and flow.last_box.text() == (
        f"{tmp_path / 'laptop.sqlite'} is not a server URL; write it as "
        "postgresql+psycopg://USER@HOST:PORT/DATABASE (Merge projects… takes files)."
    )
    assert flow.merge_server("mysql://amal@db.lab/team") is None
    assert "projects on a server live on PostgreSQL only" in flow.last_box.text()
    assert project.repo.last_seq() == before
    window.close()
