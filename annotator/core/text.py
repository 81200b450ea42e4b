"""The rules that turn a file's bytes into a document's stored text.

The stored text is the file decoded from UTF-8, with CRLF, CR, U+2028 and
U+2029 turned into ``\\n`` and a leading BOM removed. Nothing else changes:
NBSP, ZWNJ, tatweel and diacritics are kept exactly.
"""

from __future__ import annotations

import hashlib
import re

from annotator.core.errors import DocumentRejected

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
_LINE_BREAKS = re.compile("\r\n|\r|\u2028|\u2029")
_BOM = "\ufeff"


def normalize_text(text: str) -> str:
    """Return ``text`` with line breaks unified to ``\\n`` and a leading BOM dropped."""
    if text.startswith(_BOM):
        text = text[1:]
    return _LINE_BREAKS.sub("\n", text)


def text_sha256(text: str) -> str:
    """The document identity: SHA-256 of the stored text encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decode_document(data: bytes, name: str, max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
    """Decode a file's bytes into stored text, or raise :class:`DocumentRejected`.

    Args:
        data: the file's raw bytes.
        name: the file's name, used in error messages.
        max_bytes: files larger than this are refused.
    """
    if len(data) > max_bytes:
        raise DocumentRejected(
            name,
            f"is too large ({len(data) / 1_048_576:.1f} MB; the limit is "
            f"{max_bytes / 1_048_576:.0f} MB). Split it into smaller documents.",
        )
    if not data:
        raise DocumentRejected(name, "is empty.")
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise DocumentRejected(
            name, f"looks like a binary file (NUL byte at offset {offset}), not UTF-8 text."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise DocumentRejected(
            name,
            f"is not valid UTF-8 (byte 0x{bad} at offset {exc.start}). "
            "Convert it to UTF-8 and import it again.",
        ) from None
    text = normalize_text(text)
    if not text.strip():
        raise DocumentRejected(name, "contains only white space.")
    return text
