"""Stored multiword tokens (ADR 0019): the fact is project data, so a malformed one is ignored;
and the offsets a part gets on export."""

from __future__ import annotations

import pytest

from annotator.core.multiword import Multiword, decode, encode
from annotator.formats.multiword_tokens import merged_tag, part_offsets

TEXT = "قـــال بالمدينةِ 😀 Zoom 2024\u00a0مي\u200cخواهم. I haven't ٣"


def test_encode_then_decode_gives_the_tokens_back() -> None:
    words = (Multiword(7, 16, ("ب", "المدينةِ")), Multiword(41, 48, ("have", "not")))
    assert [TEXT[w.start : w.end] for w in words] == ["بالمدينةِ", "haven't"]
    assert decode(encode(words), len(TEXT)) == words
    assert "المدينةِ" in encode(words)  # kept as it is, not \\u-escaped


@pytest.mark.parametrize(
    "value",
    [
        "not json",
        '{"a": 1}',
        "[[6, 16]]",
        '[[6, 16, ["ب"]]]',  # one part is not a multiword token
        '[[6, 16, ["ب", ""]]]',
        '[[6, 16, ["ب", "a\\tb"]]]',  # a part holding a tab would break its line
        '[[6, 16, ["ب", 7]]]',
        '[[16, 6, ["ب", "x"]]]',
        '[[6, 6, ["ب", "x"]]]',
        '[[-1, 6, ["ب", "x"]]]',
        '[[6, 999, ["ب", "x"]]]',  # beyond the text
        '[[true, 6, ["ب", "x"]]]',
        '[[6, 16, ["ب", "x"]], [10, 20, ["a", "b"]]]',  # overlapping
        '[[10, 20, ["a", "b"]], [6, 9, ["ب", "x"]]]',  # out of order
    ],
)
def test_a_malformed_fact_gives_no_multiword_tokens(value: str) -> None:
    assert decode(value, len(TEXT)) == ()


def test_parts_that_spell_the_surface_get_their_own_letters() -> None:
    assert part_offsets(7, 16, ["ب", "المدينةِ"]) == [(7, 8), (8, 16)]


def test_other_parts_get_their_length_where_it_fits_and_at_least_one_code_point() -> None:
    assert part_offsets(0, 6, ["ب", "إقامة"]) == [(0, 1), (1, 6)]  # باقامة
    assert part_offsets(0, 7, ["have", "not"]) == [(0, 4), (4, 7)]  # haven't
    assert part_offsets(0, 3, ["abcdef", "x", "y"]) == [(0, 1), (1, 2), (2, 3)]
    assert part_offsets(0, 2, ["a", "b"]) == [(0, 1), (1, 2)]


@pytest.mark.parametrize(
    ("tags", "scheme", "merged"),
    [
        (["O", "O"], "iob2", ("O", False)),
        (["B-ORG", "I-ORG"], "iob2", ("B-ORG", False)),
        (["O", "B-ORG"], "iob2", ("B-ORG", True)),  # للشركة = ل + الشركة, the span on the noun
        (["I-ORG", "O"], "iob2", ("I-ORG", True)),
        (["B-ORG", "E-ORG"], "bioes", ("S-ORG", False)),
        (["O", "S-PER"], "bioes", ("S-PER", True)),
        (["I-PER", "E-PER"], "bioes", ("E-PER", False)),
        (["B-PER", "I-PER"], "bioes", ("B-PER", False)),
        (["B-PER", "B-GPE"], "iob2", ("B-PER", True)),  # two labels: the first covers it
        (["PER", "O"], "iob2", ("PER", False)),  # not a tag: passed on for the tag check
    ],
)
def test_the_tags_of_parts_that_do_not_spell_their_surface_merge_into_one(
    tags: list[str], scheme: str, merged: tuple[str, bool]
) -> None:
    assert merged_tag(tags, scheme) == merged
