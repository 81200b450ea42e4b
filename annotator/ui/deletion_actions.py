"""Document → Delete document… and Delete my layer in this document… (issue 17, item 7).

Each asks first, naming what goes (spans, events, relations, notes), then runs
the write service's deletion as one undoable command: Ctrl+Z puts every row
back with its id. The window follows: a deleted document that was shown gives
way to its neighbour, and a restored one is shown again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from annotator.core.change import Change
from annotator.core.errors import AnnotatorError
from annotator.core.removal import removal
from annotator.ui.bidi import isolate
from annotator.ui.commands import push_change

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

Button = QMessageBox.StandardButton


def delete_document(window: MainWindow) -> None:
    """Document → Delete document…: the shown document, every layer on it included."""
    _delete(window, None)


def delete_my_layer(window: MainWindow) -> None:
    """Document → Delete my layer in this document…: the current annotator's layer only."""
    _delete(window, window.current_annotator())


def _delete(window: MainWindow, annotator: str | None) -> None:
    doc = window.current_document()
    if doc is None:
        window.show_message("Import a document first.")
        return
    write = window.project.write
    try:
        plan = write.plan_deletion(doc.id, annotator)
    except AnnotatorError as exc:
        window.show_message(str(exc))
        return
    if not confirm(window, plan, doc.name, annotator):
        return
    try:
        done = push_change(
            window.undo_stack,
            write,
            lambda: write.delete(doc.id, annotator, expected=plan),
            plan.description,
        )
    except AnnotatorError as exc:
        window.notify(str(exc))
        return
    window.show_message(f"Deleted: {removal(done).text()}. Ctrl+Z brings it back.")


def question(plan: Change, name: str, annotator: str | None) -> str:
    """The confirmation's text: ``Delete «NAME»: 12 spans, 3 events, 2 relations, 1 note?``."""
    where = f"«{isolate(name)}»"
    what = where if annotator is None else f"{isolate(annotator)}'s layer in {where}"
    return f"Delete {what}: {removal(plan).text()}?"


def confirm(window: MainWindow, plan: Change, name: str, annotator: str | None) -> bool:
    """Ask Yes/No (No is the default) with :func:`question`; True for Yes."""
    title = "Delete document" if annotator is None else "Delete layer"
    answer = QMessageBox.question(
        window, title, question(plan, name, annotator), Button.Yes | Button.No, Button.No
    )
    return answer == Button.Yes


def follow_deletions(window: MainWindow, change: Change) -> None:
    """Show another document when the shown one was deleted; show a restored one."""
    current = window.current_doc_id()
    removed = {d.id for d in change.removed_documents}
    if change.restored_documents:
        window.open_document(change.restored_documents[0].id)
    elif current is not None and current in removed:
        ids = [r.id for r in window.documents.model_.rows()]
        after = [i for i in ids if i > current]
        if after or ids:
            window.open_document(after[0] if after else ids[-1])
        else:
            window.close_document()
