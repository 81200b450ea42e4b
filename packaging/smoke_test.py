"""Smoke test of the frozen app (``make smoke``, part of ``make test``).

    python packaging/smoke_test.py [dist/annotator]

Runs the one-folder build as a user would, in a temporary HOME with no display and no network:

- the bundle holds the fonts and the icon, none of torch, transformers, scipy, pandas, sklearn,
  spaCy or the test tools, no fontconfig or FreeType of its own, and ``ldd`` finds every library
  of the Qt xcb plugin, the fetched X libraries in the bundle;
- the xcb plugin loads (it reports the missing display rather than missing libraries);
- the GUI starts offscreen on the sample project (seeded from the bundled ``seeds/``), closes
  itself after ``--quit-after`` and exits with 0, leaving the five seed documents in the project;
- the CLI imports a text file (Arabic with diacritics, an emoji, NBSP, ZWNJ, tatweel, Latin and
  digits), imports two annotators' layers, measures their agreement and exports CoNLL and JSONL;
- a non-UTF-8 file is refused with its message and exit code 1;
- a server URL reaches the bundled PostgreSQL driver (a socket where nothing listens is said).

Any output on stderr that is not expected fails the test; stdout is free. Prints a short report
and exits with 1 if any check failed (each failure is one ``FAIL`` line), 0 otherwise.
Needs Python 3.11 with PyInstaller (to read the bundle's module archive) and ``ldd``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PyInstaller.archive.readers import CArchiveReader
from xcb_libs import PACKAGES as XCB_PACKAGES

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("torch", "transformers", "scipy", "pandas", "sklearn", "spacy", "pytest", "hypothesis")
# Qt's messages that the GUI tests ignore too (pyproject's qt_log_ignore: the offscreen
# platform's notes on window sizes, the colour emoji font's bearings); regular expressions.
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
QT_LOG_IGNORE = tuple(PYPROJECT["tool"]["pytest"]["ini_options"]["qt_log_ignore"])
# Left to the user's machine, where they must match its fonts.conf (packaging/annotator.spec).
SYSTEM_ONLY = ("libfontconfig.so.1", "libfreetype.so.6")
TIMEOUT = 60  # seconds, for any one run of the app (a GUI run takes about 5 s)

TEXT = "قال مُحَمَّدٌ إنّ الجيش قصف بمحافظة حماة 😀 يوم\u00a02024 مع Latin وZ\u200cW الســـوريّة ."
LAYERS = {
    "amal": [("مُحَمَّدٌ", "PER"), ("الجيش", "ORG"), ("حماة", "GPE")],
    "badr": [("مُحَمَّدٌ", "PER"), ("الجيش", "ORG"), ("حماة", "LOC")],
}


class Failure(Exception):
    """A check failed; the message says what was expected and what happened."""


@dataclass
class Run:
    """One finished run of the frozen app."""

    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str
    seconds: float

    def describe(self) -> str:
        """The command and its outputs, for a failure message."""
        return (
            f"`annotator {' '.join(self.args)}` exited with {self.code}\n"
            f"  stdout: {self.stdout.strip()[-800:]!r}\n  stderr: {self.stderr.strip()[-800:]!r}"
        )


@dataclass
class Smoke:
    """The bundle under test, a scratch folder, and what was measured."""

    bundle: Path
    work: Path
    timeout: float = TIMEOUT
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def exe(self) -> Path:
        return self.bundle / "annotator"

    @property
    def internal(self) -> Path:
        return self.bundle / "_internal"

    def env(self, **extra: str) -> dict[str, str]:
        """A clean environment: no display, a fresh HOME, XDG folders and data folder."""
        home = self.work / "home"
        runtime = self.work / "runtime"
        for folder in (home, runtime):
            folder.mkdir(mode=0o700, exist_ok=True)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_RUNTIME_DIR": str(runtime),
            "ANNOTATOR_DATA_DIR": str(self.work / "data"),
            "QT_QPA_PLATFORM": "offscreen",
        }
        return env | extra

    def run(self, *args: str, env: dict[str, str] | None = None) -> Run:
        """Run the frozen app with ``args`` in the scratch folder; no core files."""
        start = time.monotonic()
        try:
            done = subprocess.run(
                [str(self.exe), *args],
                cwd=self.work,
                env=env or self.env(),
                capture_output=True,
                text=True,
                timeout=self.timeout,
                preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CORE, (0, 0)),
            )
        except subprocess.TimeoutExpired as exc:
            raise Failure(
                f"`annotator {' '.join(args)}` still ran after {self.timeout} s (a modal dialog?)"
            ) from exc
        return Run(args, done.returncode, done.stdout, done.stderr, time.monotonic() - start)

    def ok(self, *args: str, ignore: tuple[str, ...] = ()) -> Run:
        """Run; fail unless it exits with 0 and writes nothing on stderr but lines that match
        a regular expression of ``ignore``."""
        result = self.run(*args)
        lines = result.stderr.splitlines()
        noise = [line for line in lines if not any(re.search(p, line) for p in ignore)]
        if result.code != 0 or noise:
            raise Failure("unexpected exit code or stderr:\n" + result.describe())
        return result


# -- checks on the files ---------------------------------------------------------------------
def check_contents(smoke: Smoke) -> str:
    """No forbidden package anywhere in the bundle; the fonts and the icon are there."""
    archive = CArchiveReader(str(smoke.exe))
    modules = set(archive.open_embedded_archive("PYZ.pyz").toc) | set(archive.toc)
    tops = {name.split(".")[0] for name in modules}
    tops |= {path.name.split(".")[0].split("-")[0] for path in smoke.internal.iterdir()}
    found = sorted(tops & set(FORBIDDEN)) + [
        n for n in SYSTEM_ONLY if (smoke.internal / n).exists()
    ]
    if found:
        raise Failure(f"the bundle holds {', '.join(found)}")
    assets = smoke.internal / "annotator" / "assets"
    wanted = [p.relative_to(ROOT / "annotator" / "assets") for p in assets_of(ROOT)]
    missing = [str(rel) for rel in wanted if not (assets / rel).is_file()]
    if missing:
        raise Failure(f"the bundle lacks {', '.join(missing)} in {assets}")
    return f"{len(modules)} modules, no {'/'.join(FORBIDDEN)}; {len(wanted)} font and icon files"


def assets_of(root: Path) -> list[Path]:
    """The font and icon files of the source tree, which the bundle must hold."""
    assets = root / "annotator" / "assets"
    return sorted([*assets.glob("fonts/*.ttf"), *assets.glob("icons/*")])


def check_xcb_libraries(smoke: Smoke) -> str:
    """``ldd`` resolves every library of the xcb plugin; the fetched ones from the bundle."""
    plugin = smoke.internal / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LD_LIBRARY_PATH": str(smoke.internal)}
    done = subprocess.run(["ldd", str(plugin)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise Failure(f"ldd {plugin} failed: {(done.stdout + done.stderr).strip()}")
    lines = [line.strip() for line in done.stdout.splitlines()]
    not_found = [line.split()[0] for line in lines if "not found" in line]
    if not_found:
        raise Failure(f"ldd: {', '.join(sorted(set(not_found)))} not found for {plugin.name}")
    resolved = {line.split()[0]: line.split()[2] for line in lines if " => /" in line}
    outside = [
        name
        for name in XCB_PACKAGES.values()
        if not resolved.get(name, "").startswith(str(smoke.internal))
    ]
    if outside:
        raise Failure(f"not taken from the bundle: {', '.join(outside)}")
    return f"{len(resolved)} libraries resolved, {len(XCB_PACKAGES)} of them fetched from Debian"


# -- checks that run the app -----------------------------------------------------------------
def check_xcb_loads(smoke: Smoke) -> str:
    """The xcb plugin loads with the bundle's libraries: it fails only for want of a display."""
    env = smoke.env(QT_QPA_PLATFORM="xcb", DISPLAY=":4093")  # no X server listens there
    env["ANNOTATOR_DATA_DIR"] = str(smoke.work / "xcb-data")
    result = smoke.run("--annotator", "smoke", "--quit-after", "0.5", env=env)
    if result.code == 0:
        return "a display was there: the window showed and closed"
    if "could not connect to display" not in result.stderr:
        raise Failure("the xcb platform plugin did not load:\n" + result.describe())
    return "loads (and reports that no display is there)"


def check_gui(smoke: Smoke) -> str:
    """The GUI opens the sample project offscreen, closes itself and exits with 0."""
    result = smoke.ok("--annotator", "smoke", "--quit-after", "1", ignore=QT_LOG_IGNORE)
    smoke.timings["GUI start to exit"] = result.seconds
    project = smoke.work / "data" / "sample-project.sqlite"
    if not project.is_file():
        raise Failure(f"the GUI did not create the sample project {project}")
    with sqlite3.connect(f"file:{project}?mode=ro", uri=True) as db:
        names = [row[0] for row in db.execute("SELECT name FROM documents ORDER BY name")]
    seeds = sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))
    if len(names) != 5 or names != seeds:
        raise Failure(f"the sample project holds {names}, not the 5 seeds {seeds}")
    return f"sample project with {len(names)} seed documents, exit 0 after {result.seconds:.1f} s"


def write_layer(path: Path, spans: list[tuple[str, str]]) -> None:
    """One JSONL document holding TEXT and ``spans`` (word, label), found by code point."""
    items = []
    for i, (word, label) in enumerate(spans, 1):
        start = TEXT.index(word)
        items.append(
            {"id": i, "start": start, "end": start + len(word), "label": label, "text": word}
        )
    doc = {
        "name": "sample.txt",
        "text": TEXT,
        "sha256": hashlib.sha256(TEXT.encode()).hexdigest(),
        "spans": items,
    }
    path.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")


def check_cli(smoke: Smoke) -> str:
    """Import text and two layers, measure agreement, export CoNLL and JSONL."""
    db = str(smoke.work / "cli.sqlite")
    sample = smoke.work / "sample.txt"
    sample.write_text(TEXT, encoding="utf-8")
    imported = smoke.ok("import", str(sample), "--db", db)
    smoke.timings["CLI import"] = imported.seconds
    if "1 added" not in imported.stdout:
        raise Failure("the text file was not added:\n" + imported.describe())
    for name, spans in LAYERS.items():
        layer = smoke.work / f"{name}.jsonl"
        write_layer(layer, spans)
        smoke.ok("import", str(layer), "--format", "jsonl", "--annotator", name, "--db", db)
    report = smoke.work / "agreement.json"
    agreement = smoke.ok("agreement", "--db", db, "--format", "json", "--out", str(report))
    smoke.timings["CLI agreement"] = agreement.seconds
    data = json.loads(report.read_text(encoding="utf-8"))
    micro = data["span_f1"]["exact"]["amal / badr"]["micro"]
    if data["annotators"] != ["amal", "badr"] or (micro["tp"], micro["f1"]) != (2, 0.666667):
        raise Failure(f"agreement: annotators {data['annotators']}, exact micro {micro}")
    return check_exports(smoke, db) + f"; agreement F1 {micro['f1']}"


def check_exports(smoke: Smoke, db: str) -> str:
    """``amal``'s layer as CoNLL (tokens and tags) and JSONL (the text, byte for byte)."""
    conll = smoke.work / "amal.conll"
    smoke.ok("export", "--db", db, "--format", "conll", "--annotator", "amal", "--out", str(conll))
    rows = [line.split("\t") for line in conll.read_text(encoding="utf-8").splitlines() if line]
    tags = {row[0]: row[-1] for row in rows if len(row) > 1}
    expected = {"مُحَمَّدٌ": "B-PER", "الجيش": "B-ORG", "حماة": "B-GPE", "😀": "O", "2024": "O"}
    wrong = {token: tags.get(token) for token, tag in expected.items() if tags.get(token) != tag}
    if wrong or "Latin" not in tags or not any("\u0640" in token for token in tags):
        raise Failure(f"CoNLL export: wrong tags {wrong} in {conll}: {sorted(tags)}")
    jsonl = smoke.work / "amal.jsonl"
    smoke.ok("export", "--db", db, "--format", "jsonl", "--annotator", "amal", "--out", str(jsonl))
    doc = json.loads(jsonl.read_text(encoding="utf-8").splitlines()[0])
    spans = [(s["text"], s["label"]) for s in doc["spans"]]
    if doc["text"] != TEXT or spans != LAYERS["amal"]:
        raise Failure(f"JSONL export: text {doc['text']!r}, spans {spans}")
    return f"CoNLL {len(rows)} tokens, JSONL text identical (NBSP, ZWNJ, tatweel kept)"


def check_refusal(smoke: Smoke) -> str:
    """A non-UTF-8 file is refused: exit code 1 and one line that says why."""
    bad = smoke.work / "latin1.txt"
    bad.write_bytes("café au lait\n".encode("latin-1"))
    result = smoke.run("import", str(bad), "--db", str(smoke.work / "cli.sqlite"))
    expected = f"{bad}: is not valid UTF-8 (byte 0xe9 at offset 3). "
    lines = result.stderr.splitlines()
    if result.code != 1 or len(lines) != 1 or not lines[0].startswith(expected):
        raise Failure("a non-UTF-8 file was not refused as expected:\n" + result.describe())
    return f"exit 1: {lines[0][len(str(bad)) + 2 :]}"


def check_server_driver(smoke: Smoke) -> str:
    """A server URL reaches PostgreSQL's driver (psycopg and its libpq are in the bundle): a
    socket where nothing listens gets the sentence for that, not "the driver is missing"."""
    url = f"postgresql+psycopg://nobody@/team?host={smoke.work / 'no-server'}"
    result = smoke.run(
        "export", "--db", url, "--format", "jsonl", "--out", str(smoke.work / "x.jsonl")
    )
    lines = result.stderr.splitlines()
    expected = "cannot be reached: nothing listens on that socket."
    if result.code == 0 or len(lines) != 1 or expected not in lines[0]:
        raise Failure("a server URL did not reach PostgreSQL's driver:\n" + result.describe())
    return f"exit {result.code}: {lines[0].removeprefix('error: ')}"


Check = Callable[[Smoke], str]
CHECKS: list[tuple[str, Check]] = [
    ("bundle contents", check_contents),
    ("xcb libraries (ldd)", check_xcb_libraries),
    ("xcb plugin loads", check_xcb_loads),
    ("GUI offscreen", check_gui),
    ("CLI import/agreement/export", check_cli),
    ("non-UTF-8 refused", check_refusal),
    ("PostgreSQL driver", check_server_driver),
]


def size_mb(folder: Path) -> float:
    """Bytes of the files under ``folder`` (symbolic links not followed), in MB."""
    total = sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() or p.is_symlink())
    return total / 1e6


def run_checks(smoke: Smoke, checks: list[tuple[str, Check]]) -> dict[str, str | None]:
    """Run ``checks`` in order, printing one line each; maps each name to its failure or None."""
    failures: dict[str, str | None] = {}
    for name, check in checks:
        try:
            print(f"ok    {name}: {check(smoke)}", flush=True)
            failures[name] = None
        except Failure as exc:
            print(f"FAIL  {name}: {exc}", flush=True)
            failures[name] = str(exc)
    return failures


def main(argv: list[str]) -> int:
    """Run every check on the bundle ``argv[0]`` (default ``dist/annotator``); 0 if all pass."""
    bundle = Path(argv[0] if argv else ROOT / "dist" / "annotator").resolve()
    if not (bundle / "annotator").is_file():
        print(f"FAIL: no frozen app at {bundle}/annotator (run make bundle)")
        return 1
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="annotator-smoke-") as tmp:
        smoke = Smoke(bundle, Path(tmp))
        failures = run_checks(smoke, CHECKS)
    elapsed = time.monotonic() - start
    failed = sum(1 for failure in failures.values() if failure is not None)
    timings = ", ".join(f"{k} {v:.1f} s" for k, v in smoke.timings.items())
    print(f"bundle {bundle}: {size_mb(bundle):.0f} MB unpacked")
    print(f"times: {timings}; all checks {elapsed:.1f} s")
    print(f"smoke: {len(CHECKS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
