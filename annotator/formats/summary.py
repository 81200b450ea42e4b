"""The import summary: what one file brought in, and everything it could not represent.

Issue 19 item 6: every importer ends with a summary that counts what came in and
names, with line numbers, everything it could not represent. Every reader fills
one :class:`ImportSummary` (it is :attr:`ReadOptions.summary
<annotator.formats.base.ReadOptions.summary>`), the import adds what it stored,
and the command line and the window both show :meth:`ImportSummary.text`, so
the wording is the same in both.

Three kinds of entry:

- counts of what came in: documents, spans, events and relations, and what a
  reader counted on the way (``"T lines"``);
- what was not imported, by kind, with a count and its first lines: a large file
  can hold the same kind of thing hundreds of thousands of times (a treebank's
  lemmas), so a kind is one entry, never one message per occurrence;
- sentences naming one occurrence each (``line 3 skipped: ...``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

SHOWN_LINES = 8  # an entry names at most this many lines


@dataclass
class Unkept:
    """One kind of thing not imported: how many, the first lines it was on, and whether
    it was on other lines too."""

    count: int = 0
    lines: list[int] = field(default_factory=list)
    more: bool = False


@dataclass
class ImportSummary:
    """What one imported file brought in and what it could not represent."""

    stored: dict[str, int] = field(default_factory=dict)  # documents, spans, ... taken in
    read: dict[str, int] = field(default_factory=dict)  # what a reader counted ("T lines")
    unkept: dict[str, Unkept] = field(default_factory=dict)  # kind -> count and lines
    notes: list[str] = field(default_factory=list)  # one sentence each, naming its line
    into: str = ""  # the layer that received the file, once stored
    schema_added: str = ""  # what the import added to the schema, one sentence

    def count(self, what: str, n: int = 1) -> None:
        """Count ``n`` things of a kind that came in (e.g. "T lines")."""
        self.read[what] = self.read.get(what, 0) + n

    def not_imported(self, what: str, line: int, count: int = 1) -> None:
        """Count ``count`` of ``what`` that the project cannot hold, the first on ``line``
        and the others (if ``count`` > 1) on later lines."""
        entry = self.unkept.get(what)
        if entry is None:
            entry = self.unkept[what] = Unkept()
        entry.count += count
        if entry.more or line in entry.lines:
            return  # the lines named are the first ones, all of them up to "…"
        if len(entry.lines) == SHOWN_LINES:
            entry.more = True
            return
        entry.lines.append(line)
        entry.more = count > 1

    def note(self, sentence: str) -> None:
        """Add one sentence (it names its own line, task or document)."""
        self.notes.append(sentence)

    def took(self, documents: int, spans: int, events: int, relations: int) -> None:
        """Record what the file brought in."""
        self.stored = {
            "documents": documents,
            "spans": spans,
            "events": events,
            "relations": relations,
        }

    def unkept_lines(self) -> list[str]:
        """One sentence per kind not imported: the count and the first lines."""
        out = []
        for what, entry in self.unkept.items():
            shown = ", ".join(map(str, sorted(entry.lines)))
            more = ", …" if entry.more else ""
            word = "lines" if len(entry.lines) > 1 or entry.more else "line"
            out.append(f"Not imported: {entry.count:,} × {what} ({word} {shown}{more}).")
        return out

    def text(self, path: str) -> str:
        """The summary as the command line prints it and the window shows it."""
        came = ", ".join(f"{n} {what}" for what, n in self.stored.items())
        first = f"{path}: {came or 'read'}"
        first += f" imported into {self.into!r}." if self.into else "."
        if self.schema_added:
            first += f" {self.schema_added}"
        if self.read:
            first += " Read: " + ", ".join(f"{n} {what}" for what, n in self.read.items()) + "."
        return "\n  ".join([first, *self.unkept_lines(), *self.notes])


def files_line(added: int, rejected: int) -> str:
    """The last line of an import of annotated files, in the terminal and the window."""
    return f"{added} files imported, {rejected} rejected"
