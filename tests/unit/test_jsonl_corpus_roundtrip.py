"""jsonl round trip on the stress corpus: export → import → export is byte-identical."""

from __future__ import annotations

from pathlib import Path

from annotator.services.transfer import (
    ExportRequest,
    ImportRequest,
    export_layer,
    import_annotations,
)
from tests import export_corpus


def test_jsonl_export_import_export_is_identical_with_status(tmp_path: Path) -> None:
    project = export_corpus.build(tmp_path / "p")
    first = tmp_path / "first.jsonl"
    try:
        export_layer(project, ExportRequest("jsonl", first, annotator="amal"))
    finally:
        project.close()
    fresh = export_corpus.build(tmp_path / "q")
    second = tmp_path / "second.jsonl"
    try:
        report = import_annotations(fresh, ImportRequest((first,), "jsonl", "nour"))
        assert not report.rejected, report.rejected[0].message
        export_layer(fresh, ExportRequest("jsonl", second, annotator="nour"))
    finally:
        fresh.close()
    assert second.read_text("utf-8") == first.read_text("utf-8").replace('"amal"', '"nour"')
    assert '"status": "done"' in first.read_text("utf-8")
