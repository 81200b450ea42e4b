"""Print the score of the last ``mutmut run`` per module, and every mutant that was not killed.

Run by ``make mutate`` after ``mutmut run``; reads ``mutmut results --all true``. Exits 1 if
a mutant was not checked, or was neither killed nor listed as equivalent in
docs/mutation-testing.md, so a new survivor is noticed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "mutation-testing.md"
COLUMNS = ("killed", "survived", "timeout", "no tests", "not checked", "other")


def results(mutmut: str) -> dict[str, str]:
    """Every mutant's name and status, as ``mutmut results --all true`` lists them."""
    out = subprocess.run(
        [mutmut, "results", "--all", "true"], capture_output=True, text=True, check=True
    ).stdout
    found: dict[str, str] = {}
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            found[name] = status
    return found


def module_of(mutant: str) -> str:
    """``annotator.core.validate.x_check_span__mutmut_3`` -> ``annotator.core.validate``."""
    return mutant.rsplit(".", 1)[0]


def equivalent() -> set[str]:
    """The mutants docs/mutation-testing.md names: equivalent (with the reason), or killed by a
    test added after the last run."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    return set(re.findall(r"`([\w.ǁ]+__mutmut_\d+)`", text))


def main() -> int:
    """Print the table and the mutants left; 1 if one is neither killed nor explained."""
    found = results(sys.argv[1] if len(sys.argv) > 1 else "mutmut")
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for name, status in found.items():
        column = status if status in COLUMNS else "other"
        table[module_of(name)][column] += 1
    total: Counter[str] = Counter()
    print(f"{'module':34} " + " ".join(f"{c:>11}" for c in COLUMNS) + "       total")
    for module in sorted(table):
        total.update(table[module])
        row = table[module]
        cells = " ".join(f"{row[c]:>11}" for c in COLUMNS)
        print(f"{module:34} {cells} {sum(row.values()):>11}")
    cells = " ".join(f"{total[c]:>11}" for c in COLUMNS)
    print(f"{'all':34} {cells} {sum(total.values()):>11}")
    explained = equivalent()
    left = sorted(n for n, s in found.items() if s not in ("killed", "not checked"))
    unexplained = [n for n in left if n not in explained]
    for name in left:
        mark = "explained" if name in explained else "NOT EXPLAINED"
        print(f"  {found[name]:9} {mark:14} {name}")
    unchecked = sum(1 for s in found.values() if s == "not checked")
    if unexplained or unchecked:
        print(
            f"{len(unexplained)} mutants not killed and not explained in {DOC.name}; "
            f"{unchecked} not checked"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
