"""The token exports, read by the real tools: spaCy, `spacy convert`, datasets, conllu.

The corpus is the five seeds (seed 000 with its hand-made gold) plus the
synthetic documents of :mod:`tests.golden.synthetic`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import conllu
import pytest
import spacy
from spacy.tokens import Doc, DocBin
from spacy.training import Example
from spacy.util import filter_spans, fix_random_seed

from annotator.services.project import Project, open_project
from annotator.services.transfer import (
    ExportRequest,
    ExportResult,
    ImportRequest,
    export_layer,
    import_annotations,
)
from tests.golden.seed000 import GOLDEN, SEED_NAME, SEEDS, annotate_seed000
from tests.golden.synthetic import ALIGNED, SPANS, TEXTS, add_synthetic

SEED001 = "001_043d6b0a05f748ed.txt"


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[Project]:
    """Seeds (seed 000 with gold, as 'synth') and the synthetic documents."""
    project = open_project(tmp_path / "corpus.sqlite")
    project.documents.import_paths([SEEDS])
    annotate_seed000(project)
    add_synthetic(project, "amal")
    yield project
    project.close()


def _export(project: Project, fmt: str, out: Path, **options: object) -> ExportResult:
    return export_layer(project, ExportRequest(fmt, out, annotator="amal", **options))  # type: ignore[arg-type]


def _tasks(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _doc(vocab: spacy.vocab.Vocab, task: dict) -> Doc:
    tokens = task["tokens"]
    return Doc(vocab, words=[t["text"] for t in tokens], spaces=[t["ws"] for t in tokens])


@pytest.mark.parametrize("segment", ["none", "article", "clitics"])
def test_spacy_rebuilds_every_text_and_aligns_every_span(
    corpus: Project, tmp_path: Path, segment: str
) -> None:
    out = tmp_path / "spacy.jsonl"
    result = _export(corpus, "spacy", out, segment=segment)
    nlp = spacy.blank("ar")
    written = 0
    triggers = []
    for task in _tasks(out):
        triggers += [task["text"][s["start"] : s["end"]] for s in task["triggers"]]
        assert all(s["label"] != "Conflict.Attack" for s in task["spans"])
        doc = _doc(nlp.vocab, task)
        assert doc.text == task["text"]
        for span in task["spans"] + task["triggers"]:
            made = doc.char_span(span["start"], span["end"], alignment_mode="strict")
            assert made is not None, span
            assert (made.start, made.end - 1) == (span["token_start"], span["token_end"])
            written += 1
    assert triggers == ["هجوماً", "الهجوم"]  # seed 000, synthetic-3: kept apart from entities
    synthetic_total = len(SPANS)
    assert written + result.unaligned == 7 + synthetic_total  # nothing lost silently
    seed_lost = 1 if segment in ("none", "article") else 0  # «محافظة» in «بمحافظة»
    assert result.unaligned == seed_lost + synthetic_total - ALIGNED[segment]


def _convert(source: Path, converter: str, out: Path) -> list[tuple[str, str]]:
    done = subprocess.run(
        [sys.executable, "-m", "spacy", "convert", "-c", converter, str(source), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    docs = DocBin().from_disk(out / (source.stem + ".spacy")).get_docs(spacy.blank("xx").vocab)
    return [(e.label_, e.text) for d in docs for e in d.ents]


SEED_ENTITIES = [
    ("ORG", "وزارة الدفاع الروسية"),
    ("GPE", "روسيا"),
    ("GPE", "حماة"),
    ("WEA", "صواريخ"),
]


@pytest.mark.parametrize("segment", ["none", "clitics"])
def test_spacy_convert_reads_conll_and_conllu(
    project: Project, tmp_path: Path, segment: str
) -> None:
    annotate_seed000(project)
    expected = list(SEED_ENTITIES)
    if segment == "clitics":
        expected.insert(2, ("GPE", "محافظة"))
    for fmt, converter in (("conll", "ner"), ("conllu", "conllu")):
        source = tmp_path / f"seed.{fmt}"
        _export(project, fmt, source, segment=segment)
        found = _convert(source, converter, tmp_path)
        texts = [(label, text.replace(" ", "")) for label, text in found]
        assert texts == [(label, text.replace(" ", "")) for label, text in expected], fmt


def test_a_tiny_ner_model_trains_from_the_spacy_export(corpus: Project, tmp_path: Path) -> None:
    out = tmp_path / "train.jsonl"
    _export(corpus, "spacy", out, segment="clitics", docs=tuple(TEXTS))
    fix_random_seed(0)
    nlp = spacy.blank("xx")
    nlp.add_pipe("ner")
    examples = []
    for task in _tasks(out):
        reference = _doc(nlp.vocab, task)
        spans = [
            reference.char_span(s["start"], s["end"], label=s["label"], alignment_mode="strict")
            for s in task["spans"]
        ]
        reference.ents = filter_spans([s for s in spans if s is not None])
        examples.append(Example(_doc(nlp.vocab, task), reference))
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(40):
        nlp.update(examples, sgd=optimizer, drop=0.0)
    predicted = {(e.label_, e.text) for ex in examples for e in nlp(ex.reference.text).ents}
    gold = {(e.label_, e.text) for ex in examples for e in ex.reference.ents}
    assert len(gold) == 12  # 14 aligned entity spans, one nested, «حلب» twice
    assert len(predicted & gold) >= len(gold) // 2


def test_datasets_loads_the_hf_export_with_class_labels(corpus: Project, tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    out = tmp_path / "train.jsonl"
    _export(corpus, "hf", out, segment="clitics", nested="all", events=True)
    sidecar = json.loads((tmp_path / "train.features.json").read_text("utf-8"))
    features = datasets.Features.from_dict(sidecar["features"])
    loaded = datasets.load_dataset(
        "json", data_files=str(out), features=features, cache_dir=str(tmp_path / "cache")
    )["train"]
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert loaded.num_rows == len(rows)
    names = loaded.features["ner_tags"].feature.names
    assert names == sidecar["labels"]["ner_tags"] and "B-JOB-TITLE" in names
    tags = [names[i] for row in loaded for i in row["ner_tags"]]
    inner = [names[i] for row in loaded for i in row["ner_tags_2"]]
    triggers = loaded.features["trigger_tags"].feature.names
    fired = [triggers[i] for row in loaded for i in row["trigger_tags"]]
    # «الفرنسي» is nested in a PER that crosses a line break, so that PER is left out
    assert tags.count("B-JOB-TITLE") == 1 and inner.count("B-GPE") == 1
    assert fired.count("B-Conflict.Attack") == 2  # seed 000 and synthetic-3
    assert all(len(r["tokens"]) == len(r["ner_tags"]) for r in loaded)


def test_conllu_package_round_trips_spaces_after_on_seed001(
    project: Project, tmp_path: Path
) -> None:
    out = tmp_path / "seed001.conllu"
    annotate_seed000(project)  # creates the layer; --docs picks seed 001 (no spans)
    _export(project, "conllu", out, docs=(SEED001,))
    content = out.read_text("utf-8")
    token_lines = [line for line in content.split("\n") if line and not line.startswith("#")]
    assert not any("\u00a0" in line.split("\t")[9] for line in token_lines)
    sentences = conllu.parse(content)
    assert "".join(s.serialize() for s in sentences) == content
    values = [
        t["misc"]["SpacesAfter"]
        for s in sentences
        for t in s
        if t["misc"] and "SpacesAfter" in t["misc"]
    ]
    assert any("\\u00A0" in v for v in values)
    text = (SEEDS / SEED001).read_text("utf-8")
    rebuilt = []
    for sentence in sentences:
        for token in sentence:
            misc = token["misc"] or {}
            rebuilt.append(token["form"])
            if misc.get("SpaceAfter") == "No":
                continue
            raw = misc.get("SpacesAfter")
            rebuilt.append(" " if raw is None else _ud_unescape(raw))
    assert "".join(rebuilt).rstrip(" ") == text


def _ud_unescape(raw: str) -> str:
    simple = {"\\s": " ", "\\t": "\t", "\\n": "\n", "\\r": "\r", "\\p": "|", "\\\\": "\\"}
    out, i = [], 0
    while i < len(raw):
        if raw[i : i + 2] == "\\u":
            out.append(chr(int(raw[i + 2 : i + 6], 16)))
            i += 6
        else:
            out.append(simple[raw[i : i + 2]])
            i += 2
    return "".join(out)


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("conllu", {}),
        ("conllu", {"segment": "clitics", "nested": "all", "events": True}),
        ("spacy", {}),
        ("spacy", {"segment": "clitics"}),
    ],
)
def test_text_formats_round_trip_on_the_synthetic_corpus(
    corpus: Project, tmp_path: Path, fmt: str, options: dict[str, object]
) -> None:
    first = tmp_path / f"first.{fmt}"
    _export(corpus, fmt, first, docs=tuple(TEXTS), **options)
    report = import_annotations(corpus, ImportRequest((first,), fmt, "copy"))
    assert not report.rejected, report.rejected[0].message
    assert len(corpus.documents.document_ids()) == 5 + len(TEXTS)  # matched by exact text
    second = tmp_path / f"second.{fmt}"
    export_layer(corpus, ExportRequest(fmt, second, annotator="copy", docs=tuple(TEXTS), **options))  # type: ignore[arg-type]
    expected = first.read_text("utf-8")
    expected = expected.replace('"annotator": "amal"', '"annotator": "copy"')
    expected = expected.replace("# annotator = amal\n", "# annotator = copy\n")
    assert second.read_text("utf-8") == expected


@pytest.mark.parametrize(
    "options", [{}, {"separator": "space"}, {"nested": "all", "events": True, "scheme": "bioes"}]
)
def test_conll_round_trips_on_the_synthetic_corpus(
    corpus: Project, tmp_path: Path, options: dict[str, object]
) -> None:
    scheme = str(options.get("scheme", "iob2"))
    first = tmp_path / "first.conll"
    _export(corpus, "conll", first, docs=tuple(TEXTS), **options)
    fresh = open_project(tmp_path / "fresh.sqlite")
    try:
        report = import_annotations(fresh, ImportRequest((first,), "conll", "amal", scheme=scheme))
        assert not report.rejected, report.rejected[0].message
        second = tmp_path / "second.conll"
        export_layer(fresh, ExportRequest("conll", second, annotator="amal", **options))  # type: ignore[arg-type]
        assert second.read_bytes() == first.read_bytes()
        assert "-JOB-TITLE" in second.read_text("utf-8")
    finally:
        fresh.close()


def test_golden_seed_exports_are_checked_by_spacy_convert(tmp_path: Path) -> None:
    """The golden files themselves (not only fresh exports) pass the real converter."""
    cases = (("seed000.conll", "ner", 4), ("seed000.conllu", "conllu", 4))
    for name, converter, count in (*cases, ("seed000.clitics.conllu", "conllu", 5)):
        found = _convert(GOLDEN / name, converter, tmp_path)
        assert len(found) == count, name
    assert SEED_NAME in (GOLDEN / "seed000.conllu").read_text("utf-8")


def test_golden_hf_export_loads_in_datasets(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    sidecar = json.loads((GOLDEN / "seed000.hf.features.json").read_text("utf-8"))
    loaded = datasets.load_dataset(
        "json",
        data_files=str(GOLDEN / "seed000.hf.jsonl"),
        features=datasets.Features.from_dict(sidecar["features"]),
        cache_dir=str(tmp_path / "cache"),
    )["train"]
    names = loaded.features["ner_tags"].feature.names
    tags = [names[i] for row in loaded for i in row["ner_tags"]]
    assert [t for t in tags if t.startswith("B-")] == ["B-ORG", "B-GPE", "B-GPE", "B-GPE", "B-WEA"]
    assert loaded[0]["document"] == SEED_NAME
