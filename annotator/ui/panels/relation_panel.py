"""The relation panel: relate two selected spans, and list the document's relations.

Select two spans (click the first, Ctrl+click the second), then press a
relation type's hotkey (Ctrl+1 ... Ctrl+6 in the ACE schema) or double-click
the type in the list. The first selected span is the relation's first end.
Relations of the selected span are highlighted in the list and outlined in the
text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.model import Edit, Relation
from annotator.core.schema import Schema
from annotator.ui.pane.text_pane import Arc, Overlay
from annotator.ui.panels.event_panel import ERROR_STYLE, WARN_STYLE, EditorContext, follow

PICK_TWO = "Select two spans: click the first, Ctrl+click the second."


class RelationPanel(QWidget):
    """Creates relations between the two selected spans and lists them.

    Signals:
        overlaysChanged(): the outlines to draw in the text changed (see :meth:`overlays`).
    """

    overlaysChanged = Signal()

    def __init__(self, ctx: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._relations: list[Relation] = []
        self._hits: set[int] = set()  # rows highlighted: relations of the selected span
        self._rows_of: dict[int, list[int]] = {}  # span id -> rows of its relations
        self._arcs: tuple[list[Relation], Schema, list[Arc]] | None = None  # made from
        self._unfilled = False  # the rows wait for the pane's spans (they describe the ends)
        self._unread = False  # the relations too: read once the pane has the spans
        self._build()
        ctx.pane.spanSelectionChanged.connect(lambda _ids: self._render())
        ctx.pane.spansLoaded.connect(self._on_spans_loaded)
        follow(ctx.annotations.changed, self, self._on_edit)
        self.refresh()

    def _build(self) -> None:
        self.pair = QLabel(PICK_TWO)
        self.pair.setWordWrap(True)
        self.types = QListWidget()
        self.types.setMaximumHeight(120)
        self.types.itemActivated.connect(
            lambda item: self.relate(item.data(Qt.ItemDataRole.UserRole))
        )
        self.create_button = QPushButton("Relate")
        self.create_button.clicked.connect(self._create_chosen)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Type", "From", "To"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.cellDoubleClicked.connect(lambda row, _c: self._show_row(row))
        self.delete_button = QPushButton("Delete relation")
        self.delete_button.clicked.connect(self.delete_selected)
        row = QHBoxLayout()
        row.addWidget(self.create_button)
        row.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        for w in (self.pair, self.types, self.message, self.table):
            layout.addWidget(w)
        layout.addLayout(row)

    # -- state -------------------------------------------------------------------
    def relations(self) -> list[Relation]:
        """The relations of the document shown (read now if the list waits for the spans)."""
        return self._ctx.reads.relations() if self._unread else list(self._relations)

    def chosen_pair(self) -> tuple[int, int] | None:
        """The two most recently selected spans (first end, second end), if two are selected."""
        ids = self._ctx.pane.selected_span_ids()
        return (ids[-2], ids[-1]) if len(ids) >= 2 else None

    def refresh(self) -> None:
        """Re-read the document's relations and the schema's relation types.

        While the pane is loading a document's spans the relations are not read (nor their
        arcs made): the list is empty until ``spansLoaded``, so the document's first paint
        waits for neither (ADR 0005, text first).
        """
        self._unread = self._ctx.pane.loading
        self._relations = [] if self._unread else self._ctx.reads.relations()
        self.types.clear()
        for rt in self._ctx.schema().relations:
            key = f"  ({rt.hotkey})" if rt.hotkey else ""
            item = QListWidgetItem(f"{rt.name}{key}")
            item.setData(Qt.ItemDataRole.UserRole, rt.name)
            item.setToolTip(rt.description)
            self.types.addItem(item)
        self._rows_of = {}
        for r, rel in enumerate(self._relations):
            for end in {rel.arg1_id, rel.arg2_id}:
                self._rows_of.setdefault(end, []).append(r)
        self._fill()
        self._render()

    def _on_edit(self, edit: Edit) -> None:
        """Re-read when an edit touches relations; describe the ends again when it changes one."""
        if edit.remove.relations or edit.add.relations:
            self.refresh()
            return
        if any(s.id in self._rows_of for s in (*edit.remove.spans, *edit.add.spans)):
            self._fill()
            self._render()

    def _on_spans_loaded(self) -> None:
        if self._unread:
            self.refresh()
        elif self._unfilled:
            self._fill()
            self._render()

    # -- actions -------------------------------------------------------------------
    def relate(self, rel_type: str) -> bool:
        """Relate the two selected spans with ``rel_type``; False if two are not selected."""
        pair = self.chosen_pair()
        if pair is None:
            self._say(PICK_TWO, ERROR_STYLE)
            return False
        a, b = pair
        try:
            out = self._ctx.push_outcome(
                lambda: self._ctx.events.create_relation(rel_type, a, b), rel_type
            )
        except AnnotatorError as exc:
            self._say(str(exc), ERROR_STYLE)
            return False
        self._say(f"Warning: {out.warning}" if out.warning else "", WARN_STYLE)
        return True

    def _create_chosen(self) -> None:
        item = self.types.currentItem()
        if item is not None:
            self.relate(item.data(Qt.ItemDataRole.UserRole))

    def delete_selected(self) -> None:
        """Delete the relation in the selected row (undoable)."""
        row = self.table.currentRow()
        if not 0 <= row < len(self._relations):
            return
        rel = self._relations[row]
        try:
            self._ctx.push(lambda: self._ctx.events.delete_relation(rel), f"Delete {rel.type}")
        except AnnotatorError as exc:  # e.g. another person's layer shown read-only
            self._say(str(exc), ERROR_STYLE)

    def _show_row(self, row: int) -> None:
        rel = self._relations[row]
        self._ctx.pane.select_span(rel.arg1_id)
        self._ctx.pane.select_span(rel.arg2_id, add=True, scroll=False)

    # -- drawing -------------------------------------------------------------------
    def _focus(self) -> set[int]:
        ids = self._ctx.pane.selected_span_ids()
        return set(ids[-1:]) if ids else set()

    def overlays(self) -> list[Overlay]:
        """Outlines for the relations of the selected span: the other end, with the type."""
        focus = self._focus()
        out: list[Overlay] = []
        schema = self._ctx.schema()
        for rel in (self._relations[r] for r in sorted(self._rows_with(focus))):
            outgoing = rel.arg1_id in focus
            other = self._ctx.pane.span(rel.arg2_id if outgoing else rel.arg1_id)
            rtype = schema.relation_type(rel.type)
            color = rtype.color if rtype else "#9e9e9e"
            if other is not None:
                caption = f"{rel.type} →" if outgoing else f"→ {rel.type}"
                out.append(Overlay(other.start, other.end, color, caption))
        return out

    def arcs(self) -> list[Arc]:
        """Every relation of the document, to draw as an arc from Arg1 to Arg2 in the band.

        Made again only when the relations were read again or the schema changed: the event
        tools ask after every selection change, and a document may hold thousands.
        """
        schema = self._ctx.schema()
        made = self._arcs
        if made is not None and made[0] is self._relations and made[1] is schema:
            return made[2]
        colors = {rt.name: rt.color for rt in schema.relations}
        arcs = [
            Arc(rel.arg1_id, rel.arg2_id, rel.type, colors.get(rel.type, "#9e9e9e"))
            for rel in self._relations
        ]
        self._arcs = (self._relations, schema, arcs)
        return arcs

    def _say(self, text: str, style: str = "") -> None:
        self.message.setText(text)
        self.message.setStyleSheet(style)
        self.message.setVisible(bool(text))

    def _describe(self, span_id: int) -> str:
        span = self._ctx.pane.span(span_id)
        return f"«{span.text_in(self._ctx.pane.text)}» {span.label}" if span else f"span {span_id}"

    def _rows_with(self, span_ids: set[int]) -> set[int]:
        """The rows of the relations that have one of these spans as an end."""
        return {r for i in span_ids for r in self._rows_of.get(i, ())}

    def _fill(self) -> None:
        """One row per relation: its type and its two ends, unhighlighted.

        While the pane is still loading a document's spans the table stays empty and is
        filled once they are in: describing the ends would load them all before the
        document's first paint (ADR 0005, text first).
        """
        self._hits = set()
        if self._wait_for_spans():
            return
        self.table.setRowCount(len(self._relations))
        for r in range(len(self._relations)):
            self._set_row(r, hit=False)

    def _wait_for_spans(self) -> bool:
        """True (and the table emptied) while the pane is loading a document's spans."""
        self._unfilled = self._ctx.pane.loading
        if self._unfilled:
            self.table.setRowCount(0)
            self._hits = set()
        return self._unfilled

    def _render(self) -> None:
        """Show the chosen pair and highlight the selected span's relations.

        Only the rows whose highlight changes are set again: a selection change (every
        hotkey create makes one) must not rebuild a table of thousands of relations (issue 18).
        """
        pair = self.chosen_pair()
        if pair is None:
            self.pair.setText(PICK_TWO)
        else:
            self.pair.setText(f"{self._describe(pair[0])}  →  {self._describe(pair[1])}")
        focus = self._focus()
        hits = set() if self._unfilled or self._wait_for_spans() else self._rows_with(focus)
        for r in hits ^ self._hits:
            self._set_row(r, hit=r in hits)
        self._hits = hits
        self.overlaysChanged.emit()

    def _set_row(self, r: int, hit: bool) -> None:
        rel = self._relations[r]
        cells = [
            QTableWidgetItem(rel.type),
            QTableWidgetItem(self._describe(rel.arg1_id)),
            QTableWidgetItem(self._describe(rel.arg2_id)),
        ]
        bold = QFont()
        bold.setBold(True)
        for c, cell in enumerate(cells):
            if hit:
                cell.setFont(bold)
                cell.setBackground(QBrush(QColor("#fff3cd")))
            self.table.setItem(r, c, cell)
