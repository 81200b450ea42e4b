"""Team work speed: merging three laptops' project files, then pre-merging gold.

Three annotators each annotate the same documents on their own laptop project
(one span per ten words from one hidden base; each annotator misses 8% and
relabels 7%). Measured, on real SQLite files:

- baseline: importing each laptop's layers into a fresh project with
  ``import_layers`` (the same rows, validated and written the same way);
- ``merge`` of the three laptops into an empty team project (ratio to the baseline);
- the same merge again ("nothing new": every layer is recognised and skipped);
- ``adjudicate`` (pre-merge, majority:2) over every document, and a second run
  that finds nothing to add;
- the peak resident memory of the process.

Run: ``.venv/bin/python -m benchmarks.bench_team [--docs N] [--words N]``
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.core.adjudicate import Strategy  # noqa: E402
from annotator.core.model import Bundle, Span  # noqa: E402
from annotator.core.positions import CodePoint  # noqa: E402
from annotator.core.text import text_sha256  # noqa: E402
from annotator.services import adjudication  # noqa: E402
from annotator.services.merge import merge_sources, read_sources  # noqa: E402
from annotator.services.project import open_project  # noqa: E402
from annotator.services.write import LayerImport, NewDocument  # noqa: E402
from benchmarks.corpus import seed_texts  # noqa: E402

LABELS = ("PER", "ORG", "GPE", "LOC")
ANNOTATORS = ("amal", "badr", "carim")


def _documents(count: int, words: int) -> list[NewDocument]:
    """``count`` distinct documents of about ``words`` words cut from the seed articles."""
    pool = " ".join(seed_texts()).split(" ")
    docs = []
    for k in range(count):
        start = (k * 97) % max(1, len(pool) - words)
        text = f"وثيقة {k} 📄\u00a0" + " ".join(pool[start : start + words])
        docs.append(NewDocument(f"doc{k:05d}.txt", text, text_sha256(text)))
    return docs


def _layers(docs: list[NewDocument], seed: int) -> dict[str, list[LayerImport]]:
    """Each annotator's layers: one base span per ten words, then misses and relabels."""
    base_rng = random.Random(seed)
    out: dict[str, list[LayerImport]] = {name: [] for name in ANNOTATORS}
    for doc in docs:
        words = [m.span() for m in re.finditer(r"\S+", doc.text)]
        base = [(s, e, base_rng.choice(LABELS)) for s, e in words[3::10]]
        for a, name in enumerate(ANNOTATORS):
            rng = random.Random(f"{seed}/{a}/{doc.name}")
            spans = []
            for s, e, label in base:
                roll = rng.random()
                if roll < 0.08:
                    continue
                if roll < 0.15:
                    label = LABELS[(LABELS.index(label) + 1) % 4]
                spans.append(Span(len(spans) + 1, 0, name, CodePoint(s), CodePoint(e), label))
            out[name].append(LayerImport(doc, Bundle(tuple(spans)), "done"))
    return out


def _timed(run: Callable[[], object]) -> float:
    """Wall seconds one call takes."""
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    """Build the laptops, then time the baseline import, two merges and two pre-merges."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--words", type=int, default=300)
    args = parser.parse_args(argv)
    docs = _documents(args.docs, args.words)
    layers = _layers(docs, 2026)
    spans = sum(len(item.bundle.spans) for items in layers.values() for item in items)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        laptops = []
        for name in ANNOTATORS:
            path = root / f"{name}.db"
            project = open_project(path)
            project.write.import_layers(name, layers[name], replace_layer=False)
            project.close()
            laptops.append(path)

        baseline_db = open_project(root / "baseline.db")
        baseline = _timed(
            lambda: [
                baseline_db.write.import_layers(n, layers[n], replace_layer=False)
                for n in ANNOTATORS
            ]
        )
        baseline_db.close()

        team = open_project(root / "team.db")
        read = _timed(lambda: read_sources(laptops, team.path))
        sources = read_sources(laptops, team.path)
        first = _timed(lambda: merge_sources(team, sources, "stop"))
        again_sources = read_sources(laptops, team.path)
        again_report = []
        again = _timed(lambda: again_report.append(merge_sources(team, again_sources, "stop")))
        doc_ids = team.repo.document_ids()
        strategy = Strategy.parse("majority:2")
        reports = []
        premerge = _timed(
            lambda: reports.append(adjudication.premerge(team, doc_ids, strategy, ANNOTATORS))
        )
        premerge_again = _timed(
            lambda: reports.append(adjudication.premerge(team, doc_ids, strategy, ANNOTATORS))
        )
        gold_spans = sum(len(team.annotations.spans(d, "gold")) for d in doc_ids)
        team.close()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.docs} documents × {args.words} words, {len(ANNOTATORS)} annotators, {spans:,} spans"
    )
    print(f"baseline: import the same layers       {baseline:7.2f} s")
    print(f"read the three laptop files            {read:7.2f} s")
    print(f"merge into an empty team project       {first:7.2f} s  ({first / baseline:.2f}×)")
    print(f"merge again (nothing new)              {again:7.2f} s  ({again / baseline:.2f}×)")
    print(f"pre-merge gold (majority:2)            {premerge:7.2f} s  ({premerge / baseline:.2f}×)")
    print(f"pre-merge again (nothing to add)       {premerge_again:7.2f} s")
    print(
        f"gold spans: {gold_spans:,}; nothing new on the second merge: "
        f"{again_report[0].nothing_new}"
    )
    print(f"peak RSS: {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
