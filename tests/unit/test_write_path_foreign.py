"""A window hears other writers' changes even though it skips the query after its own edit.

After an edit of its own (on its undo stack) whose feed number directly follows the last
one it saw, :meth:`Project.foreign_changes` answers without reading the change log: no
other transaction can have committed in between. These tests hold the shortcut to that:
a change another program commits just before the window's edit, or just after it, is
still reported, and so is an import made by the window itself.
"""

from __future__ import annotations

from annotator.core.location import Location
from annotator.core.model import Status
from annotator.services.project import Project, open_project
from tests.conftest import BOTH

BACKENDS = BOTH

ANN = "amal"
# astral, NBSP, ZWNJ, tatweel, diacritics, Latin, digits
TEXT = "😀 قصفتْ الطائـرات\u00a0مدينة\u200cحماة في 2024 عبر 𝐀𝐁 Reuters"


def _at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def _other_marks_done(project_at: Location, doc_id: int) -> None:
    other = open_project(project_at)
    try:
        other.write.set_status(doc_id, "other", Status.DONE)
    finally:
        other.close()


def test_own_edits_are_not_reported_and_what_follows_them_is(
    proj: Project, project_at: Location
) -> None:
    doc_id, _created = proj.documents.add_text("w.txt", TEXT)
    proj.foreign_changes()  # what adding the document wrote
    proj.annotations.create_span(doc_id, ANN, *_at("حماة"), "GPE")
    assert proj.foreign_changes() == []
    _other_marks_done(project_at, doc_id)
    assert proj.foreign_changes() == [("other", doc_id, "other", "Done")]


def test_a_change_committed_just_before_an_own_edit_is_reported(
    proj: Project, project_at: Location
) -> None:
    doc_id, _created = proj.documents.add_text("w.txt", TEXT)
    proj.foreign_changes()
    _other_marks_done(project_at, doc_id)  # not heard yet: the window's edit comes right after
    proj.annotations.create_span(doc_id, ANN, *_at("مدينة"), "GPE")
    assert proj.foreign_changes() == [("other", doc_id, "other", "Done")]
    assert proj.foreign_changes() == []


def test_an_import_by_the_window_itself_is_reported(proj: Project) -> None:
    doc_id, _created = proj.documents.add_text("w.txt", TEXT)
    assert proj.foreign_changes() == [("import", doc_id, None, "Add w.txt")]
    proj.annotations.create_span(doc_id, ANN, *_at("حماة"), "GPE")
    assert proj.foreign_changes() == []
    proj.write.set_status(doc_id, ANN, Status.DONE)  # the next number, but not an undo step
    assert proj.foreign_changes() == [("status", doc_id, ANN, "Done")]
