"""Check that the smoke test can fail: break copies of the bundle and watch each check fail.

    python packaging/smoke_breaks.py [dist/annotator]      (make smoke-breaks)

Each break copies the bundle into a temporary folder, damages the copy in one way, runs the
smoke checks that should notice it and reports which failed. The bundle itself is never
touched. Exits with 1 if a break went unnoticed by a check expected to catch it. Not part of
``make test``: the missing-fonts break waits for the GUI's timeout, since the app then shows a
modal "Fonts missing" warning that nobody closes.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from smoke_test import CHECKS, ROOT, Smoke, run_checks

BREAK_TIMEOUT = 30.0  # seconds: a GUI run that waits on a dialog fails sooner


@dataclass(frozen=True)
class Break:
    """One way to damage the bundle, and the checks that must then fail."""

    name: str
    damage: Callable[[Path], None]  # called with the copy's _internal folder
    caught_by: tuple[str, ...]


def drop_fonts(internal: Path) -> None:
    for font in (internal / "annotator" / "assets" / "fonts").glob("*.ttf"):
        font.unlink()


def noisy_stderr(internal: Path) -> None:
    """A Python warning from the migration script that every new project runs."""
    env = internal / "annotator" / "store" / "migrations" / "env.py"
    env.write_text(
        env.read_text(encoding="utf-8") + '\nimport warnings\nwarnings.warn("noise")\n',
        encoding="utf-8",
    )


def drop_xcb_library(internal: Path) -> None:
    (internal / "libxcb-icccm.so.4").unlink()


def empty_xcb_qpa(internal: Path) -> None:
    """Qt's xcb library, which the plugin links to, made unloadable (no system copy can serve)."""
    (internal / "PySide6" / "Qt" / "lib" / "libQt6XcbQpa.so.6").write_bytes(b"")


def add_torch(internal: Path) -> None:
    (internal / "torch").mkdir()
    (internal / "torch" / "__init__.py").write_text("", encoding="utf-8")


def add_fontconfig(internal: Path) -> None:
    (internal / "libfontconfig.so.1").write_bytes(b"")


def drop_seeds(internal: Path) -> None:
    shutil.rmtree(internal / "seeds")


def drop_gpe_label(internal: Path) -> None:
    """The bundled default schema without the GPE label, which one imported layer uses."""
    path = internal / "annotator" / "assets" / "ace2005.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["labels"] = [label for label in schema["labels"] if label["name"] != "GPE"]
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")


def drop_migrations(internal: Path) -> None:
    for script in (internal / "annotator" / "store" / "migrations" / "versions").glob("*.py"):
        script.unlink()


BREAKS = [
    Break("fonts removed", drop_fonts, ("bundle contents", "GUI offscreen")),
    # (the refused import goes into a project that is migrated already, so it stays quiet)
    Break("stderr noisy (a Python warning)", noisy_stderr, ("GUI offscreen", "CLI")),
    Break("libxcb-icccm.so.4 removed", drop_xcb_library, ("xcb libraries (ldd)",)),
    Break("libQt6XcbQpa.so.6 emptied", empty_xcb_qpa, ("xcb plugin loads",)),
    Break("torch added", add_torch, ("bundle contents",)),
    Break("libfontconfig.so.1 added", add_fontconfig, ("bundle contents",)),
    Break("seeds removed", drop_seeds, ("GUI offscreen",)),
    Break("GPE label removed from the schema", drop_gpe_label, ("CLI",)),
    Break("Alembic migrations removed", drop_migrations, ("CLI", "non-UTF-8")),
]


def try_break(bundle: Path, broken: Break) -> bool:
    """Damage a copy; True if every check in ``caught_by`` failed."""
    print(f"== {broken.name}", flush=True)
    with tempfile.TemporaryDirectory(prefix="annotator-break-") as tmp:
        copy = Path(tmp) / "annotator"
        shutil.copytree(bundle, copy, symlinks=True)
        broken.damage(copy / "_internal")
        work = Path(tmp) / "work"
        work.mkdir()
        wanted = [(n, c) for n, c in CHECKS if n.startswith(broken.caught_by)]
        failures = run_checks(Smoke(copy, work, timeout=BREAK_TIMEOUT), wanted)
    missed = [name for name, failure in failures.items() if failure is None]
    if missed:
        print(f"UNNOTICED by {', '.join(missed)}")
    return not missed


def main(argv: list[str]) -> int:
    """Try every break on copies of ``argv[0]`` (default ``dist/annotator``)."""
    bundle = Path(argv[0] if argv else ROOT / "dist" / "annotator").resolve()
    caught = sum(try_break(bundle, broken) for broken in BREAKS)
    print(f"smoke-breaks: {caught} passed, {len(BREAKS) - caught} failed")
    return 0 if caught == len(BREAKS) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
