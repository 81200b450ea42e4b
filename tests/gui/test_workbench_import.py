"""File → Import in the GUI: bad files are named with a reason, the database is unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from annotator.core import tokens
from annotator.services.project import Project
from annotator.store import bigvalues
from annotator.ui.main_window import MainWindow
from tests.conftest import SEEDS
from tests.large_corpus import assert_stored_exactly, file_and_text


def counts(project: Project) -> tuple[int, int]:
    ids = project.documents.document_ids()
    spans = sum(len(project.annotations.spans(i, "tester")) for i in ids)
    return len(ids), spans


def report_box(window: MainWindow) -> QMessageBox:
    box = window.last_import_report
    assert box.isVisible()
    return box


def test_invalid_files_are_reported_and_nothing_is_stored(
    qtbot: Any, window: MainWindow, project: Project, tmp_path: Path
) -> None:
    bad_utf8 = tmp_path / "latin1.txt"
    bad_utf8.write_bytes("café".encode("latin-1"))
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    before = counts(project)
    rows_before = window.documents.model_.rowCount()

    report = window.import_paths([bad_utf8, binary, empty])

    assert counts(project) == before
    assert window.documents.model_.rowCount() == rows_before
    assert len(report.rejected) == 3
    box = report_box(window)
    details = box.informativeText()
    assert "0 added" in box.text() and "3 rejected" in box.text()
    assert f"{bad_utf8}: is not valid UTF-8 (byte 0xe9 at offset 3)" in details
    assert f"{binary}: looks like a binary file" in details
    assert f"{empty}: is empty" in details
    assert box.icon() == QMessageBox.Icon.Warning
    box.accept()


def test_duplicates_are_reported_and_new_text_is_added(
    qtbot: Any, window: MainWindow, project: Project, tmp_path: Path
) -> None:
    fresh = tmp_path / "new.txt"
    fresh.write_text("نص جديد للتجربة\n", encoding="utf-8")
    seed = sorted(SEEDS.glob("*.txt"))[0]
    before = counts(project)
    report = window.import_paths([seed, fresh])
    assert counts(project) == (before[0] + 1, before[1])
    assert [o.status for o in report.outcomes] == ["duplicate", "added"]
    box = report_box(window)
    assert "already in the project" in box.informativeText()
    assert window.documents.model_.rowCount() == before[0] + 1
    assert window.documents.model_.rows()[-1].name == "new.txt"
    box.accept()


def test_a_long_text_is_imported_in_pieces_like_the_command_line(
    qtbot: Any,
    window: MainWindow,
    project: Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """File → Import runs the import on a worker thread through the same write path as
    ``annotator import``: a text over the (lowered) limits is tokenized in chunks and
    written in pieces, and stored exactly."""
    monkeypatch.setattr(tokens, "ONE_CALL", 97)
    monkeypatch.setattr(tokens, "CHUNK", 97)
    monkeypatch.setattr(bigvalues, "LONG", 100)
    monkeypatch.setattr(bigvalues, "MANY", 10)
    monkeypatch.setattr(bigvalues, "PIECE", 13)
    monkeypatch.setattr(bigvalues, "BLOCK", 7)
    source = tmp_path / "long.txt"
    text = file_and_text(source, 40)
    calls: list[int] = []
    real = bigvalues.insert_text

    def counted(*args: Any) -> int:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(bigvalues, "insert_text", counted)

    report = window.import_paths([source])

    assert [o.status for o in report.outcomes] == ["added"]
    assert calls == [1]  # the text went in pieces
    report_box(window).accept()
    assert_stored_exactly(project.path, text)
