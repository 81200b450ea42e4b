"""Render the app icon's PNG from its SVG with Qt's own SVG renderer.

    QT_QPA_PLATFORM=offscreen .venv/bin/python resources/render_icon.py

Writes ``annotator/assets/icons/io.github.arabic_annotator.png`` (256 x 256), the window icon
and the icon a desktop installs into ``hicolor/256x256/apps``. Run it again after editing the SVG.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "annotator" / "assets" / "icons"
NAME = "io.github.arabic_annotator"
SIZE = 256


def render(svg: Path, png: Path, size: int = SIZE) -> None:
    """Draw ``svg`` on a transparent ``size`` x ``size`` image and save it as ``png``."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG for Qt")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(png)):
        raise SystemExit(f"{png}: cannot be written")


if __name__ == "__main__":
    app = QGuiApplication(sys.argv[:1])
    render(ICONS / f"{NAME}.svg", ICONS / f"{NAME}.png")
    print(ICONS / f"{NAME}.png")
