"""Reading INCEpTION's own WebAnno TSV 3.3 files (tests/data/webanno, Apache 2.0).

The expected annotations are read off each file by hand and agree with the
``reference.xmi`` that INCEpTION's test suite keeps beside it (XMI offsets are
UTF-16 too): what comes in is checked against the file, never against output
of our own writer.
"""

from __future__ import annotations

import contextlib
import random
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.formats.base import AnnotatedDocument, FormatError, ReadOptions
from annotator.formats.webanno_files import read
from annotator.formats.webanno_map import to_document
from annotator.formats.webanno_read import parse

DATA = Path(__file__).parent.parent / "data" / "webanno"


def _read(name: str) -> tuple[AnnotatedDocument, list[str]]:
    opts = ReadOptions()
    docs = read(DATA / f"{name}.tsv", opts)
    assert len(docs) == 1
    return docs[0], opts.summary.unkept_lines()


def _spans(doc: AnnotatedDocument) -> set[tuple[int, int, str]]:
    return {(s.start, s.end, s.label) for s in doc.spans}


def test_emoji_offsets_count_utf16_units() -> None:
    """``1-4 10-12 😊``: the emoji is two UTF-16 units, one code point."""
    doc, notes = _read("testSentenceWithEmoji")
    assert doc.text == "I like it 😊 ."
    (span,) = doc.spans
    assert (span.start, span.end) == (10, 11)
    assert span.text_in(doc.text) == "😊"
    assert span.label == "Span"  # a null value (*) takes the layer's short name
    assert notes == []


def test_slot_feature_is_an_event_with_arguments() -> None:
    doc, _ = _read("testSimpleSlotFeature")
    assert doc.text == "This is a test ."
    assert _spans(doc) == {(0, 4, "SimpleLinkHost"), (5, 7, "SimpleSpan"), (8, 9, "SimpleSpan")}
    (event,) = doc.events
    by_id = {s.id: doc.text[s.start : s.end] for s in doc.spans}
    assert event.type == "SimpleLinkHost"
    assert by_id[event.trigger_id] == "This"
    assert [(a.role, by_id[a.span_id]) for a in event.arguments] == [("p1", "is"), ("p2", "a")]


def test_stacked_multi_token_spans_are_joined_by_their_ids() -> None:
    doc, _ = _read("testMultiTokenStackedSpanWithFeatureValue")
    assert _spans(doc) == {(0, 16, "PERSON"), (0, 16, "LOCATION")}


def test_sub_token_spans_and_zero_width_ones_named_with_lines() -> None:
    doc, notes = _read("testSubMultiTokenSpanWithFeatureValue")
    assert doc.text == "aaaaaa bbbbbb cccccc"
    assert _spans(doc) == {
        (0, 13, "2"),
        (0, 10, "7"),
        (0, 6, "1"),
        (3, 17, "9"),
        (3, 13, "6"),
        (3, 10, "8"),
        (7, 11, "4"),
        (9, 13, "5"),
        (9, 11, "3"),
    }
    assert notes == ["Not imported: 3 × zero-width annotation (lines 11, 14, 15)."]


def test_stacked_relations_with_disambiguation_ids() -> None:
    """``1-1[1_2]|1-1[1_2]`` on ``a``: two arcs from span [1] "This is" to span [2] "a test"."""
    doc, notes = _read("testStackedNonMultiTokenRelationWithMultipleFeatureValues")
    text = {s.id: doc.text[s.start : s.end] for s in doc.spans}
    arcs = sorted((r.type, text[r.arg1_id], text[r.arg2_id]) for r in doc.relations)
    assert arcs == [("nsubj", "This is", "a test"), ("obj", "This is", "a test")]
    assert "relation feature 'boolValue' (relations have no attributes) (line 9)" in notes[0]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("testSentenceWithLineBreak", "This is\na test ."),
        ("testSentenceWithTab", "This is\ta test ."),
        ("testTwoSentencesWithNoSpaceInBetween", "onetwo"),
    ],
)
def test_text_is_rebuilt_as_inception_does(name: str, text: str) -> None:
    doc, _ = _read(name)
    assert doc.text == text


def test_reserved_characters_in_values_are_unescaped() -> None:
    doc, _ = _read("testTokenBoundedSpanWithSpecialSymbolsValue")
    assert {s.label for s in doc.spans} == {"#*'\"`´\t:;{}|[ ]()\\§$%?=&_\n"}
    assert len(doc.spans) == 5


def test_unknown_layers_and_chains_are_named_with_their_lines() -> None:
    doc, notes = _read("example2")
    assert (0, 8, "PER") in _spans(doc)  # "Ms. Haag", a two-token NamedEntity [2]
    assert doc.text[25:42] == "Rolls-Royce Motor" and (25, 42, "ORG") in _spans(doc)
    assert len(doc.spans) == 9 and not doc.relations
    pos = "de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS"
    assert notes[0].startswith(f"Not imported: 86 × annotation of layer {pos}")
    assert "(lines 8, 9, 10, 11, 12, 15, 16, 17, …)" in notes[0]
    assert "dependency.Dependency" in notes[1]
    _, chain_notes = _read("testSimpleChain")
    assert chain_notes == [
        "Not imported: 3 × annotation of layer webanno.custom.SimpleLink "
        "(coreference chains are not imported) (lines 6, 7, 8)."
    ]


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("10-12\t😊", "10-11\t😊", 9),  # ends inside the emoji's surrogate pair
        ("13-14\t.", "12-13\t.", 10),  # code-point offsets: the text there is " ", not "."
    ],
)
def test_code_point_offsets_are_refused_with_the_line(
    tmp_path: Path, old: str, new: str, line: int
) -> None:
    """Offsets that count code points (a common tool bug) are refused, naming the line."""
    content = (DATA / "testSentenceWithEmoji.tsv").read_text("utf-8")
    bad = tmp_path / "bad.tsv"
    bad.write_text(content.replace(old, new), "utf-8")
    with pytest.raises(FormatError) as info:
        read(bad, ReadOptions())
    assert info.value.line == line
    assert "UTF-16" in info.value.reason


def test_damaged_files_are_refused_with_a_format_error_only() -> None:
    """Seeded random damage to the suite files: each is read or refused, never a crash."""
    rnd = random.Random(19)
    files = [p.read_text("utf-8") for p in sorted(DATA.glob("*.tsv")) if p.stat().st_size < 9000]
    pieces = ["\t", "\n", "|", "[", "]", "_", "*", ";", "->", "\\", "1-1", "[1]", "[0_1]", "😀"]
    pieces += ["#Text=", "#T_SP=webanno.custom.X|", "ROLE_a:b_c", "BT_", "1-2.1", "9", "-", "."]
    for _ in range(400):
        content = rnd.choice(files)
        for _ in range(rnd.randint(1, 3)):
            at = rnd.randrange(len(content) + 1)
            if rnd.random() < 0.5:
                content = content[:at] + rnd.choice(pieces) + content[at:]
            else:
                content = content[:at] + content[at + rnd.randint(1, 6) :]
        with contextlib.suppress(AnnotatorError):  # FormatError, or the text rules' refusal
            to_document(parse(content, "x.tsv"), "x.txt", "x.tsv", ReadOptions())
