"""Export speed: ~1 million tokens (the seeds repeated), one span per ten tokens.

Prints tokens per second for every format, and the floor: the camel-tools
tokenizer alone (``simple_word_tokenize``) on the same text. Also shown is
``annotator.core.tokens.tokenize``, which adds code-point offsets to those
tokens. Target: CoNLL export within 2x of the camel-tools floor.

Run: ``.venv/bin/python benchmarks/bench_export.py [--tokens N]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from annotator.core.tokens import tokenize  # noqa: E402
from annotator.services.project import Project, open_project  # noqa: E402
from annotator.services.transfer import FORMATS, ExportRequest, export_layer  # noqa: E402
from annotator.store.models import SpanRow  # noqa: E402
from benchmarks.corpus import repeated_text  # noqa: E402

LABELS = ("PER", "ORG", "GPE", "LOC")
ANNOTATOR = "bench"


def build(project: Project, tokens_wanted: int) -> tuple[str, int, int]:
    """Store the corpus as one document with one span per ten tokens."""
    text = repeated_text(int(tokens_wanted * 0.87))  # camel-tools splits off punctuation
    doc_id, _ = project.documents.add_text("corpus.txt", text)
    toks = tokenize(text)
    aid = project.repo.annotator_id(ANNOTATOR)
    rows = [
        {
            "doc_id": doc_id,
            "annotator_id": aid,
            "start": a,
            "end": b,
            "label": LABELS[i % len(LABELS)],
            "attributes": "{}",
        }
        for i, (a, b) in enumerate(toks[::10])
    ]
    with project.repo.engine.begin() as conn:
        conn.execute(insert(SpanRow), rows)
    return text, len(toks), len(rows)


def timed(label: str, tokens: int, func: object) -> float:
    """Run ``func`` once, print and return seconds."""
    start = time.perf_counter()
    func()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"  {label:<28} {seconds:7.2f} s   {tokens / seconds:>12,.0f} tokens/s", flush=True)
    return seconds


def main() -> int:
    """Build the corpus, time the floor and every export."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = open_project(Path(tmp) / "bench.sqlite")
        try:
            text, n_tokens, n_spans = build(project, args.tokens)
            print(f"bench_export: {n_tokens:,} tokens, {n_spans:,} spans, {len(text):,} characters")
            from camel_tools.tokenizers.word import simple_word_tokenize

            floor = timed("floor: camel tokenizer", n_tokens, lambda: simple_word_tokenize(text))
            timed("core.tokens.tokenize", n_tokens, lambda: tokenize(text))
            results = {}
            for fmt in FORMATS:
                out = Path(tmp) / f"out.{fmt}"
                request = ExportRequest(fmt, out, annotator=ANNOTATOR)
                results[fmt] = timed(
                    f"export {fmt}", n_tokens, lambda r=request: export_layer(project, r)
                )
        finally:
            project.close()
    ratio = results["conll"] / floor
    verdict = "OK" if ratio <= 2.0 else "MISSED"
    print(f"  CoNLL export / camel tokenizer floor = {ratio:.2f}x (target <= 2.0x): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
