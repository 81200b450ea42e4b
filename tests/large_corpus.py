"""A long text, and the check that a project stores it exactly (issue 17: streamed imports).

Used by tests/unit/test_large_import.py and the GUI's File → Import test.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from annotator.core.tokens import token_arrays, tokenizer_id
from annotator.services.project import open_project

# emoji (astral, and a ZWJ sequence), NBSP, ZWNJ, tatweel, diacritics, Latin, digits, a tab
LINE = (
    "وقالــت 😀 الوزارةُ\u00a0إنّ حماة\u200cالسورية\tقصفت، Reuters 2024! "
    "👩\u200d👩\u200d👧 مُحَمَّدٌ (ok) 3.14 «كلمة»"
)


def file_and_text(path: Path, lines: int) -> str:
    """Write ``lines`` numbered lines with CRLF, CR and U+2028 breaks among the LF ones;
    return the text the project must store (every break an LF)."""
    breaks = ("\n", "\r\n", "\n", "\r", "\u2028", "\n")
    raw = "".join(f"{LINE} {k}{breaks[k % len(breaks)]}" for k in range(lines))
    path.write_bytes(raw.encode("utf-8"))
    return "".join(f"{LINE} {k}\n" for k in range(lines))


def _rows(db: Path, sha256: str) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """The document row and its tokens row, read with sqlite3 (not the app's code)."""
    with sqlite3.connect(db) as con:
        doc = con.execute(
            "SELECT id, CAST(text AS BLOB), typeof(text), length, sha256 FROM documents "
            "WHERE sha256 = ?",
            (sha256,),
        ).fetchone()
        tok = con.execute(
            "SELECT tokenizer, count, CAST(words AS BLOB), typeof(words), starts, ends, "
            "typeof(starts), typeof(ends) FROM document_tokens WHERE doc_id = ?",
            (doc[0],),
        ).fetchone()
    con.close()
    return doc, tok


def assert_stored_exactly(db: Path, text: str) -> None:
    """The rows hold ``text`` byte for byte and the tokens of one camel-tools call."""
    data = text.encode("utf-8")
    sha256 = hashlib.sha256(data).hexdigest()
    doc, tok = _rows(db, sha256)
    assert doc[1:] == (data, "text", len(text), sha256)
    words, starts, ends = token_arrays(text)  # one call on the whole text, not streamed
    assert tok[0] == tokenizer_id()
    assert tok[1] == len(words)
    assert tok[2] == " ".join(words).encode("utf-8")
    assert tok[3] == "text"
    assert tok[4] == starts.astype("<i4").tobytes()
    assert tok[5] == ends.astype("<i4").tobytes()
    assert tok[6:] == ("blob", "blob")
    project = open_project(db)
    try:
        doc_id = doc[0]
        assert project.documents.document(doc_id).text == text
        stored = project.repo.stored_tokens([doc_id], tokenizer_id())[doc_id]
        assert stored.words == words
    finally:
        project.close()
