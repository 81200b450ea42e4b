"""Installs search and "tag all occurrences" into the main window.

``install_search_tools(window, project)`` (called by :mod:`annotator.app`)
adds the Search dock and the Find actions: Ctrl+F (this document),
Ctrl+Shift+F (all documents), F3 / Shift+F3 (next / previous hit) and
Ctrl+Shift+T (tag every occurrence of the selected span).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut

from annotator.core.change import Change
from annotator.core.errors import AnnotatorError, WorkCancelled
from annotator.core.positions import CodePoint
from annotator.core.search import Query
from annotator.ui.commands import push_applied
from annotator.ui.dialogs.label_picker import pick_label
from annotator.ui.dialogs.progress import Progress, run_with_progress
from annotator.ui.dialogs.tag_all_dialog import TagAllDialog
from annotator.ui.panels.search_panel import SearchPanel

if TYPE_CHECKING:
    from annotator.services.project import Project
    from annotator.services.search import TagAllPlan
    from annotator.ui.main_window import MainWindow

Area = Qt.DockWidgetArea
# which of these documents Tag all may tag in this layer; None: tag nothing (the Done guard's)
TagAllGate = Callable[[set[int], str], set[int] | None]


class SearchTools(QObject):
    """The Search dock and its actions; kept on the window as ``window.search_tools``.

    Args:
        window: the workbench.
        project: the open project.
        gate: asked which documents Tag all may tag (all by default); the Done guard's
            :meth:`~annotator.ui.done_guard.DoneGuard.tag_all_documents` in the app.

    Attributes:
        panel: the search panel.
        last_dialog: the most recent "Tag all" preview (for tests and scripting).
    """

    def __init__(self, window: MainWindow, project: Project, gate: TagAllGate | None) -> None:
        super().__init__(window)
        self._window = window
        self._project = project
        self._gate: TagAllGate = gate or (lambda doc_ids, _annotator: doc_ids)
        self.panel = SearchPanel(project.search, window.current_doc_id)
        self.dock = window.add_dock(self.panel, "Search", Area.LeftDockWidgetArea)
        self.dock.hide()
        self.last_dialog: TagAllDialog | None = None
        self.actions = {
            "find": self._action("Find…", lambda: self.find(False), "Ctrl+F"),
            "find_all": self._action(
                "Find in all documents…", lambda: self.find(True), "Ctrl+Shift+F"
            ),
            "next": self._action("Find next", lambda: self.panel.next_hit(1), "F3"),
            "prev": self._action("Find previous", lambda: self.panel.next_hit(-1), "Shift+F3"),
            "tag_all": self._action(
                "Tag all occurrences of the selected span…", self.tag_all_from_span, "Ctrl+Shift+T"
            ),
        }
        back = QShortcut(QKeySequence("Shift+Return"), self.panel.query)
        back.activated.connect(lambda: self.panel.next_hit(-1))
        self.panel.hitActivated.connect(self.show_hit)
        self.panel.tagAllRequested.connect(self.tag_all_from_search)
        window.documentChanged.connect(lambda _d: self._refresh_if_local())

    def _action(self, text: str, slot: Callable[[], object], key: str) -> QAction:
        action = QAction(text, self._window)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self._window.addAction(action)
        self._window.edit_menu.addAction(action)
        return action

    # -- finding ----------------------------------------------------------------
    def find(self, everywhere: bool) -> None:
        """Show the search panel, seeded with the selected text, and focus the query."""
        self.dock.show()
        self.dock.raise_()
        pane = self._window.pane
        selection = pane.selection_range()
        if selection is not None:
            self.panel.query.setText(pane.text[selection[0] : selection[1]])
        self.panel.everywhere.setChecked(everywhere)
        self.panel.query.setFocus()
        self.panel.query.selectAll()
        self.panel.run()

    def show_hit(self, doc_id: int, start: int, end: int) -> None:
        """Open the hit's document if needed and select the hit in the text."""
        if self._window.current_doc_id() != doc_id:
            self._window.open_document(doc_id)
        self._window.pane.select_text(CodePoint(start), CodePoint(end))
        self._window.pane.centerCursor()

    def _refresh_if_local(self) -> None:
        if self.dock.isVisible() and not self.panel.everywhere.isChecked():
            self.panel.run()

    # -- tagging every occurrence ------------------------------------------------
    def tag_all_from_span(self) -> TagAllDialog | None:
        """Tag every occurrence of the selected span's text with its label."""
        pane = self._window.pane
        ids = pane.selected_span_ids()
        span = pane.span(ids[-1]) if ids else None
        if span is None:
            self._window.show_message("Click a span first: its text and label will be used.")
            return None
        query = self._project.search.query_for_span(span)
        return self._preview(span.label, query, [span.doc_id])

    def tag_all_from_search(self) -> TagAllDialog | None:
        """Tag every hit of the current search with a label the user picks."""
        query = self.panel.current_query()
        scope = self.panel.scope()
        if not query.text.strip() or not scope:
            self._window.show_message("Search for something first.")
            return None
        label = pick_label(self._window, self._project.schemas.schema, self._likely_label())
        if label is None:
            return None
        self._window.tagging.last_label = label
        return self._preview(label, query, scope)

    def _likely_label(self) -> str:
        """The selected span's label, else the entity or value label used last (hotkey,
        palette or this list)."""
        pane = self._window.pane
        ids = pane.selected_span_ids()
        span = pane.span(ids[-1]) if ids else None
        return span.label if span is not None else self._window.tagging.last_label

    def _preview(self, label: str, query: Query, doc_ids: list[int]) -> TagAllDialog | None:
        annotator = self._window.current_annotator()
        try:
            plan = self._project.search.plan_tag_all(annotator, label, query, doc_ids)
        except AnnotatorError as exc:
            self._window.show_message(str(exc))
            return None
        names = {s.id: s.name for s in self._project.documents.summaries(annotator)}
        dialog = TagAllDialog(plan, names, self._window)
        self.last_dialog = dialog
        dialog.accepted.connect(lambda: self.apply(plan, dialog))
        dialog.open()
        return dialog

    def apply(self, plan: TagAllPlan, dialog: TagAllDialog) -> None:
        """Tag the occurrences checked in ``dialog``, as one undoable step; documents marked
        Done are reopened or skipped first, as the user chooses (or nothing is tagged)."""
        chosen = [o for o in dialog.chosen() if not o.already]
        allowed = self._gate({o.doc_id for o in chosen}, plan.annotator)
        if allowed is None or (chosen and not allowed):
            self._window.show_message("Nothing tagged: the documents are marked done.")
            return
        skipped = len({o.doc_id for o in chosen} - allowed)
        chosen = [o for o in chosen if o.doc_id in allowed]
        text = f"Tag all «{plan.query.text}» as {plan.label}"
        search = self._project.search

        def work(progress: Progress) -> Change:  # on a worker thread (ADR 0017)
            if not progress(0, 1, f"tagging {len(chosen)} occurrences"):
                raise WorkCancelled("Tag all was cancelled; nothing was tagged.")
            return search.tag_all(plan, chosen)

        try:
            change, late = run_with_progress(self._window, "Tag all", work, context="tagging all")
        except AnnotatorError as exc:
            self._window.show_message(str(exc))
            return
        push_applied(self._window.undo_stack, self._project.write, change, text)
        n = sum(len(e.add.spans) for e in change.edits)
        message = f"Tagged {n} occurrence(s) as {plan.label}."
        if skipped:
            message += f" Skipped {skipped} document(s) marked done."
        if late:  # Cancel was pressed while the change was being written: it is saved
            self._window.notify(f"Cancel came too late: {message} Undo takes it back.")
        else:
            self._window.show_message(message)
        if self.dock.isVisible():
            self.panel.run()


def install_search_tools(
    window: MainWindow, project: Project, gate: TagAllGate | None = None
) -> SearchTools:
    """Install the search dock and actions; returns them (also ``window.search_tools``).

    ``gate`` is asked which documents Tag all may tag (see :class:`SearchTools`)."""
    tools = SearchTools(window, project, gate)
    window.search_tools = tools  # type: ignore[attr-defined]
    return tools
