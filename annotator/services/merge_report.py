"""What a merge did, file by file, in sentences for a terminal or a message box."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from annotator.core.location import Location
from annotator.core.merge import MergedLayer, Placement
from annotator.core.printable import escape_controls, escape_lines
from annotator.core.schema_diff import SchemaDiff
from annotator.services.write import MergeResult


@dataclass
class FileOutcome:
    """The outcome of merging one file.

    Attributes:
        path: the other project file.
        error: why the file was not merged ("" if it was).
        new_documents: ids of documents it added here.
        matched: documents found here under another name, as (their name, our name).
        layers: what happened to each layer that was not a version merged before.
        clashes: people whose name belongs to somebody else here, as (name, stored as).
        second_gold: their gold layers that came in as a person's layer (name, stored as).
        new_people: annotators created here.
        schema_diff: how its schema differs from ours.
        schema_notes: what the union decided where the two could not be joined.
        schema_changed: our schema was changed (union, or an empty project took theirs).
        dropped: annotations left out because the schema kept cannot hold them.
    """

    path: Location  # a project file, or a project on a server (a pull)
    error: str = ""
    new_documents: list[int] = field(default_factory=list)
    matched: list[tuple[str, str]] = field(default_factory=list)
    layers: list[MergedLayer] = field(default_factory=list)
    clashes: list[tuple[str, str]] = field(default_factory=list)
    second_gold: list[tuple[str, str]] = field(default_factory=list)
    new_people: list[str] = field(default_factory=list)
    schema_diff: SchemaDiff | None = None
    schema_notes: list[str] = field(default_factory=list)
    schema_changed: bool = False
    dropped: Counter[str] = field(default_factory=Counter)

    def record(self, result: MergeResult, placements: Iterable[Placement]) -> None:
        """Take in what the merge's transaction did."""
        self.layers = list(result.layers)
        self.new_documents = list(result.change.new_documents)
        self.new_people = [p.target.name for p in placements if p.how != "known"]

    def count(self, action: str) -> int:
        """How many layers had ``action`` ("added", "updated", "same", "kept")."""
        return sum(1 for layer in self.layers if layer.action == action)

    @property
    def nothing_new(self) -> bool:
        """True if the file brought nothing this project did not have."""
        changed = self.count("added") or self.count("updated") or self.new_documents
        return not (self.error or changed or self.schema_changed)

    def lines(self) -> list[str]:
        """The outcome: a headline, then one line per notable thing (controls escaped)."""
        name = self.path.name
        if self.error:
            return [escape_lines(f"{name}: not merged. {self.error}")]
        if self.nothing_new:
            head = f"{name}: nothing new."
        else:
            head = (
                f"{name}: {_n(len(self.new_documents), 'document')} added, "
                f"{_n(self.count('added'), 'layer')} added, {self.count('updated')} updated."
            )
        return [escape_controls(line) for line in (head, *self._details())]  # names: ESC

    def _details(self) -> list[str]:
        out = [
            f'Name clash: "{theirs}" in {self.path.name} is a different person from "{theirs}" '
            f'here; their work is kept apart as "{stored}".'
            for theirs, stored in self.clashes
        ]
        out += [
            f'Gold layer "{theirs}" of {self.path.name} came in as the ordinary layer '
            f'"{stored}": this project has its own gold layer (compare or curate it like '
            "any annotator's)."
            for theirs, stored in self.second_gold
        ]
        named = {s for _t, s in self.clashes} | {s for _t, s in self.second_gold}
        fresh = [n for n in self.new_people if n not in named]
        if fresh:
            out.append("New annotators: " + ", ".join(fresh) + ".")
        out += [f'"{a}" is "{b}" here (same text).' for a, b in self.matched]
        for layer in self.layers:
            out += _layer_line(layer, self.path.name)
        out += self._schema_lines()
        if self.dropped:
            items = ", ".join(f"{what} ×{n}" for what, n in sorted(self.dropped.items()))
            out.append(f"Skipped (the schema kept has no place for them): {items}.")
        return out

    def _schema_lines(self) -> list[str]:
        out = []
        if self.schema_diff is not None:
            out += [f"Schema: {line}" for line in self.schema_diff.lines()]
        out += [f"Schema: {note}" for note in self.schema_notes]
        if self.schema_changed:
            out.append("Schema: this project's schema was extended with theirs.")
        return out


def _n(count: int, one: str, many: str = "") -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def _layer_line(layer: MergedLayer, file: str) -> list[str]:
    where = f"{layer.annotator} on {layer.doc_name}"
    if layer.action == "updated":
        extra = (
            " (changes made here to that layer since the last merge were replaced)"
            if layer.replaced_local
            else ""
        )
        return [f"Updated: {where}, with the newer version from {file}{extra}."]
    if layer.action == "kept":
        return [
            f"Not merged: {where} differs here and in {file} and was never merged before, "
            "so this project's version was kept."
        ]
    return []


@dataclass
class MergeReport:
    """The outcome of merging several files."""

    files: list[FileOutcome] = field(default_factory=list)
    cancelled: bool = False

    @property
    def failed(self) -> list[FileOutcome]:
        """Files that were not merged."""
        return [f for f in self.files if f.error]

    @property
    def nothing_new(self) -> bool:
        """True if no file brought anything new."""
        return all(f.nothing_new for f in self.files)

    def summary(self) -> str:
        """One line: totals over every file."""
        if self.cancelled:
            done = len(self.files)
            return f"Merge cancelled: {done} files were merged before, the rest were not."
        if self.nothing_new and not self.failed:
            return "Nothing new: every file was merged before."
        docs = sum(len(f.new_documents) for f in self.files)
        added = sum(f.count("added") for f in self.files)
        updated = sum(f.count("updated") for f in self.files)
        clashes = sum(len(f.clashes) for f in self.files)
        merged = len(self.files) - len(self.failed)
        line = (
            f"Merged {merged} of {_n(len(self.files), 'file')}: {_n(docs, 'document')} added, "
            f"{_n(added, 'layer')} added, {updated} updated"
        )
        line += f", {_n(clashes, 'name clash', 'name clashes')}." if clashes else "."
        return line

    def text(self) -> str:
        """Every file's outcome, for a terminal or the details of a message box."""
        lines = []
        for outcome in self.files:
            first, *rest = outcome.lines()
            lines.append(first)
            lines += [f"  {line}" for line in rest]
        return "\n".join(lines)
