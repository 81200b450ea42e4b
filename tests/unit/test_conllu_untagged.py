"""A CoNLL-U document without entity or trigger tags (a treebank's usual case) is built
without tag rows (issue 19: the 30 MB treebank import); what it holds and the line its
errors name are those of a tagged document's path."""

from __future__ import annotations

import pytest

from annotator.formats import conllu
from annotator.formats.base import FormatError, ReadOptions

E = "\t_" * 8  # LEMMA to MISC, blank


def _line(content: str) -> str:
    with pytest.raises(FormatError) as err:
        conllu.read(content, "f.conllu", ReadOptions())
    return str(err.value).split(":")[0]


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (f"# newdoc id = a\n1\t\u200c{E}\n", 2),  # the first token's line
        (f"# newdoc id = a\n1-2\t\u200c{E}\n1\tx{E}\n2\ty{E}\n", 2),  # parts not spelling it
        (f"# newdoc id = a\n1-2\t\u200c\u200f{E}\n1\t\u200c{E}\n2\t\u200f{E}\n", 3),  # spelling
        (f"# newdoc id = a\n1\tكلمة{E}\n\n# newdoc id = b\n1\t\u200c{E}\n", 5),
    ],
)
def test_an_invisible_untagged_document_is_refused_at_its_first_token(
    content: str, line: int
) -> None:
    assert _line(content) == f"f.conllu, line {line}"


def test_untagged_and_tagged_documents_get_the_same_text_and_multiword_tokens() -> None:
    """The odd corpus (emoji, NBSP, ZWNJ, tatweel, diacritics, Latin, digits), with
    multiword tokens that spell their surface and one that does not, once without tags and
    once with one entity tag far from them."""
    lines = [
        "1-2\tوقالــت\t_\t_\t_\t_\t_\t_\t_\t_",
        "1\tو\t_\t_\t_\t_\t_\t_\t_\t_",
        "2\tقالــت\t_\t_\t_\t_\t_\t_\t_\t_",
        "3\t😀\t_\t_\t_\t_\t_\t_\t_\tSpacesAfter=\\u00A0",
        "4-5\tباقامةُ\t_\t_\t_\t_\t_\t_\t_\t_",
        "4\tب\t_\t_\t_\t_\t_\t_\t_\t_",
        "5\tإقامةُ\t_\t_\t_\t_\t_\t_\t_\t_",
        "6\tحماة\u200cالسورية\t_\t_\t_\t_\t_\t_\t_\t_",
        "7\tReuters\t_\t_\t_\t_\t_\t_\t_\t_",
        "8\t2024\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No",
        "9\t!\t_\t_\t_\t_\t_\t_\t_\t_",
    ]
    plain = "# newdoc id = a\n" + "\n".join(lines) + "\n"
    reuters = "7\tReuters" + E
    tagged = plain.replace(reuters, reuters[:-2] + "\tNE=B-ORG")
    options = ReadOptions(add_labels=True)
    (untagged_doc,) = conllu.read(plain, "f.conllu", ReadOptions())
    (tagged_doc,) = conllu.read(tagged, "f.conllu", options)
    assert untagged_doc.text == "وقالــت 😀\u00a0باقامةُ حماة\u200cالسورية Reuters 2024!"
    assert untagged_doc.text == tagged_doc.text
    assert untagged_doc.words == tagged_doc.words
    assert [(w.start, w.end, w.parts) for w in untagged_doc.words] == [
        (0, 7, ("و", "قالــت")),
        (10, 17, ("ب", "إقامةُ")),
    ]
    assert not untagged_doc.spans and [s.label for s in tagged_doc.spans] == ["ORG"]
