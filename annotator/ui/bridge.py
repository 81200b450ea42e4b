"""Adapts the services' Qt-free signals to Qt signals, so views can connect to them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:  # services are only used through the objects passed in
    from annotator.services.project import Project


class ServiceSignals(QObject):
    """Re-emits a project's service signals as Qt signals.

    Signals:
        changeApplied(object): a :class:`~annotator.core.change.Change` was committed.
        editApplied(object): an :class:`~annotator.core.model.Edit` was committed.
        documentsChanged(object): a document id, or None, when the document list changed.
        schemaChanged(object): the project's new :class:`~annotator.core.schema.Schema`.
    """

    changeApplied = Signal(object)
    editApplied = Signal(object)
    documentsChanged = Signal(object)
    schemaChanged = Signal(object)

    def __init__(self, project: Project, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._project = project
        project.annotations.changed.connect(self.editApplied.emit)
        project.documents.changed.connect(self.documentsChanged.emit)
        project.schemas.changed.connect(self.schemaChanged.emit)
        project.write.changed.connect(self.changeApplied.emit)

    def detach(self) -> None:
        """Stop listening to the project (call before this object is destroyed)."""
        self._project.write.changed.disconnect(self.changeApplied.emit)
        self._project.annotations.changed.disconnect(self.editApplied.emit)
        self._project.documents.changed.disconnect(self.documentsChanged.emit)
        self._project.schemas.changed.disconnect(self.schemaChanged.emit)
