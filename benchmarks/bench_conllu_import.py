"""Import of a ~30 MB CoNLL-U treebank, against camel-tools' tokenizer alone on the same text.

Issue 19 item 1 asks that a 30 MB treebank import in about the time the tokenizer
needs for the same text, with bounded memory. The file is made of real sentences:
the two PADT sentences of ``tests/data/ud/padt.conllu`` (full UD columns: lemma, UPOS,
XPOS, FEATS, HEAD, DEPREL, DEPS, PADT's long MISC; multiword tokens, one whose parts
do not spell it) and UD's ``haven't`` sentence, repeated in documents of
``--sentences`` sentences, with distinct ``# newdoc`` ids, ``# sent_id`` s and texts
(the number token ``16`` becomes a running number, so no two documents share a text).

Three child processes, each measured with ``os.wait4`` (peak RSS, CPU) and a wall clock:

- ``import``: ``annotator import FILE --format conllu`` into a new project (reading,
  the write service's checks, camel-tools' tokens of every document, the SQLite file);
- ``tokenizer``: ``core.tokens.word_tokens_of`` over the same document texts (what the
  import must spend anyway: ADR 0015 stores these tokens), after reading the texts from
  a plain file made by the generator (not by our reader);
- ``startup``: the interpreter with ``annotator.cli`` and camel-tools imported, nothing
  else, so the memory both of the others need before any work is visible.

What each side includes, so the ratio compares like with like: both are whole commands
from an empty interpreter, startup included. The tokenizer pays Python, numpy and
camel-tools' import (its character tables, about a second), reads the texts and
tokenizes them; it also prints the CPU time of ``word_tokens_of`` alone. The import pays
Python, the CLI's imports (SQLAlchemy, numpy, the formats), a new project file, the
reading, the tokens and the write; from 8 MB on (ADR 0027) the tokens are made in a
spawned child process when a core is free (``--ahead`` forces it either way), whose CPU
time ``os.wait4`` counts in the import's (the child is waited for), but whose peak RSS is
not added: ``ru_maxrss`` is the largest single process's, so the import's peak RSS is its
main process's (or the child's, if larger; the child holds about what the tokenizer run
holds).

Prints each run, then import/tokenizer ratios of wall time, of CPU time (steadier than
wall time on a shared machine) and of peak RSS, and the import's peak RSS above the
startup's.

Run: ``.venv/bin/python -m benchmarks.bench_conllu_import [--mb 30] [--sentences 30]
[--ahead auto|always|never]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "ud"

_TOKENIZE = """
import sys, time
from annotator.core.tokens import _camel_tokenizer, word_tokens_of
texts = open(sys.argv[1], encoding="utf-8").read().split("\\n\\f\\n")
_camel_tokenizer()
started = time.process_time()
tokens = word_tokens_of(texts)
print(sum(len(t) for t in tokens), time.process_time() - started)
"""
_STARTUP = "import annotator.cli, camel_tools.tokenizers.word"


def _sentences() -> list[list[str]]:
    """The real sentences, each as its lines (comments, then token lines)."""
    out = []
    for name in ("padt.conllu", "haven_t.conllu"):
        blocks = (DATA / name).read_text(encoding="utf-8").strip("\n").split("\n\n")
        for block in blocks:
            lines = [ln for ln in block.split("\n") if not ln.startswith("# newdoc")]
            out.append(lines)
    return out


def _sentence_text(lines: list[str]) -> str:
    return next(ln[len("# text = ") :] for ln in lines if ln.startswith("# text = "))


def write_treebank(path: Path, texts: Path, megabytes: float, per_doc: int) -> tuple[int, int]:
    """Write the CoNLL-U file and the plain document texts; return (bytes, documents)."""
    sentences = _sentences()
    target = int(megabytes * 1_000_000)
    size = docs = 0
    with (
        path.open("w", encoding="utf-8", newline="\n") as out,
        texts.open("w", encoding="utf-8", newline="\n") as plain,
    ):
        n = 0
        while size < target:
            chunk = [f"# newdoc id = bench-{docs}"]
            doc_texts: list[str] = []
            for k in range(per_doc):
                lines = sentences[(n + k) % len(sentences)]
                number = str(100 + n + k)
                lines = [
                    ln.replace("\t16\t16\t", f"\t{number}\t{number}\t").replace(
                        " 16 ", f" {number} "
                    )
                    for ln in lines
                ]
                lines = [
                    f"# sent_id = bench-{docs}-{k}" if ln.startswith("# sent_id") else ln
                    for ln in lines
                ]
                chunk += [*lines, ""]
                newpar = bool(doc_texts) and any(ln.startswith("# newpar") for ln in lines)
                doc_texts.append(("\n\n" if newpar else " ") + _sentence_text(lines))
            n += per_doc
            block = "\n".join(chunk) + "\n"
            out.write(block)
            plain.write(("\n\f\n" if docs else "") + "".join(doc_texts)[1:])
            size += len(block.encode("utf-8"))
            docs += 1
    return path.stat().st_size, docs


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Run a child: peak RSS (MB), CPU s, wall s, its output."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv[:4]} failed: exit {os.waitstatus_to_exitcode(status)}")
    return usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, wall, output


def main(argv: list[str] | None = None) -> int:
    """Write the file, run the three children, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=30.0, help="size of the CoNLL-U file in MB")
    parser.add_argument("--sentences", type=int, default=30, help="sentences per document")
    parser.add_argument(
        "--ahead",
        choices=("auto", "always", "never"),
        default="auto",
        help="tokens in a child process (ADR 0027): by the machine's load, always or never",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-conllu-") as tmp:
        folder = Path(tmp)
        env = {**os.environ, "ANNOTATOR_DATA_DIR": str(folder / "data")}
        if args.ahead != "auto":
            env["ANNOTATOR_TOKENS_AHEAD"] = args.ahead
        load, cores = os.getloadavg()[0], len(os.sched_getaffinity(0))
        print(f"load average {load:.2f} on {cores} cores; tokens ahead: {args.ahead}", flush=True)
        treebank, texts = folder / "bench.conllu", folder / "texts.txt"
        size, docs = write_treebank(treebank, texts, args.mb, args.sentences)
        print(f"file: {size / 1e6:.1f} MB CoNLL-U, {docs} documents", flush=True)
        py = sys.executable
        runs = {
            "startup": [py, "-c", _STARTUP],
            "tokenizer": [py, "-c", _TOKENIZE, str(texts)],
            "import": [py, "-m", "annotator", "import", str(treebank), "--format", "conllu"]
            + ["--annotator", "ud", "--db", str(folder / "p.db")],
        }
        got = {}
        for name, command in runs.items():
            rss, cpu, wall, out = _run(command, env)
            got[name] = (rss, wall, cpu)
            detail = ""
            if name == "tokenizer":
                count, alone = out.split()
                detail = f", {int(count)} tokens (word_tokens_of alone: CPU {float(alone):.2f} s)"
            print(
                f"{name:>9}: wall {wall:6.2f} s, CPU {cpu:6.2f} s, peak RSS {rss:7.1f} MB{detail}",
                flush=True,
            )
        (base, _, _), (tok_rss, tok_wall, tok_cpu), (imp_rss, imp_wall, imp_cpu) = got.values()
        ratios = (
            f"wall {imp_wall / tok_wall:.2f}x, CPU {imp_cpu / tok_cpu:.2f}x, "
            f"peak RSS {imp_rss / tok_rss:.2f}x"
        )
        print(
            f"import/tokenizer: {ratios}; import above startup: {imp_rss - base:.1f} MB "
            f"({(imp_rss - base) * 1e6 / size:.1f} bytes per byte of CoNLL-U)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
