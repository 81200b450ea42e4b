"""Fuzz every reader: whatever the input, the only exception is the project's own error.

Inputs are valid-looking files that are then damaged (see ``fuzz_inputs``), and
raw text or bytes. A reader either refuses with an :class:`AnnotatorError`
whose message names the file, or returns documents that keep every stored-text
and annotation rule (so nothing bad reaches the database).

``make test`` runs a bounded, derandomized profile; ``make fuzz`` sets
``HYPOTHESIS_PROFILE=fuzz`` for at least 10,000 examples per reader (run it with
``--hypothesis-show-statistics`` to see the counts).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from annotator.core.errors import AnnotatorError, DocumentRejected
from annotator.core.text import (
    decode_document,
    is_invisible,
    normalize_text,
    read_input,
    text_sha256,
)
from annotator.formats import brat, conll, conllu, doccano, jsonl, spacy
from annotator.formats.base import AnnotatedDocument, ReadOptions
from tests.unit.fuzz_inputs import (
    TEXT_CHARS,
    brat_pairs,
    conll_files,
    conllu_files,
    doccano_objects,
    jsonl_files,
    jsonl_objects,
    junk_text,
    raw_bytes,
    spacy_objects,
)

_COMMON = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
}
settings.register_profile("bounded", max_examples=150, derandomize=True, **_COMMON)
settings.register_profile("fuzz", max_examples=10_000, **_COMMON)
FUZZ = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "bounded"))

Reader = Callable[[str, str, ReadOptions], list[AnnotatedDocument]]
STREAM_READERS: dict[str, Reader] = {
    "jsonl": jsonl.read,
    "doccano": doccano.read,
    "spacy": spacy.read,
    "conll": conll.read,
    "conllu": conllu.read,
}

options = st.builds(
    ReadOptions,
    span_labels=st.sampled_from([None, frozenset({"PER", "ORG", "GPE", "Conflict.Attack"})]),
    event_types=st.sampled_from([None, frozenset({"Conflict.Attack"})]),
    relation_types=st.sampled_from([None, frozenset({"PART-WHOLE"})]),
    add_labels=st.booleans(),
    scheme=st.sampled_from(["iob2", "bioes"]),
)


def _visible_name(value: object) -> None:
    assert isinstance(value, str) and not is_invisible(value), repr(value)
    value.encode("utf-8")


def check_document(doc: AnnotatedDocument) -> None:
    """Every rule a document must keep before it may reach the import service."""
    text = doc.text
    _visible_name(text)
    assert normalize_text(text) == text
    assert doc.document.sha256 == text_sha256(text)
    doc.name.encode("utf-8")
    span_ids = [s.id for s in doc.spans]
    assert len(set(span_ids)) == len(span_ids)
    for s in doc.spans:
        assert type(s.start) is int and type(s.end) is int
        assert 0 <= s.start < s.end <= len(text)
        _visible_name(s.label)
        for key, value in s.attributes.items():
            _visible_name(key)
            value.encode("utf-8")
    assert len({e.id for e in doc.events}) == len(doc.events)
    for e in doc.events:
        _visible_name(e.type)
        assert e.trigger_id in span_ids
        pairs = [(a.role, a.span_id) for a in e.arguments]
        assert len(set(pairs)) == len(pairs)
        for role, span_id in pairs:
            _visible_name(role)
            assert span_id in span_ids and span_id != e.trigger_id
        for key, value in e.attributes.items():
            _visible_name(key)
            value.encode("utf-8")
    assert len({r.id for r in doc.relations}) == len(doc.relations)
    for r in doc.relations:
        _visible_name(r.type)
        assert r.arg1_id in span_ids and r.arg2_id in span_ids and r.arg1_id != r.arg2_id


def run_reader(fmt: str, call: Callable[[], list[AnnotatedDocument]], *names: str) -> None:
    """Call a reader: it refuses with the project's error naming the file, or reads sanely."""
    try:
        docs = call()
    except AnnotatorError as exc:
        event(f"{fmt}: refused ({type(exc).__name__})")
        assert any(str(exc).startswith(name) for name in names), str(exc)
        return
    event(f"{fmt}: read")
    assert docs
    for doc in docs:
        check_document(doc)


def _stream(fmt: str, content: str, opts: ReadOptions) -> None:
    path = f"fuzz/input.{fmt}"
    run_reader(fmt, lambda: STREAM_READERS[fmt](content, path, opts), path)


@FUZZ
@given(jsonl_files(jsonl_objects()), options)
def test_fuzz_jsonl(content: str, opts: ReadOptions) -> None:
    _stream("jsonl", content, opts)


@FUZZ
@given(jsonl_files(doccano_objects()), options)
def test_fuzz_doccano(content: str, opts: ReadOptions) -> None:
    _stream("doccano", content, opts)


@FUZZ
@given(jsonl_files(spacy_objects()), options)
def test_fuzz_spacy(content: str, opts: ReadOptions) -> None:
    _stream("spacy", content, opts)


@FUZZ
@given(conll_files(), options)
def test_fuzz_conll(content: str, opts: ReadOptions) -> None:
    _stream("conll", content, opts)


@FUZZ
@given(conllu_files(), options)
def test_fuzz_conllu(content: str, opts: ReadOptions) -> None:
    _stream("conllu", content, opts)


@FUZZ
@given(brat_pairs(), options)
def test_fuzz_brat(pair: tuple[str, str], opts: ReadOptions) -> None:
    ann, text = pair
    run_reader("brat", lambda: [brat.read(ann, text, "doc.txt", "doc.ann", opts)], "doc.")


raw_text = st.one_of(
    junk_text,
    st.text(alphabet=TEXT_CHARS + '\t\n{}[]":,-#=|', max_size=80),
    st.text(max_size=40),
)


@FUZZ
@given(st.sampled_from(sorted(STREAM_READERS)), raw_text, options)
def test_fuzz_every_stream_reader_on_raw_text(fmt: str, content: str, opts: ReadOptions) -> None:
    _stream(fmt, content, opts)


@FUZZ
@given(raw_text, raw_text, options)
def test_fuzz_brat_on_raw_text(ann: str, text: str, opts: ReadOptions) -> None:
    run_reader("brat", lambda: [brat.read(ann, text, "doc.txt", "doc.ann", opts)], "doc.")


@FUZZ
@given(raw_bytes)
def test_fuzz_decode_document(data: bytes) -> None:
    try:
        text = decode_document(data, "in.txt")
    except DocumentRejected as exc:
        event("decode_document: refused")
        assert str(exc).startswith("in.txt: ")
        return
    event("decode_document: read")
    assert text == normalize_text(data.decode("utf-8"))  # nothing else changes
    assert not is_invisible(text)


@FUZZ
@given(raw_bytes, st.integers(0, 80))
def test_fuzz_read_input(data: bytes, limit: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.txt"
        path.write_bytes(data)
        try:
            got = read_input(path, limit)
        except DocumentRejected as exc:
            event("read_input: refused")
            assert len(data) > limit and "too large" in str(exc)
            return
    event("read_input: read")
    assert got == data and len(data) <= limit
