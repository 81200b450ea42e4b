"""The schema editor: add, rename, recolour, re-key and delete schema items, per project.

Every change is a :class:`SchemaChangeCommand` on the window's undo stack, so
renames and deletes (with the annotations they touch) undo as one step.
Deleting an item that annotations use asks first, saying how many would go.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.change import Origin, split_by_layer
from annotator.core.errors import AnnotatorError
from annotator.services.schema import SchemaChange, SchemaService
from annotator.services.schema_edit import Kind
from annotator.ui.commands import ReplayCommand
from annotator.ui.dialogs import folders
from annotator.ui.dialogs.schema_item_editor import ItemEditor
from annotator.ui.panels.event_panel import ERROR_STYLE, follow
from annotator.ui.undo import UndoStack

OK_STYLE = "color:#1b5e20; padding:4px;"
Step = SchemaChange | Callable[[], SchemaChange]


class SchemaChangeCommand(ReplayCommand[SchemaChange]):
    """Applies a :class:`SchemaChange` on redo and replays its inverse exactly on undo.

    If the first redo fails, the command marks itself obsolete and keeps the error.
    """

    def __init__(self, stack: QUndoStack, schemas: SchemaService, change: SchemaChange) -> None:
        super().__init__(
            stack,
            lambda: schemas.apply(change),
            lambda c: schemas.apply(c, Origin.UNDO),
            lambda c: c.inverse(),
            change.description,
        )
        self.change = change

    def described(self, result: SchemaChange) -> None:
        """Record the layers the change touched, so outside edits can clear the history."""
        if isinstance(self._stack, UndoStack):
            layers = set(split_by_layer(result.remove, result.add, "")) if result else set()
            self._stack.note_layers({(e.doc_id, e.annotator) for e in layers}, schema=True)


class SchemaEditor(QDialog):
    """Edits the project's schema; every change is undoable from the window's undo stack.

    Args:
        schemas: the project's schema service.
        stack: the undo stack that schema changes are pushed to.
        parent: the parent window.
    """

    def __init__(
        self, schemas: SchemaService, stack: QUndoStack, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Schema editor")
        self.resize(760, 560)
        self.schemas = schemas
        self._stack = stack
        self.confirm: Callable[[str], bool] = self._ask
        self.role_check = QComboBox()
        self.role_check.addItems(["lenient", "strict"])
        self.role_check.setToolTip(
            "lenient: a disallowed argument type is kept with a warning; strict: it is refused"
        )
        self.role_check.activated.connect(self._on_role_check)
        self.tabs = QTabWidget()
        self.editors: dict[Kind, ItemEditor] = {}
        titles: dict[Kind, str] = {
            "label": "Labels",
            "event": "Event types",
            "role": "Roles",
            "relation": "Relation types",
        }
        for kind, title in titles.items():
            self.editors[kind] = ItemEditor(self, kind)
            self.tabs.addTab(self.editors[kind], title)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self._build()
        follow(schemas.changed, self, lambda _s: self.refresh())
        self.refresh()

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Role checks:"))
        top.addWidget(self.role_check)
        top.addStretch(1)
        for text, slot in (("Export…", self.export_dialog), ("Import…", self.import_dialog)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            top.addWidget(button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs)
        layout.addWidget(self.message)
        layout.addWidget(close)

    def refresh(self) -> None:
        """Show the schema as it is now."""
        self.role_check.setCurrentText(self.schemas.schema.role_check)
        for editor in self.editors.values():
            editor.refresh()

    def say(self, text: str, error: bool = False) -> None:
        """Show a message under the tabs (red for a refusal)."""
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else OK_STYLE)

    def run(self, plans: Callable[[], list[Step]]) -> bool:
        """Plan and push changes as one undo step; a refusal is shown and nothing is applied.

        ``plans`` returns SchemaChanges, or callables returning one that are
        planned only after the earlier changes are applied.
        """
        try:
            steps = plans()
        except AnnotatorError as exc:
            self.say(str(exc), error=True)
            return False
        macro = len(steps) > 1
        if macro:
            self._stack.beginMacro("Edit schema")
        try:
            for step in steps:
                change = step if isinstance(step, SchemaChange) else step()
                command = SchemaChangeCommand(self._stack, self.schemas, change)
                self._stack.push(command)
                if command.error is not None:
                    raise command.error
                self.say(f"Done: {change.description}.")
        except AnnotatorError as exc:
            self.say(str(exc), error=True)
            return False
        finally:
            if macro:
                self._stack.endMacro()
        return True

    def _on_role_check(self, _index: int) -> None:
        mode = self.role_check.currentText()
        if mode != self.schemas.schema.role_check:
            self.run(lambda: [self.schemas.set_role_check(mode)])

    def export_to(self, path: Path) -> None:
        """Write the schema to ``path`` so a team can share it; a refusal is shown."""
        try:
            self.schemas.export_to(path)
        except AnnotatorError as exc:
            self.say(str(exc), error=True)
            return
        self.say(f"Schema written to {path}.")

    def import_from(self, path: Path) -> bool:
        """Replace the schema with the one in ``path`` (undoable); errors name the file."""
        return self.run(lambda: [self.schemas.plan_import(path)])

    def export_dialog(self) -> None:
        """Ask for a file name and export the schema."""
        name, _ = QFileDialog.getSaveFileName(
            self, "Export schema", folders.start_in("schema.json"), "JSON (*.json)"
        )
        folders.remember(name)
        if name:
            self.export_to(Path(name))

    def import_dialog(self) -> None:
        """Ask for a schema file and import it."""
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Import schema",
            folders.start_in(),
            "JSON (*.json);;brat configuration, adds its types (annotation.conf *.conf)",
        )
        folders.remember(name)
        if name:
            self.import_from(Path(name))

    def _ask(self, question: str) -> bool:
        answer = QMessageBox.question(self, "Delete from the schema", question)
        return answer == QMessageBox.StandardButton.Yes
