"""Issue 19 item 6: every importer fills one :class:`ImportSummary`, and the import shows it.

Each registered import format is exported from a real project, read back with
:func:`annotator.formats.inputs.read_file`, and imported again: the reader's
summary is the one type, it counts what came in, and the outcome's message (what
the command line prints and the window shows) is that summary's text.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.formats.base import ReadOptions
from annotator.formats.files import FOLDER_FORMATS
from annotator.formats.inputs import collect_inputs, read_file
from annotator.formats.summary import ImportSummary
from annotator.services.project import Project
from annotator.services.transfer import (
    IMPORT_FORMATS,
    ExportRequest,
    ImportRequest,
    export_layer,
    import_annotations,
)
from tests.golden.seed000 import ANNOTATOR, annotate_seed000

_SUFFIX = {"conll": "conll", "conll2002": "conll", "conllu": "conllu", "labelstudio": "json"}


def _exported(project: Project, tmp_path: Path, fmt: str) -> Path:
    annotate_seed000(project)
    name = "out" if fmt in FOLDER_FORMATS else f"out.{_SUFFIX.get(fmt, 'jsonl')}"
    export_layer(project, ExportRequest(fmt, tmp_path / name, annotator=ANNOTATOR))
    (path,) = collect_inputs([tmp_path / name], fmt)
    return path


@pytest.mark.parametrize("fmt", IMPORT_FORMATS)
def test_every_import_format_returns_an_import_summary(
    project: Project, tmp_path: Path, fmt: str
) -> None:
    path = _exported(project, tmp_path, fmt)
    schema = project.schemas.schema  # what the import reads with (Label Studio needs it)
    opts = ReadOptions(
        span_labels=frozenset(schema.span_label_names()),
        event_types=frozenset(e.name for e in schema.events),
        relation_types=frozenset(r.name for r in schema.relations),
        add_labels=True,
    )
    docs, summary = read_file(fmt, path, opts)
    assert isinstance(summary, ImportSummary) and summary is opts.summary
    assert docs
    assert summary.stored == {
        "documents": len(docs),
        "spans": sum(len(d.spans) for d in docs),
        "events": sum(len(d.events) for d in docs),
        "relations": sum(len(d.relations) for d in docs),
    }
    report = import_annotations(project, ImportRequest((path,), fmt, "back", add_labels=True))
    (outcome,) = report.outcomes
    assert outcome.status == "added", outcome.message
    first, *rest = outcome.message.split("\n")
    came = ", ".join(f"{n} {what}" for what, n in summary.stored.items())
    assert first.startswith(f"{path}: {came} imported into 'back'.")
    assert rest == [f"  {line}" for line in [*summary.unkept_lines(), *summary.notes]]


def test_what_is_not_kept_is_counted_with_its_first_lines() -> None:
    summary = ImportSummary()
    for line in (12, 3, 3, 40):
        summary.not_imported("zero-width annotation", line)
    summary.not_imported("LEMMA", 6)
    summary.not_imported("LEMMA", 7, count=23)  # a shape of 23 lines, the first on 7
    summary.not_imported("LEMMA", 2)  # after a shape, the lines named stop
    for line in range(100, 110):
        summary.not_imported("empty nodes", line)
    assert summary.unkept_lines() == [
        "Not imported: 4 × zero-width annotation (lines 3, 12, 40).",
        "Not imported: 25 × LEMMA (lines 6, 7, …).",
        "Not imported: 10 × empty nodes (lines 100, 101, 102, 103, 104, 105, 106, 107, …).",
    ]


def test_the_text_puts_counts_first_then_one_line_per_thing_not_kept() -> None:
    summary = ImportSummary()
    summary.took(documents=2, spans=5, events=1, relations=0)
    summary.count("T lines", 5)
    summary.not_imported("MISC Foo", 3)
    summary.note("line 9 skipped: 'text' is missing or not a string.")
    summary.into = "ann"
    assert summary.text("f.jsonl").split("\n") == [
        "f.jsonl: 2 documents, 5 spans, 1 events, 0 relations imported into 'ann'. "
        "Read: 5 T lines.",
        "  Not imported: 1 × MISC Foo (line 3).",
        "  line 9 skipped: 'text' is missing or not a string.",
    ]


def test_a_conllu_import_loads_no_other_format_module(tmp_path: Path) -> None:
    """The command line's import pays only for its own reader (issue 19 item 1)."""
    code = (
        "import sys\n"
        "from annotator.services.transfer_import import import_annotations\n"
        "from annotator.formats.inputs import reader\n"
        "reader('conllu')\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('annotator.formats.'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    loaded = set(done.stdout.split())
    assert "annotator.formats.conllu_read" in loaded
    others = ("files", "webanno", "webanno_files", "doccano", "labelstudio", "brat", "spacy")
    assert not loaded & {f"annotator.formats.{name}" for name in others}
