"""Our WebAnno TSV export read by an independent reader from PyPI, ``webanno2spacy``.

webanno2spacy (Apache 2.0) reads the first feature column as the span label
(joining ``LABEL[N]`` units), and a relation layer's two last columns as the
relation type and its governor's unit, into spaCy's ``doc._.rel`` keyed by
(dependent start, governor start). It applies the file's offsets to a Python
string and accepts only ASCII labels, so the text here is Arabic of the Basic
Multilingual Plane (NBSP, ZWNJ, tatweel, diacritics, Latin, digits) with ASCII
labels; the UTF-16 offsets of astral characters are checked in
test_webanno_roundtrip.py.
"""

from __future__ import annotations

import csv
import logging

import pytest
import spacy
import webanno2spacy

from annotator.core.model import Document, Relation, Span
from annotator.core.positions import CodePoint
from annotator.core.text import text_sha256
from annotator.formats.base import AnnotatedDocument
from annotator.formats.tagging import WriteStats
from annotator.formats.webanno import dumps

TEXT = "قالــت وزارة الدفاع إنّ Reuters نقلت\u00a0الخبر عن حماة\u200cالسورية يوم 12 آذار."


def _span(ident: int, words: str, label: str) -> Span:
    start = TEXT.index(words)
    return Span(ident, 0, "", CodePoint(start), CodePoint(start + len(words)), label)


def test_webanno2spacy_reads_our_spans_and_relation_directions(
    caplog: pytest.LogCaptureFixture,
) -> None:
    spans = (
        _span(1, "وزارة الدفاع", "ORG"),  # two tokens: ORG[1]
        _span(2, "Reuters", "ORG"),
        _span(3, "حماة\u200cالسورية", "GPE"),
        _span(4, "12 آذار", "TIME"),
    )
    relations = (
        Relation(1, 0, "", "ORG-AFF", 2, 1),  # Reuters -> the ministry
        Relation(2, 0, "", "PHYS", 1, 3),
    )
    doc = AnnotatedDocument(Document(0, "d.txt", TEXT, text_sha256(TEXT)), "", spans, (), relations)
    content = dumps(doc, frozenset(), WriteStats())
    rows = csv.reader(content.splitlines(), delimiter="\t", quotechar='"')
    with caplog.at_level(logging.WARNING, logger="webanno2spacy"):
        read = webanno2spacy.convert_rows(spacy.blank("xx"), TEXT, rows)
    assert not [r for r in caplog.records if "not found in Doc" in r.getMessage()]
    found = {key: {k for k, v in rel.items() if v == 1.0} for key, rel in read._.rel.items()}
    start = {s.id: s.start for s in spans}
    assert found == {
        (start[1], start[2]): {"ORG-AFF"},  # (dependent = Arg2, governor = Arg1)
        (start[3], start[1]): {"PHYS"},
    }
