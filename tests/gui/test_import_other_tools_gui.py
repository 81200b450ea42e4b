"""File → Import annotations… and Export… with the options of other tools' formats.

doccano's own file with a bad line, Label Studio predictions, doccano grapheme offsets.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from annotator.services.project import Project
from annotator.ui.dialogs.transfer_dialogs import install
from tests.golden.seed000 import annotate_seed000
from tests.gui.conftest import make_window
from tests.gui.test_transfer_dialogs import _ok, _open, _report, _select

DOCCANO = Path(__file__).parent.parent / "data" / "doccano" / "example.jsonl"


def test_import_dialog_skips_doccano_bad_line_when_asked(qtbot: Any, project: Project) -> None:
    window = make_window(qtbot, project, annotator="tester")
    install(window, project)
    dialog = _open(qtbot, window, "importAnnotationsAction", "importAnnotationsDialog")
    _select(dialog.format, "doccano")
    dialog.paths.setText(str(DOCCANO))
    dialog.add_labels.setChecked(True)
    dialog.skip_bad_lines.setChecked(True)
    _ok(dialog)
    box = _report(qtbot, window, "importAnnotationsReport")
    assert "2 documents, 1 spans" in box.text()
    assert "line 3 skipped: 'text' is missing or not a string." in box.text()
    box.close()
    window.close()


LABEL_STUDIO = Path(__file__).parent.parent / "data" / "labelstudio"


def test_import_dialog_reads_label_studio_predictions_when_asked(
    qtbot: Any, project: Project
) -> None:
    window = make_window(qtbot, project, annotator="tester")
    install(window, project)
    dialog = _open(qtbot, window, "importAnnotationsAction", "importAnnotationsDialog")
    _select(dialog.format, "labelstudio")
    assert dialog.predictions.isEnabled() and not dialog.offsets.isEnabled()
    dialog.paths.setText(str(LABEL_STUDIO / "tasks_annotations_predictions.json"))
    dialog.predictions.setChecked(True)
    _ok(dialog)
    box = _report(qtbot, window, "importAnnotationsReport")
    # task 6's prediction is a 'choices' result; its annotation is not (the default reads that)
    assert "task 6 (line " in box.text() and "'choices' result" in box.text()
    assert "task 2 (line 44): 2 annotations" not in box.text()
    box.close()
    window.close()


def test_import_dialog_reads_doccano_grapheme_offsets(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    text = "😀 قصفَ مدينة حماة\u200cالسورية\u00a0يوم 12 آذار وقالــت Reuters"
    # grapheme clusters, by hand: 😀 0, space 1, ق 2, ص 3, فَ 4 (the fatha rides on its letter),
    # space 5, مدينة 6-11; in code points مدينة is 7-12, in UTF-16 units 8-13
    line = {"text": text, "label": [[6, 11, "LOC"]]}
    path = tmp_path / "graphemes.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    window = make_window(qtbot, project, annotator="tester")
    install(window, project)
    dialog = _open(qtbot, window, "importAnnotationsAction", "importAnnotationsDialog")
    _select(dialog.format, "doccano")
    _select(dialog.offsets, "graphemes")
    dialog.paths.setText(str(path))
    dialog.add_labels.setChecked(True)
    _ok(dialog)
    box = _report(qtbot, window, "importAnnotationsReport")
    assert "1 documents, 1 spans" in box.text(), box.text()
    box.close()
    (doc_id,) = project.documents.find_by_names(["graphemes.jsonl:1"]).values()
    (span,) = project.annotations.spans(doc_id, "tester")
    assert (span.start, span.end, span.label) == (7, 12, "LOC")
    assert text[span.start : span.end] == "مدينة"
    window.close()


def test_export_dialog_writes_doccano_graphemes_in_the_relation_layout(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    annotate_seed000(project)
    window = make_window(qtbot, project, annotator="amal")
    install(window, project)
    dialog = _open(qtbot, window, "exportAction", "exportDialog")
    _select(dialog.format, "conll")
    assert not dialog.offsets.isEnabled() and not dialog.layout_.isEnabled()
    _select(dialog.format, "doccano")
    _select(dialog.offsets, "graphemes")
    _select(dialog.layout_, "relation")
    out = tmp_path / "out.jsonl"
    dialog.out.setText(str(out))
    _ok(dialog)
    box = _report(qtbot, window, "exportReport")
    box.close()
    lines = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert {line["offsets"] for line in lines} == {"graphemes"}
    assert all("entities" in line and "relations" in line for line in lines)
    assert sum(len(line["entities"]) for line in lines) > 0
    window.close()
