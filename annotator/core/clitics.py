"""A rule that splits Arabic proclitics and the article off a token (ADR 0010).

The rule looks at one token's characters only, so it cuts every occurrence of
a word the same way, for every annotator and for raw text. Two strengths:

``article``
    Split only where the definite article follows: an optional conjunction
    (و ف), an optional preposition (ب ك), then ``ال`` — or, for ``ل`` + ``ال``,
    which Arabic spells ``لل`` (the article's alif is dropped), the
    preposition ``ل`` and the article's ``ل``. «وبالمدينة» → و|ب|ال|مدينة,
    «للحكومة» → ل|ل|حكومة. The article makes the cut nearly always right.
``clitics``
    The ``article`` rule, and otherwise an optional conjunction (و ف) then an
    optional preposition (ب ك ل) before a stem of at least three letters:
    «بمحافظة» → ب|محافظة, «وقال» → و|قال. This also cuts words whose first
    letter only looks like a proclitic («وزارة» → و|زارة, «لبنان» → ل|بنان).

The stem must be at least two (``article``) or three (``clitics``) Arabic
letters; diacritics and tatweel after a proclitic stay with the proclitic.
Pieces are substrings of the token: nothing is restored or rewritten.
"""

from __future__ import annotations

import re

SEGMENTS = ("none", "article", "clitics")

_MARKS = "[\u0640\u064b-\u0652\u0670]*"  # tatweel and harakat that may follow a letter
_LETTER = "[\u0621-\u063a\u0641-\u064a]"
_STEM2 = f"(?={_LETTER}{_MARKS}{_LETTER})"
_STEM3 = f"(?={_LETTER}{_MARKS}{_LETTER}{_MARKS}{_LETTER})"
_ARTICLE = re.compile(
    f"(?:([وف]{_MARKS}))?(?:(?:([بك]{_MARKS}))?(ال{_MARKS})|(ل{_MARKS})(ل{_MARKS})){_STEM2}"
)
_BARE = re.compile(f"(?:([وف]{_MARKS}))?(?:([بكل]{_MARKS}))?{_STEM3}")
_FIRST = frozenset("وفبكلا")


def clitic_cuts(token: str, segment: str) -> list[int]:
    """Offsets inside ``token`` where the ``segment`` rule cuts it (empty: no cut)."""
    if segment == "none" or not token or token[0] not in _FIRST:
        return []
    match = _ARTICLE.match(token)
    if match is None and segment == "clitics":
        match = _BARE.match(token)
    if match is None:
        return []
    return [match.end(g) for g in range(1, match.re.groups + 1) if match.group(g)]
