"""Screenshot of the workbench conveniences (issue 18): the toolbar's Exact characters toggle,
the File menu's project actions and Help → Keys… over the window on seed 000.

Run under Xvfb (``make screenshot`` runs it too)::

    xvfb-run -a -s "-screen 0 1400x900x24" python -m annotator.tools.screenshot_help \
        docs/screenshot-help.png

The Keys dialog is a window of its own, so the screen is grabbed (under Xvfb no window
manager moves it) and cut to the main window.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtGui import QGuiApplication

from annotator import config
from annotator.app import application, make_session
from annotator.services.project import open_project
from annotator.tools.screenshot import ANNOTATOR, settle, tag_demo_spans
from annotator.ui.help_menu import KeysDialog


def main(argv: list[str]) -> int:
    """Write the screenshot to ``argv[0]`` (default docs/screenshot-help.png)."""
    out = Path(argv[0] if argv else "docs/screenshot-help.png")
    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        project = open_project(Path(tmp) / "demo.sqlite")
        project.documents.import_paths([config.seeds_dir()])
        session = make_session(ANNOTATOR)
        window = session.show(project)
        window.move(0, 0)
        window.resize(1400, 900)
        settle(1.0)  # on a busy machine a shorter wait grabbed the window before its resize
        tag_demo_spans(window)
        window.actions_["char_mode"].setChecked(True)
        window.help_actions["keys"].trigger()  # type: ignore[attr-defined]
        settle(0.5)
        dialog = window.findChild(KeysDialog)
        if dialog is not None:
            dialog.move(window.geometry().center() - dialog.rect().center())
        settle(0.5)
        screen = QGuiApplication.primaryScreen().grabWindow(0)
        out.parent.mkdir(parents=True, exist_ok=True)
        ok = screen.copy(window.frameGeometry()).save(str(out))
        window.close()
        project.close()
    del app
    print(f"wrote {out}" if ok else f"could not write {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
