"""File → Import annotations… and File → Export…: dialogs over the transfer service.

The dialogs only collect choices; the work is done by
:class:`annotator.services.transfer.TransferService` (the same code as the
CLI), on a worker thread behind a cancellable progress dialog (ADR 0017).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.formats.summary import files_line
from annotator.ui.dialogs import folders
from annotator.ui.dialogs.progress import run_with_progress

if TYPE_CHECKING:  # the service is only used through the object passed in
    from annotator.services.project import Project
    from annotator.services.transfer import TransferService

GOLD = "Gold (adjudicated) layer"
FORMAT_HELP = {
    "jsonl": "Native JSON Lines: lossless, with events and relations",
    "doccano": "doccano sequence labelling (JSONL)",
    "spacy": "spaCy / Prodigy spans (JSONL)",
    "conll": "CoNLL token<TAB>tag",
    "conllu": "CoNLL-U, entity tags in MISC",
    "brat": "brat standoff folder (.txt + .ann + annotation.conf)",
    "hf": "Hugging Face token classification (JSONL + features.json)",
    "webanno": "WebAnno TSV 3.3 folder (INCEpTION; one .tsv per document)",
    "conll2002": "CoNLL 2002/2003 as INCEpTION (DKPro) reads and writes it",
    "labelstudio": "Label Studio tasks (JSON), with a labelling config",
}

# doccano's offset units (export and import); "" on import: the file's own "offsets" key,
# else UTF-16 code units, as doccano's web UI counts
OFFSET_UNITS = (
    ("utf16", "UTF-16 code units (doccano's web UI)"),
    ("codepoints", "code points"),
    ("graphemes", "grapheme clusters (doccano's grapheme mode)"),
)
TAG_FORMATS = ("conll", "conll2002", "conllu")  # read with a tag scheme

LEVEL_FORMATS = ("conll", "conllu", "hf")  # write one tag column (or key) per nesting level


def _format_combo(parent: QWidget, formats: tuple[str, ...]) -> QComboBox:
    combo = QComboBox(parent)
    for fmt in formats:
        combo.addItem(f"{fmt} — {FORMAT_HELP.get(fmt, fmt)}", fmt)
    return combo


def _path_row(parent: QWidget, edit: QLineEdit, browse: Any) -> QWidget:
    row = QWidget(parent)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    button = QPushButton("Browse…", row)
    button.clicked.connect(browse)
    layout.addWidget(button)
    return row


def _ok_cancel(dialog: QDialog, run: Callable[[], None]) -> QDialogButtonBox:
    """OK runs ``run`` (which accepts the dialog when it succeeds); Cancel closes it."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(run)
    buttons.rejected.connect(dialog.reject)
    return buttons


def _message(parent: QWidget, name: str, title: str, text: str, warn: bool) -> QMessageBox:
    icon = QMessageBox.Icon.Warning if warn else QMessageBox.Icon.Information
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName(name)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class ExportDialog(QDialog):
    """Choose format, layer, documents and options, then export with progress."""

    def __init__(self, parent: QWidget, transfer: TransferService, annotator: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export annotations")
        self.setObjectName("exportDialog")
        self._transfer = transfer
        self.result_text = ""
        self.format = _format_combo(self, transfer.formats)
        self.layer = QComboBox(self)
        self.layer.addItems([*transfer.layers(), GOLD])
        if annotator in transfer.layers():
            self.layer.setCurrentText(annotator)
        self.docs = QListWidget(self)
        self.docs.addItems(transfer.document_names())
        self.docs.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.docs.setToolTip("Select documents to export only those; none selected = all")
        self.scheme = QComboBox(self)
        self.scheme.addItems(["iob2", "bioes"])
        self.nested = QComboBox(self)
        self.nested.addItems(["format default", "outer", "inner", "all"])
        self.nested.setToolTip(
            "CoNLL default: outer (all = every level as its own column); "
            "doccano default: all (outer = what doccano keeps)"
        )
        self.segment = QComboBox(self)
        self.segment.addItems(["none", "article", "clitics"])
        self.segment.setToolTip("Cut proclitics and the article off every token (token formats)")
        self.separator = QComboBox(self)
        self.separator.addItem("tab", "tab")
        self.separator.addItem("space", "space")
        self.separator.setToolTip("What separates CoNLL columns")
        self.levels = QSpinBox(self)
        self.levels.setRange(1, 9)
        self.levels.setValue(2)
        self.levels.setToolTip(
            "With nested spans 'all': how many entity levels, each its own column "
            "(CoNLL), NE2=… key (CoNLL-U) or ner_tags_2… column (hf)"
        )
        self.offsets = QComboBox(self)
        for unit, text in OFFSET_UNITS:
            self.offsets.addItem(text, unit)
        self.offsets.setToolTip("What doccano's start and end offsets count")
        self.layout_ = QComboBox(self)
        self.layout_.addItem("sequence labelling (label)", "label")
        self.layout_.addItem("entities and relations (relation)", "relation")
        self.events = QCheckBox("Add an event trigger column (CoNLL)", self)
        self.force = QCheckBox("Replace an SQLite file or fill a folder no export made", self)
        self.force.setToolTip("Never the open project itself")
        self.done_only = QCheckBox("Only documents marked done", self)
        self.out = QLineEdit(self)
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("Layer", self.layer)
        form.addRow("Documents", self.docs)
        form.addRow("Tag scheme", self.scheme)
        form.addRow("Nested spans", self.nested)
        form.addRow("Clitic segmentation", self.segment)
        form.addRow("Column separator", self.separator)
        form.addRow("Levels (nested all)", self.levels)
        form.addRow("doccano offsets", self.offsets)
        form.addRow("doccano layout", self.layout_)
        form.addRow("", self.events)
        form.addRow("", self.done_only)
        form.addRow("Save to", _path_row(self, self.out, self._browse))
        form.addRow("", self.force)
        form.addRow(_ok_cancel(self, self.run))
        self.format.currentIndexChanged.connect(self._enable_options)
        self.nested.currentIndexChanged.connect(self._enable_options)
        self._enable_options()

    def _enable_options(self) -> None:
        """Enable each option for the formats it applies to (levels: only with 'all')."""
        fmt = self.format.currentData()
        self.separator.setEnabled(fmt == "conll")
        self.offsets.setEnabled(fmt == "doccano")
        self.layout_.setEnabled(fmt == "doccano")
        self.levels.setEnabled(fmt in LEVEL_FORMATS and self.nested.currentText() == "all")

    def _browse(self) -> None:
        if self.format.currentData() in ("brat", "webanno"):  # the folder formats
            path = QFileDialog.getExistingDirectory(self, "Export to folder", folders.start_in())
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Export to file", folders.start_in())
        folders.remember(path)
        if path:
            self.out.setText(path)

    def run(self) -> None:
        """Export with the chosen options; report the outcome in a message box."""
        if not self.out.text().strip():
            _message(self, "exportReport", "Export", "Choose where to save the export.", True)
            return
        layer = self.layer.currentText()
        options: dict[str, Any] = {
            "annotator": None if layer == GOLD else layer,
            "gold": layer == GOLD,
            "docs": [item.text() for item in self.docs.selectedItems()],
            "scheme": self.scheme.currentText(),
            "nested": "" if self.nested.currentIndex() == 0 else self.nested.currentText(),
            "events": self.events.isChecked(),
            "force": self.force.isChecked(),
            "statuses": ("done",) if self.done_only.isChecked() else (),
            "segment": self.segment.currentText(),
            "levels": self.levels.value(),
            "separator": self.separator.currentData(),
            "offsets": self.offsets.currentData(),
            "layout": self.layout_.currentData(),
        }
        fmt, out = self.format.currentData(), Path(self.out.text().strip())
        transfer = self._transfer
        try:  # on a worker thread; written to a temporary file, renamed at the end (ADR 0017)
            result, _ = run_with_progress(
                self,
                "Exporting",
                lambda progress: transfer.export(fmt, out, progress=progress, **options),
                context="exporting",
            )
        except (AnnotatorError, OSError) as exc:
            self.result_text = str(exc)
            _message(self, "exportReport", "Export failed", self.result_text, True)
            return
        self.result_text = result.summary()
        _message(self.parentWidget() or self, "exportReport", "Export", self.result_text, False)
        self.accept()


class ImportDialog(QDialog):
    """Choose files, format and target layer, then import with progress."""

    def __init__(self, parent: QWidget, transfer: TransferService, annotator: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import annotations")
        self.setObjectName("importAnnotationsDialog")
        self._transfer = transfer
        self.report: Any = None
        self.format = _format_combo(self, transfer.import_formats)
        self.paths = QLineEdit(self)
        self.paths.setToolTip("Files or folders; separate several with ';'")
        self.annotator = QLineEdit(annotator, self)
        self.scheme = QComboBox(self)
        self.scheme.addItems(["iob2", "iob1", "bioes"])
        self.add_labels = QCheckBox("Add unknown labels and types to the schema", self)
        self.add_labels.setToolTip(
            "Span labels, event types with their roles, relation types and attributes; "
            "for brat, also what its annotation.conf declares"
        )
        self.replace = QCheckBox("Replace this annotator's existing annotations", self)
        self.skip_bad_lines = QCheckBox("doccano: skip bad lines and list them", self)
        self.offsets = QComboBox(self)
        self.offsets.addItem("the file's own 'offsets', else UTF-16 code units", "")
        for unit, text in OFFSET_UNITS:
            self.offsets.addItem(text, unit)
        self.offsets.setToolTip("What the start and end offsets of doccano lines count")
        self.predictions = QCheckBox("Label Studio: import predictions, not annotations", self)
        self.predictions.setToolTip("Each task's first prediction (a model's output)")
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("Files", _path_row(self, self.paths, self._browse))
        form.addRow("Into annotator", self.annotator)
        form.addRow("CoNLL tag scheme", self.scheme)
        form.addRow("", self.add_labels)
        form.addRow("", self.replace)
        form.addRow("", self.skip_bad_lines)
        form.addRow("doccano offsets", self.offsets)
        form.addRow("", self.predictions)
        form.addRow(_ok_cancel(self, self.run))
        self.format.currentIndexChanged.connect(self._enable_options)
        self._enable_options()

    def _enable_options(self) -> None:
        """Enable each option for the formats it applies to."""
        fmt = self.format.currentData()
        self.scheme.setEnabled(fmt in TAG_FORMATS)
        self.skip_bad_lines.setEnabled(fmt == "doccano")
        self.offsets.setEnabled(fmt == "doccano")
        self.predictions.setEnabled(fmt == "labelstudio")

    def _browse(self) -> None:
        if self.format.currentData() == "brat":
            path = QFileDialog.getExistingDirectory(self, "brat folder", folders.start_in())
            chosen = [path] if path else []
        else:
            chosen, _ = QFileDialog.getOpenFileNames(self, "Annotated files", folders.start_in())
        folders.remember(chosen)
        if chosen:
            self.paths.setText(";".join(chosen))

    def run(self) -> None:
        """Import; each file goes in completely or not at all; show what happened."""
        paths = [Path(p.strip()) for p in self.paths.text().split(";") if p.strip()]
        name = self.annotator.text().strip()
        if not paths or not name:
            _message(self, "importAnnotationsReport", "Import", "Choose files and a name.", True)
            return
        fmt, transfer = self.format.currentData(), self._transfer
        options: dict[str, Any] = {
            "add_labels": self.add_labels.isChecked(),
            "replace": self.replace.isChecked(),
            "scheme": self.scheme.currentText(),
            "skip_bad_lines": self.skip_bad_lines.isEnabled() and self.skip_bad_lines.isChecked(),
            "offsets": self.offsets.currentData() if fmt == "doccano" else "",
            "predictions": self.predictions.isEnabled() and self.predictions.isChecked(),
        }
        try:  # on a worker thread; each file is committed on its own (ADR 0017)
            report, cancelled = run_with_progress(
                self,
                "Importing",
                lambda progress: transfer.import_files(
                    paths, fmt, name, progress=progress, **options
                ),
                context="importing annotations",
            )
        except (AnnotatorError, OSError) as exc:
            _message(self, "importAnnotationsReport", "Import failed", str(exc), True)
            return
        self.report = report
        lines = [o.message for o in report.outcomes]  # each file's ImportSummary, as the CLI
        text = "\n".join([*lines, files_line(len(report.added), len(report.rejected))])
        text = text if lines else "No files found."
        if cancelled:
            text = f"Import cancelled after {len(report.outcomes)} files.\n{text}"
        warn = bool(report.rejected) or not report.outcomes or cancelled
        _message(self.parentWidget() or self, "importAnnotationsReport", "Import", text, warn)
        self.accept()


def install_transfer_actions(window: Any, transfer: TransferService) -> tuple[QAction, QAction]:
    """Add File → "Import annotations…" and "Export…" to ``window.file_menu``.

    ``window`` provides ``file_menu``, ``current_annotator()``, ``refresh_documents()``,
    ``current_doc_id()`` and ``open_document(doc_id)``.
    """
    menu = window.file_menu
    quit_ = next((a for a in menu.actions() if a.text().replace("&", "") == "Quit"), None)
    import_action = QAction("Import annotations…", menu)
    import_action.setObjectName("importAnnotationsAction")
    export_action = QAction("Export…", menu)
    if quit_ is None:
        menu.addSeparator()
        menu.addActions([import_action, export_action])
    else:
        menu.insertActions(quit_, [import_action, export_action])
        menu.insertSeparator(quit_)
    export_action.setObjectName("exportAction")
    export_action.setShortcut("Ctrl+E")

    def open_import() -> None:
        dialog = ImportDialog(window, transfer, window.current_annotator())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: _refresh(window))
        dialog.open()

    def open_export() -> None:
        dialog = ExportDialog(window, transfer, window.current_annotator())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    import_action.triggered.connect(open_import)
    export_action.triggered.connect(open_export)
    return import_action, export_action


def _refresh(window: Any) -> None:
    window.refresh_documents()
    doc_id = window.current_doc_id()
    if doc_id is not None:
        window.open_document(doc_id)


def install(window: Any, project: Project) -> None:
    """Extension hook called by ``annotator.app``."""
    install_transfer_actions(window, project.transfer())
