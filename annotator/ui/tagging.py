"""Turns hotkeys and palette clicks into span edits: tag, relabel, delete.

Event types and relation types go to replaceable handlers, so the events
panel can take them over (see :meth:`TaggingController.set_event_type_handler`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.core.errors import AnnotatorError
from annotator.core.model import Edit, Span
from annotator.core.positions import CodePoint
from annotator.core.tokens import snap_to_tokens, trim_whitespace
from annotator.ui.cascade_text import cascade_question
from annotator.ui.commands import push_edit
from annotator.ui.gc_freeze import CollectorHold
from annotator.ui.pane.text_pane import TextPane
from annotator.ui.undo import UndoStack

if TYPE_CHECKING:  # services are only used through the objects passed in
    from annotator.services.project import Project

EventTypeHandler = Callable[[str, CodePoint, CodePoint], None]
RelationTypeHandler = Callable[[str, list[int]], None]


class Workbench(Protocol):
    """What the controller needs from the window."""

    @property
    def pane(self) -> TextPane: ...  # noqa: D102

    @property
    def undo_stack(self) -> QUndoStack: ...  # noqa: D102

    def current_doc_id(self) -> int | None: ...  # noqa: D102

    def current_annotator(self) -> str: ...  # noqa: D102

    def show_message(self, text: str) -> None: ...  # noqa: D102


class TaggingController:
    """Applies labels to the pane's selection through undoable service calls.

    Args:
        bench: the window (pane, undo stack, current document and annotator).
        project: the open project.
        parent: parent widget for confirmation dialogs.
    """

    def __init__(self, bench: Workbench, project: Project, parent: QWidget) -> None:
        self._bench = bench
        self._project = project
        self._parent = parent
        self.event_type_handler: EventTypeHandler = self.create_trigger
        # set by the event tools: fills an armed event role with new text (True if it did)
        self.fill_armed_role: Callable[[str, CodePoint, CodePoint], bool] = lambda _label, _s, _e: (
            False
        )
        self.relation_type_handler: RelationTypeHandler = self._no_relations
        self.confirm_cascade: Callable[[str], bool] = self._ask
        self.last_label = ""  # the entity or value label applied last (Tag all opens on it)
        self.collector = CollectorHold(bench.pane)  # no collection between a hotkey and its paint

    # -- entry points ---------------------------------------------------------
    def apply_name(self, name: str, char_mode: bool = False) -> None:
        """Apply a schema item by name: a label, an event type or a relation type."""
        self.collector.hold()
        schema = self._project.schemas.schema
        if schema.label(name) is not None:
            self.apply_label(name, char_mode)
        elif schema.event_type(name) is not None:
            self.apply_event_type(name, char_mode)
        elif schema.relation_type(name) is not None:
            self.relation_type_handler(name, self._bench.pane.selected_span_ids())
        else:
            self._bench.show_message(f"{name} is not in the schema.")

    def apply_label(self, label: str, char_mode: bool = False) -> None:
        """Tag the selected text, or relabel the selected spans if no text is selected."""
        pane = self._bench.pane
        self.last_label = label
        if pane.selection_range() is not None:
            target = self.target_range(char_mode)
            if target is None:
                self._bench.show_message("The selection holds no word to tag.")
                return
            if not self.fill_armed_role(label, *target):
                self.create_span(label, *target)
        elif pane.selected_span_ids():
            self.relabel_selected(label)
        else:
            self._bench.show_message("Select some text (or click a span) first.")

    def apply_event_type(self, name: str, char_mode: bool = False) -> None:
        """Hand an event type and the trigger range to the event-type handler."""
        pane = self._bench.pane
        target = self.target_range(char_mode)
        if target is None and pane.selected_span_ids():
            span = pane.span(pane.selected_span_ids()[-1])
            target = (span.start, span.end) if span is not None else None
        if target is None:
            self._bench.show_message("Select the trigger word first.")
            return
        self.event_type_handler(name, *target)

    def target_range(self, char_mode: bool = False) -> tuple[CodePoint, CodePoint] | None:
        """The selection in code points: snapped to tokens, or exact in character mode."""
        pane = self._bench.pane
        selection = pane.selection_range()
        if selection is None:
            return None
        exact = char_mode or pane.char_mode or pane.selection_made_with_alt
        if exact:
            start, end = trim_whitespace(pane.text, *selection)
            return (start, end) if start < end else None
        return snap_to_tokens(pane.text, *selection)

    # -- edits ---------------------------------------------------------------
    def _push(self, action: Callable[[], Edit], text: str) -> Edit | None:
        try:
            return push_edit(self._bench.undo_stack, self._project.annotations, action, text)
        except AnnotatorError as exc:
            self._bench.show_message(str(exc))
            return None

    def create_span(self, label: str, start: CodePoint, end: CodePoint) -> Edit | None:
        """Create a span in the current layer and select it."""
        doc_id = self._bench.current_doc_id()
        if doc_id is None:
            return None
        annotator = self._bench.current_annotator()
        annotations = self._project.annotations
        edit = self._push(
            lambda: annotations.create_span(doc_id, annotator, start, end, label), f"Tag {label}"
        )
        if edit is not None and edit.add.spans:
            pane = self._bench.pane
            pane.clear_text_selection()
            pane.select_span(edit.add.spans[0].id, scroll=False)
        return edit

    def create_trigger(self, name: str, start: CodePoint, end: CodePoint) -> None:
        """Default event-type handler: a trigger span labelled with the event type."""
        self.create_span(name, start, end)

    def relabel_selected(self, label: str) -> None:
        """Give every selected span ``label`` (one undo step per span)."""
        annotations = self._project.annotations
        stack = self._bench.undo_stack
        ids = self._bench.pane.selected_span_ids()
        if not self._may_try() or not self._confirm_trigger_loss(ids, label):
            return
        if len(ids) > 1:
            stack.beginMacro(f"Relabel {len(ids)} spans → {label}")
        for span_id in ids:
            self._push(partial(annotations.relabel_span, span_id, label), "Relabel")
        if len(ids) > 1:
            stack.endMacro()

    def delete_selected(self) -> None:
        """Delete the selected spans and their cascade; ask first if anything uses them."""
        ids = self._bench.pane.selected_span_ids()
        if not ids:
            self._bench.show_message("Click a span to select it, then press Delete.")
            return
        if not self._may_try():  # before the reads below: a server away refuses at once
            return
        annotations = self._project.annotations
        pane = self._bench.pane
        uses = []
        for span_id in ids:
            span = pane.span(span_id)
            if span is not None:
                uses.append((span, *annotations.dependents(span_id)))
        if any(evs or rels for _span, evs, rels in uses) and not self.confirm_cascade(
            cascade_question(pane.text, uses, self._span_anywhere)
        ):
            return
        self._push(lambda: annotations.delete_spans(ids), "Delete span")

    def _may_try(self) -> bool:
        stack = self._bench.undo_stack
        refused = stack.may_try() if isinstance(stack, UndoStack) else None
        if refused is not None:
            self._bench.show_message(refused)
        return refused is None

    def _confirm_trigger_loss(self, ids: list[int], label: str) -> bool:
        """Ask before a relabel turns triggers with events into plain spans."""
        schema = self._project.schemas.schema
        if schema.event_type(label) is not None:
            return True  # trigger -> trigger keeps the event (its type follows)
        annotations = self._project.annotations
        losing = 0
        for span_id in ids:
            span = annotations.span(span_id)
            if span is not None and schema.event_type(span.label) is not None:
                losing += len(annotations.dependents(span_id)[0])
        return not losing or self.confirm_cascade(
            f"Relabelling as {label} removes {losing} event(s) triggered by the selection, "
            "with their arguments (Undo brings them back). Continue?"
        )

    def _span_anywhere(self, span_id: int) -> Span | None:
        return self._bench.pane.span(span_id) or self._project.annotations.span(span_id)

    def _ask(self, question: str) -> bool:
        answer = QMessageBox.question(self._parent, "Confirm", question)
        return answer == QMessageBox.StandardButton.Yes

    def _no_relations(self, name: str, span_ids: list[int]) -> None:
        self._bench.show_message(
            f"{name}: relations are created from the events and relations panel, "
            "which is not installed."
        )
