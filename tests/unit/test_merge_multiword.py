"""Merging a laptop project carries its treebank documents' multiword tokens (ADR 0021).

The laptop imports real UD files (two PADT sentences whose multiword token ``باقامة`` is
``ب`` + ``إقامة``, and the stress file with emoji, NBSP, ZWNJ, tatweel, diacritics, Latin and
digits); the team project gets them by a merge, and its CoNLL-U export, read by the ``conllu``
package, has the range lines and parts again.
"""

from __future__ import annotations

from pathlib import Path

import conllu as ud

from annotator.core import multiword
from annotator.services.merge import merge_sources, read_sources
from annotator.services.project import open_project
from annotator.services.transfer import (
    ExportRequest,
    ImportRequest,
    export_layer,
    import_annotations,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "ud"


def _multiwords(out: Path) -> list[tuple[str, list[str]]]:
    found = []
    for sentence in ud.parse(out.read_text(encoding="utf-8")):
        for k, token in enumerate(sentence):
            if isinstance(token["id"], tuple):
                lo, _, hi = token["id"]
                found.append(
                    (token["form"], [t["form"] for t in sentence[k + 1 : k + 2 + hi - lo]])
                )
    return found


def test_a_merge_carries_the_multiword_tokens_of_new_documents(tmp_path: Path) -> None:
    laptop = open_project(tmp_path / "laptop.sqlite")
    try:
        for name in ("padt.conllu", "stress.conllu"):
            report = import_annotations(laptop, ImportRequest((DATA / name,), "conllu", "ud"))
            assert report.outcomes[0].status == "added", report.outcomes[0].message
        export_layer(laptop, ExportRequest("conllu", tmp_path / "laptop.conllu", annotator="ud"))
        stored = laptop.repo.metas(multiword.MULTIWORD_PREFIX)
    finally:
        laptop.close()
    expected = _multiwords(tmp_path / "laptop.conllu")
    assert ("باقامة", ["ب", "إقامة"]) in expected and len(stored) >= 2

    team = open_project(tmp_path / "team.sqlite")
    try:
        sources = read_sources([tmp_path / "laptop.sqlite"], tmp_path / "team.sqlite")
        report = merge_sources(team, sources)
        assert not report.files[0].error, report.files[0].error
        assert len(team.repo.metas(multiword.MULTIWORD_PREFIX)) == len(stored)
        export_layer(team, ExportRequest("conllu", tmp_path / "team.conllu", annotator="ud"))
    finally:
        team.close()
    assert _multiwords(tmp_path / "team.conllu") == expected
