"""A merge in a worker process (ADR 0017): real project files, a real child process."""

from __future__ import annotations

from pathlib import Path

from annotator.core.change import Change
from annotator.core.model import Bundle, Span
from annotator.core.positions import CodePoint
from annotator.services.merge import MergeService
from annotator.services.project import Project, open_project
from annotator.services.write import LayerImport
from tests.merge_corpus import TEXTS, document, dump, laptop, rich_layer, span_layer


def test_what_the_worker_process_merged_is_announced_here_as_an_import(
    proj: Project, tmp_path: Path
) -> None:
    proj.documents.add_text("a.txt", TEXTS["a.txt"])
    other = laptop(tmp_path / "laptop.db", "ali", [rich_layer("b.txt"), span_layer("c.txt", 5)])
    heard: list[Change] = []
    proj.write.changed.connect(heard.append)
    proj.foreign_changes()  # what came before
    service = MergeService(proj)
    run = service.worker()
    try:
        assert run.read([other]) == ""  # the same schema: no choice to make
        report, changes, rows = run.merge("stop", "ali")
    finally:
        run.close()
    assert heard == []  # nothing is announced until the window adopts it
    service.adopt(changes)
    assert heard == changes
    names = proj.documents.find_by_names(["b.txt", "c.txt"])
    assert sorted(d for c in heard for d in c.new_documents) == sorted(names.values())
    assert report.summary() == "Merged 1 of 1 file: 2 documents added, 2 layers added, 0 updated."
    assert rows == proj.documents.summaries("ali")
    assert [r.span_count for r in rows if r.name in names] == [3, 1]
    # written under the window's session, so the window hears an import, not another program
    assert {origin for origin, *_ in proj.foreign_changes()} == {"import"}


def _many_layers(path: Path, count: int) -> Path:
    items = []
    for k in range(count):
        doc = document(f"m{k:03d}.txt", f"{TEXTS['a.txt']} رقم {k}")
        start = doc.text.index("حماة")
        span = Span(1, 0, "", CodePoint(start), CodePoint(start + 4), "GPE")
        items.append(LayerImport(doc, Bundle((span,))))
    other = open_project(path)
    try:
        other.write.import_layers("ali", items, replace_layer=True)
    finally:
        other.close()
    return path


def test_cancel_in_the_worker_process_leaves_every_row_as_it_was(
    proj: Project, db_path: Path, tmp_path: Path
) -> None:
    proj.documents.add_text("a.txt", TEXTS["a.txt"])
    other = _many_layers(tmp_path / "laptop.db", 300)
    before = dump(db_path)
    run = MergeService(proj).worker()
    seen: list[tuple[int, int, str]] = []

    def cancel_at_the_first_layer(done: int, total: int, name: str) -> bool:
        seen.append((done, total, name))
        return total != 300  # reading reports 1 file; merging reports 300 layers

    try:
        run.read([other], cancel_at_the_first_layer)
        report, changes, rows = run.merge("stop", "ali", cancel_at_the_first_layer)
    finally:
        run.close()
    assert report.cancelled
    assert report.summary() == "Merge cancelled: 0 files were merged before, the rest were not."
    assert changes == [] and rows == proj.documents.summaries("ali")
    assert [s for s in seen if s[1] == 300][0] == (0, 300, "m000.txt")
    assert dump(db_path) == before
