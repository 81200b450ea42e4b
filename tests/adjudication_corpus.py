"""Three annotators who partly disagree on one document, for the adjudication tests.

The text has emoji, NBSP, ZWNJ, tatweel, diacritics, Latin letters and digits.
What each annotator has (a = amal, b = badr, c = carim):

- ``محمد`` PER: a, b, c.           - ``Z‌W`` WEA: a, b, c.       - ``2024`` TIME: a, b, c.
- ``الجيش السوريّة`` ORG: a, b; GPE: c.  Nested ``الســـوريّة`` GPE: a only.
- ``حماة`` GPE: b, c.              - ``ACE`` ORG: a; GPE: b; nothing: c.
- event Conflict.Attack on ``هاجم``: a, b, c, with arguments
  Attacker → the army (ORG for a, b; GPE for c), Instrument → ``Z‌W`` (a, c),
  Place → ``حماة`` (b only).
- relations: ORG-AFF PER → army ORG (a, b); PHYS PER → ``حماة`` (c only).
"""

from __future__ import annotations

from annotator.core.model import Argument, Bundle, Event, Relation, Span
from annotator.core.positions import CodePoint
from annotator.services.project import Project
from annotator.services.write import LayerImport, NewDocument

TEXT = "قال مُحَمَّدٌ 😀 إنّ الجيش\u00a0الســـوريّة هاجم بـ Z\u200cW في حماة عام 2024 و٣٤ جندياً من ACE."
NAME = "adjud_001"
ANNOTATORS = ("amal", "badr", "carim")
ARMY = "الجيش\u00a0الســـوريّة"
ATTACK = "Conflict.Attack"


def at(text: str, word: str) -> tuple[int, int]:
    """The code-point range of the first ``word`` in ``text``."""
    start = text.index(word)
    return start, start + len(word)


def layers(text: str = TEXT, doc_id: int = 1) -> dict[str, Bundle]:
    """The three annotators' layers (file-local span ids)."""
    return {name: _layer(name, text, doc_id) for name in ANNOTATORS}


def _layer(who: str, text: str, doc_id: int) -> Bundle:
    spans: dict[str, Span] = {}

    def span(key: str, word: str, label: str) -> None:
        start, end = at(text, word)
        spans[key] = Span(len(spans) + 1, doc_id, who, CodePoint(start), CodePoint(end), label)

    span("per", "مُحَمَّدٌ", "PER")
    span("wea", "Z\u200cW", "WEA")
    span("time", "2024", "TIME")
    span("army", ARMY, "GPE" if who == "carim" else "ORG")
    span("trigger", "هاجم", ATTACK)
    if who == "amal":
        span("nested", "الســـوريّة", "GPE")
    if who != "amal":
        span("hama", "حماة", "GPE")
    if who != "carim":
        span("ace", "ACE", "ORG" if who == "amal" else "GPE")
    args = [Argument("Attacker", spans["army"].id)]
    if who != "badr":
        args.append(Argument("Instrument", spans["wea"].id))
    if who == "badr":
        args.append(Argument("Place", spans["hama"].id))
    event = Event(1, doc_id, who, ATTACK, spans["trigger"].id, tuple(args))
    relations = []
    if who != "carim":
        relations.append(Relation(1, doc_id, who, "ORG-AFF", spans["per"].id, spans["army"].id))
    else:
        relations.append(Relation(1, doc_id, who, "PHYS", spans["per"].id, spans["hama"].id))
    return Bundle(tuple(spans.values()), (event,), tuple(relations))


def store(project: Project) -> tuple[int, str]:
    """Add the document and the three layers to ``project``; return (doc id, stored text)."""
    doc_id, _ = project.documents.add_text(NAME, TEXT)
    doc = project.documents.document(doc_id)
    for name, bundle in layers(doc.text, doc_id).items():
        item = LayerImport(NewDocument(doc.name, doc.text, doc.sha256), bundle)
        project.write.import_layers(name, [item], replace_layer=False)
    return doc_id, doc.text
