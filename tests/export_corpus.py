"""A small project that stresses the exporters: awkward text, names and annotations.

Three documents, imported from files with CRLF line breaks (stored as ``\\n``),
holding emoji (astral, two UTF-16 units), NBSP, ZWNJ, tatweel, diacritics,
Latin and digits. Annotator ``amal`` has: nested spans, an Arabic label and a
label with ``_`` and ``.`` (both outside brat's plain names), a
``Conflict.Attack`` event with a repeated role, a relation, and attributes
whose names and values hold spaces and Arabic. Statuses differ per document.
"""

from __future__ import annotations

from pathlib import Path

from annotator.core.model import Argument, Bundle, Edit, Event, Relation, Span, Status
from annotator.core.schema import Label
from annotator.services.project import Project, open_project

ANNOTATOR = "amal"
ODD_LABELS = ("مكان", "my_label.x")
TEXTS = {
    "أ-وثيقة.txt": "قصفت 🚀 روسيا\u00a0مدينةَ حماة\u200cالسورية يوم 12 آذار.\r\n"
    "وقالــت وزارة الدفاع إنّ Reuters نقلت الخبر 😀 أمس.\r\n",
    "b doc.txt": "اجتمع وفدٌ من ORG-7 في دمشق مع 3 وزراء 👩‍👩‍👧.\r\nانتهى.\r\n",
    "ج.txt": "نصّ بلا 🌍 تعليقات\u00a0حتى الآن.\r\n",
}
STATUS = {"أ-وثيقة.txt": Status.DONE, "b doc.txt": Status.IN_PROGRESS, "ج.txt": Status.DONE}


def _span(
    doc: tuple[int, str], ident: int, word: str, label: str, attrs: dict[str, str] | None = None
) -> Span:
    start = doc[1].index(word)
    return Span(ident, doc[0], ANNOTATOR, start, start + len(word), label, attrs or {})


def _first(project: Project, name: str) -> tuple[int, str]:
    doc_id = project.documents.find_by_names([name])[name]
    return doc_id, project.documents.document(doc_id).text


def _annotate_first(project: Project) -> None:
    doc = doc_id, _ = _first(project, "أ-وثيقة.txt")
    spans = (
        _span(doc, -1, "قصفت", "Conflict.Attack"),
        _span(doc, -2, "روسيا", "GPE", {"mention kind": "اسم علم"}),
        _span(doc, -3, "مدينةَ حماة\u200cالسورية", "مكان"),
        _span(doc, -4, "حماة", "GPE"),
        _span(doc, -5, "🚀", "WEA"),
        _span(doc, -6, "وزارة الدفاع", "ORG", {"mention": "NAM"}),
        _span(doc, -7, "Reuters", "my_label.x"),
        _span(doc, -8, "12 آذار", "TIME"),
    )
    event = Event(
        0,
        doc_id,
        ANNOTATOR,
        "Conflict.Attack",
        -1,
        (Argument("Attacker", -2), Argument("Place", -3), Argument("Place", -4)),
        {"Tense": "Past"},
    )
    relation = Relation(0, doc_id, ANNOTATOR, "PART-WHOLE", -4, -3)
    bundle = Bundle(spans, (event,), (relation,))
    project.annotations.apply(Edit(doc_id, ANNOTATOR, add=bundle))


def _annotate_second(project: Project) -> None:
    doc = doc_id, _ = _first(project, "b doc.txt")
    spans = (
        _span(doc, -1, "ORG-7", "ORG"),
        _span(doc, -2, "دمشق", "GPE"),
        _span(doc, -3, "👩‍👩‍👧", "PER"),
    )
    relation = Relation(0, doc_id, ANNOTATOR, "PHYS", -3, -2)
    project.annotations.apply(Edit(doc_id, ANNOTATOR, add=Bundle(spans, (), (relation,))))


def build(folder: Path) -> Project:
    """Create the project in ``folder`` (the caller closes it)."""
    src = folder / "texts"
    src.mkdir(parents=True)
    for name, text in TEXTS.items():
        (src / name).write_bytes(text.encode("utf-8"))
    project = open_project(folder / "corpus.sqlite")
    project.documents.import_paths([src])
    schema = project.schemas.schema
    for name in ODD_LABELS:
        schema = schema.with_label(Label(name, "#123456"))
    project.schemas.replace(schema)
    _annotate_first(project)
    _annotate_second(project)
    for name, status in STATUS.items():
        project.documents.set_status(_first(project, name)[0], ANNOTATOR, status)
    return project
