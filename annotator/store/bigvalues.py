"""A long document's text and tokens written into their rows in pieces (issue 17).

Bound as one parameter, a 60 MB text costs three copies besides the str itself: the
UTF-8 form the sqlite3 module caches in the str (for as long as the str lives), SQLite's
copy of the parameter, and the record it builds. Here the row is inserted with values
of the right size in bytes (``CAST(zeroblob(n) AS TEXT)`` for a text column, so the
value is TEXT, as a bound str would be; ``zeroblob(n)`` for a blob) and then filled
through incremental BLOB I/O (:meth:`sqlite3.Connection.blobopen`), a piece at a time.
SQLite still builds the record of zeros once; Python never holds the UTF-8 of the whole
text or of the joined tokens. The stored bytes are exactly those a bound value gives.

Only :mod:`annotator.store.writer` uses this module, inside its write transaction, so
a failure rolls the row back with everything else.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Text, cast, func, insert

from annotator.core.tokens import WordTokens
from annotator.store.models import DocumentRow, TokensRow

PIECE = 1 << 20
"""Code points (of a text) or bytes (of offsets) written in one piece."""

BLOCK = 1 << 16
"""Tokens whose words are joined and written in one piece."""

LONG = 1 << 20
"""Texts of this many code points or more are written in pieces; shorter ones are bound
as parameters (one execute, no BLOB handles: 5,000 short documents stay as fast)."""

MANY = 1 << 17
"""Tokens rows of this many tokens or more (a text of about 0.6 Mi code points) are
written in pieces; fewer are bound as parameters."""


def fits(conn: Connection) -> bool:
    """Whether ``conn`` is SQLite keeping text as UTF-8, whose rows this module can fill in
    pieces (BLOB I/O writes a TEXT value's bytes as they are stored: in a UTF-16 file,
    which another program may have made, a long text is bound as a parameter instead)."""
    if conn.dialect.name != "sqlite":
        return False
    return conn.exec_driver_sql("PRAGMA encoding").scalar() == "UTF-8"


def insert_text(conn: Connection, name: str, text: str, sha256: str) -> int:
    """Insert a document row for ``text`` and write its text in pieces; return its id."""
    size = sum(len(piece) for piece in _utf8(text))
    values = {"name": name, "sha256": sha256, "length": len(text)}
    made = conn.execute(insert(DocumentRow).values(text=cast(func.zeroblob(size), Text), **values))
    doc_id = int(made.lastrowid)  # documents.id is INTEGER PRIMARY KEY: the rowid
    _fill(conn, DocumentRow.__tablename__, "text", doc_id, _utf8(text))
    return doc_id


def insert_tokens(conn: Connection, doc_id: int, tokenizer: str, tokens: WordTokens) -> None:
    """Insert ``doc_id``'s tokens row and write its words and offsets in pieces."""
    size = sum(len(piece.encode("utf-8")) for piece in tokens.joined_pieces(BLOCK))
    starts, ends = tokens.offsets32()
    made = conn.execute(
        insert(TokensRow).values(
            doc_id=doc_id,
            tokenizer=tokenizer,
            count=len(tokens),
            words=cast(func.zeroblob(size), Text),
            starts=func.zeroblob(starts.nbytes),
            ends=func.zeroblob(ends.nbytes),
        )
    )
    row = int(made.lastrowid)
    table = TokensRow.__tablename__
    words = (piece.encode("utf-8") for piece in tokens.joined_pieces(BLOCK))
    _fill(conn, table, "words", row, words)
    _fill(conn, table, "starts", row, _byte_pieces(starts))
    _fill(conn, table, "ends", row, _byte_pieces(ends))


def _utf8(text: str) -> Iterator[bytes]:
    for at in range(0, len(text), PIECE):
        yield text[at : at + PIECE].encode("utf-8")


def _byte_pieces(values: npt.NDArray[Any]) -> Iterator[memoryview]:
    view = np.ascontiguousarray(values).data.cast("B")
    for at in range(0, len(view), PIECE):
        yield view[at : at + PIECE]


def _fill(conn: Connection, table: str, column: str, row: int, pieces: Iterable[Any]) -> None:
    """Write ``pieces`` one after another into the value at ``table.column``, row ``row``."""
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    with raw.blobopen(table, column, row) as blob:
        for piece in pieces:
            blob.write(piece)
        if blob.tell() != len(blob):  # the sizes were measured from the same pieces
            raise RuntimeError(f"{table}.{column} of row {row} was not filled")
