"""The command line with other tools' files: doccano's bad line, Label Studio out and back."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

DOCCANO = Path(__file__).parent.parent / "data" / "doccano" / "example.jsonl"


def test_doccano_bad_line_refused_then_skipped_and_labelstudio_round_trip(tmp_path: Path) -> None:
    db = str(tmp_path / "p.sqlite")
    args = ("import", str(DOCCANO), "--format", "doccano", "--annotator", "dc", "--add-labels")
    refused = run_cli(tmp_path, *args, "--db", db)
    assert refused.returncode == 1, refused.stderr
    assert "example.jsonl, line 3: 'text' is missing" in refused.stderr
    assert "Traceback" not in refused.stderr
    done = run_cli(tmp_path, *args, "--skip-bad-lines", "--db", db)
    assert done.returncode == 0, done.stderr
    assert "2 documents, 1 spans" in done.stdout
    assert "line 3 skipped: 'text' is missing or not a string." in done.stdout
    out = tmp_path / "ls.json"
    exported = run_cli(
        tmp_path,
        "export",
        "--format",
        "labelstudio",
        "--out",
        str(out),
        "--annotator",
        "dc",
        "--db",
        db,
    )
    assert exported.returncode == 0, exported.stderr
    tasks = json.loads(out.read_text("utf-8"))
    assert [t["data"]["text"] for t in tasks] == ["exampleA", "exampleB"]
    assert '<Label value="LOC"' in (tmp_path / "ls.config.xml").read_text("utf-8")
    back = run_cli(
        tmp_path, "import", str(out), "--format", "labelstudio", "--annotator", "ls", "--db", db
    )
    assert back.returncode == 0, back.stderr
    assert "2 documents, 1 spans, 0 events, 0 relations imported into 'ls'" in back.stdout
