"""Menus, shortcuts and the per-schema label hotkeys of the main window."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from annotator.core.schema import RelationType, Schema
from annotator.ui import deletion_actions, document_actions

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

Slot = Callable[[], object]


def _action(window: MainWindow, text: str, slot: Slot, *keys: str | QKeySequence) -> QAction:
    action = QAction(text, window)
    if keys:
        action.setShortcuts([QKeySequence(k) for k in keys])
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)
    return action


def install_menus(window: MainWindow) -> dict[str, QAction]:
    """Create the File, Edit, Document and View menus; returns the actions by key."""
    acts: dict[str, QAction] = {}
    file_menu = window.file_menu
    acts["import"] = _action(
        window, "Import text…", lambda: document_actions.import_files_dialog(window), "Ctrl+I"
    )
    acts["import_folder"] = _action(
        window, "Import folder…", lambda: document_actions.import_folder_dialog(window)
    )
    acts["switch_annotator"] = _action(
        window, "Switch annotator…", lambda: document_actions.switch_annotator(window)
    )
    acts["quit"] = _action(
        window, "Quit", window.close, QKeySequence(QKeySequence.StandardKey.Quit)
    )
    for key in ("import", "import_folder"):
        file_menu.addAction(acts[key])
    file_menu.addSeparator()
    file_menu.addAction(acts["switch_annotator"])
    file_menu.addSeparator()
    file_menu.addAction(acts["quit"])

    edit = window.edit_menu
    stack = window.undo_stack
    undo = _action(window, "Undo", window.undo, "Ctrl+Z")
    redo = _action(window, "Redo", window.redo, "Ctrl+Shift+Z", "Ctrl+Y")
    undo.setEnabled(False)
    redo.setEnabled(False)
    stack.canUndoChanged.connect(undo.setEnabled)
    stack.canRedoChanged.connect(redo.setEnabled)
    stack.undoTextChanged.connect(lambda t: undo.setText(f"Undo {t}".strip()))
    stack.redoTextChanged.connect(lambda t: redo.setText(f"Redo {t}".strip()))
    for action in (undo, redo):
        edit.addAction(action)
    acts["undo"], acts["redo"] = undo, redo
    edit.addSeparator()
    acts["delete"] = _action(window, "Delete span", window.tagging.delete_selected, "Delete")
    acts["char_mode"] = _action(window, "Character mode (no token snapping)", lambda: None)
    acts["char_mode"].setShortcut(QKeySequence("Ctrl+K"))
    acts["char_mode"].setCheckable(True)
    acts["char_mode"].toggled.connect(window.set_char_mode)
    acts["clear"] = _action(window, "Clear selection", window.clear_selection, "Escape")
    for key in ("delete", "char_mode", "clear"):
        edit.addAction(acts[key])

    doc = window.document_menu
    acts["done"] = _action(window, "Mark done", window.mark_done, "Ctrl+D")
    acts["next"] = _action(window, "Next document", window.next_document, "Ctrl+PgDown")
    acts["prev"] = _action(window, "Previous document", window.previous_document, "Ctrl+PgUp")
    acts["reopen"] = _action(window, "Reopen", lambda: document_actions.reopen_document(window))
    acts["doc_note"] = _action(
        window, "Document note…", lambda: document_actions.edit_document_note(window)
    )
    acts["delete_document"] = _action(
        window, "Delete document…", lambda: deletion_actions.delete_document(window)
    )
    acts["delete_layer"] = _action(
        window,
        "Delete my layer in this document…",
        lambda: deletion_actions.delete_my_layer(window),
    )
    for key in ("done", "reopen", "doc_note", "next", "prev"):
        doc.addAction(acts[key])
    doc.addSeparator()
    for key in ("delete_document", "delete_layer"):
        doc.addAction(acts[key])

    view = window.view_menu
    acts["zoom_in"] = _action(window, "Zoom in", lambda: window.view.zoom(1), "Ctrl+=", "Ctrl++")
    acts["zoom_out"] = _action(window, "Zoom out", lambda: window.view.zoom(-1), "Ctrl+-")
    acts["zoom_reset"] = _action(window, "Reset zoom", lambda: window.view.zoom(0), "Ctrl+0")
    acts["font"] = _action(window, "Font…", window.view.choose_font)
    acts["default_font"] = _action(window, "Default font", lambda: window.view.set_text_font(None))
    for key in ("zoom_in", "zoom_out", "zoom_reset", "font", "default_font"):
        view.addAction(acts[key])
    view.addSeparator()
    return acts


class LabelActions:
    """One action per schema item with a hotkey, plus an Alt+key variant for character mode.

    Rebuilt whenever the schema changes.
    """

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self.actions: list[QAction] = []

    def rebuild(self, schema: Schema) -> None:
        """Replace the hotkey actions with those of ``schema``."""
        window = self._window
        menu = window.labels_menu
        for action in self.actions:
            window.removeAction(action)
            action.deleteLater()
        self.actions = []
        menu.clear()
        for item in schema.items():
            name = item.name
            keys = [item.hotkey] if item.hotkey else []
            action = _action(window, name, partial(window.apply_name, name, False), *keys)
            menu.addAction(action)
            self.actions.append(action)
            if item.hotkey and not isinstance(item, RelationType):
                exact = _action(
                    window,
                    f"{name} (exact characters)",
                    partial(window.apply_name, name, True),
                    f"Alt+{item.hotkey}",
                )
                self.actions.append(exact)
