"""Word tokens with code-point offsets, from camel-tools' word tokenizer.

camel-tools returns token strings; each is an exact substring of one
whitespace-delimited word, in order, so offsets are recovered by aligning
the tokens inside their word. camel-tools is imported on first use because
its character tables take about half a second to build.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from importlib.metadata import version
from itertools import chain
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

from annotator.core.positions import CodePoint
from annotator.core.prepared_tokens import current_source

_WORD = re.compile(r"\S+")


@cache
def _camel_tokenizer() -> Callable[[str], list[str]]:
    from camel_tools.tokenizers.word import simple_word_tokenize

    return simple_word_tokenize


@cache
def tokenizer_id() -> str:
    """Names the tokenizer behind :func:`word_tokens`, as stored beside a document's tokens.

    Stored tokens are used only while this is unchanged (ADR 0015): another
    camel-tools version may cut words differently, and exported tokens must be
    the ones the same text gets at prediction time.
    """
    return f"camel-tools {version('camel-tools')} simple_word_tokenize"


Offsets = npt.NDArray[np.int64]


class WordTokens:
    """One text's camel-tools tokens: the strings and their code-point start and end offsets.

    The strings are kept as a list (``words``), as one string of the tokens joined by single
    spaces (:meth:`joined`, what the project stores, ADR 0015), or, for a long text, not at
    all: each token is the slice of the ``source`` text between its offsets, and
    :meth:`joined_pieces` makes the joined string a block of tokens at a time, so the store
    can write it without the whole of it in memory (issue 17: six million short strings
    take about 500 MB, the joined string of 60 MB of text about 135 MB, the slices
    nothing). Such tokens keep their offsets as int32 (:meth:`offsets32`, the stored form);
    ``starts``, ``ends`` and ``words`` are made on first use.
    """

    __slots__ = ("_ends", "_joined", "_source", "_starts", "_words")

    def __init__(
        self,
        words: list[str] | None,
        starts: npt.NDArray[np.integer[Any]],
        ends: npt.NDArray[np.integer[Any]],
        joined: str | None = None,
        source: str | None = None,
    ) -> None:
        if words is None and joined is None and source is None:
            raise ValueError("WordTokens needs its words, as a list, joined, or as slices")
        self._words = words
        self._joined = joined
        self._source = source
        self._starts = starts
        self._ends = ends

    @property
    def starts(self) -> Offsets:
        """Each token's first code point, as int64."""
        if self._starts.dtype != np.int64:
            self._starts = self._starts.astype(np.int64)
        return cast(Offsets, self._starts)

    @property
    def ends(self) -> Offsets:
        """Each token's end (exclusive), as int64."""
        if self._ends.dtype != np.int64:
            self._ends = self._ends.astype(np.int64)
        return cast(Offsets, self._ends)

    def offsets32(self) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
        """The starts and ends as little-endian int32 (copied only if held otherwise)."""
        return self._starts.astype(_INT32, copy=False), self._ends.astype(_INT32, copy=False)

    @property
    def words(self) -> list[str]:
        """The token strings, in order."""
        if self._words is None:
            self._words = self.joined().split(" ") if len(self) else []
        return self._words

    def joined(self) -> str:
        """The tokens joined by single spaces (a token never holds white space)."""
        if self._joined is not None:
            return self._joined
        if self._words is not None:
            return " ".join(self._words)
        return "".join(self.joined_pieces())

    def joined_pieces(self, block: int = 1 << 16) -> Iterator[str]:
        """:meth:`joined` in pieces (their concatenation), each of about ``block`` tokens
        when the tokens are slices of their text; otherwise the joined string at once."""
        if self._source is None:
            yield self.joined()
            return
        for at in range(0, len(self), block):
            piece = _joined_slices(
                self._source, self._starts[at : at + block], self._ends[at : at + block]
            )
            yield piece if at == 0 else " " + piece

    def __len__(self) -> int:
        return len(self._starts)


def _joined_slices(
    text: str, starts: npt.NDArray[np.integer[Any]], ends: npt.NDArray[np.integer[Any]]
) -> str:
    """``" ".join(text[a:b] for a, b in zip(starts, ends))`` for ordered, non-overlapping
    ranges, gathered with numpy from the text's code points instead of one slice per token."""
    if not len(starts):
        return ""
    base = int(starts[0])
    codes = np.frombuffer(
        text[base : int(ends[-1])].encode("utf-32-le", "surrogatepass"), dtype=np.uint32
    )
    lengths = ends.astype(np.int64) - starts
    before = np.cumsum(lengths) - lengths
    picked = codes[np.arange(int(lengths.sum())) + np.repeat(starts - base - before, lengths)]
    spaced = np.insert(picked, before[1:], ord(" "))
    return spaced.tobytes().decode("utf-32-le", "surrogatepass")


ONE_CALL = 1 << 20
"""Texts of up to this many code points are tokenized by :func:`word_tokens` in one
camel-tools call, and keep camel-tools' list of strings."""

CHUNK = 1 << 18
"""Code points tokenized in one camel-tools call by :func:`word_tokens` in a longer text.
A call's lists and arrays take about 53 bytes a code point while it runs (issue 17,
tracemalloc: 13 MB at this size, 56 MB at 1 Mi), at the same CPU time."""


def word_tokens(text: str, chunk: int | None = None) -> WordTokens:
    """The camel-tools tokens of ``text`` (see :func:`token_arrays`).

    A text longer than ``chunk`` code points is tokenized a chunk at a time, each cut
    at white space: camel-tools splits at white space first (``str.split``), so the
    tokens are exactly those of the whole text, while its word and token lists, and
    the arrays of :func:`token_arrays`, stay the size of one chunk. The offsets are
    gathered as int32, and the strings are not kept: each chunk's tokens are checked to
    be the slices of the text between their offsets, and :class:`WordTokens` slices them
    again when asked. Without ``chunk``, a text of up to :data:`ONE_CALL` code points is
    tokenized in one call and a longer one in chunks of :data:`CHUNK`.
    """
    if chunk is None:
        chunk = ONE_CALL if len(text) <= ONE_CALL else CHUNK
    if len(text) <= chunk:
        return WordTokens(*token_arrays(text))
    starts, ends = array("i"), array("i")
    for at, stop in _chunks(text, chunk):
        part = text[at:stop]
        words, first, last = token_arrays(part)
        if words and " ".join(words) != _joined_slices(part, first, last):
            return _joined_tokens(text, chunk)  # camel-tools changed a character; never seen
        starts.frombytes((first + at).astype(_INT32).tobytes())
        ends.frombytes((last + at).astype(_INT32).tobytes())
    return WordTokens(None, np.frombuffer(starts, _INT32), np.frombuffer(ends, _INT32), source=text)


def _joined_tokens(text: str, chunk: int) -> WordTokens:
    """The tokens of a long text with their strings kept joined (camel-tools' own strings)."""
    starts, ends = array("i"), array("i")
    parts: list[str] = []
    for at, stop in _chunks(text, chunk):
        words, first, last = token_arrays(text[at:stop])
        if words:
            parts.append(" ".join(words))
            starts.frombytes((first + at).astype(_INT32).tobytes())
            ends.frombytes((last + at).astype(_INT32).tobytes())
    return WordTokens(
        None, np.frombuffer(starts, _INT32), np.frombuffer(ends, _INT32), " ".join(parts)
    )


_INT32 = np.dtype("<i4")
_SPACE = re.compile(r"\s")  # Python's \s is str.isspace(), where str.split() cuts


def _chunks(text: str, chunk: int) -> Iterator[tuple[int, int]]:
    """``[at, stop)`` ranges that cover ``text``, each about ``chunk`` code points long
    and ending at white space or at the end of the text (a word is never cut)."""
    at = 0
    while at < len(text):
        found = _SPACE.search(text, min(at + chunk, len(text)))
        stop = found.start() if found else len(text)
        yield at, stop
        at = stop


def word_tokens_of(texts: list[str], chunk: int = 1_000_000) -> list[WordTokens]:
    """The camel-tools tokens of each text, made a chunk of texts at a time.

    camel-tools splits at white space first, so the tokens of texts joined by
    line breaks are exactly each text's tokens in turn; one call per chunk of
    about ``chunk`` characters saves the per-call work of many short texts.
    Within :func:`~annotator.core.prepared_tokens.prepared`, the tokens its source
    made are taken, and only the others are made here.
    """
    source = current_source()
    if source is None:
        return _word_tokens_of(texts, chunk)
    found = [source.get(text) for text in texts]
    missing = [text for text, tokens in zip(texts, found, strict=True) if tokens is None]
    if not missing:
        return cast(list[WordTokens], found)
    made = iter(_word_tokens_of(missing, chunk))
    return [next(made) if tokens is None else tokens for tokens in found]


def _word_tokens_of(texts: list[str], chunk: int) -> list[WordTokens]:
    out: list[WordTokens] = []
    at = 0
    while at < len(texts):
        stop, size = at + 1, len(texts[at])
        while stop < len(texts) and size + len(texts[stop]) < chunk:
            size += len(texts[stop]) + 1
            stop += 1
        out += _split(texts[at:stop], word_tokens("\n".join(texts[at:stop])))
        at = stop
    return out


def joined_offsets(texts: Sequence[str]) -> list[int]:
    """Where each text starts in the texts joined by line breaks; one more entry at the end,
    the joined length plus one (so text ``k`` is ``joined[offsets[k]:offsets[k + 1] - 1]``)."""
    offsets = [0]
    for t in texts:
        offsets.append(offsets[-1] + len(t) + 1)
    return offsets


def join_tokens(parts: Sequence[WordTokens], offsets: Sequence[int]) -> WordTokens:
    """The tokens of texts joined by line breaks, from each text's tokens and
    :func:`joined_offsets`; :func:`_split` is the inverse."""
    if len(parts) == 1:
        return parts[0]
    words = list(chain.from_iterable(part.words for part in parts))
    shift = np.repeat(np.array(offsets[:-1], np.int64), [len(part) for part in parts])
    starts = np.concatenate([part.starts for part in parts]) + shift
    return WordTokens(words, starts, np.concatenate([part.ends for part in parts]) + shift)


def _split(texts: list[str], joined: WordTokens) -> list[WordTokens]:
    """Each text's share of the tokens of ``texts`` joined by line breaks."""
    if len(texts) == 1:
        return [joined]
    offsets = joined_offsets(texts)
    firsts = np.searchsorted(joined.starts, offsets).tolist()
    return [
        WordTokens(
            joined.words[firsts[k] : firsts[k + 1]],
            joined.starts[firsts[k] : firsts[k + 1]] - offsets[k],
            joined.ends[firsts[k] : firsts[k + 1]] - offsets[k],
        )
        for k in range(len(texts))
    ]


Range = tuple[CodePoint, CodePoint]
"""A ``[start, end)`` range of code points."""

_TEXT_START = CodePoint(0)


def tokenize(
    text: str, start: CodePoint = _TEXT_START, end: CodePoint | None = None
) -> list[Range]:
    """Return ``(start, end)`` code-point offsets of the tokens in ``text[start:end]``.

    ``start`` and ``end`` should fall on whitespace or the text's ends; tokens are
    reported with offsets into the whole ``text``. camel-tools is called once on
    the whole range (not once per word), and each token is found by a forward
    search, because every token is an exact substring and tokens come in order.
    """
    stop = len(text) if end is None else end
    out: list[Range] = []
    find = text.find
    pos = start
    for piece in _camel_tokenizer()(text[start:stop]):
        found = CodePoint(find(piece, pos, stop))
        if found < 0:  # camel-tools never rewrites text; guard anyway
            continue
        pos = CodePoint(found + len(piece))
        out.append((found, pos))
    return out


def _word_bounds(text: str, start: CodePoint, end: CodePoint) -> Range:
    """Widen ``[start, end)`` to the whitespace around it."""
    while start > 0 and not text[start - 1].isspace():
        start = CodePoint(start - 1)
    while end < len(text) and not text[end].isspace():
        end = CodePoint(end + 1)
    return start, end


def snap_to_tokens(text: str, start: CodePoint, end: CodePoint) -> Range | None:
    """Grow ``[start, end)`` outward to whole tokens.

    Leading and trailing white space in the selection is ignored first.
    Returns ``None`` when the selection holds no token at all.
    """
    start, end = trim_whitespace(text, start, end)
    if start >= end:
        return None
    lo, hi = _word_bounds(text, start, end)
    hits = [(a, b) for a, b in tokenize(text, lo, hi) if a < end and b > start]
    if not hits:
        return None
    return hits[0][0], hits[-1][1]


def trim_whitespace(text: str, start: CodePoint, end: CodePoint) -> Range:
    """Shrink ``[start, end)`` so that it neither starts nor ends with white space."""
    while start < end and text[start].isspace():
        start = CodePoint(start + 1)
    while end > start and text[end - 1].isspace():
        end = CodePoint(end - 1)
    return start, end


def token_pieces(text: str) -> tuple[list[str], list[int], list[int]]:
    """The camel-tools tokens of the whole ``text``, with start and end offsets.

    The same tokens as :func:`tokenize`, returned as three parallel lists (the
    token strings, their starts and their ends) because the export formats need
    all three and building tuples for a million tokens is measurable.
    """
    words, starts, ends = token_arrays(text)
    return words, starts.tolist(), ends.tolist()


def token_arrays(text: str) -> tuple[list[str], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The camel-tools tokens of ``text`` and their start and end offsets, as arrays.

    camel-tools splits the text at white space (``str.split``) and then cuts
    each word into consecutive pieces, so the tokens, concatenated, are the
    text's non-white-space characters in order. A token ends at the position of
    the last of its characters among those, plus one; that is computed for all
    tokens at once instead of searching for each token in the text.
    """
    words = _camel_tokenizer()(text)
    if not words:
        empty = np.zeros(0, dtype=np.int64)
        return words, empty, empty
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    solid = np.flatnonzero(~_IS_SPACE[np.minimum(codes, _CLIP)])
    last = np.cumsum(lengths) - 1
    if last[-1] + 1 != solid.size:  # camel-tools always covers every character; guard anyway
        return _searched(text, words)
    ends = solid[last] + 1
    starts = ends - lengths
    # Each token is a slice of one word, so the count check above suffices; the first and
    # last tokens are compared with the text as a cheap guard against a future camel-tools.
    a, b = int(starts[0]), int(starts[-1])
    if text[a : a + len(words[0])] != words[0] or text[b : b + len(words[-1])] != words[-1]:
        return _searched(text, words)
    return words, starts, ends


def _searched(
    text: str, words: list[str]
) -> tuple[list[str], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Offsets by searching each token after the previous one (the slow, obvious way)."""
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for piece in words:
        found = text.find(piece, pos)
        pos = found + len(piece)
        starts.append(found)
        ends.append(pos)
    return words, np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)


# str.isspace() by code point up to U+3001; U+3000 is the last white space, so every higher
# code point is looked up as U+3001 (not white space).
_CLIP = 0x3001
_IS_SPACE = np.array([chr(c).isspace() for c in range(_CLIP + 1)], dtype=bool)
T = TypeVar("T", bound=tuple[Any, ...])


def outermost(ordered: list[T]) -> tuple[list[T], list[T]]:
    """Split token ranges ``(first, end, ...)``, sorted outer first, into one level and the rest.

    A range joins the level when it starts at or after the end of the last one kept,
    so the level holds the outermost ranges that do not overlap.
    """
    kept: list[T] = []
    rest: list[T] = []
    last_end = -1
    for it in ordered:
        if it[0] >= last_end:
            kept.append(it)
            last_end = it[1]
        else:
            rest.append(it)
    return kept, rest
