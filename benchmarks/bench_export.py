"""Export speed on two corpora, as ratios to the camel-tools tokenizer floor.

Corpora (the seeds repeated, one span per ten tokens):

- ``big``: one document of about a million tokens;
- ``small``: 5,000 documents of about 200 tokens each.

For each corpus the floor is ``simple_word_tokenize`` alone over the same
text(s), measured in the same run; every export (through ``export_layer``,
so the database reads are included) is printed as seconds, tokens per second
and a ratio to that floor. Target: every token format (conll, conllu, spacy,
hf) at most 1.5x the floor on both corpora. Times are CPU seconds
(``time.process_time``). Each export run follows a floor run, and a format's
ratio is its fastest run over the fastest of the floor runs beside it, so
both get ``--repeat`` tries at a quiet moment of a shared machine. The median
of each run's ratio to the floor run just before it is printed beside it: on
a machine whose speed drifts, it shows how far a single ratio can be trusted.

The project keeps each document's tokens (ADR 0015): exports read them, and
the time adding the documents took, where they are made, is printed too.
``--cold`` also times the token formats after deleting the stored tokens (as
after a camel-tools upgrade), which is how every export ran before ADR 0015.

Run: ``.venv/bin/python -m benchmarks.bench_export [--tokens N] [--docs N] [--repeat N]
[--corpus big|small]... [--format NAME]... [--cold]``
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.core.change import Change, Origin  # noqa: E402
from annotator.core.model import Bundle, Edit, Span  # noqa: E402
from annotator.core.positions import CodePoint  # noqa: E402
from annotator.core.text import text_sha256  # noqa: E402
from annotator.core.tokens import token_pieces  # noqa: E402
from annotator.services.project import Project, open_project  # noqa: E402
from annotator.services.transfer import FORMATS, ExportRequest, export_layer  # noqa: E402
from annotator.services.write import NewDocument  # noqa: E402
from benchmarks.corpus import repeated_text  # noqa: E402

LABELS = ("PER", "ORG", "GPE", "LOC")
ANNOTATOR = "bench"
TOKEN_FORMATS = ("conll", "conllu", "spacy", "hf")
TARGET = 1.5


def small_texts(count: int, words: int = 175) -> list[str]:
    """``count`` distinct documents of about ``words`` words (about 200 tokens each)."""
    pool = repeated_text(count * words // 50 + 1000).split()
    out = []
    for k in range(count):
        at = (k * 37) % (len(pool) - words)
        out.append(f"وثيقة {k}\n" + " ".join(pool[at : at + words]))
    return out


def store(project: Project, texts: list[str]) -> tuple[int, float]:
    """Store the documents and one span per ten tokens, through the write path.

    Returns the number of tokens and the seconds adding the documents took
    (that is where their tokens are made and stored, ADR 0015).
    """
    docs = [NewDocument(f"doc{k:05d}.txt", t, text_sha256(t)) for k, t in enumerate(texts)]
    began = time.process_time()
    ids = [doc_id for doc_id, _created in project.write.add_documents(docs)]
    adding = time.process_time() - began
    tokens = 0
    edits = []
    for doc_id, text in zip(ids, texts, strict=True):
        _, starts, ends = token_pieces(text)
        tokens += len(starts)
        spans = tuple(
            Span(0, doc_id, ANNOTATOR, CodePoint(a), CodePoint(b), LABELS[n % len(LABELS)])
            for n, (a, b) in enumerate(zip(starts[::10], ends[::10], strict=True))
        )
        edits.append(Edit(doc_id, ANNOTATOR, add=Bundle(spans=spans)))
    project.write.apply(Change(tuple(edits), description="benchmark", origin=Origin.IMPORT))
    return tokens, adding


def best(func: Callable[[], object], repeat: int) -> float:
    """The shortest of ``repeat`` runs of ``func``, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return min(times)


def run_corpus(
    label: str,
    texts: list[str],
    tmp: Path,
    repeat: int,
    formats: tuple[str, ...] = FORMATS,
    cold: bool = False,
) -> dict[str, float]:
    """Time the floor and every export on one corpus; print and return ratios.

    Each format is timed ``repeat`` times, each run right after a run of the
    floor, and its ratio is its fastest run over the fastest of *those* floor
    runs: export and floor get the same number of tries at a quiet moment of
    the machine (taking the fastest floor of the whole corpus would give the
    floor seven times as many tries as each format).

    The project keeps each document's tokens (ADR 0015), so the exports read
    them; adding the documents, where they are made, is printed as a ratio to
    the floor too. With ``cold`` the token formats are timed again after the
    stored tokens are deleted, as an older camel-tools would leave them
    (printed, not judged).
    """
    db = tmp / f"{label}.sqlite"
    project = open_project(db)
    try:
        tokens, adding = store(project, texts)
        floor = _floor(texts)
        print(f"\n{label}: {len(texts):,} documents, {tokens:,} tokens", flush=True)
        print(f"  {'floor: camel tokenizer':<26} {floor:6.2f} s {tokens / floor:>11,.0f} tok/s")
        print(
            f"  {'add documents':<26} {adding:6.2f} s {tokens / adding:>11,.0f} tok/s"
            f"  {adding / floor:5.2f}x (once, on import; tokens made and stored)"
        )
        ratios = _exports(project, label, tokens, texts, tmp, repeat, formats)
        if cold:
            with sqlite3.connect(db) as con:
                con.execute("DELETE FROM document_tokens")
            con.close()
            shown = tuple(f for f in formats if f in TOKEN_FORMATS)
            _exports(project, label, tokens, texts, tmp, repeat, shown, " (no tokens)")
        return ratios
    finally:
        project.close()


def _floor(texts: list[str]) -> float:
    """One run of camel-tools alone over ``texts``, in seconds."""
    from camel_tools.tokenizers.word import simple_word_tokenize

    return best(lambda: [simple_word_tokenize(t) for t in texts], 1)


def _exports(
    project: Project,
    label: str,
    tokens: int,
    texts: list[str],
    tmp: Path,
    repeat: int,
    formats: tuple[str, ...],
    note: str = "",
) -> dict[str, float]:
    """Time each format against its own floor runs (see :func:`run_corpus`); print ratios."""
    floors: dict[str, float] = {}
    seconds: dict[str, float] = {}
    paired: dict[str, float] = {}
    for fmt in formats:
        request = ExportRequest(fmt, tmp / f"{label}.{fmt}", annotator=ANNOTATOR)
        runs, floor_runs = [], []
        for _ in range(repeat):
            floor_runs.append(_floor(texts))
            runs.append(best(lambda r=request: export_layer(project, r), 1))
        seconds[fmt], floors[fmt] = min(runs), min(floor_runs)
        paired[fmt] = statistics.median(e / f for e, f in zip(runs, floor_runs, strict=True))
    ratios = {}
    for fmt in formats:
        ratios[fmt] = seconds[fmt] / floors[fmt]
        verdict = "  ok" if ratios[fmt] <= TARGET else "  MISSED"
        mark = verdict if fmt in TOKEN_FORMATS and not note else ""
        print(
            f"  {'export ' + fmt + note:<26} {seconds[fmt]:6.2f} s {tokens / seconds[fmt]:>11,.0f}"
            f" tok/s  {ratios[fmt]:5.2f}x (floor {floors[fmt]:.2f} s;"
            f" median of paired runs {paired[fmt]:.2f}x){mark}",
            flush=True,
        )
    return ratios


def main() -> int:
    """Build both corpora and time the floor and every export on each."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", type=int, default=1_000_000, help="big document size")
    parser.add_argument("--docs", type=int, default=5_000, help="number of small documents")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", choices=("big", "small"), action="append", help="only these")
    parser.add_argument("--format", choices=FORMATS, action="append", help="only these formats")
    parser.add_argument(
        "--cold", action="store_true", help="also time token formats without stored tokens"
    )
    args = parser.parse_args()
    formats = tuple(args.format or FORMATS)
    corpora = {
        "big": lambda: [repeated_text(int(args.tokens * 0.87))],  # camel splits punctuation off
        "small": lambda: small_texts(args.docs),
    }
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.corpus or corpora:
            results[name] = run_corpus(
                name, corpora[name](), Path(tmp), args.repeat, formats, args.cold
            )
    shown = [f for f in TOKEN_FORMATS if f in formats]
    print(f"\nToken formats / floor (target <= {TARGET}x):")
    for fmt in shown:
        cells = "  ".join(f"{name} {r[fmt]:.2f}x" for name, r in results.items())
        print(f"  {fmt:<8} {cells}")
    missed = [f for f in shown for r in results.values() if r[f] > TARGET]
    print("verdict:", "OK" if not missed else "MISSED: " + ", ".join(sorted(set(missed))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
