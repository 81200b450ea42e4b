"""What an importer read but could not keep, counted, with the line where each was first met.

Issue 19 item 6: every importer ends with a summary that counts what came in and
names everything it could not represent. A large file can hold the same kind of
thing hundreds of thousands of times (a treebank's lemmas), so each kind is one
count with its first line, not one message per occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Unkept:
    """What a file holds that the project does not keep: per kind, a count and the first line."""

    found: dict[str, list[int]] = field(default_factory=dict)

    def add(self, what: str, line: int, count: int = 1) -> None:
        """Count ``count`` of ``what``, first met on ``line``."""
        seen = self.found.get(what)
        if seen is None:
            self.found[what] = [count, line]
        else:
            seen[0] += count

    def note(self) -> str:
        """One sentence for the import summary, or ""."""
        if not self.found:
            return ""
        items = [f"{what} ×{n:,} (first on line {line})" for what, (n, line) in self.found.items()]
        return "Not kept: " + "; ".join(items) + "."
