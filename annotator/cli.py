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
    if getattr(args, "format", None):
        return cmd_import_annotations(args)
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


def cmd_import_annotations(args: argparse.Namespace) -> int:
    """``annotator import PATH... --format FORMAT --annotator NAME``: annotated files."""
    from annotator.services.transfer import ImportRequest, import_annotations

    request = ImportRequest(
        paths=tuple(Path(p) for p in args.paths),
        format=args.format,
        annotator=getattr(args, "annotator", None) or "",
        add_labels=args.add_labels,
        replace=args.replace,
        scheme=args.scheme,
    )
    project = open_project(_db_path(args))
    try:
        report = import_annotations(project, request, TerminalProgress("Importing"))
    finally:
        project.close()
    for outcome in report.outcomes:
        stream = sys.stderr if outcome.status == "rejected" else sys.stdout
        print(outcome.message, file=stream)
    print(f"{len(report.added)} files imported, {len(report.rejected)} rejected")
    return 1 if report.rejected or not report.outcomes else 0


def cmd_export(args: argparse.Namespace) -> int:
    """``annotator export --format FORMAT --out PATH (--annotator NAME | --gold)``."""
    from annotator.services.transfer import ExportRequest, export_layer

    request = ExportRequest(
        format=args.format,
        out=Path(args.out),
        annotator=getattr(args, "annotator", None),
        gold=args.gold,
        docs=tuple(args.docs or ()),
        scheme=args.scheme,
        nested=args.nested,
        events=args.events,
        segment=args.segment,
        levels=args.levels,
        separator=args.sep,
    )
    project = open_project(_db_path(args))
    try:
        result = export_layer(project, request, TerminalProgress("Exporting"))
    finally:
        project.close()
    print(result.summary())
    return 1 if result.cancelled else 0


def _add_transfer_commands(sub: argparse._SubParsersAction, imp: argparse.ArgumentParser) -> None:
    from annotator.services.transfer import FORMATS, IMPORT_FORMATS

    imp.add_argument(
        "--format", choices=IMPORT_FORMATS, help="import annotated files in this format"
    )
    imp.add_argument(
        "--add-labels", action="store_true", help="add unknown labels to the project's schema"
    )
    imp.add_argument(
        "--replace", action="store_true", help="overwrite the annotator's existing layer"
    )
    imp.add_argument("--scheme", choices=("iob2", "bioes"), default="iob2", help="CoNLL tags")
    exp = sub.add_parser("export", help="export one layer of annotations to a file or folder")
    exp.add_argument("--db", default=argparse.SUPPRESS, help="project file")
    exp.add_argument("--format", choices=FORMATS, required=True)
    exp.add_argument("--out", required=True, help="output file (a folder for brat)")
    layer = exp.add_mutually_exclusive_group()
    layer.add_argument("--annotator", default=argparse.SUPPRESS, help="whose layer to export")
    layer.add_argument("--gold", action="store_true", help="export the adjudicated layer")
    exp.add_argument("--docs", nargs="+", metavar="NAME", help="only these documents")
    exp.add_argument("--scheme", choices=("iob2", "bioes"), default="iob2")
    exp.add_argument(
        "--nested",
        choices=("outer", "inner", "all"),
        default="outer",
        help="one level of nested spans, or all levels as separate tag columns",
    )
    exp.add_argument("--levels", type=int, default=2, help="tag columns with --nested all")
    exp.add_argument("--events", action="store_true", help="add a trigger column (CoNLL)")
    exp.add_argument(
        "--segment",
        choices=("none", "article", "clitics"),
        default="none",
        help="cut proclitics and the article off every token (token formats, ADR 0008)",
    )
    exp.add_argument("--sep", choices=("tab", "space"), default="tab", help="CoNLL columns")
    exp.set_defaults(func=cmd_export)


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
    _add_transfer_commands(sub, imp)
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Run a parsed subcommand, turning known errors into a message and exit code 2."""
    func: Command = args.func
    try:
        return func(args)
    except AnnotatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
