"""Code point <-> UTF-16 conversion (annotator.ui.offsets), on awkward text."""

from __future__ import annotations

import pytest

from annotator.core.positions import CodePoint
from annotator.core.text import normalize_text
from annotator.ui.offsets import OffsetMap, QtPos

SAMPLES = {
    "emoji": "قال 😀 الرئيس 👍🏽 أمس",
    "diacritics": "وَزَارَةُ الدِّفَاعِ",
    "tatweel": "الحـــرب",
    "zwnj": "می\u200cخواهم",
    "nbsp": "100\u00a0دولار",
    "crlf": normalize_text("سطر أول\r\nسطر ثان\r\n😀\r\n"),
    "astral_first": "𝐀بج",
    "astral_last": "بج𝐀",
}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_round_trip_at_every_code_point(name: str) -> None:
    text = SAMPLES[name]
    offsets = OffsetMap(text)
    assert offsets.cp_length == len(text)
    assert offsets.qt_length == utf16_len(text)
    for cp in range(len(text) + 1):
        qt = offsets.to_qt(cp)
        assert qt == utf16_len(text[:cp])
        assert offsets.from_qt(qt) == cp


def test_position_inside_a_surrogate_pair_clamps_to_the_character_start() -> None:
    text = "ا😀ب"
    offsets = OffsetMap(text)
    assert offsets.to_qt(1) == 1
    assert offsets.to_qt(2) == 3
    assert offsets.from_qt(2) == 1  # low surrogate of the emoji


def test_out_of_range_positions_are_clamped() -> None:
    offsets = OffsetMap("😀ab")
    assert offsets.to_qt(-5) == 0
    assert offsets.to_qt(99) == 4
    assert offsets.from_qt(99) == 3
    assert offsets.from_qt(-1) == 0


def test_identity_without_astral_characters() -> None:
    text = SAMPLES["diacritics"] + SAMPLES["zwnj"] + SAMPLES["nbsp"]
    offsets = OffsetMap(text)
    assert offsets.is_identity
    assert [offsets.to_qt(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))


def test_crlf_is_already_normalized_so_offsets_count_one_newline() -> None:
    text = SAMPLES["crlf"]
    assert "\r" not in text
    offsets = OffsetMap(text)
    emoji_at = text.index("😀")
    assert offsets.to_qt(emoji_at + 1) == emoji_at + 2


def test_qt_document_positions_agree_after_set_plain_text(qapp: object) -> None:
    from PySide6.QtGui import QTextCursor, QTextDocument

    text = "".join(SAMPLES[k] + "\n" for k in sorted(SAMPLES))
    document = QTextDocument()
    document.setPlainText(text)
    offsets = OffsetMap(text)
    assert document.characterCount() - 1 == offsets.qt_length
    for cp in range(len(text)):
        cursor = QTextCursor(document)
        cursor.setPosition(offsets.to_qt(cp))
        cursor.setPosition(offsets.to_qt(cp + 1), QTextCursor.MoveMode.KeepAnchor)
        # selectedText() keeps NBSP (only toPlainText() turns it into a space)
        assert cursor.selectedText().replace("\u2029", "\n") == text[cp]


def test_block_offsets_convert_inside_each_block(qapp: object) -> None:
    from PySide6.QtGui import QTextDocument

    text = "😀 قال\n𝐀𝐁 وَزَارَةُ 👍🏽\nok 12\u00a0مارس 𠀀"
    document = QTextDocument()
    document.setPlainText(text)
    offsets = OffsetMap(text)
    block = document.begin()
    starts = [0, text.index("𝐀"), text.index("ok")]
    for start in starts:
        ends = text.find("\n", start)
        stop = len(text) if ends < 0 else ends
        local = offsets.block(QtPos(block.position()), block.length())
        assert (local.start, local.text_end) == (start, stop)
        assert local.end == min(stop + 1, len(text))
        for cp in range(start, stop + 1):
            pos = local.to_block(CodePoint(cp))
            assert pos == utf16_len(text[start:cp])
            assert local.from_block(pos) == cp
            if cp < stop:
                first, last = local.char_units(CodePoint(cp))
                assert last - first == utf16_len(text[cp]) - 1
                assert block.text()[cp - start] == text[cp]  # PySide gives code points
        block = block.next()
    assert not block.isValid()
