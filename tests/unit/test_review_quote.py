"""Review mode quotes a few words around a place, never a page (issue 18, point 5)."""

from __future__ import annotations

from annotator.ui.bidi import isolate
from annotator.ui.review.quote import ELLIPSIS, context_html, shorten, window

LINE = (
    "قال 😀 المتحدث إن\u00a0طائراتٍ قصفت مدينة حماة الســـورية يوم 12 مارس 2024 "
    "وفق Z\u200cW Reuters."
)
TEXT = "سطر أول قبله.\n" + LINE + "\nسطر بعده."


def _at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def test_a_place_is_quoted_with_four_words_each_side_and_ellipses() -> None:
    before, place, after = window(TEXT, *_at("حماة"))
    assert place == "حماة"
    assert before == f"{ELLIPSIS}إن\u00a0طائراتٍ قصفت مدينة "  # NBSP kept as stored
    assert after == f" الســـورية يوم 12 مارس{ELLIPSIS}"


def test_the_window_stops_at_the_line_and_has_no_ellipsis_where_nothing_was_left_out() -> None:
    before, _place, after = window(TEXT, *_at("قال"))
    assert before == ""
    before, _place, after = window(TEXT, *_at("Reuters."))
    assert after == "" and "بعده" not in after and before.startswith(ELLIPSIS)


def test_a_long_span_is_shortened_in_its_middle() -> None:
    long = " ".join(["كلمةٌ"] * 30)
    short = shorten(long)
    assert len(short) <= 50 and ELLIPSIS in short
    assert short.startswith("كلمةٌ ") and short.endswith(" كلمةٌ")
    assert shorten("حماة\nالسورية") == "حماة السورية"


def test_far_ends_get_two_windows_close_ends_one() -> None:
    far = "حماة " + "وقال 😀 المتحدث " * 40 + "إدلب"
    quote = context_html(far, [(0, 4), (len(far) - 4, len(far))])
    assert quote.startswith("\u2068") and quote.endswith("\u2069")  # one bidi isolate
    assert quote == isolate(
        f"<b>حماة</b> وقال 😀 المتحدث وقال{ELLIPSIS} {ELLIPSIS}المتحدث وقال 😀 المتحدث <b>إدلب</b>"
    )
    near = context_html(TEXT, [_at("مدينة"), _at("حماة")])
    assert near == isolate(
        f"{ELLIPSIS}المتحدث إن\u00a0طائراتٍ قصفت <b>مدينة</b> <b>حماة</b> "
        f"الســـورية يوم 12 مارس{ELLIPSIS}"
    )
