"""An import's tokens child, started before the command line's own imports (ADR 0027).

``annotator import BANK.conllu --format conllu`` spends about a second importing the
CLI (SQLAlchemy, numpy, the formats) and opening the project before it reads a line;
the child that makes the tokens (:class:`annotator.services.tokens_ahead.TokensAhead`)
needs about as long to start (an interpreter, numpy, camel-tools' tables). Started
only when the file is reached, it was still starting while a third of the file was
read, and the import waited for it at the end. :func:`start_early` starts it first,
from the arguments alone, so both starts overlap.

Only the arguments are read here, with a small parser of the import command's own
options (the real parser needs the CLI's imports): the files named directly (not
folders) are the candidates, and :func:`annotator.services.tokens_ahead.wanted`
decides, as for any import. A child started for nothing (a command refused later, an
option added to ``import`` with a value that names a large file) costs its start on a
free core and is killed when the command ends (:func:`annotator.__main__.main`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from annotator.services.tokens_ahead import TokensAhead

# the options of ``annotator import`` (and the program's) that take a value, and its flags
_VALUED = ("--db", "--annotator", "--format", "--scheme", "--offsets", "--quit-after")
_FLAGS = ("--add-labels", "--replace", "--skip-bad-lines", "--predictions")


class _Quiet(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # the real parser reports it later
        raise ValueError(message)


def import_files(argv: list[str]) -> list[Path]:
    """The files an ``annotator import ... --format FORMAT`` command line names directly
    (an annotated import, the only kind that may use the child); [] for anything else."""
    if "import" not in argv:
        return []
    parser = _Quiet(add_help=False)
    parser.add_argument("command")
    parser.add_argument("paths", nargs="*")
    for option in _VALUED:
        parser.add_argument(option)
    for flag in _FLAGS:
        parser.add_argument(flag, action="store_true")
    try:
        known, _rest = parser.parse_known_intermixed_args(argv)
    except ValueError:
        return []
    if known.command != "import" or not known.format:
        return []
    return [path for path in map(Path, known.paths) if path.is_file()]


def start_early(argv: list[str]) -> TokensAhead | None:
    """The tokens child for the import ``argv`` asks for, started now if one of its files
    wants one (:func:`annotator.services.tokens_ahead.wanted`); None otherwise."""
    files = import_files(argv)
    if not files:
        return None
    from annotator.services import tokens_ahead  # numpy: the import needs it anyway

    if not any(tokens_ahead.wanted(path) for path in files):
        return None
    return tokens_ahead.TokensAhead()
