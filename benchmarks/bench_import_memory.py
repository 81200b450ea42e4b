"""Peak memory of ``annotator import`` of one large text, against a small one run alongside.

Writes an Arabic text of ``--mb`` MB (the seed articles, each followed by a line with
emoji, NBSP, ZWNJ, tatweel, diacritics, Latin and digits; the emoji makes Python keep the
text at 4 bytes a character, the worst case) and a ``--baseline-mb`` text made the same
way, imports each into a new project in a child process, and reports the child's peak
RSS (``os.wait4``), its CPU time and wall time. The target (issue 17) is 500 MB or less for
60 MB of text; the baseline shows what the interpreter and its libraries take by
themselves, so the two numbers and their difference are comparable across machines.
The GUI's File → Import runs the same ``DocumentService.import_paths`` (on a worker
thread), so what an import adds here it adds there, on top of what the window holds.

Where the memory goes, and what keeps it bounded, is in ADR 0015 ("Bounded memory"):
on 2026-12-07 (a loaded 2-core machine) 60 MB took 893 MB before the text and tokens were
written into their rows in pieces, and 413 MB after, against a 126 MB baseline. To see the
phases, sample ``/proc/self/statm`` from a thread while the import runs in-process.

Run: ``.venv/bin/python -m benchmarks.bench_import_memory [--mb 60] [--baseline-mb 1]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import seed_texts  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ODD = "\nتحديث 😀 عاجل\u00a0الآن ZW\u200cNJ تطـــويل مُحَمَّدٌ Reuters 2024 👩\u200d👩\u200d👧\n"


def write_text(path: Path, megabytes: float) -> int:
    """Write about ``megabytes`` MB of Arabic text to ``path``; return its size in bytes."""
    seeds = seed_texts()
    target = int(megabytes * 1_000_000)
    size = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        k = 0
        while size < target:
            part = seeds[k % len(seeds)] + ODD
            out.write(part)
            size += len(part.encode("utf-8"))
            k += 1
    return path.stat().st_size


def run_import(text: Path, folder: Path) -> tuple[int, float, float]:
    """Import ``text`` into a new project in a child process: peak RSS (KB), CPU s, wall s."""
    env = {**os.environ, "ANNOTATOR_DATA_DIR": str(folder / "data")}
    argv = [sys.executable, "-m", "annotator", "import", str(text), "--db", str(folder / "p.db")]
    started = time.perf_counter()
    child = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"import of {text} failed with exit {os.waitstatus_to_exitcode(status)}")
    return usage.ru_maxrss, usage.ru_utime + usage.ru_stime, wall


def main(argv: list[str] | None = None) -> int:
    """Run both imports and print one line each and the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=60.0, help="size of the large text in MB")
    parser.add_argument("--baseline-mb", type=float, default=1.0, help="size of the baseline")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        rows = []
        for name, megabytes in (("baseline", args.baseline_mb), ("large", args.mb)):
            folder = Path(tmp) / name
            folder.mkdir()
            size = write_text(folder / f"{name}.txt", megabytes)
            rss, cpu, wall = run_import(folder / f"{name}.txt", folder)
            rows.append((name, size, rss))
            print(
                f"{name:>8}: {size / 1e6:6.1f} MB text, peak RSS {rss / 1024:7.1f} MB, "
                f"CPU {cpu:6.1f} s, wall {wall:6.1f} s",
                flush=True,
            )
    (_, small, base), (_, large, peak) = rows
    print(
        f"large/baseline peak RSS: {peak / base:.2f}x; above the baseline: "
        f"{(peak - base) / 1024:.1f} MB for {(large - small) / 1e6:.1f} MB more text "
        f"({(peak - base) * 1024 / max(large - small, 1):.1f} bytes of RSS per byte of text)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
