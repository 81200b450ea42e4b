"""The import text rules: normalization, hashing and rejection of bad files."""

from __future__ import annotations

import hashlib
import itertools
import re
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


def test_sha256_of_a_long_text_hashed_in_pieces_is_of_all_of_it() -> None:
    """Hashed in pieces of 1 Mi code points: here the cut falls inside an emoji sequence."""
    tail = "👩\u200d👩\u200d👧 إنّ\u00a0حماة\u200cالسورية مُحَمَّدٌ Reuters 2024 😀\n"
    text = "ـ" * ((1 << 20) - 2) + tail * 3
    for cut in (text, text[: 1 << 20], text[: (1 << 20) + 1]):
        assert text_sha256(cut) == hashlib.sha256(cut.encode("utf-8")).hexdigest()


def test_line_breaks_are_replaced_as_one_pass_of_the_rule_would() -> None:
    """CRLF, CR, U+2028 and U+2029 in every order up to five characters (CR CR LF, LF CR,
    CR U+2028 LF...) give what one left-to-right pass of the rule gives."""
    rule = re.compile("\r\n|\r|\u2028|\u2029")
    for size in range(1, 6):
        for chars in itertools.product("\r\n\u2028\u2029ـ", repeat=size):
            raw = "".join(chars)
            assert normalize_text(raw) == rule.sub("\n", raw), repr(raw)


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
