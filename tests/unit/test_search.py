"""Arabic-aware search: folding, clitics, regular expressions, exact stored offsets."""

from __future__ import annotations

import pytest

from annotator.core.search import Hit, Query, SearchError, context, find_all, fold

# astral, NBSP, ZWNJ, tatweel, diacritics, Latin and digits around the words searched
TEXT = (
    "😀 قالت الخارجيّة الروسيّة\u00a0إن وفد آستانة وصل 𝐀𝐁 إلى بمحافظة حمـاة "
    "والمحافظة\u200cالجديدة في 2024، ثم محافظةٌ أخرى. Reuters"
)


def _texts(query: Query, text: str = TEXT) -> list[str]:
    return [text[h.start : h.end] for h in find_all(text, query)]


def test_diacritics_and_shadda_are_ignored_with_exact_offsets() -> None:
    (hit,) = find_all(TEXT, Query("الروسية"))
    assert TEXT[hit.start : hit.end] == "الروسيّة"
    assert hit == Hit(TEXT.index("الروسيّة"), TEXT.index("الروسيّة") + len("الروسيّة"))


def test_alef_forms_are_unified_both_ways() -> None:
    assert _texts(Query("أستانة")) == ["آستانة"]
    assert _texts(Query("استانه")) == ["آستانة"]


def test_tatweel_is_ignored() -> None:
    assert _texts(Query("حماة")) == ["حمـاة"]


def test_trailing_marks_belong_to_the_match() -> None:
    assert _texts(Query("محافظة")) == ["محافظةٌ"]


def test_clitics_only_in_clitic_mode() -> None:
    assert "بمحافظة" not in _texts(Query("محافظة"))
    found = find_all(TEXT, Query("محافظة", clitics=True))
    words = [TEXT[h.start : h.end] for h in found]
    assert words == ["محافظة", "محافظة", "محافظةٌ"]
    start = TEXT.index("بمحافظة") + 1
    assert found[0] == Hit(start, start + len("محافظة"))
    assert TEXT[found[1].start - 3 : found[1].start] == "وال"


def test_regex_search_maps_back_to_stored_text() -> None:
    assert _texts(Query(r"\d+", regex=True)) == ["2024"]
    assert _texts(Query("حما[ةه]", regex=True)) == ["حمـاة"]
    with pytest.raises(SearchError):
        Query("(", regex=True).compile()


def test_words_after_astral_characters_keep_code_point_offsets() -> None:
    (hit,) = find_all(TEXT, Query("إلى"))
    assert TEXT[hit.start : hit.end] == "إلى"
    assert hit.start == TEXT.index("إلى")


def test_fold_origin_points_at_the_stored_code_point() -> None:
    folded = fold(TEXT)
    assert len(folded.origin) == len(folded.text)
    for i, ch in enumerate(folded.text):
        assert ch in {TEXT[folded.origin[i]], "ا", "ي", "ه"}


def test_context_is_one_line() -> None:
    (hit,) = find_all("سطر\nحماة\nسطر", Query("حماة"))
    assert context("سطر\nحماة\nسطر", hit) == ("سطر ", "حماة", " سطر")
