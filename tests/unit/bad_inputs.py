"""Malformed inputs shared by the bad-input tests: each with the line and reason expected.

The base document has an emoji, NBSP, ZWNJ, tatweel, diacritics, Latin and
digits; every bad variant breaks exactly one thing in it.
"""

from __future__ import annotations

import json
from typing import Any

TEXT = "😀 هجومٌ على حماةَ\u00a0في\u200cالصباح ـ قال Latin 2024"
GOOD_TEXT = "نصٌّ آخر\u00a0سليم 😀 abc 7"


def _at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def base_object() -> dict[str, Any]:
    """A document that imports cleanly into the ACE 2005 schema."""
    spans = []
    for i, (word, label) in enumerate(
        [("هجومٌ", "Conflict.Attack"), ("حماةَ", "GPE"), ("الصباح", "GPE")], 1
    ):
        start, end = _at(word)
        spans.append({"id": i, "start": start, "end": end, "label": label, "text": word})
    spans[1]["attributes"] = {"mention": "NAM"}
    return {
        "name": "خبر.txt",
        "text": TEXT,
        "spans": spans,
        "events": [
            {
                "id": 1,
                "type": "Conflict.Attack",
                "trigger": 1,
                "arguments": [{"role": "Place", "span": 2}],
            }
        ],
        "relations": [{"id": 1, "type": "PART-WHOLE", "arg1": 2, "arg2": 3}],
    }


def good_line() -> str:
    """A second, valid document, put on line 1 before the bad one."""
    return json.dumps({"text": GOOD_TEXT, "spans": []}, ensure_ascii=False)


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def apply(obj: dict[str, Any]) -> None:
        target: Any = obj
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return apply


SURROGATE = "@@S@@"  # replaced by a JSON \ud800 escape after dumping
HUGE = "@@H@@"  # replaced by a 5,000-digit number
DEEP = "@@D@@"  # replaced by 100,000 nested lists

# name -> (change to the base object, words the message must contain)
JSONL_CASES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "deep nesting": (_set(("relations",), DEEP), ("nested too deeply",)),
    "5000-digit number": (_set(("spans", 0, "id"), HUGE), ("bad JSON", "digits")),
    "surrogate in text": (_set(("text",), TEXT + SURROGATE), ("unpaired surrogate",)),
    "surrogate in name": (_set(("name",), SURROGATE), ("unpaired surrogate",)),
    "surrogate in label": (_set(("spans", 2, "label"), "GPE" + SURROGATE), ("surrogate",)),
    "surrogate in attribute key": (
        _set(("spans", 1, "attributes"), {SURROGATE: "NAM"}),
        ("unpaired surrogate",),
    ),
    "surrogate in attribute value": (
        _set(("spans", 1, "attributes", "mention"), SURROGATE),
        ("unpaired surrogate",),
    ),
    "surrogate in role": (
        _set(("events", 0, "arguments", 0, "role"), "Place" + SURROGATE),
        ("unpaired surrogate",),
    ),
    "surrogate in event type": (_set(("events", 0, "type"), SURROGATE), ("surrogate",)),
    "surrogate in relation type": (_set(("relations", 0, "type"), SURROGATE), ("surrogate",)),
    "arguments is a number": (
        _set(("events", 0, "arguments"), 5),
        ("event 1's 'arguments' must be a list",),
    ),
    "argument not an object": (
        _set(("events", 0, "arguments"), ["Place"]),
        ("argument that is not an object",),
    ),
    "role not a string": (
        _set(("events", 0, "arguments", 0, "role"), 7),
        ("'role' is missing, empty or not a string",),
    ),
    "span id not an integer": (_set(("spans", 0, "id"), "1"), ("no integer 'id'",)),
    "span id a boolean": (_set(("spans", 0, "id"), True), ("no integer 'id'",)),
    "end a boolean": (_set(("spans", 0, "end"), True), ("offsets must be integers",)),
    "attributes not an object": (
        _set(("spans", 1, "attributes"), ["mention"]),
        ("'attributes' must map strings to strings",),
    ),
    "attribute value not a string": (
        _set(("spans", 1, "attributes"), {"mention": 1}),
        ("'attributes' must map strings to strings",),
    ),
    "trigger not an integer": (_set(("events", 0, "trigger"), [1]), ("refers to span [1]",)),
    "same argument twice": (
        _set(("events", 0, "arguments"), [{"role": "Place", "span": 2}] * 2),
        ("has the 'Place' argument twice",),
    ),
    "trigger as its own argument": (
        _set(("events", 0, "arguments"), [{"role": "Place", "span": 1}]),
        ("uses its own trigger",),
    ),
    "self relation": (_set(("relations", 0, "arg2"), 2), ("links span 2 to itself",)),
    "name not a string": (_set(("name",), {"a": 1}), ("'name' is missing, empty",)),
    "invisible-only text": (_set(("text",), "\u200c\u200f \ufeff"), ("invisible",)),
}


def jsonl_content(change: Any) -> str:
    """Line 1 a good document, line 2 the base document with ``change`` applied."""
    obj = base_object()
    change(obj)
    line = json.dumps(obj, ensure_ascii=False)
    line = line.replace(json.dumps(SURROGATE)[1:-1], "\\ud800")
    line = line.replace(json.dumps(HUGE), "9" * 5000)
    line = line.replace(json.dumps(DEEP), "[" * 100_000 + "]" * 100_000)
    return good_line() + "\n" + line + "\n"


def _conllu(rows: list[str]) -> str:
    out = ["# newdoc id = خبر"]
    for row in rows:
        if not row:
            out.append("")
            continue
        ident, form, misc = row.split(" ")
        out.append(f"{ident}\t{form}\t_\t_\t_\t_\t_\t_\t_\t{misc}")
    return "\n".join(out) + "\n"


# name -> (content, line, words the message must contain)
CONLLU_CASES: dict[str, tuple[str, int, tuple[str, ...]]] = {
    "range crosses a sentence": (
        _conllu(["1 قال NER=O", "2-3 بحماةَ _", "2 ب NER=O", "", "1 حماةَ NER=B-GPE"]),
        3,
        ("multiword token 2-3 is not complete",),
    ),
    "range reversed": (_conllu(["1 قال NER=O", "3-2 بحماة _"]), 3, ("bad ID range",)),
    "range with superscript digit": (_conllu(["²-3 بحماة _"]), 2, ("bad ID range",)),
    "range with Arabic-Indic digits": (_conllu(["١-٢ بحماة _"]), 2, ("bad ID range",)),
    "range inside a range": (
        _conllu(["1-2 بحماة _", "1-3 بحماة _"]),
        3,
        ("starts inside the one on line 2",),
    ),
    "range parts out of order": (
        _conllu(["1-2 بحماة _", "2 ب NER=O"]),
        3,
        ("is not the next part (1)",),
    ),
    "token id in Arabic-Indic digits": (_conllu(["١ قال NER=O"]), 2, ("bad token ID",)),
    "carriage return in SpacesAfter": (
        _conllu(["1 قال NER=O|SpacesAfter=\\r", "2 😀 NER=O"]),
        2,
        ("CR line breaks",),
    ),
    "leading BOM": (_conllu(["1 \ufeffقال NER=O"]), 2, ("leading BOM",)),
    "invisible-only text": (_conllu(["1 \u200c NER=O", "2 \u200f NER=O"]), 2, ("invisible",)),
    "empty form": (_conllu(["1 \u200c NER=O"]).replace("\t\u200c\t", "\t\t"), 2, ("FORM",)),
}

BRAT_TEXT = TEXT
_T1 = "T1\tConflict.Attack {} {}\tهجومٌ".format(*_at("هجومٌ"))
_T2 = "T2\tGPE {} {}\tحماةَ".format(*_at("حماةَ"))
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# name -> (.ann lines, line, words the message must contain)
BRAT_CASES: dict[str, tuple[list[str], int, tuple[str, ...]]] = {
    "Arabic-Indic offsets": (
        [_T1, "T2\tGPE " + _T2.split(" ", 1)[1].translate(_ARABIC_DIGITS)],
        2,
        ("bad offsets", "ASCII"),
    ),
    "Arabic-Indic id": ([_T1, _T2.replace("T2", "T٢")], 2, ("bad annotation id", "ASCII")),
    "superscript id": ([_T1, _T2.replace("T2", "T²")], 2, ("bad annotation id",)),
    "T1 twice": ([_T1, _T2, _T2.replace("T2", "T1")], 3, ("'T1' is already used on line 1",)),
    "T1 and T01": (
        [_T1, _T2, _T2.replace("T2", "T01"), "E1\tConflict.Attack:T1 Place:T01"],
        3,
        ("'T01' has the same number as 'T1' on line 1",),
    ),
    "E1 twice": (
        [_T1, _T2, "E1\tConflict.Attack:T1", "E1\tConflict.Attack:T1 Place:T2"],
        4,
        ("'E1' is already used on line 3",),
    ),
    "same argument twice": (
        [_T1, _T2, "E1\tConflict.Attack:T1 Place:T2 Place2:T2"],
        3,
        ("has the 'Place' argument twice",),
    ),
    "trigger as its own argument": (
        [_T1, _T2, "E1\tConflict.Attack:T1 Place:T1"],
        3,
        ("uses its own trigger",),
    ),
    "empty role": ([_T1, _T2, "E1\tConflict.Attack:T1 :T2"], 3, ("argument role",)),
    "self relation": ([_T1, _T2, "R1\tPART-WHOLE Arg1:T2 Arg2:T2"], 3, ("T2 to itself",)),
    "attribute set twice": (
        [_T1, _T2, "A1\tmention T2 NAM", "A2\tmention T2 NOM"],
        4,
        ("'mention' of T2 is set twice",),
    ),
    "short attribute line": ([_T1, "A1\tmention"], 2, ("Name Target",)),
}
