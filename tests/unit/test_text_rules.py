"""The import text rules: normalization, hashing and rejection of bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import DocumentRejected
from annotator.core.text import decode_document, normalize_text, text_sha256


def test_line_breaks_and_bom_are_normalized_and_nothing_else() -> None:
    raw = "\ufeffأ\r\nب\rج\u2028د\u2029هـ\u00a0و\u200cز\u064e"
    assert normalize_text(raw) == "أ\nب\nج\nد\nهـ\u00a0و\u200cز\u064e"


def test_bom_only_dropped_at_start() -> None:
    assert normalize_text("a\ufeffb") == "a\ufeffb"


def test_sha256_is_of_utf8_stored_text() -> None:
    assert text_sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "is empty"),
        (b"  \n\t ", "only white space"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("مرحبا".encode() + b"\xff\xfe", "not valid UTF-8 (byte 0xff at offset 10)"),
    ],
)
def test_bad_files_are_rejected_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(DocumentRejected) as info:
        decode_document(data, "file.txt")
    assert reason in str(info.value)
    assert str(info.value).startswith("file.txt: ")


def test_huge_file_is_rejected() -> None:
    with pytest.raises(DocumentRejected, match="too large"):
        decode_document(b"a" * 2048, "big.txt", max_bytes=1024)


def test_only_one_leading_bom_is_dropped_on_import(tmp_path: Path) -> None:
    from annotator.services.project import open_project

    path = tmp_path / "bom2.txt"
    path.write_bytes("\ufeff\ufeffنص".encode())
    project = open_project(tmp_path / "p.sqlite")
    try:
        outcome = project.documents.import_file(path)
        assert outcome.doc_id is not None
        assert project.documents.document(outcome.doc_id).text == "\ufeffنص"
    finally:
        project.close()


def test_word_tokenizer_never_pulls_in_camel_modules_that_download_data() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from annotator.core.tokens import tokenize; tokenize('في محافظة حماة');"
        "bad=[m for m in sys.modules if m.startswith(('camel_tools.morphology',"
        "'camel_tools.disambig','camel_tools.ner','camel_tools.data','torch'))]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
