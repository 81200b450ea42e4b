"""``annotator delete-document`` and ``delete-layer``: what went is printed, refusals exit 2.

Each runs ``python -m annotator`` as a real child process (``run_cli``).
"""

from __future__ import annotations

from pathlib import Path

from annotator.core.model import Status
from annotator.services.project import open_project
from tests.conftest import run_cli

TEXT = "قصفت الطائرات 😀 مدينة\u00a0حماة قرب حلب"
NAME = "خبر 😀\u00a0أ.txt"


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def make(path: Path) -> tuple[Path, int, int]:
    """A project: NAME annotated by amal and badr, and another document by amal."""
    project = open_project(path)
    doc, _ = project.documents.add_text(NAME, TEXT)
    other, _ = project.documents.add_text("other.txt", "نص آخر عن دمشق")
    for who in ("amal", "badr"):
        project.annotations.create_span(doc, who, *at("حماة"), "GPE")
        project.annotations.create_span(doc, who, *at("حلب"), "GPE")
        project.annotations.set_document_note(doc, who, "ملاحظة")
    project.documents.set_status(doc, "badr", Status.DONE)
    project.annotations.create_span(other, "amal", 10, 14, "GPE")
    project.close()
    return path, doc, other


def test_delete_layer_prints_what_went_and_keeps_the_rest(tmp_path: Path) -> None:
    db, doc, other = make(tmp_path / "p.sqlite")
    out = run_cli(tmp_path, "delete-layer", "--db", str(db), "--annotator", "badr", NAME)
    assert (out.returncode, out.stderr) == (0, "")
    assert (
        out.stdout == f"Deleted badr's layer in «{NAME}»: 2 spans, 0 events, 0 relations, 1 note.\n"
    )
    project = open_project(db)
    try:
        assert project.annotations.spans(doc, "badr") == []
        assert project.documents.status(doc, "badr") is Status.NEW
        assert len(project.annotations.spans(doc, "amal")) == 2
        assert project.annotations.document_note(doc, "amal") == "ملاحظة"
        assert len(project.annotations.spans(other, "amal")) == 1
    finally:
        project.close()


def test_delete_document_prints_what_went_and_keeps_the_other_document(tmp_path: Path) -> None:
    db, doc, other = make(tmp_path / "p.sqlite")
    out = run_cli(tmp_path, "delete-document", "--db", str(db), NAME)
    assert (out.returncode, out.stderr) == (0, "")
    assert out.stdout == f"Deleted document «{NAME}»: 4 spans, 0 events, 0 relations, 2 notes.\n"
    project = open_project(db)
    try:
        assert project.documents.document_ids() == [other]
        assert len(project.annotations.spans(other, "amal")) == 1
    finally:
        project.close()


def test_refusals_exit_2_with_one_line_and_delete_nothing(tmp_path: Path) -> None:
    db, doc, _other = make(tmp_path / "p.sqlite")
    cases = [
        (("delete-document", "--db", str(db), "missing.txt"), "no document named"),
        (("delete-layer", "--db", str(db), "--annotator", "nobody", NAME), "has nothing"),
        (("delete-document", "--db", str(tmp_path / "absent.sqlite"), NAME), ""),
    ]
    for args, words in cases:
        out = run_cli(tmp_path, *args)
        assert out.returncode == 2, out
        assert out.stdout == "" and out.stderr.startswith("error: ") and words in out.stderr
        assert len(out.stderr.splitlines()) == 1 and "Traceback" not in out.stderr
    assert not (tmp_path / "absent.sqlite").exists()
    project = open_project(db)
    try:
        assert len(project.annotations.spans(doc, "badr")) == 2
    finally:
        project.close()


def test_a_name_two_documents_share_is_refused(tmp_path: Path) -> None:
    db, _doc, _other = make(tmp_path / "p.sqlite")
    project = open_project(db)
    project.documents.add_text(NAME, "نص ثالث")
    project.close()
    out = run_cli(tmp_path, "delete-document", "--db", str(db), NAME)
    assert out.returncode == 2 and "2 documents are named" in out.stderr
