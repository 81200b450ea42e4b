"""The fonts the app ships, and the text pane's default font.

Arabic is drawn with the bundled Noto Naskh Arabic, Latin with Noto Sans, mathematical letters
such as «𝐀» with Noto Sans Math and emoji with Noto Color Emoji (``annotator/assets/fonts``,
SIL Open Font License). :func:`register_bundled_fonts` adds them to Qt at start-up, so that a
document looks the same on every machine, whatever fonts it has installed (ADR 0016). A font
the user picks in View → Font keeps the bundled families behind it as fallbacks, so emoji and
Latin never turn into empty boxes.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont, QFontDatabase

ARABIC_FAMILY = "Noto Naskh Arabic"
LATIN_FAMILY = "Noto Sans"
MATH_FAMILY = "Noto Sans Math"
EMOJI_FAMILY = "Noto Color Emoji"
# The text pane's families, in the order Qt tries them for each character; characters none of
# them has (CJK, for one) come from the system's fonts.
TEXT_FAMILIES = (ARABIC_FAMILY, LATIN_FAMILY, MATH_FAMILY, EMOJI_FAMILY)
DEFAULT_POINT_SIZE = 16
SETTING = "view/textFont"


class FontError(RuntimeError):
    """A bundled font file is missing or Qt cannot load it."""


def font_files() -> list[Path]:
    """The bundled font files, sorted by name."""
    folder = resources.files("annotator.assets") / "fonts"
    return sorted(Path(str(folder)).glob("*.ttf"))


def register_bundled_fonts() -> list[str]:
    """Add every bundled font to Qt's font database; returns the families now available.

    Needs a ``QGuiApplication``; call it once, before the first window (``app.py`` does).

    Raises:
        FontError: a bundled file is missing or cannot be loaded, or a family of
            :data:`TEXT_FAMILIES` is not among them.
    """
    families: list[str] = []
    for path in font_files():
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            raise FontError(f"{path}: Qt cannot load this bundled font")
        families.extend(QFontDatabase.applicationFontFamilies(font_id))
    missing = [family for family in TEXT_FAMILIES if family not in families]
    if missing:
        raise FontError(f"bundled fonts missing: {', '.join(missing)}")
    return sorted(set(families))


def with_fallbacks(font: QFont) -> QFont:
    """``font`` with the bundled text families behind its own, for characters it lacks."""
    own = [family for family in font.families() or [font.family()] if family]
    result = QFont(font)
    result.setFamilies(own + [family for family in TEXT_FAMILIES if family not in own])
    return result


def default_font(point_size: int = DEFAULT_POINT_SIZE) -> QFont:
    """The bundled Arabic font, with Latin, math and emoji fallbacks, at ``point_size``."""
    font = QFont()
    font.setFamilies(list(TEXT_FAMILIES))
    font.setPointSize(point_size)
    return font


def remembered_font(settings: QSettings | None) -> QFont | None:
    """The text font the user picked in an earlier session, or None (use the default)."""
    saved = settings.value(SETTING, "") if settings is not None else ""
    font = QFont()
    if not saved or not font.fromString(str(saved)):
        return None
    return with_fallbacks(font)


def remember_font(settings: QSettings | None, font: QFont | None) -> None:
    """Keep ``font`` for the next session; None forgets the pick (back to the default)."""
    if settings is None:
        return
    if font is None:
        settings.remove(SETTING)
    else:
        settings.setValue(SETTING, font.toString())
