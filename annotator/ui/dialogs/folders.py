"""The folder file dialogs open in: the last one used, remembered in QSettings (issue 18).

Before, every file dialog opened in the working directory, which for a desktop
launcher is the home folder or ``/``. :func:`start_in` gives the folder (or a
file name inside it) to pass as a dialog's directory; :func:`remember` is called
with whatever the user picked.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QSettings

KEY = "dialogs/lastFolder"


def last_folder() -> Path | None:
    """The folder of the last file or folder picked in any dialog, if it still exists."""
    value = QSettings().value(KEY)
    if isinstance(value, str) and value and Path(value).is_dir():
        return Path(value)
    return None


def start_in(name: str = "") -> str:
    """The directory argument for a file dialog: the last folder (joined with ``name``)."""
    folder = last_folder()
    if folder is None:
        return name
    return str(folder / name) if name else str(folder)


def remember(picked: str | Path | Iterable[str | Path]) -> None:
    """Remember the folder of what was picked (a folder is remembered itself); '' is ignored."""
    first = next(iter([picked] if isinstance(picked, (str, Path)) else picked), "")
    if not str(first):
        return
    path = Path(first)
    QSettings().setValue(KEY, str(path if path.is_dir() else path.parent))
