"""The window icon is the bundled PNG, rendered from the SVG beside it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage

from annotator.ui.app_icon import ICON_NAME, app_icon, icon_file


def test_the_window_icon_is_the_bundled_256_pixel_png(qapp: Any) -> None:
    icon = app_icon()
    assert not icon.isNull()
    assert icon.availableSizes() == [QSize(256, 256)]
    image = QImage(str(icon_file()))
    assert image.hasAlphaChannel()
    assert image.pixelColor(0, 0).alpha() == 0  # transparent corners: a rounded square
    assert image.pixelColor(128, 128).alpha() == 255


def test_the_svg_source_is_shipped_under_the_desktop_files_icon_name() -> None:
    svg = icon_file(".svg").read_text(encoding="utf-8")
    assert 'viewBox="0 0 256 256"' in svg and "<text" not in svg  # needs no font
    assert ICON_NAME == "io.github.arabic_annotator"
