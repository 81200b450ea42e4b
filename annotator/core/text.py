"""The rules that turn a file's bytes into a document's stored text.

The stored text is the file decoded from UTF-8, with CRLF, CR, U+2028 and
U+2029 turned into ``\\n`` and a leading BOM removed. Nothing else changes:
NBSP, ZWNJ, tatweel and diacritics are kept exactly.

Files are read with :func:`read_input`, which refuses anything that is not a
regular file (a FIFO, a device, a socket, a folder) and stops reading as
soon as the size limit is passed, so ``/dev/zero`` or a huge file never ends
up whole in memory.
"""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from pathlib import Path

from annotator.core.errors import DocumentRejected

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
_BOM = "\ufeff"
_CHUNK = 1 << 20
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_UTF16_BOMS = {b"\xff\xfe": "UTF-16 little-endian", b"\xfe\xff": "UTF-16 big-endian"}


def normalize_text(text: str) -> str:
    """Return ``text`` with line breaks unified to ``\\n`` and a leading BOM dropped.

    CRLF, then lone CR, U+2028 and U+2029 become ``\\n``: what one pass of
    ``\\r\\n|\\r|\\u2028|\\u2029`` gives. Each :meth:`str.replace` makes one copy
    at most, and none when the text has no such break (issue 17: the regular expression's
    list of pieces took another 60% of a CRLF text's size on top of its result).
    """
    if text.startswith(_BOM):
        text = text[1:]
    for brk in _BREAKS:
        text = text.replace(brk, "\n")
    return text


_BREAKS = ("\r\n", "\r", "\u2028", "\u2029")
_HASHED = 1 << 20  # code points encoded at a time by text_sha256


def text_sha256(text: str) -> str:
    """The document identity: SHA-256 of the stored text encoded as UTF-8.

    The text is encoded and hashed a piece at a time, so a long text's UTF-8 is never
    whole in memory (a piece ends between two code points, so the bytes are the same).
    """
    digest = hashlib.sha256()
    for at in range(0, len(text), _HASHED):
        digest.update(text[at : at + _HASHED].encode("utf-8"))
    return digest.hexdigest()


def is_invisible(text: str) -> bool:
    """True if ``text`` has no visible character: only white space, format or control characters.

    Format characters are ZWNJ, ZWJ, LRM, RLM, BOM and the like (category Cf).
    An empty string is invisible.
    """
    return not any(
        not ch.isspace() and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES for ch in text
    )


def size_text(size: int) -> str:
    """A byte count for messages: ``"1.5 MB"``, or ``"900 bytes"`` below one MB."""
    if size < 1_048_576:
        return f"{size} bytes"
    return f"{size / 1_048_576:.1f} MB"


def _too_large(name: str, max_bytes: int, size: int | None) -> DocumentRejected:
    found = f"{size_text(size)}; " if size is not None else "more than that; "
    return DocumentRejected(
        name,
        f"is too large ({found}the limit is {size_text(max_bytes)}). "
        "Split it into smaller documents.",
    )


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _refuse_irregular(name: str, mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise DocumentRejected(name, f"is {_kind(mode)}, not a regular file; it cannot be read.")


def read_input(path: Path | str, max_bytes: int = MAX_DOCUMENT_BYTES) -> bytes:
    """Read an input file's bytes, or raise :class:`DocumentRejected`.

    Only regular files are read: a FIFO, device, socket or folder is refused
    before it is opened (and the open never blocks). At most ``max_bytes + 1``
    bytes are read; a file larger than ``max_bytes`` is refused.
    """
    name = str(path)
    try:
        info = os.stat(path)
        _refuse_irregular(name, info.st_mode)
        if info.st_size > max_bytes:
            raise _too_large(name, max_bytes, info.st_size)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
        try:
            _refuse_irregular(name, os.fstat(fd).st_mode)  # replaced since the stat?
            return _read_limited(fd, name, max_bytes)
        finally:
            os.close(fd)
    except OSError as exc:
        raise DocumentRejected(name, f"cannot be read ({exc.strerror or exc}).") from None


def _read_limited(fd: int, name: str, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise _too_large(name, max_bytes, None)


def _utf16_kind(data: bytes) -> str | None:
    """The UTF-16 flavour ``data`` looks like (by its BOM or its NUL pattern), or None."""
    for bom, kind in _UTF16_BOMS.items():
        if data.startswith(bom):
            return kind
    if len(data) % 2 or b"\x00" not in data:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if even and odd:
        return None  # NULs in both halves: binary
    codec, kind = (
        ("utf-16-le", "UTF-16 little-endian") if odd else ("utf-16-be", "UTF-16 big-endian")
    )
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    shown = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    return kind if "\x00" not in text and shown >= 0.95 * len(text) else None


def decode_utf8(data: bytes, name: str) -> str:
    """Decode UTF-8 bytes (no other change), or raise :class:`DocumentRejected`.

    UTF-16 files get their own message, so the user knows to save as UTF-8.
    """
    kind = _utf16_kind(data)
    if kind is not None:
        raise DocumentRejected(
            name,
            f"is {kind} text, not UTF-8. Save it as UTF-8 (without BOM) and import it again.",
        )
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise DocumentRejected(
            name, f"looks like a binary file (NUL byte at offset {offset}), not UTF-8 text."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise DocumentRejected(
            name,
            f"is not valid UTF-8 (byte 0x{bad} at offset {exc.start}). "
            "Convert it to UTF-8 and import it again.",
        ) from None


def decode_document(data: bytes, name: str, max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
    """Decode a file's bytes into stored text, or raise :class:`DocumentRejected`.

    Args:
        data: the file's raw bytes.
        name: the file's name, used in error messages.
        max_bytes: files larger than this are refused.
    """
    if len(data) > max_bytes:
        raise _too_large(name, max_bytes, len(data))
    if not data:
        raise DocumentRejected(name, "is empty.")
    text = decode_utf8(data, name)
    del data  # the caller's bytes go now, before normalizing copies the text
    text = normalize_text(text)
    if is_invisible(text):
        raise DocumentRejected(
            name,
            "contains only white space or invisible characters (such as ZWNJ, LRM or BOM); "
            "there is no text to annotate.",
        )
    return text
