"""CoNLL-U's MISC column as the reader takes it apart (issue 19: the treebank import reads
a line's MISC values only where its keys matter, and names the keys it does not keep).

The fields hold emoji, NBSP (U+00A0), ZWNJ (U+200C), tatweel (U+0640), diacritics,
Latin and digits, and the malformed shapes a file may have (empty items, empty keys,
values with ``=``).
"""

from __future__ import annotations

from annotator.formats import conllu
from annotator.formats.base import ReadOptions
from annotator.formats.conllu_misc import keys_of, misc_of

_VALUE = "بِـ\u00a0\u200c😀x9"  # diacritic, tatweel, NBSP, ZWNJ, emoji, Latin, digit

FIELDS = {
    f"Vform={_VALUE}|Gloss=a=b|Translit=ab": {"Vform": _VALUE, "Gloss": "a=b", "Translit": "ab"},
    "SpaceAfter=No|NE=B-PER": {"SpaceAfter": "No", "NE": "B-PER"},
    "Foreign|Root=x": {"Foreign": "", "Root": "x"},
    f"a||b={_VALUE}": {"a": "", "b": _VALUE},
    "|Gloss=x|": {"Gloss": "x"},
    "=x|NE=B-LOC": {"x": "", "NE": "B-LOC"},
    "Gloss=1|=y": {"Gloss": "1", "y": ""},
    "_": {},
    "": {},
}


def test_misc_items_are_the_keys_and_values_between_bars() -> None:
    for field, expected in FIELDS.items():
        got = misc_of(field)
        assert (got, list(got)) == (expected, list(expected)), field


def test_fields_with_other_keys_have_other_key_strings() -> None:
    # the reader counts lines by this string and names their keys from the first one
    pairs = [("=x", "=y"), ("_", "_=x"), ("Gloss=1|=y", "Gloss=1|=z"), ("a=1|b", "a=1|c=b")]
    for one, other in pairs:
        assert list(misc_of(one)) != list(misc_of(other)), (one, other)
        assert keys_of(one) != keys_of(other), (one, other)


def _line(n: int, form: str, misc: str) -> str:
    return "\t".join([str(n), form, "_", "_", "_", "_", "_", "_", "_", misc])


def test_keys_not_kept_are_named_for_each_line_that_has_them() -> None:
    content = "\n".join(
        [
            "# newdoc id = d1",
            "# text = ب😀 x9",
            _line(1, "بِـ", "=Foo"),
            _line(2, "😀", "=Bar|SpaceAfter=No"),
            _line(3, "x9", "NE=B-PER"),
            "",
        ]
    )
    opts = ReadOptions(span_labels=None)
    docs = conllu.read(content, "m.conllu", opts)
    assert opts.summary.unkept_lines() == [
        "Not imported: 1 × MISC Foo (line 3).",
        "Not imported: 1 × MISC Bar (line 4).",
    ]
    (doc,) = docs
    assert doc.text == "بِـ 😀x9"
    assert [(s.start, s.end, s.label) for s in doc.spans] == [(5, 7, "PER")]
