"""Token offsets from camel-tools and snapping selections to whole tokens."""

from __future__ import annotations

import pytest

from annotator.core.tokens import (
    snap_to_tokens,
    tokenize,
    trim_whitespace,
    word_tokens,
    word_tokens_of,
)

TEXT = "أكدت وزارة الدفاع الروسية «مكثفاً» في بمحافظة حماة؟ 😀 ok."


def test_tokens_slice_back_to_their_text() -> None:
    toks = [TEXT[a:b] for a, b in tokenize(TEXT)]
    assert toks == [
        "أكدت", "وزارة", "الدفاع", "الروسية", "«", "مكثفاً", "»", "في",
        "بمحافظة", "حماة", "؟", "😀", "ok", ".",
    ]  # fmt: skip


def test_partial_selection_snaps_outward_to_the_token() -> None:
    i = TEXT.index("فاع")
    a, b = snap_to_tokens(TEXT, i, i + 2) or (0, 0)
    assert TEXT[a:b] == "الدفاع"


def test_selection_across_words_and_spaces() -> None:
    i = TEXT.index("زارة")
    j = TEXT.index("الروسية") + 2
    a, b = snap_to_tokens(TEXT, i - 1, j) or (0, 0)
    assert TEXT[a:b] == "وزارة الدفاع الروسية"


def test_punctuation_is_not_swallowed() -> None:
    i = TEXT.index("مكثفاً")
    a, b = snap_to_tokens(TEXT, i, i + 3) or (0, 0)
    assert TEXT[a:b] == "مكثفاً"


def test_whitespace_only_selection_gives_none() -> None:
    i = TEXT.index(" ")
    assert snap_to_tokens(TEXT, i, i + 1) is None
    assert trim_whitespace(TEXT, i, i + 1) == (i + 1, i + 1)


def test_clitics_stay_in_their_token_so_snapping_keeps_the_proclitic() -> None:
    i = TEXT.index("بمحافظة")
    assert (i, i + 7) in tokenize(TEXT)
    assert snap_to_tokens(TEXT, i + 1, i + 7) == (i, i + 7)


@pytest.mark.parametrize("chunk", [1, 7, 40, 1_000_000])
def test_tokens_of_many_texts_equal_each_texts_tokens(chunk: int) -> None:
    """Texts are tokenized a chunk at a time, joined by line breaks, then split apart again."""
    texts = [
        "وقالــت 😀 الوزارةُ\u00a0إنّ",
        "",
        "   \n\t ",
        "حماة\u200cالسورية، Reuters 2024!",
        "👩‍👩‍👧",
        "\nكلمة\n",
    ]
    got = word_tokens_of(texts, chunk)
    assert len(got) == len(texts)
    for text, tokens in zip(texts, got, strict=True):
        alone = word_tokens(text)
        assert tokens.words == alone.words
        assert tokens.starts.tolist() == alone.starts.tolist()
        assert tokens.ends.tolist() == alone.ends.tolist()
        assert [text[a:b] for a, b in zip(tokens.starts, tokens.ends, strict=True)] == tokens.words


# emoji (a ZWJ sequence too), NBSP, ZWNJ, tatweel, diacritics, Latin, digits, CR-free line
# breaks, tabs and runs of white space, so that chunks end at every kind of white space
STREAM = (
    "وقالــت 😀 الوزارةُ\u00a0إنّ حماة\u200cالسورية\tقصفت، Reuters 2024!\n\n"
    "  👩‍👩‍👧 آخر.\u00a0\u00a0مُحَمَّدٌ (ok) 3.14 «كلمة»\u2003x"
)


@pytest.mark.parametrize("chunk", range(1, len(STREAM) + 2))
def test_a_long_text_tokenized_in_chunks_gets_the_tokens_of_one_call(chunk: int) -> None:
    """Chunks end at white space, so every token is whole and the tokens are the same."""
    once = word_tokens(STREAM, len(STREAM))
    chunked = word_tokens(STREAM, chunk)
    assert len(chunked) == len(once)
    assert chunked.joined() == " ".join(once.words)
    assert chunked.words == once.words
    assert chunked.starts.tolist() == once.starts.tolist()
    assert chunked.ends.tolist() == once.ends.tolist()
    assert chunked.starts.dtype == once.starts.dtype
    for block in (1, 2, 5, len(STREAM)):  # the pieces the store writes one at a time
        assert "".join(chunked.joined_pieces(block)) == " ".join(once.words)


def test_a_text_of_white_space_only_has_no_tokens_in_chunks() -> None:
    tokens = word_tokens(" \u00a0\n\t" * 10, 3)
    assert len(tokens) == 0 and tokens.words == [] and tokens.joined() == ""
