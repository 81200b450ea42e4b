"""The hand-made annotations behind the golden export files, and how to rebuild them.

Seed 000 gets, in annotator ``amal``'s layer: an ORG with a GPE nested inside
(«وزارة الدفاع الروسية» ⊃ «الروسية»), a clitic-level GPE («محافظة» inside
«بمحافظة»), GPE «حماة», GPE «روسيا», WEA «صواريخ», a Conflict.Attack event
triggered by «هجوماً» (Attacker روسيا, Instrument صواريخ, Place حماة), a
PART-WHOLE relation (حماة → محافظة) and attributes on a span and the event.

Regenerate the files (only after checking a change is intended)::

    .venv/bin/python -m tests.golden.seed000
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from annotator.core.model import Argument, Bundle, Edit, Event, Relation, Span, Status
from annotator.services.project import Project, open_project
from annotator.services.transfer import ExportRequest, export_layer

GOLDEN = Path(__file__).resolve().parent
SEEDS = GOLDEN.parent.parent / "seeds"
SEED_NAME = "000_dfbb423181b2695a.txt"
ANNOTATOR = "amal"

# (placeholder id, word, occurrence, label, attributes)
SPANS = [
    (-1, "وزارة الدفاع الروسية", 0, "ORG", {"mention": "NAM"}),
    (-2, "الروسية", 0, "GPE", {}),
    (-3, "هجوماً", 0, "Conflict.Attack", {}),
    (-4, "روسيا", 0, "GPE", {}),
    (-5, "محافظة", 1, "GPE", {}),
    (-6, "حماة", 1, "GPE", {}),
    (-7, "صواريخ", 0, "WEA", {}),
]

# name -> (format, options)
EXPORTS: dict[str, tuple[str, dict[str, object]]] = {
    "seed000.jsonl": ("jsonl", {}),
    "seed000.doccano.jsonl": ("doccano", {}),
    "seed000.spacy.jsonl": ("spacy", {}),
    "seed000.conll": ("conll", {}),
    "seed000.bioes.conll": ("conll", {"scheme": "bioes"}),
    "seed000.inner.conll": ("conll", {"nested": "inner"}),
    "seed000.events.conll": ("conll", {"events": True}),
    "seed000.conllu": ("conllu", {}),
    "brat": ("brat", {}),
    # token formats with the clitic rule and all nesting levels (ADR 0010)
    "seed000.clitics.conll": ("conll", {"segment": "clitics", "nested": "all", "events": True}),
    "seed000.space.conll": ("conll", {"separator": "space"}),
    "seed000.clitics.conllu": ("conllu", {"segment": "clitics", "nested": "all", "events": True}),
    "seed000.clitics.spacy.jsonl": ("spacy", {"segment": "clitics"}),
    "seed000.hf.jsonl": ("hf", {"segment": "clitics", "nested": "all", "events": True}),
}
SIDECARS = ("seed000.hf.features.json",)  # written beside an export, compared too


def _offset(text: str, word: str, occurrence: int) -> int:
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(word, at + 1)
    return at


def annotate_seed000(project: Project) -> int:
    """Add the hand-made annotations to seed 000; return its document id."""
    doc_id = project.documents.find_by_names([SEED_NAME])[SEED_NAME]
    text = project.documents.document(doc_id).text
    spans = []
    for ident, word, occurrence, label, attrs in SPANS:
        start = _offset(text, word, occurrence)
        spans.append(Span(ident, doc_id, ANNOTATOR, start, start + len(word), label, attrs))
    event = Event(
        0,
        doc_id,
        ANNOTATOR,
        "Conflict.Attack",
        -3,
        (Argument("Attacker", -4), Argument("Instrument", -7), Argument("Place", -6)),
        {"Tense": "Past"},
    )
    relation = Relation(0, doc_id, ANNOTATOR, "PART-WHOLE", -6, -5)
    bundle = Bundle(tuple(spans), (event,), (relation,))
    project.annotations.apply(Edit(doc_id, ANNOTATOR, add=bundle))
    project.documents.set_status(doc_id, ANNOTATOR, Status.IN_PROGRESS)
    return doc_id


def export_all(project: Project, folder: Path) -> None:
    """Write every golden export of the ``amal`` layer into ``folder``."""
    for name, (fmt, options) in EXPORTS.items():
        request = ExportRequest(fmt, folder / name, annotator=ANNOTATOR, **options)  # type: ignore[arg-type]
        export_layer(project, request)


def main() -> None:
    """Rebuild the golden files from a fresh project."""
    with tempfile.TemporaryDirectory() as tmp:
        project = open_project(Path(tmp) / "golden.sqlite")
        try:
            project.documents.import_paths([SEEDS])
            annotate_seed000(project)
            export_all(project, GOLDEN)
        finally:
            project.close()


if __name__ == "__main__":
    main()
