"""Search the document or the project (Ctrl+F, Ctrl+Shift+F) and tag every occurrence.

Matching is Arabic-aware (:mod:`annotator.core.search`): diacritics and
tatweel are ignored, alef forms, ya/alef maqsura and ta marbuta/ha unified, and
clitics may be attached. Hits are listed per document with their context;
activating one shows it selected in the text. "Tag all…" previews every
occurrence before applying them as one undoable step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.search import Hit, Query
from annotator.ui.bidi import isolate

if TYPE_CHECKING:  # services are only used through the objects passed in
    from annotator.services.search import DocumentHits, SearchService

HitKey = tuple[int, int, int]  # doc_id, start, end
TYPING_PAUSE_MS = 250  # the search re-runs this long after the last key typed


class SearchPanel(QWidget):
    """The query, its options and the hits per document.

    Signals:
        hitActivated(int, int, int): show a hit (document id, start, end in code points).
        tagAllRequested(): the user asked to tag every occurrence of the query.
    """

    hitActivated = Signal(int, int, int)
    tagAllRequested = Signal()

    def __init__(
        self,
        search: SearchService,
        current_doc: Callable[[], int | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._search = search
        self._current_doc = current_doc
        self._hits: list[HitKey] = []
        self._last: list[DocumentHits] = []
        self._at = -1
        self._ran: Query | None = None  # the query the listed hits belong to
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self._run_if_stale)
        self.query = QLineEdit(self)
        self.query.setPlaceholderText("Search (Enter: next, Shift+Enter: previous)")
        self.query.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.query.setClearButtonEnabled(True)
        self.regex = QCheckBox("Regular expression", self)
        self.clitics = QCheckBox("Clitics", self)
        self.clitics.setToolTip("Also match after attached و ف ب ك ل and the article ال")
        self.everywhere = QCheckBox("All documents", self)
        self.status = QLabel(self)
        self.results = QTreeWidget(self)
        self.results.setHeaderHidden(True)
        self.results.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.tag_all = QPushButton("Tag all…", self)
        self.tag_all.setToolTip("Tag every occurrence with one label (preview first)")
        self._layout()
        self.query.returnPressed.connect(self.next_hit)
        self.query.textChanged.connect(self._query_edited)
        for box in (self.regex, self.clitics, self.everywhere):
            box.toggled.connect(lambda _on: self.run())
        self.results.itemActivated.connect(self._activated)
        self.results.itemClicked.connect(self._activated)
        self.tag_all.clicked.connect(self.tagAllRequested.emit)

    def _layout(self) -> None:
        options = QHBoxLayout()
        for widget in (self.regex, self.clitics, self.everywhere):
            options.addWidget(widget)
        options.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.tag_all)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addLayout(options)
        layout.addWidget(self.results, 1)
        layout.addLayout(bottom)

    def current_query(self) -> Query:
        """The query as typed, with the chosen options."""
        return Query(self.query.text(), self.regex.isChecked(), self.clitics.isChecked())

    def scope(self) -> list[int]:
        """The documents searched: the shown one, or all with "All documents"."""
        if self.everywhere.isChecked():
            return [d.doc_id for d in self._last]
        doc = self._current_doc()
        return [doc] if doc is not None else []

    def _query_edited(self, text: str) -> None:
        """A cleared field drops the hits at once; other edits search after a pause."""
        if text.strip():
            self._typing.start()
        else:
            self._typing.stop()
            self.run()

    def _run_if_stale(self) -> None:
        if self._ran != self.current_query():
            self.run()

    def run(self) -> list[DocumentHits]:
        """Search again with the current query and options; list the hits."""
        self._typing.stop()
        self.results.clear()
        self._hits, self._at, self._last = [], -1, []
        self._ran = self.current_query()
        if not self.query.text().strip():
            self.status.setText("")
            return []
        try:
            found = self._find()
        except AnnotatorError as exc:
            self.status.setText(str(exc))
            return []
        self._last = found
        for group in found:
            top = QTreeWidgetItem([isolate(f"{group.name} ({len(group.hits)})")])
            top.setData(0, Qt.ItemDataRole.UserRole, None)
            self.results.addTopLevelItem(top)
            for hit in group.hits:
                self._add_hit(top, group.doc_id, hit)
            top.setExpanded(True)
        total = len(self._hits)
        docs = len(found)
        self.status.setText(f"{total} match{'es' if total != 1 else ''} in {docs} document(s)")
        return found

    def _find(self) -> list[DocumentHits]:
        query = self.current_query()
        if self.everywhere.isChecked():
            return self._search.find(query, None)
        doc = self._current_doc()
        return [] if doc is None else self._search.find(query, doc)

    def _add_hit(self, top: QTreeWidgetItem, doc_id: int, hit: Hit) -> None:
        before, middle, after = self._search.hit_context(doc_id, hit)
        text = "…" + isolate(before) + "【" + isolate(middle) + "】"
        text += isolate(after) + "…"
        item = QTreeWidgetItem([text])
        item.setData(0, Qt.ItemDataRole.UserRole, (doc_id, hit.start, hit.end))
        top.addChild(item)
        self._hits.append((doc_id, hit.start, hit.end))

    def next_hit(self, step: int = 1) -> None:
        """Show the next (or, with -1, the previous) hit of the query as it is now.

        The hits listed belong to the last search; when the query or an option has changed
        since (typed before the pause ran it), the search runs first.
        """
        if self._ran != self.current_query():
            self.run()
        if not self._hits:
            return
        self._at = (self._at + step) % len(self._hits)
        self.hitActivated.emit(*self._hits[self._at])
        self.status.setText(f"{self._at + 1} of {len(self._hits)}")

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        key = item.data(0, Qt.ItemDataRole.UserRole)
        if key:
            self._at = self._hits.index(tuple(key))
            self.hitActivated.emit(*key)
