"""File → Import annotations… with doccano's own file that has a bad line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.services.project import Project
from annotator.ui.dialogs.transfer_dialogs import install
from tests.gui.conftest import make_window
from tests.gui.test_transfer_dialogs import _ok, _open, _report, _select

DOCCANO = Path(__file__).parent.parent / "data" / "doccano" / "example.jsonl"


def test_import_dialog_skips_doccano_bad_line_when_asked(qtbot: Any, project: Project) -> None:
    window = make_window(qtbot, project, annotator="tester")
    install(window, project)
    dialog = _open(qtbot, window, "importAnnotationsAction", "importAnnotationsDialog")
    _select(dialog.format, "doccano")
    dialog.paths.setText(str(DOCCANO))
    dialog.add_labels.setChecked(True)
    dialog.skip_bad_lines.setChecked(True)
    _ok(dialog)
    box = _report(qtbot, window, "importAnnotationsReport")
    assert "2 documents, 1 spans" in box.text()
    assert "line 3 skipped: 'text' is missing or not a string." in box.text()
    box.close()
    window.close()
