"""Run every ``benchmarks/bench_*.py`` in its own process (offscreen Qt) and print the output.

Usage: ``python benchmarks/run_all.py [NAME_FRAGMENT...]`` (``make bench``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    """Run the benchmarks whose file names contain any of ``argv`` (all if empty)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    failed: list[str] = []
    scripts = sorted((ROOT / "benchmarks").glob("bench_*.py"))
    for script in scripts:
        if argv and not any(part in script.stem for part in argv):
            continue
        print(f"=== {script.stem} ===", flush=True)
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", f"benchmarks.{script.stem}"], cwd=ROOT, env=env, check=False
        )
        print(
            f"--- {script.stem}: exit {result.returncode}, "
            f"{time.perf_counter() - started:.1f} s wall\n",
            flush=True,
        )
        if result.returncode != 0:
            failed.append(script.stem)
    if failed:
        print("FAILED: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
