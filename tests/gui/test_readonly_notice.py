"""A project opened read-only says so: in the window title and the status bar."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtWidgets import QLabel

from annotator.services.project import Project
from tests.gui.conftest import make_window


def test_a_read_only_project_shows_a_permanent_notice(qtbot: Any, project: Project) -> None:
    read_only = dataclasses.replace(project, read_only=True)
    window = make_window(qtbot, read_only)
    try:
        assert window.windowTitle().endswith(f"{project.path.name} (read-only)")
        label = window.statusBar().findChild(QLabel, "readOnlyLabel")
        assert label is not None and label.isVisible()
        assert label.text() == "Read-only"
        window.show_message("Tagged", 10)  # a temporary message does not hide the notice
        assert label.isVisible()
    finally:
        window.close()


def test_a_writable_project_has_no_notice(qtbot: Any, project: Project) -> None:
    window = make_window(qtbot, project)
    try:
        assert "(read-only)" not in window.windowTitle()
        assert window.statusBar().findChild(QLabel, "readOnlyLabel") is None
    finally:
        window.close()
