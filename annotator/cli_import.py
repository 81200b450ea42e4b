"""``annotator import``: text files and folders of them, or annotated files (``--format``).

Each file is imported on its own and reported as added, already there, or rejected
with the reason. Progress goes to standard error on a terminal and off it
(:class:`annotator.cli_output.TerminalProgress`), and a file the project cannot take
(a full disk) stops the import with the files saved before it named and counted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.cli import _open_for_writing
from annotator.cli_output import TerminalProgress, shown
from annotator.core.model import ImportOutcome


def cmd_import_text(args: argparse.Namespace) -> int:
    """``annotator import PATH... --db PATH``: add .txt files or folders of them."""
    if getattr(args, "format", None):
        return cmd_import_annotations(args)
    from annotator.services.documents import ImportStopped, collect_text_files

    project = _open_for_writing(args)
    try:
        files = collect_text_files(args.paths)
        progress = TerminalProgress("Importing", sizes=_sizes(files), lines=True)
        report = project.documents.import_paths(files, progress)
    except ImportStopped as stop:
        _print_outcomes(stop.report.outcomes)
        raise
    finally:
        project.close()
    _print_outcomes(report.outcomes)
    print(report.summary())
    return 1 if report.rejected else 0


def _sizes(files: list[Path]) -> list[int]:
    """Each file's size in bytes (0 when it cannot be read: the import says why)."""
    sizes = []
    for path in files:
        try:
            sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)
    return sizes


def _print_outcomes(outcomes: list[ImportOutcome]) -> None:
    for outcome in outcomes:
        stream = sys.stderr if outcome.status == "rejected" else sys.stdout
        print(shown(outcome.message), file=stream)


def cmd_import_annotations(args: argparse.Namespace) -> int:
    """``annotator import PATH... --format FORMAT --annotator NAME``: annotated files."""
    from annotator.formats.summary import files_line
    from annotator.services.transfer_import import ImportRequest, import_annotations

    request = ImportRequest(
        paths=tuple(Path(p) for p in args.paths),
        format=args.format,
        annotator=getattr(args, "annotator", None) or "",
        add_labels=args.add_labels,
        replace=args.replace,
        scheme=args.scheme,
        skip_bad_lines=args.skip_bad_lines,
        offsets=args.offsets,
        predictions=args.predictions,
    )
    project = _open_for_writing(args)
    try:
        early = getattr(args, "early_tokens", None)  # a child started by annotator.__main__
        report = import_annotations(project, request, TerminalProgress("Importing"), early)
    finally:
        project.close()
    _print_outcomes(report.outcomes)
    print(files_line(len(report.added), len(report.rejected)))
    return 1 if report.rejected or not report.outcomes else 0
