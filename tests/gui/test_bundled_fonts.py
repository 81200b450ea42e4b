"""The app draws with the fonts it ships, whatever the machine has installed.

The tests run with a fontconfig that holds no font at all (tests/conftest.py): every glyph
here comes from annotator/assets/fonts, registered the way app.py registers them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont, QFontDatabase

from annotator.services.project import Project, open_project
from annotator.ui import fonts
from annotator.ui.main_window import MainWindow
from annotator.ui.pane.text_pane import TextPane
from tests import fallback_font
from tests.gui.conftest import make_window

TEXT = "قالَ الرئيسُ 😀 إنّ الـــحرب Real Madrid 12\u00a0مارس 👍🏽 می\u200cخواهم 𝐀"


def drawn_with(pane: TextPane, part: str) -> set[str]:
    """The font families of the glyphs Qt shaped for the only occurrence of ``part``."""
    assert pane.text.count(part) == 1, part
    start = pane.text.index(part)
    block = pane.document().firstBlock()
    begin = pane.offsets.to_qt(start) - block.position()
    length = pane.offsets.to_qt(start + len(part)) - pane.offsets.to_qt(start)
    runs = block.layout().glyphRuns(begin, length)
    assert runs, part
    return {run.rawFont().familyName() for run in runs}


@pytest.fixture
def text_project(tmp_path: Path) -> Any:
    """A project holding only TEXT."""
    project = open_project(tmp_path / "fonts.sqlite")
    project.documents.add_text("fonts.txt", TEXT)
    yield project
    project.close()


def test_the_tests_see_only_the_bundled_fonts(qapp: Any) -> None:
    bundled = {"Noto Naskh Arabic", "Noto Sans", "Noto Sans Math", "Noto Color Emoji"}
    aliases = {"Sans Serif", "Serif", "Monospace"}  # Qt's generic names, no font of their own
    assert set(QFontDatabase.families()) - aliases == bundled | {fallback_font.FAMILY}


def test_each_script_is_shaped_with_its_bundled_font(qtbot: Any, text_project: Project) -> None:
    window = make_window(qtbot, text_project)
    pane = window.pane
    assert pane.font().family() == fonts.ARABIC_FAMILY
    assert drawn_with(pane, "الرئيسُ") == {"Noto Naskh Arabic"}
    assert drawn_with(pane, "می\u200cخواهم") == {"Noto Naskh Arabic"}
    assert drawn_with(pane, "Madrid") == {"Noto Sans"}
    assert drawn_with(pane, "👍🏽") == {"Noto Color Emoji"}
    assert drawn_with(pane, "𝐀") == {"Noto Sans Math"}
    window.close()


def test_a_picked_font_keeps_the_bundled_fallbacks_and_is_remembered(
    qtbot: Any, text_project: Project, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(text_project, "tester", settings)
    qtbot.addWidget(window)
    picked = QFont("Noto Sans")
    picked.setPointSize(21)
    window.view.set_text_font(fonts.with_fallbacks(picked))
    expected = ["Noto Sans", "Noto Naskh Arabic", "Noto Sans Math", "Noto Color Emoji"]
    assert window.pane.font().families() == expected
    assert drawn_with(window.pane, "👍🏽") == {"Noto Color Emoji"}
    window.close()
    again = MainWindow(text_project, "tester", settings)  # the next session
    qtbot.addWidget(again)
    assert again.pane.font().families() == expected
    assert again.pane.font().pointSize() == 21
    again.view.set_text_font(None)  # View → Default font
    assert again.pane.font().families() == list(fonts.TEXT_FAMILIES)
    again.close()
    third = MainWindow(text_project, "tester", settings)
    qtbot.addWidget(third)
    assert third.pane.font().families() == list(fonts.TEXT_FAMILIES)
    third.close()


def test_a_missing_font_file_is_named(qapp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    gone = Path("/nonexistent/NotoNaskhArabic-Regular.ttf")
    monkeypatch.setattr(fonts, "font_files", lambda: [gone])
    with pytest.raises(fonts.FontError, match="NotoNaskhArabic-Regular.ttf"):
        fonts.register_bundled_fonts()
