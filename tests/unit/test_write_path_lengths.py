"""The write service remembers document lengths (and still checks that a document exists),
and logs each change with a Core insert.

An edit is validated against its document's length; reading the length walks every
overflow page of a long text, so the length of a committed id is remembered
(:meth:`annotator.store.writer.WriteTx.document_length`). These tests hold it to
what is stored: a document deleted elsewhere refuses edits, and a length read in a
transaction that rolled back (whose id the next document gets) is never used.
"""

from __future__ import annotations

import pytest

from annotator.core.errors import AnnotatorError, SpanError
from annotator.core.location import Location
from annotator.core.model import Bundle, Span
from annotator.core.text import text_sha256
from annotator.services.project import Project, open_project
from annotator.services.write.requests import LayerImport, NewDocument
from annotator.store.writer import Writer
from tests.conftest import BOTH

BACKENDS = BOTH

ANN = "amal"
# astral, NBSP, ZWNJ, tatweel, diacritics, Latin, digits
LONG = "😀 قصفتْ الطائـرات\u00a0مدينة\u200cحماة في 2024 عبر 𝐀𝐁 Reuters " * 3
SHORT = "حماة\u00a0😀 ـ 7 Aَ\u200cb"


def _at(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def test_an_edit_on_a_document_deleted_by_another_program_is_refused(
    proj: Project, project_at: Location
) -> None:
    doc_id, _created = proj.documents.add_text("long.txt", LONG)
    proj.annotations.create_span(doc_id, ANN, *_at(LONG, "حماة"), "GPE")  # length now known
    other = open_project(project_at)
    try:
        other.write.delete(doc_id)
    finally:
        other.close()
    with pytest.raises(SpanError, match=f"Document {doc_id} does not exist"):
        proj.annotations.create_span(doc_id, ANN, *_at(LONG, "مدينة"), "GPE")


@pytest.mark.sqlite_only(
    "SQLite gives a rolled-back AUTOINCREMENT id again; a PostgreSQL identity never does, "
    "so there the next document cannot take the refused import's id"
)
def test_a_length_read_in_a_refused_import_is_not_used_for_the_next_document(
    proj: Project,
) -> None:
    before, _created = proj.documents.add_text("first.txt", "أول 1")
    # the import adds the long text, reads its length to check the spans, and is refused
    # (a label the schema lacks): the transaction rolls back and its id is free again
    bad = Bundle(spans=(Span(-1, 0, ANN, *_at(LONG, "حماة"), "NO-SUCH-LABEL"),))
    item = LayerImport(NewDocument("long.txt", LONG, text_sha256(LONG)), bad)
    with pytest.raises(AnnotatorError):
        proj.write.import_layers(ANN, [item], replace_layer=False)
    doc_id, _created = proj.documents.add_text("short.txt", SHORT)
    assert doc_id == before + 1  # the refused import's id, given again
    past_end = _at(LONG, "Reuters")  # inside the long text, past the end of the short one
    assert past_end[0] > len(SHORT)
    with pytest.raises(SpanError, match="outside"):
        proj.annotations.create_span(doc_id, ANN, *past_end, "ORG")
    assert proj.annotations.spans(doc_id, ANN) == []


def test_each_edit_logs_its_layer_with_every_column(proj: Project) -> None:
    # the change log row is written with a Core insert (no ORM unit of work at commit):
    # every column the pollers and the undo stack read must still be there
    doc_id, _created = proj.documents.add_text("long.txt", LONG)
    seen = proj.repo.changes_since(0)[-1].seq
    proj.annotations.create_span(doc_id, ANN, *_at(LONG, "حماة"), "GPE")
    (logged,) = proj.repo.changes_since(seen)
    assert (logged.seq, logged.session, logged.origin) == (seen + 1, proj.write.session, "user")
    assert (logged.doc_id, logged.annotator, logged.description) == (doc_id, ANN, "Tag GPE")


def test_a_document_added_and_deleted_in_one_transaction_no_longer_exists(
    proj: Project,
) -> None:
    """A document the transaction added is known to exist without asking (an import asks
    for each of hundreds), until the same transaction deletes it."""
    with Writer(proj.repo.engine).transaction() as tx:
        doc_id = tx.add_document("short.txt", SHORT, text_sha256(SHORT))
        tx.lengths_read[doc_id] = len(SHORT)
        assert tx.document_length(doc_id) == len(SHORT)
        record = tx.document_record(doc_id, {})
        assert record is not None
        tx.delete_document(record)
        assert tx.document_length(doc_id) is None
