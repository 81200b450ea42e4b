"""The application's icon: ``annotator/assets/icons``, drawn from ``resources/``.

The SVG is the source (``io.github.arabic_annotator.svg``, also what a desktop installs as its
scalable icon); the PNG beside it is rendered from it by ``resources/render_icon.py``. The window
icon is the PNG, so it needs no SVG image plugin.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtGui import QIcon

ICON_NAME = "io.github.arabic_annotator"  # the .desktop file's Icon= and the AppStream id


def icon_file(suffix: str = ".png") -> Path:
    """The bundled icon file with this suffix (``.png`` or ``.svg``)."""
    folder = resources.files("annotator.assets") / "icons"
    return Path(str(folder)) / f"{ICON_NAME}{suffix}"


def app_icon() -> QIcon:
    """The window icon; a null icon (Qt's default) if the file is missing."""
    return QIcon(str(icon_file()))
