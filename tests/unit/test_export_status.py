"""Each document's status travels in every token format that has room for it.

CoNLL-U: a ``# status = ...`` document comment (read by the ``conllu`` package
and restored on import); hf: a ``status`` field on every line and in the
``datasets`` features; spaCy/Prodigy: ``meta.status`` (restored on import).
CoNLL has no room (docs/formats.md). The corpus's documents have different
statuses (done, in progress, done).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import conllu
import pytest

from annotator.services.project import Project
from annotator.services.transfer import (
    ExportRequest,
    ImportRequest,
    export_layer,
    import_annotations,
)
from tests.export_corpus import ANNOTATOR, STATUS, build

EXPECTED = {name: status.value for name, status in STATUS.items()}


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[Project]:
    """The export corpus: three documents whose statuses differ."""
    project = build(tmp_path / "corpus")
    yield project
    project.close()


def _export(project: Project, fmt: str, out: Path) -> None:
    export_layer(project, ExportRequest(fmt, out, annotator=ANNOTATOR, force=True))


def _imported_statuses(project: Project, fmt: str, path: Path) -> dict[str, str]:
    report = import_annotations(project, ImportRequest((path,), fmt, "again"))
    assert not report.rejected, [o.message for o in report.outcomes]
    return {s.name: s.status.value for s in project.documents.summaries("again")}


def test_conllu_document_comments_carry_the_status(corpus: Project, tmp_path: Path) -> None:
    out = tmp_path / "out.conllu"
    _export(corpus, "conllu", out)
    firsts = [s for s in conllu.parse(out.read_text("utf-8")) if "newdoc id" in s.metadata]
    found = {s.metadata["newdoc id"]: s.metadata["status"] for s in firsts}
    assert found == EXPECTED
    assert _imported_statuses(corpus, "conllu", out) == EXPECTED


def test_hf_lines_and_features_carry_the_status(corpus: Project, tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    out = tmp_path / "train.jsonl"
    _export(corpus, "hf", out)
    sidecar = json.loads((tmp_path / "train.features.json").read_text("utf-8"))
    assert sidecar["features"]["status"] == {"dtype": "string", "_type": "Value"}
    loaded = datasets.load_dataset(
        "json",
        data_files=str(out),
        features=datasets.Features.from_dict(sidecar["features"]),
        cache_dir=str(tmp_path / "cache"),
    )["train"]
    found = {(row["document"], row["status"], row["annotator"]) for row in loaded}
    assert found == {(name, status, ANNOTATOR) for name, status in EXPECTED.items()}


def test_spacy_meta_carries_the_status(corpus: Project, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    _export(corpus, "spacy", out)
    metas = [json.loads(line)["meta"] for line in out.read_text("utf-8").splitlines()]
    assert {m["name"]: m["status"] for m in metas} == EXPECTED
    assert _imported_statuses(corpus, "spacy", out) == EXPECTED
