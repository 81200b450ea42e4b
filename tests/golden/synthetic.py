"""A synthetic corpus for the token formats: every awkward character in a few documents.

Emoji (with a skin-tone modifier), NBSP, ZWNJ, tatweel, diacritics, CRLF line
breaks (normalised to LF on import), Latin, Arabic-Indic and ASCII digits,
tabs, runs of spaces, blank lines and leading white space. Spans are placed
by substring so that some fall on word tokens, some only on clitic pieces
(«محافظة» in «بمحافظة», «مدينة» in «للمدينة»), one inside a token in every
scheme, one nested, and one is an event trigger with an argument.
"""

from __future__ import annotations

from annotator.core.model import Argument, Bundle, Edit, Event, Span
from annotator.services.project import Project

ANNOTATOR = "synth"
TEXTS = {
    "synthetic-1.txt": (
        "  وَالكِتابُ الجديد😀 في بـــيروت\u00a0اليوم.\n\n\n"
        "قال محمد\u200cعلي: «سنة 2026» and Latin text\twith tab."
    ),
    "synthetic-2.txt": (
        "الرئيس\r\nالفرنسي   ماكرون زار للمدينة والحكومة بمحافظة حلب!\r\n😀👍🏽 ٣٤ كلمة\u200cهنا"
    ),
    "synthetic-3.txt": (
        "صدر بيان عن الولايات المتحدة \u00a0\u00a0 حول إدلب؟ نعم.\t\tانتهى الهجوم على حلب  \n"
    ),
}
# (document, substring, occurrence, label); "Conflict.Attack" spans become event triggers
SPANS = [
    ("synthetic-1.txt", "بـــيروت", 0, "GPE"),
    ("synthetic-1.txt", "محمد\u200cعلي", 0, "PER"),
    ("synthetic-1.txt", "Latin", 0, "JOB-TITLE"),  # a label with a hyphen
    ("synthetic-1.txt", "كِتابُ", 0, "WEA"),  # clitic piece of «وَالكِتابُ»
    ("synthetic-1.txt", "2026", 0, "FAC"),
    ("synthetic-2.txt", "الرئيس\nالفرنسي   ماكرون", 0, "PER"),
    ("synthetic-2.txt", "الفرنسي", 0, "GPE"),  # nested in the PER above
    ("synthetic-2.txt", "مدينة", 0, "LOC"),  # clitic piece of «للمدينة»
    ("synthetic-2.txt", "محافظة", 0, "GPE"),  # clitic piece of «بمحافظة»
    ("synthetic-2.txt", "حلب", 0, "GPE"),
    ("synthetic-2.txt", "😀", 0, "ORG"),
    ("synthetic-2.txt", "كلم", 0, "PER"),  # inside a token in every scheme
    ("synthetic-3.txt", "الولايات المتحدة", 0, "GPE"),
    ("synthetic-3.txt", "إدلب", 0, "GPE"),
    ("synthetic-3.txt", "الهجوم", 0, "Conflict.Attack"),
    ("synthetic-3.txt", "حلب", 0, "GPE"),
]
# spans kept by each segmentation (the rest do not start and end on token boundaries)
ALIGNED = {"none": 12, "article": 14, "clitics": 15}


def _offset(text: str, word: str, occurrence: int) -> int:
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(word, at + 1)
    return at


def add_synthetic(project: Project, annotator: str = ANNOTATOR) -> dict[str, int]:
    """Store the documents and the spans (and one event); return document ids by name."""
    ids = {name: project.documents.add_text(name, text)[0] for name, text in TEXTS.items()}
    by_doc: dict[str, list[Span]] = {}
    for name, word, occurrence, label in SPANS:
        text = project.documents.document(ids[name]).text
        start = _offset(text, word, occurrence)
        spans = by_doc.setdefault(name, [])
        spans.append(Span(-len(spans) - 1, ids[name], annotator, start, start + len(word), label))
    for name, spans in by_doc.items():
        events: tuple[Event, ...] = ()
        trigger = next((s for s in spans if s.label == "Conflict.Attack"), None)
        if trigger is not None:
            place = next(s for s in spans if s.label == "GPE" and s.start > trigger.start)
            events = (
                Event(
                    0,
                    ids[name],
                    annotator,
                    "Conflict.Attack",
                    trigger.id,
                    (Argument("Place", place.id),),
                ),
            )
        bundle = Bundle(tuple(spans), events, ())
        project.annotations.apply(Edit(ids[name], annotator, add=bundle))
    return ids
