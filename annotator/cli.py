"""Command-line subcommands. They use the same services as the GUI."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from annotator import config, errorlog
from annotator.cli_output import TerminalProgress, shown, shown_name
from annotator.core.errors import AnnotatorError, ProjectError
from annotator.core.location import Location, ServerUrl
from annotator.services.project import Project, open_project, project_path
from annotator.store.dberrors import translate
from annotator.store.team_errors import TeamSetupOutdated

EXIT_OK = 0
EXIT_SOME_REJECTED = 1  # an import where some files were rejected, or a cancelled export
EXIT_REFUSED = 2  # a refused input or request (also argparse's usage errors)
EXIT_UNEXPECTED = 3  # a bug or an unknown failure; the traceback is in the log file
EXIT_TEAM_SETUP = 4  # a team database set up by an older version: `team init` must run again
EXIT_INTERRUPTED = 130  # Ctrl+C
EXIT_CODES_HELP = """exit codes:
  0    success
  1    some input files were rejected (the others went in), or the export was cancelled
  2    the command was refused: bad arguments, a missing or unusable project file,
       an export target that must not be replaced
  3    unexpected error: one line names the log file that holds the details
  4    the team database was set up by an older version: a manager runs
       'annotator team init' on it again
  130  interrupted (Ctrl+C)
"""


def _given_db(args: argparse.Namespace) -> Location:
    # judged as given: Path() would fold a URL's "//" into "/" and hide it
    return project_path(args.db) if args.db else config.default_project_path()


def _db_path(args: argparse.Namespace) -> Location:
    """The project named by ``--db`` (or the default): a database on a server, or a file,
    refused if its name is not UTF-8."""
    return project_file(_given_db(args))


def project_file(path: Location) -> Location:
    """``path``, refused with a :class:`ProjectError` when its name is not valid UTF-8.

    SQLite takes file names in UTF-8, and the app opens projects through ``file:`` URIs,
    so a name with other bytes (``p\xff.db``, from a legacy encoding) cannot be opened
    safely; the user is told which file and what to do instead of seeing an exit 3.
    """
    if isinstance(path, ServerUrl):
        return path
    try:
        os.fsencode(path).decode("utf-8")
    except UnicodeDecodeError:
        raise ProjectError(
            f"The project file name {shown_name(str(path))} is not valid UTF-8, so SQLite "
            "cannot open it. Rename the file (or its folder) and try again."
        ) from None
    return path


def refuse_empty(path: Location) -> None:
    """Refuse a 0-byte file for a command that only reads a project: opening it would
    turn it into an empty project, so it is named and left exactly as it is."""
    if isinstance(path, Path) and path.is_file() and path.stat().st_size == 0:
        raise ProjectError(
            f"{shown_name(str(path))} is empty, not a project file; it was left as it is."
        )


def _open(args: argparse.Namespace, create: bool = True) -> Project:
    """Open the project named by ``--db``; say where the backup is if the file was upgraded.

    ``create=False`` (commands that read a project) refuses a missing or empty file.
    """
    path = _db_path(args)
    if not create:
        refuse_empty(path)
    project = open_project(path, create=create)
    notice = project.upgrade_notice()
    if notice:
        print(notice, file=sys.stderr)
    return project


def _open_for_writing(args: argparse.Namespace) -> Project:
    project = _open(args)
    if project.read_only:
        project.close()
        raise ProjectError(
            f"{project.path} is read-only (the file or its folder cannot be written), "
            "so nothing can be imported into it."
        )
    return project


def cmd_export(args: argparse.Namespace) -> int:
    """``annotator export --format FORMAT --out PATH (--annotator NAME | --gold)``."""
    from annotator.services.selection import parse_split, parse_statuses
    from annotator.services.transfer import ExportRequest, export_layer

    request = ExportRequest(
        format=args.format,
        out=Path(args.out),
        annotator=getattr(args, "annotator", None),
        gold=args.gold,
        docs=tuple(args.docs or ()),
        scheme=args.scheme,
        nested=args.nested or "",
        events=args.events,
        force=args.force,
        statuses=parse_statuses(args.status or ()),
        split=parse_split(args.split) if args.split else (),
        seed=args.seed,
        offsets=args.offsets,
        layout=args.layout,
        segment=args.segment,
        levels=args.levels,
        separator=args.sep,
    )
    project = _open(args, create=False)
    try:
        result = export_layer(project, request, TerminalProgress("Exporting"))
    finally:
        project.close()
    print(result.summary())
    return 1 if result.cancelled else 0


def _add_transfer_commands(sub: argparse._SubParsersAction, imp: argparse.ArgumentParser) -> None:
    from annotator.services.transfer_base import FORMATS, IMPORT_FORMATS

    imp.add_argument(
        "--format", choices=IMPORT_FORMATS, help="import annotated files in this format"
    )
    imp.add_argument(
        "--add-labels",
        action="store_true",
        help="add unknown labels, event types, roles, relation types and attributes to the "
        "project's schema (brat: also those its annotation.conf declares)",
    )
    imp.add_argument(
        "--replace", action="store_true", help="overwrite the annotator's existing layer"
    )
    imp.add_argument(
        "--scheme", choices=("iob2", "iob1", "bioes"), default="iob2", help="CoNLL tags"
    )
    imp.add_argument(
        "--skip-bad-lines",
        action="store_true",
        help="doccano: import the good lines of a file and list the bad ones "
        "(default: a bad line refuses the whole file)",
    )
    imp.add_argument(
        "--offsets",
        choices=("utf16", "codepoints", "graphemes"),
        default="",
        help="doccano: unit of lines without an 'offsets' key (default utf16)",
    )
    imp.add_argument(
        "--predictions",
        action="store_true",
        help="labelstudio: import each task's first prediction instead of its annotation",
    )
    exp = sub.add_parser("export", help="export one layer of annotations to a file or folder")
    exp.add_argument("--db", default=argparse.SUPPRESS, help="project file")
    exp.add_argument("--format", choices=FORMATS, required=True)
    exp.add_argument("--out", required=True, help="output file (a folder for brat and webanno)")
    layer = exp.add_mutually_exclusive_group()
    layer.add_argument("--annotator", default=argparse.SUPPRESS, help="whose layer to export")
    layer.add_argument("--gold", action="store_true", help="export the adjudicated layer")
    exp.add_argument("--docs", nargs="+", metavar="NAME", help="only these documents")
    exp.add_argument("--scheme", choices=("iob2", "bioes"), default="iob2")
    exp.add_argument(
        "--nested",
        choices=("outer", "inner", "all"),
        help="nested spans: one level (CoNLL default outer) or all levels as separate tag "
        "columns; doccano: all (default) or outer only",
    )
    exp.add_argument("--levels", type=int, default=2, help="tag columns with --nested all")
    exp.add_argument(
        "--events", action="store_true", help="add a trigger column (CoNLL); triggers (doccano)"
    )
    exp.add_argument(
        "--segment",
        choices=("none", "article", "clitics"),
        default="none",
        help="cut proclitics and the article off every token (token formats, ADR 0010)",
    )
    exp.add_argument("--sep", choices=("tab", "space"), default="tab", help="CoNLL columns")
    exp.add_argument(
        "--force",
        action="store_true",
        help="replace an SQLite file or write into a folder not made by an export "
        "(never the open project)",
    )
    _add_selection_args(exp)
    exp.set_defaults(func=cmd_export)


def _add_selection_args(exp: argparse.ArgumentParser) -> None:
    exp.add_argument(
        "--status",
        action="append",
        metavar="STATUS",
        help="only documents with this status for the layer: new, in_progress, done "
        "(repeat or separate with commas)",
    )
    exp.add_argument(
        "--split",
        metavar="TRAIN/DEV/TEST",
        help="split by document, e.g. 80/10/10: writes OUT-train.EXT, OUT-dev.EXT, "
        "OUT-test.EXT (brat: OUT/train/, ...)",
    )
    exp.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    exp.add_argument(
        "--offsets",
        choices=("utf16", "codepoints", "graphemes"),
        default="utf16",
        help="doccano offset unit (default utf16, as doccano's web UI counts; graphemes "
        "for a doccano project that counts grapheme clusters)",
    )
    exp.add_argument(
        "--layout",
        choices=("label", "relation"),
        default="label",
        help="doccano layout: label (sequence labelling) or relation (entities and relations)",
    )


def cmd_agreement(args: argparse.Namespace) -> int:
    """``annotator agreement --db PATH [--annotators a,b] ... --format F --out PATH``."""
    from annotator.services.agreement import AgreementRequest, check_target, measure, write_report
    from annotator.services.selection import parse_statuses

    def split(value: str | None) -> tuple[str, ...]:
        return tuple(v.strip() for v in (value or "").split(",") if v.strip())

    request = AgreementRequest(
        annotators=split(args.annotators),
        labels=split(args.labels),
        docs=tuple(args.docs or ()),
        statuses=parse_statuses(args.status or ()),
        levels=args.levels,
        resamples=args.resamples,
        seed=args.seed,
        gold=args.gold,
    )
    out = Path(args.out) if args.out and args.out != "-" else None
    check_target(args.format, out, _db_path(args), args.force)  # before the long part
    project = _open(args, create=False)
    try:
        report = measure(project, request)
    finally:
        project.close()
    text = write_report(report, args.format, out, _db_path(args), args.force)
    sys.stdout.write(text)  # the table escapes names itself; json, csv are data
    return EXIT_OK


def _add_agreement_command(sub: argparse._SubParsersAction) -> None:
    agr = sub.add_parser("agreement", help="measure agreement between annotators' layers")
    agr.add_argument("--db", default=argparse.SUPPRESS, help="project file")
    agr.add_argument("--annotators", metavar="A,B,...", help="layers to compare (default: all)")
    agr.add_argument("--labels", metavar="L1,L2,...", help="only spans with these labels")
    agr.add_argument("--docs", nargs="+", metavar="NAME", help="only these documents")
    agr.add_argument(
        "--status",
        action="append",
        metavar="STATUS",
        help="only documents with this status "
        "for every annotator: new, in_progress, done (repeat or separate with commas)",
    )
    agr.add_argument("--format", choices=("table", "json", "csv", "html"), default="table")
    agr.add_argument("--out", help="output file (default: standard output; html needs one)")
    agr.add_argument(
        "--force", action="store_true", help="replace --out even if it is an SQLite file"
    )
    agr.add_argument("--levels", type=int, default=1, help="nesting levels tagged (default 1)")
    agr.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples")
    agr.add_argument("--seed", type=int, default=2004, help="bootstrap seed (default 2004)")
    agr.add_argument(
        "--gold", action="store_true", help="add each annotator's span F1 against the gold layer"
    )
    agr.set_defaults(func=cmd_agreement)


def cmd_merge(args: argparse.Namespace) -> int:
    """``annotator merge OTHER.db... --db TEAM.db [--schema stop|union|ours]`` (ADR 0012)."""
    from annotator.services.merge import Source, merge_sources, read_sources, refuse_on_conflicts

    team = _db_path(args)
    others = [_merge_source(project_path(other)) for other in args.others]

    def reading(done: int, total: int, name: str) -> bool:
        print(f"Reading {shown_name(name)} ({done + 1}/{total})", file=sys.stderr)
        return True

    def started(source: Source) -> None:
        name = shown_name(source.path.name)
        print(f"Merging {name}: {len(source.layers)} layers", file=sys.stderr)

    new_team = isinstance(team, Path) and not team.exists()
    sources = read_sources(others, None if new_team else team, reading)
    if args.schema == "stop" and new_team:  # refuse before creating TEAM.db
        refuse_on_conflicts(sources[0].schema, sources[1:])
    project = _open(args)
    try:
        if project.read_only:
            raise ProjectError(f"{project.path} is read-only, so nothing can be merged into it.")
        report = merge_sources(project, sources, args.schema, TerminalProgress("Merging"), started)
    finally:
        project.close()
    if report.text():
        print(report.text())
    print(report.summary())
    return EXIT_SOME_REJECTED if report.failed or report.cancelled else EXIT_OK


def _merge_source(location: Location) -> Location:
    """A project file to merge, or a project database on a server (a pull)."""
    if isinstance(location, ServerUrl):
        return location
    checked = project_file(location)
    assert isinstance(checked, Path)
    return checked


def _add_merge_command(sub: argparse._SubParsersAction) -> None:
    mrg = sub.add_parser(
        "merge",
        help="merge other project files (e.g. annotators' laptops) into one project",
        description="Documents match by their text; each annotator stays a separate layer; "
        "merging a file again only brings what changed (docs/adr/0012-merge.md).",
    )
    mrg.add_argument("others", nargs="+", metavar="OTHER.db", help="project files to merge")
    mrg.add_argument("--db", required=True, help="the project to merge into (created if missing)")
    mrg.add_argument(
        "--schema",
        choices=("stop", "union", "ours"),
        default="stop",
        help="when the schemas differ: stop and list the differences (default), take the "
        "union, or keep ours and skip what does not fit",
    )
    mrg.set_defaults(func=cmd_merge)


def cmd_adjudicate(args: argparse.Namespace) -> int:
    """``annotator adjudicate --db PATH --strategy unanimous|majority[:N]``: build gold."""
    from annotator.core.adjudicate import Strategy
    from annotator.services import adjudication as adj
    from annotator.services.team_work import curation_holds

    strategy = Strategy.parse(args.strategy)
    names = tuple(n.strip() for n in (args.annotators or "").split(",") if n.strip())
    project = _open(args, create=False)
    try:
        if project.read_only:
            raise ProjectError(f"{project.path} is read-only, so no gold layer can be written.")
        annotators = adj.choose_annotators(project, names)
        chosen = adj.choose_documents(project, args.docs or (), annotators)
        with curation_holds(project, chosen) as (doc_ids, refused):  # a team's: one curator each
            for sentence in refused:
                print(shown(f"skipped: {sentence}"), file=sys.stderr)
            report = adj.premerge(project, doc_ids, strategy, annotators, args.gold_name)
            if args.finish_agreed:
                report.finished = adj.finish_agreed(
                    project, strategy, annotators, doc_ids, report.gold
                )
        texts = {d.doc_id: project.documents.document(d.doc_id).text for d in report.documents}
    finally:
        project.close()
    for line in report.lines():
        print(shown(line))
    if args.list:
        for doc in report.documents:
            for d in doc.left:
                cells = (doc.name, d.start, d.end, d.kind, d.describe(texts[doc.doc_id]))
                print("\t".join(shown_name(str(cell)) for cell in cells))
    return EXIT_OK


def _add_adjudicate_command(sub: argparse._SubParsersAction) -> None:
    adj = sub.add_parser("adjudicate", help="pre-merge the annotators' layers into the gold layer")
    adj.add_argument("--db", default=argparse.SUPPRESS, help="project file")
    adj.add_argument(
        "--strategy",
        default="unanimous",
        metavar="unanimous|majority[:N]",
        help="what goes into gold: what all annotators agree on (default), what more than "
        "half agree on, or what at least N agree on",
    )
    adj.add_argument("--annotators", metavar="A,B,...", help="layers to merge (default: all)")
    adj.add_argument("--docs", nargs="+", metavar="NAME", help="only these documents")
    adj.add_argument("--gold-name", help="name of the gold layer (default: gold)")
    adj.add_argument(
        "--finish-agreed",
        action="store_true",
        help="mark curated every document with no disagreement left",
    )
    adj.add_argument(
        "--list", action="store_true", help="print every disagreement left, one per line"
    )
    adj.set_defaults(func=cmd_adjudicate)


Command = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for the GUI and every subcommand."""
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Annotate Arabic text: entities, events and relations, saved to SQLite.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--db", help="project file to open or create (default: the sample project)")
    parser.add_argument("--annotator", help="your annotator name (asked on first start otherwise)")
    # Hidden: close the window this many seconds after it shows, as a user would, so that the
    # frozen app's smoke test (packaging/smoke_test.py) can start the GUI and see it quit cleanly.
    parser.add_argument("--quit-after", type=float, metavar="SECONDS", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command")
    imp = sub.add_parser("import", help="import .txt files (or folders of them) into a project")
    imp.add_argument("paths", nargs="+", help="files or folders")
    imp.add_argument("--db", default=argparse.SUPPRESS, help="project file")
    imp.add_argument("--annotator", default=argparse.SUPPRESS, help="annotator name")
    from annotator.cli_import import cmd_import_text  # it imports this module

    imp.set_defaults(func=cmd_import_text)
    _add_transfer_commands(sub, imp)
    _add_agreement_command(sub)
    _add_merge_command(sub)
    _add_adjudicate_command(sub)
    from annotator.cli_delete import add_delete_commands  # it imports this module

    add_delete_commands(sub)
    from annotator.cli_team import add_team_commands  # it imports this module

    add_team_commands(sub)
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Run a parsed subcommand; never show a traceback.

    A refused input prints ``error: ...`` and returns :data:`EXIT_REFUSED`; an
    unexpected exception is logged and prints one line naming the log
    (:data:`EXIT_UNEXPECTED`); Ctrl+C returns :data:`EXIT_INTERRUPTED`.
    """
    func: Command = args.func
    try:
        return func(args)
    except TeamSetupOutdated as exc:
        _refused(exc)
        return EXIT_TEAM_SETUP
    except AnnotatorError as exc:
        return _refused(exc)
    except KeyboardInterrupt:
        return interrupted()
    except Exception as exc:  # noqa: BLE001 - the one place the CLI turns any failure into a line
        try:
            known = translate(exc, _given_db(args))
        except AnnotatorError:
            known = None
        if known is not None:
            return _refused(known)
        context = f"running 'annotator {args.command}'"
        print(shown(errorlog.unexpected_message(exc, context)), file=sys.stderr)
        return EXIT_UNEXPECTED


def _refused(exc: AnnotatorError) -> int:
    print(f"error: {shown(str(exc))}", file=sys.stderr)  # names in it may hold ESC
    return EXIT_REFUSED


def interrupted() -> int:
    """Report Ctrl+C in one line; return :data:`EXIT_INTERRUPTED`."""
    start = "\n" if sys.stderr.isatty() else ""
    print(
        f"{start}Interrupted; a file being imported or exported was not written.", file=sys.stderr
    )
    return EXIT_INTERRUPTED
