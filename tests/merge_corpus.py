"""Laptop projects for the merge tests, built through the write service, and a row dump."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from annotator.core.model import Argument, Bundle, Event, Relation, Span
from annotator.core.positions import CodePoint
from annotator.core.text import text_sha256
from annotator.services.project import open_project
from annotator.services.write import LayerImport, NewDocument

# emoji, NBSP, ZWNJ, tatweel, diacritics, Latin and digits in every text
TEXTS = {
    "a.txt": "😀 قصفتْ الطائـرات\u00a0مدينة\u200cحماة في 2024 وكالة Reuters",
    "b.txt": "اجتمعَ الوفدُ في بيروت\u00a0يوم 12 مايو 👍 مع منظمة\u200cالـصحة Paris",
    "c.txt": "نصٌّ ثالث: هاجمت قوات 🚀 مدينة\u00a0دمشق عام 2011 حسب\u200cالـمصدر AFP",
}


def document(name: str, text: str | None = None) -> NewDocument:
    """A document of the corpus (``text`` defaults to the corpus text of ``name``)."""
    body = TEXTS[name] if text is None else text
    return NewDocument(name, body, text_sha256(body))


def _span(sid: int, text: str, word: str, label: str, attrs: dict[str, str] | None = None) -> Span:
    start = text.index(word)
    return Span(sid, 0, "", CodePoint(start), CodePoint(start + len(word)), label, attrs or {})


def rich_layer(name: str, status: str = "done", note: str = "ملاحظة 😀 note") -> LayerImport:
    """Spans with attributes, an event with two arguments and attributes, a relation."""
    doc = document(name)
    text = doc.text
    words = text.split()
    trigger, org, place = words[1], words[-1], words[3]
    spans = (
        _span(1, text, trigger, "Conflict.Attack"),
        _span(2, text, org, "ORG", {"MentionType": "NAM"}),
        _span(3, text, place, "GPE", {"MentionType": "NOM", "note": "حـرف\u200c"}),
    )
    event = Event(
        0,
        0,
        "",
        "Conflict.Attack",
        1,
        (Argument("Attacker", 2), Argument("Place", 3)),
        {"Polarity": "POSITIVE"},
    )
    relation = Relation(0, 0, "", "ORG-AFF", 2, 3)
    return LayerImport(doc, Bundle(spans, (event,), (relation,)), status, note)


def span_layer(name: str, word_index: int, label: str = "GPE", status: str = "") -> LayerImport:
    """One span on the ``word_index``-th word of a corpus text."""
    doc = document(name)
    word = doc.text.split()[word_index]
    return LayerImport(doc, Bundle((_span(1, doc.text, word, label),)), status)


def laptop(
    path: Path, annotator: str, layers: list[LayerImport], docs: tuple[str, ...] = ()
) -> Path:
    """A project file where ``annotator`` made ``layers`` (after adding ``docs`` in that order)."""
    project = open_project(path)
    try:
        if docs:
            project.write.add_documents([document(n) for n in docs])
        if layers:
            project.write.import_layers(annotator, layers, replace_layer=True)
    finally:
        project.close()
    return path


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of a closed project file."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in sorted(tables)}
    finally:
        con.close()
