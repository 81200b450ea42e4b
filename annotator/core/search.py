"""Arabic-aware search over the stored text, with offsets mapped back exactly.

Matching folds both the text and the query the same way, one character at a
time, with camel-tools' dediacritisation and normalisers: diacritics and
tatweel vanish, أ إ آ ٱ become ا, ى becomes ي and ة becomes ه. A fold
keeps, for every folded character, the code point it came from, so a match
in the folded text is a range ``[start, end)`` of the stored text: it starts
at its first letter and ends after its last letter's marks.

By default a match is a whole word. In clitic mode it may also follow the
proclitics و ف ب ك ل and the article (وال، بال، لل، ...) attached to its word,
so «محافظة» finds «بمحافظة». A query can be a regular expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from annotator.core.errors import AnnotatorError
from annotator.core.positions import CodePoint

_EXTRA_DROPPED = {"\u0640", "\u0653", "\u0654", "\u0655"}  # tatweel, combining madda/hamza
# proclitics before a word, as folded text: conjunction, preposition, article
_CLITICS = re.compile("(?:[وف]?(?:[بكل]?ال|لل|[بكل]))|[وف]")


class SearchError(AnnotatorError):
    """A query cannot be searched (e.g. an invalid regular expression)."""


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """One character folded for matching ("" if it vanishes)."""
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import (
        normalize_alef_ar,
        normalize_alef_maksura_ar,
        normalize_teh_marbuta_ar,
    )

    if ch in _EXTRA_DROPPED:
        return ""
    out = normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(ch))))
    return out if len(out) <= 1 else ch


@dataclass(frozen=True)
class Folded:
    """A text folded for matching; ``origin[i]`` is the code point folded char ``i`` came from."""

    text: str
    origin: tuple[int, ...]
    length: int  # of the stored text

    def to_stored(self, start: int, end: int, stored: str) -> tuple[int, int]:
        """The stored-text range of the folded range ``[start, end)`` (marks included)."""
        a = self.origin[start]
        b = self.origin[end - 1] + 1
        while b < self.length and fold_char(stored[b]) == "":
            b += 1
        return a, b


def fold(text: str) -> Folded:
    """Fold ``text`` (see the module docstring)."""
    table = {ch: fold_char(ch) for ch in set(text)}
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        f = table[ch]
        if f:
            chars.append(f)
            origin.append(i)
    return Folded("".join(chars), tuple(origin), len(text))


def fold_query(query: str) -> str:
    """The query folded like the text (regex syntax is ASCII and is left alone)."""
    return "".join(fold_char(ch) for ch in query)


@dataclass(frozen=True)
class Query:
    """What to look for.

    Attributes:
        text: the words, or a regular expression with ``regex``.
        regex: treat ``text`` as a Python regular expression.
        clitics: also match after attached proclitics and the article.
        whole_word: a match must be a whole word (or a word after its clitics).
    """

    text: str
    regex: bool = False
    clitics: bool = False
    whole_word: bool = True

    def compile(self) -> re.Pattern[str]:
        """The folded pattern; raises :class:`SearchError` for a bad expression."""
        folded = fold_query(self.text.strip() if not self.regex else self.text)
        if not folded:
            raise SearchError("Type something to search for.")
        source = folded if self.regex else re.escape(folded)
        try:
            return re.compile(source)
        except re.error as exc:
            raise SearchError(f"The regular expression is not valid: {exc}.") from None


@dataclass(frozen=True)
class Hit:
    """A match in the stored text, ``[start, end)`` in code points."""

    start: CodePoint
    end: CodePoint


def _is_letter(ch: str) -> bool:
    return ch.isalnum()


def find_all(stored: str, query: Query, folded: Folded | None = None) -> list[Hit]:
    """Every match of ``query`` in ``stored``, left to right (in logical order)."""
    pattern = query.compile()
    folded = folded or fold(stored)
    text = folded.text
    hits: list[Hit] = []
    for m in pattern.finditer(text):
        a, b = m.start(), m.end()
        if a == b:
            continue
        if query.whole_word and not _word_bounded(text, a, b, query.clitics):
            continue
        start, end = folded.to_stored(a, b, stored)
        hits.append(Hit(CodePoint(start), CodePoint(end)))
    return hits


def _word_bounded(text: str, a: int, b: int, clitics: bool) -> bool:
    if b < len(text) and _is_letter(text[b]):
        return False
    word_start = a
    while word_start > 0 and _is_letter(text[word_start - 1]):
        word_start -= 1
    prefix = text[word_start:a]
    return not prefix or (clitics and _CLITICS.fullmatch(prefix) is not None)


def context(stored: str, hit: Hit, width: int = 30) -> tuple[str, str, str]:
    """The hit with up to ``width`` code points of text on each side, on one line."""
    before = stored[max(0, hit.start - width) : hit.start].replace("\n", " ")
    after = stored[hit.end : hit.end + width].replace("\n", " ")
    return before, stored[hit.start : hit.end], after
