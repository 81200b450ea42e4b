"""Choosing what an export writes: documents by status, and train/dev/test splits.

A split assigns each document by a hash of its text's SHA-256 and the seed,
never by its position in the project: the same seed and documents always give
the same split, and adding a document never moves the others. The shares are
therefore met on average, not exactly, on small corpora.

Output naming for a split export to ``OUT``: a one-file format writes
``OUT-train.EXT``, ``OUT-dev.EXT`` and ``OUT-test.EXT`` beside ``OUT.EXT``
(``corpus.jsonl`` → ``corpus-train.jsonl``); brat writes the folders
``OUT/train``, ``OUT/dev`` and ``OUT/test``, each with its own configuration.
Two shares (``90/10``) give train and test.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core.model import Status
from annotator.formats.files import Writer

STATUSES = tuple(s.value for s in Status)


class SelectionError(AnnotatorError):
    """A status or split option cannot be understood."""


def parse_statuses(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Statuses from repeated and comma-separated options, checked and de-duplicated."""
    out: list[str] = []
    for value in values:
        for item in value.split(","):
            name = item.strip().replace(" ", "_").replace("-", "_")
            if name not in STATUSES:
                raise SelectionError(
                    f"Unknown status {item.strip()!r}; choose from {', '.join(STATUSES)}."
                )
            if name not in out:
                out.append(name)
    return tuple(out)


def parse_split(value: str) -> tuple[int, ...]:
    """``"80/10/10"`` → ``(80, 10, 10)``; two or three positive whole shares."""
    try:
        shares = tuple(int(part) for part in value.split("/"))
    except ValueError:
        shares = ()
    if len(shares) not in (2, 3) or any(s < 0 for s in shares) or sum(shares) <= 0:
        raise SelectionError(
            f"Cannot read the split {value!r}; write two or three shares like 80/10/10."
        )
    return shares


def part_names(shares: tuple[int, ...]) -> tuple[str, ...]:
    """The names of the parts: train/dev/test, or train/test for two shares."""
    return ("train", "dev", "test") if len(shares) == 3 else ("train", "test")


def part_of(sha256: str, seed: int, shares: tuple[int, ...]) -> str:
    """The part a document goes to, from its text's SHA-256 and the seed alone."""
    digest = hashlib.sha256(f"{seed}:{sha256}".encode("ascii")).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64 * sum(shares)
    bound = 0
    for name, share in zip(part_names(shares), shares, strict=True):
        bound += share
        if point < bound:
            return name
    return part_names(shares)[-1]


def part_path(out: Path, fmt: str, part: str) -> Path:
    """Where a part of a split export goes (see the module docstring)."""
    if fmt in ("brat", "webanno"):  # the folder formats
        return out / part
    return out.with_name(f"{out.stem}-{part}{out.suffix}")


def open_writers(
    fmt: str, out: Path, shares: tuple[int, ...], open_one: Callable[[Path], Writer]
) -> dict[str, Writer]:
    """``{"": writer}`` without a split, else one writer per part; all or none are opened."""
    if not shares:
        return {"": open_one(out)}
    writers: dict[str, Writer] = {}
    try:
        for part in part_names(shares):
            writers[part] = open_one(part_path(out, fmt, part))
    except BaseException:
        for opened in writers.values():
            opened.abort()
        raise
    return writers
