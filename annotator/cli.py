"""Command-line subcommands. They use the same services as the GUI."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from annotator import config
from annotator.core.errors import AnnotatorError
from annotator.services.project import open_project


class TerminalProgress:
    """A one-line progress bar on a terminal; silent when output is not a TTY."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()

    def __call__(self, done: int, total: int, name: str) -> bool:
        """Report progress; always returns True (the CLI is cancelled with Ctrl+C)."""
        if self.enabled and total:
            width = 30
            filled = int(width * done / total)
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r{self.label} [{bar}] {done}/{total} {name[:40]:<40}")
            if done >= total:
                self.stream.write("\n")
            self.stream.flush()
        return True


def _db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db else config.default_project_path()


def cmd_import_text(args: argparse.Namespace) -> int:
    """``annotator import PATH... --db PATH``: add .txt files or folders of them."""
    project = open_project(_db_path(args))
    try:
        report = project.documents.import_paths(args.paths, TerminalProgress("Importing"))
    finally:
        project.close()
    for outcome in report.outcomes:
        stream = sys.stderr if outcome.status == "rejected" else sys.stdout
        print(outcome.message, file=stream)
    print(report.summary())
    return 1 if report.rejected else 0


Command = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for the GUI and every subcommand."""
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Annotate Arabic text: entities, events and relations, saved to SQLite.",
    )
    parser.add_argument("--db", help="project file to open or create (default: the sample project)")
    parser.add_argument("--annotator", help="your annotator name (asked on first start otherwise)")
    sub = parser.add_subparsers(dest="command")
    imp = sub.add_parser("import", help="import .txt files (or folders of them) into a project")
    imp.add_argument("paths", nargs="+", help="files or folders")
    imp.add_argument("--db", default=argparse.SUPPRESS, help="project file")
    imp.add_argument("--annotator", default=argparse.SUPPRESS, help="annotator name")
    imp.set_defaults(func=cmd_import_text)
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Run a parsed subcommand, turning known errors into a message and exit code 2."""
    func: Command = args.func
    try:
        return func(args)
    except AnnotatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
