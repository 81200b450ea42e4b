"""Offline and online together (issue 20, item 6): a laptop project is pushed to the server
and pulled back, with the merge of ADR 0012 and the server as the team project.

``annotator merge --db SERVER laptop.sqlite`` pushes; ``annotator merge --db laptop.sqlite
SERVER`` pulls. The same rules of identity and idempotence hold as between files: a layer
merged before is skipped, a new version replaces it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.__main__ import main
from annotator.core.location import Location, ServerUrl
from annotator.services.project import open_project

TEXT = "قصفٌ على حماة 😀 في\u00a0عام 2020 ـ Reuters\u200c وقالــت مصادر\n"


def _spans(at: Location, person: str) -> list[tuple[int, int, str]]:
    project = open_project(at, create=False)
    try:
        (doc_id,) = project.documents.ids_with_name("text.txt")
        return sorted((s.start, s.end, s.label) for s in project.annotations.spans(doc_id, person))
    finally:
        project.close()


def _tag(at: Location, person: str, word: str, label: str) -> None:
    project = open_project(at)
    try:
        (doc_id,) = project.documents.ids_with_name("text.txt")
        start = TEXT.index(word)
        project.annotations.create_span(doc_id, person, start, start + len(word), label)
    finally:
        project.close()


def test_a_laptop_pushes_and_another_pulls_and_pushes_back(
    pg_project_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    server = ServerUrl(pg_project_url)
    Path("text.txt").write_text(TEXT, encoding="utf-8")
    assert main(["import", "text.txt", "--db", "laptop1.sqlite"]) == 0
    _tag(Path("laptop1.sqlite"), "amal", "حماة", "GPE")
    _tag(Path("laptop1.sqlite"), "amal", "Reuters", "ORG")

    assert main(["merge", "--db", pg_project_url, "laptop1.sqlite"]) == 0  # push
    assert _spans(server, "amal") == _spans(Path("laptop1.sqlite"), "amal")

    assert main(["merge", "--db", "laptop2.sqlite", pg_project_url]) == 0  # pull
    pulled = _spans(Path("laptop2.sqlite"), "amal")
    assert pulled == _spans(server, "amal") and len(pulled) == 2
    capsys.readouterr()
    assert main(["merge", "--db", "laptop2.sqlite", pg_project_url]) == 0  # pulled again
    assert "Nothing new: every file was merged before." in capsys.readouterr().out
    assert _spans(Path("laptop2.sqlite"), "amal") == pulled

    _tag(Path("laptop2.sqlite"), "amal", "مصادر", "PER")  # on the train
    assert main(["merge", "--db", pg_project_url, "laptop2.sqlite"]) == 0  # back online
    assert _spans(server, "amal") == _spans(Path("laptop2.sqlite"), "amal")
    assert len(_spans(server, "amal")) == 3
    capsys.readouterr()
    assert main(["merge", "--db", pg_project_url, "laptop2.sqlite"]) == 0  # pushed twice
    assert "Nothing new: every file was merged before." in capsys.readouterr().out


def test_a_server_cannot_be_merged_into_itself(
    pg_project_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["merge", "--db", pg_project_url, pg_project_url])
    assert code != 0
    assert "is the project being merged into" in capsys.readouterr().err
