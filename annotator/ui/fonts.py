"""Choosing an Arabic-capable font for the text pane."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase

PREFERRED_FAMILIES = ("Noto Naskh Arabic", "Amiri", "Noto Sans Arabic", "Noto Kufi Arabic")
DEFAULT_POINT_SIZE = 16


def arabic_family() -> str | None:
    """The first installed family of :data:`PREFERRED_FAMILIES`, or None."""
    installed = set(QFontDatabase.families())
    return next((f for f in PREFERRED_FAMILIES if f in installed), None)


def default_font(point_size: int = DEFAULT_POINT_SIZE) -> QFont:
    """An Arabic font when one is installed, else the system default, at ``point_size``."""
    family = arabic_family()
    font = QFont(family) if family else QFont()
    font.setPointSize(point_size)
    return font
