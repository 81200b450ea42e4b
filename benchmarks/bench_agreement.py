"""Agreement speed: three annotators over about one million tokens, every measure at once.

The corpus is the seed articles as many documents (about a thousand tokens
each) until the token count is reached. Each annotator's layer comes from one
hidden base with one span per ten tokens (a fifth of them with a nested span
inside), then misses, relabels and longer spans drawn per annotator, plus one
event and one relation per document. Measured: the text-only tokens (camel-tools,
shared by every annotator), then ``compute`` (span F1, token coefficients on one
level, α_U, events, relations, confusion, per-document figures and the bootstrap
with 1000 resamples): wall and CPU time of each run (other programs share the
cores: the load average is printed), the peak resident memory of the process, and
the peak memory one run allocates (tracemalloc, which counts numpy's arrays too).
Target: all measures in 3 s or less.

Run: ``.venv/bin/python -m benchmarks.bench_agreement [--tokens N] [--resamples N]``
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.core.agreement import DocumentLayers, Layer, Options, compute  # noqa: E402
from annotator.core.agreement.tokentags import TokenBounds, text_tokens  # noqa: E402
from annotator.core.model import Argument, Event, Relation, Span  # noqa: E402
from annotator.core.positions import CodePoint  # noqa: E402
from annotator.core.text import text_sha256  # noqa: E402
from benchmarks.corpus import seed_texts  # noqa: E402

LABELS = ("PER", "ORG", "GPE", "LOC")
ANNOTATORS = ("amal", "badr", "carim")


def _layer(rng: random.Random, doc_id: int, name: str, base: list, tokens: TokenBounds) -> Layer:
    spans = []
    for k, (i, j, label) in enumerate(base):
        roll = rng.random()
        if roll < 0.08:
            continue
        if roll < 0.15:
            label = LABELS[(LABELS.index(label) + 1) % 4]
        elif roll < 0.2 and j < len(tokens):
            j += 1
        spans.append(
            Span(
                k + 1,
                doc_id,
                name,
                CodePoint(tokens.starts[i]),
                CodePoint(tokens.ends[j - 1]),
                label,
            )
        )
    trigger = Span(len(base) + 10, doc_id, name, spans[0].start, spans[0].end, "Conflict.Attack")
    event = Event(
        1, doc_id, name, "Conflict.Attack", trigger.id, (Argument("Attacker", spans[1].id),)
    )
    relation = Relation(1, doc_id, name, "PHYS", spans[1].id, spans[2].id)
    return Layer(name, (*spans, trigger), (event,), (relation,))


def build(
    tokens_wanted: int, seed: int = 1
) -> tuple[list[DocumentLayers], list[TokenBounds], float]:
    """The documents, their tokens, and the seconds the tokenizer took."""
    rng = random.Random(seed)
    texts = seed_texts()
    docs: list[DocumentLayers] = []
    bounds: list[TokenBounds] = []
    total = 0
    tokenizing = 0.0
    while total < tokens_wanted:
        text = texts[len(docs) % len(texts)]
        started = time.perf_counter()
        tokens = text_tokens(text)
        tokenizing += time.perf_counter() - started
        base = []
        for i in range(0, len(tokens) - 3, 10):
            label = LABELS[rng.randrange(4)]
            base.append((i, i + 2, label))
            if rng.random() < 0.2:
                base.append((i, i + 1, LABELS[rng.randrange(4)]))
        layers = tuple(_layer(rng, len(docs) + 1, n, base, tokens) for n in ANNOTATORS)
        docs.append(DocumentLayers(len(docs) + 1, f"d{len(docs)}", text, text_sha256(text), layers))
        bounds.append(tokens)
        total += len(tokens)
    return docs, bounds, tokenizing


def _measure_memory(docs: list[DocumentLayers], bounds: list[TokenBounds], resamples: int) -> int:
    """Peak bytes allocated (Python objects and numpy arrays) during one ``compute``."""
    tracemalloc.start()
    compute(docs, Options(resamples=resamples), tokens=bounds)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> int:
    """Build the corpus, time every measure, print seconds and memory."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", type=int, default=1_000_000)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is reported")
    args = parser.parse_args()
    docs, bounds, tokenizing = build(args.tokens)
    n_tokens = sum(len(b) for b in bounds)
    n_spans = sum(len(layer.spans) for d in docs for layer in d.layers)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    runs, cpu = [], []
    for _ in range(args.repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        report = compute(docs, Options(resamples=args.resamples), tokens=bounds)
        runs.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    measures = min(runs)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"documents: {len(docs)}, tokens: {n_tokens:,}, spans (3 annotators): {n_spans:,}")
    print(f"load average (1, 5, 15 min) before: {load}; cores: {os.cpu_count()}")
    print(
        f"text-only tokens (camel-tools, once per document): {tokenizing:.2f} s "
        f"({n_tokens / tokenizing / 1000:.0f}k tokens/s; about 460k/s on an idle machine)"
    )
    print(
        f"all measures incl. bootstrap ({args.resamples} resamples): best of {args.repeat} "
        f"{measures:.2f} s (runs: {', '.join(f'{r:.2f}' for r in runs)}; target <= 3 s)"
    )
    print(f"  CPU time of the same runs: {', '.join(f'{c:.2f}' for c in cpu)} s")
    print(f"peak RSS: {peak:.0f} MB (before measuring: {before:.0f} MB)")
    traced = _measure_memory(docs, bounds, args.resamples) / 2**20
    print(f"peak memory allocated by one run of the measures (tracemalloc): {traced:.0f} MB")
    fleiss = report.headline["Fleiss' κ"]
    print(f"check: Fleiss' κ {fleiss[0]:.4f} [{fleiss[1]:.4f}, {fleiss[2]:.4f}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
