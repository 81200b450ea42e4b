"""The locked install is light: the app runs on camel-tools' tokenizer without its model stack.

camel-tools declares torch, transformers, scipy, pandas and scikit-learn; the lock file replaces
its dependencies with the three its word tokenizer and normalisers use (ADR 0016). These tests
read the real uv.lock and run the real app in a fresh interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from tests.conftest import REPO, SEEDS

HEAVY = ("torch", "transformers", "scipy", "pandas", "sklearn", "spacy", "datasets", "kenlm")
HEAVY_DISTRIBUTIONS = {"torch", "transformers", "scipy", "pandas", "scikit-learn", "camel-kenlm"}


def _lock() -> dict[str, dict]:
    packages = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))["package"]
    return {p["name"]: p for p in packages}


def runtime_closure() -> set[str]:
    """Every distribution the lock installs for the app without extras."""
    lock = _lock()
    seen: set[str] = set()
    todo = [d["name"] for d in lock["arabic-annotator"]["dependencies"]]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += [d["name"] for d in lock[name].get("dependencies", [])]
    return seen


def test_the_runtime_set_has_none_of_camel_tools_model_stack() -> None:
    closure = runtime_closure()
    assert {"camel-tools", "pyside6-essentials", "sqlalchemy", "regex", "emoji"} <= closure
    assert not closure & HEAVY_DISTRIBUTIONS
    camel = _lock()["camel-tools"]
    assert sorted(d["name"] for d in camel["dependencies"]) == ["emoji", "regex", "six"]


def test_camel_tools_is_pinned_to_the_installed_version() -> None:
    # stored tokens name the tokenizer's version (ADR 0015): an upgrade is a deliberate change
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [d for d in pyproject["project"]["dependencies"] if d.startswith("camel-tools")]
    installed = metadata.version("camel-tools")
    assert pins == [f"camel-tools=={installed}"]
    assert _lock()["camel-tools"]["version"] == installed


PROBE = """
import importlib, json, pkgutil, sys
import annotator
for info in pkgutil.walk_packages(annotator.__path__, "annotator."):
    if ".migrations" not in info.name:
        importlib.import_module(info.name)
from annotator.core.tokens import word_tokens_of
from annotator.core.search import fold_char
from annotator.__main__ import main
text = "قالَ الرئيسُ 😀 إنّ الـــحرب Real Madrid 12\\u00a0مارس می\\u200cخواهم"
assert word_tokens_of([text])
assert fold_char("أ") == "ا"
assert main(["import", sys.argv[1], "--db", sys.argv[2]]) == 0
from annotator.services.project import open_project
project = open_project(sys.argv[2])
doc_id, _ = project.documents.add_text("probe.txt", text)
project.annotations.create_span(doc_id, "probe", 5, 12, "PER")
project.close()
out = ["--format", "conll", "--out", sys.argv[3], "--annotator", "probe"]
assert main(["export", "--db", sys.argv[2], *out]) == 0
print(json.dumps(sorted(m.split(".")[0] for m in sys.modules)))
"""


def test_the_app_never_imports_the_model_stack(tmp_path: Path) -> None:
    # every module of the app, the tokenizer, an import and a token export, in a fresh process
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(SEEDS), str(tmp_path / "p.sqlite"), str(tmp_path / "o")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    modules = set(json.loads(done.stdout.splitlines()[-1]))
    assert {"annotator", "camel_tools", "PySide6", "sqlalchemy"} <= modules
    assert not modules & set(HEAVY)
    exported = (tmp_path / "o").read_text(encoding="utf-8")
    assert "الرئيسُ\tB-PER" in exported and "😀\tO" in exported
