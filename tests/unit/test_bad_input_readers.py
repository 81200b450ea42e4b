"""Every malformed input gives the project's error, naming the file, the line and the reason.

The import-service side (nothing stored, every table unchanged) is in
``test_bad_input_import.py``; this module checks the readers and the input
rules themselves.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.errors import DocumentRejected
from annotator.core.text import decode_document, is_invisible, read_input
from annotator.formats import brat, conll, conllu, jsonl
from annotator.formats.base import FormatError, ReadOptions
from tests.unit.bad_inputs import (
    BRAT_CASES,
    BRAT_TEXT,
    CONLLU_CASES,
    JSONL_CASES,
    base_object,
    jsonl_content,
)


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail (instead of hanging) if a read blocks for more than 10 seconds."""

    def _fail(signum: int, frame: object) -> None:
        raise AssertionError("the read blocked")

    old = signal.signal(signal.SIGALRM, _fail)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def _refused(call: object, where: str, *needles: str) -> str:
    with pytest.raises(FormatError) as info:
        call()  # type: ignore[operator]
    message = str(info.value)
    assert message.startswith(where + ": "), message
    for needle in needles:
        assert needle in message, message
    return message


def test_the_base_document_reads_cleanly() -> None:
    docs = jsonl.read(jsonl_content(lambda obj: None), "bad.jsonl", ReadOptions())
    assert [len(d.spans) for d in docs] == [0, 3]
    assert docs[1].events[0].arguments[0].role == "Place"
    assert docs[1].text == base_object()["text"]


@pytest.mark.parametrize("case", sorted(JSONL_CASES))
def test_malformed_jsonl_names_file_line_and_reason(case: str) -> None:
    change, needles = JSONL_CASES[case]
    content = jsonl_content(change)
    _refused(lambda: jsonl.read(content, "bad.jsonl", ReadOptions()), "bad.jsonl, line 2", *needles)


@pytest.mark.parametrize("case", sorted(CONLLU_CASES))
def test_malformed_conllu_names_file_line_and_reason(case: str) -> None:
    content, line, needles = CONLLU_CASES[case]
    call = lambda: conllu.read(content, "bad.conllu", ReadOptions())  # noqa: E731
    _refused(call, f"bad.conllu, line {line}", *needles)


@pytest.mark.parametrize(
    ("rows", "line", "needle"),
    [
        (["\ufeffقال\tO", "😀\tB-GPE"], 1, "leading BOM"),
        (["\u200c\tO", "\u200f\tO"], 1, "invisible"),
        (["قال\tB-\u200c"], 1, "empty label"),
        # a third column is a second entity level unless its labels are event types
        (["قال\tO\tB-\u200c"], 1, "a span has an empty label"),
        (["قال\tO\tO", "حماةَ\tB-GPE"], 2, "expected 3 columns like the first line"),
    ],
)
def test_malformed_conll_names_file_line_and_reason(
    rows: list[str], line: int, needle: str
) -> None:
    content = "\n".join(rows) + "\n"
    _refused(
        lambda: conll.read(content, "bad.conll", ReadOptions()), f"bad.conll, line {line}", needle
    )


@pytest.mark.parametrize("case", sorted(BRAT_CASES))
def test_malformed_brat_names_file_line_and_reason(case: str) -> None:
    lines, line, needles = BRAT_CASES[case]
    ann = "\n".join(lines) + "\n"
    call = lambda: brat.read(ann, BRAT_TEXT, "خبر.txt", "bad.ann", ReadOptions())  # noqa: E731
    _refused(call, f"bad.ann, line {line}", *needles)


def test_surrogates_in_text_content_are_refused_with_their_line() -> None:
    content = "قال\tO\n\nحماةَ\ud800\tB-GPE\n"
    _refused(lambda: conll.read(content, "s.conll", ReadOptions()), "s.conll, line 3", "surrogate")


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ("نص عربي 😀".encode("utf-16"), "UTF-16 little-endian text, not UTF-8"),
        (b"\xfe\xff" + "نص عربي".encode("utf-16-be"), "UTF-16 big-endian text, not UTF-8"),
        ("Latin text and 2024 digits".encode("utf-16-le"), "UTF-16 little-endian"),
        ("Latin text, no BOM".encode("utf-16-be"), "UTF-16 big-endian"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01", "binary file"),
        ("\u200c\u200d\u200e\u200f\ufeff\u00a0 \t\n\x0b".encode(), "invisible characters"),
        ("\ufeff\u2028\u2029\r\n".encode(), "invisible characters"),
        (b"", "is empty"),
    ],
)
def test_decode_document_refuses_with_a_clear_reason(data: bytes, needle: str) -> None:
    with pytest.raises(DocumentRejected) as info:
        decode_document(data, "in.txt")
    assert str(info.value).startswith("in.txt: ") and needle in str(info.value), str(info.value)


def test_decode_document_keeps_everything_else_byte_for_byte() -> None:
    text = "\u200cنصٌّ\u00a0مَـع\u200dZWJ 😀 𝔸 abc ٣٤ 2024\u200f.\n\ufeff"
    assert decode_document(text.encode(), "in.txt") == text
    assert not is_invisible("\u200c\u0640") and is_invisible("\u200c\u200e\ufeff \u00a0")


def test_read_input_refuses_a_fifo_without_blocking(tmp_path: Path, alarm: None) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(
        DocumentRejected, match=r"pipe\.txt: is a FIFO \(named pipe\), not a regular"
    ):
        read_input(fifo)


@pytest.mark.parametrize(
    ("path", "needle"), [("/dev/zero", "is a device"), ("/dev/null", "is a device")]
)
def test_read_input_refuses_devices(path: str, needle: str, alarm: None) -> None:
    with pytest.raises(DocumentRejected, match=f"^{path}: {needle}, not a regular file"):
        read_input(path)


def test_read_input_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(DocumentRejected, match="is a folder, not a regular file"):
        read_input(tmp_path)


def test_read_input_refuses_a_huge_sparse_file_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.jsonl"
    with open(huge, "wb") as handle:
        handle.truncate(1 << 40)  # 1 TB, sparse: reading it would take hours
    with pytest.raises(DocumentRejected, match=r"too large \(1048576\.0 MB; the limit is 64\.0 MB"):
        read_input(huge)


def test_read_input_applies_the_limit_while_reading(alarm: None) -> None:
    # /proc files are regular files that report size 0: only the read sees their length.
    path = Path("/proc/self/smaps")
    assert os.stat(path).st_size == 0
    with pytest.raises(DocumentRejected, match="too large .more than that; the limit is 100 bytes"):
        read_input(path, max_bytes=100)


def test_read_input_reads_up_to_the_limit_exactly(tmp_path: Path) -> None:
    path = tmp_path / "ok.txt"
    data = "نص 😀\u00a0\u200c".encode()
    path.write_bytes(data)
    assert read_input(path, max_bytes=len(data)) == data
    with pytest.raises(DocumentRejected, match="too large"):
        read_input(path, max_bytes=len(data) - 1)


# -- the last offset: end = len(text) is the end of the text, one more is outside it ------------
def _last_word_jsonl(extra: int) -> str:
    """The base document with its last span ending ``extra`` code points after the text."""

    def change(obj: dict[str, object]) -> None:
        text = str(obj["text"])
        span = obj["spans"][2]  # type: ignore[index]
        span.pop("text")
        span.update(start=len(text) - 1, end=len(text) + extra)

    return jsonl_content(change)


def _last_word_brat(extra: int) -> str:
    end = len(BRAT_TEXT) + extra
    return f"T1\tGPE {end - 2} {end}\t{BRAT_TEXT[end - 2 : end]}\n"


def test_a_span_ending_one_past_the_text_is_refused_by_every_reader() -> None:
    """The issue 17 break: a reader accepting ``end = len(text) + 1`` went unnoticed,
    because the write path refused it later with a message naming neither file nor line."""
    _refused(
        lambda: jsonl.read(_last_word_jsonl(1), "bad.jsonl", ReadOptions()),
        "bad.jsonl, line 2",
        "out of range",
        f"the text has {len(str(base_object()['text']))} characters",
    )
    _refused(
        lambda: brat.read(_last_word_brat(1), BRAT_TEXT, "خبر.txt", "bad.ann", ReadOptions()),
        "bad.ann, line 1",
        "out of range",
        f"the text has {len(BRAT_TEXT)} characters",
    )


def test_a_span_ending_at_the_end_of_the_text_is_read() -> None:
    (_good, doc) = jsonl.read(_last_word_jsonl(0), "ok.jsonl", ReadOptions())
    assert doc.spans[2].end == len(doc.text)
    read = brat.read(_last_word_brat(0), BRAT_TEXT, "خبر.txt", "ok.ann", ReadOptions())
    assert read.spans[0].end == len(BRAT_TEXT)
