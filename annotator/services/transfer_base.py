"""What export and import share: the formats, the progress callback and the error type."""

from __future__ import annotations

from collections.abc import Callable

from annotator.core.errors import AnnotatorError

FORMATS = (
    "jsonl",
    "doccano",
    "spacy",
    "conll",
    "conll2002",
    "conllu",
    "brat",
    "hf",
    "labelstudio",
    "webanno",
)
IMPORT_FORMATS = tuple(f for f in FORMATS if f != "hf")  # hf is written only
# progress(done, total, current_name) -> False to cancel
Progress = Callable[[int, int, str], bool]


class TransferError(AnnotatorError):
    """An export or import request cannot be carried out as asked."""
