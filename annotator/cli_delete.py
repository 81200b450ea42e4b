"""``annotator delete-document`` and ``annotator delete-layer``: the GUI's deletions, asked for
no confirmation; each prints what it deleted (issue 17, item 7).

Both go through the write service (one transaction, the one cascade) and, like
every subcommand, never print a traceback: a refusal is one ``error:`` line
and exit 2 (:func:`annotator.cli.run_command`).
"""

from __future__ import annotations

import argparse

from annotator.cli import EXIT_OK, _db_path, refuse_empty
from annotator.core.errors import ProjectError, SpanError
from annotator.core.printable import escape_controls
from annotator.core.removal import removal
from annotator.services.project import Project, open_project


def cmd_delete_document(args: argparse.Namespace) -> int:
    """``annotator delete-document --db P NAME``: a document with every layer on it."""
    return _delete(args, None)


def cmd_delete_layer(args: argparse.Namespace) -> int:
    """``annotator delete-layer --db P --annotator A NAME``: one annotator's layer there."""
    return _delete(args, args.annotator)


def _delete(args: argparse.Namespace, annotator: str | None) -> int:
    path = _db_path(args)
    refuse_empty(path)
    project = open_project(path, create=False)
    try:
        if project.read_only:
            raise ProjectError(f"{project.path} is read-only, so nothing can be deleted from it.")
        doc_id = _document(project, args.name)
        done = project.write.delete(doc_id, annotator)
    finally:
        project.close()
    what = escape_controls(done.description.removeprefix("Delete "))
    print(f"Deleted {what}: {removal(done).text()}.")
    return EXIT_OK


def _document(project: Project, name: str) -> int:
    """The one document named ``name``; refused if none or several have that name."""
    ids = project.documents.ids_with_name(name)
    shown = escape_controls(name)
    if not ids:
        raise SpanError(f"The project has no document named «{shown}»; nothing was deleted.")
    if len(ids) > 1:
        raise SpanError(
            f"{len(ids)} documents are named «{shown}», so it is not clear which one to delete; "
            "nothing was deleted. Delete it in the window instead."
        )
    return ids[0]


def add_delete_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``delete-document`` and ``delete-layer`` to the subcommands."""
    doc = sub.add_parser(
        "delete-document",
        help="delete a document with every annotator's layer, status and note on it",
    )
    doc.add_argument("name", metavar="NAME", help="the document's name")
    doc.add_argument("--db", required=True, help="project file")
    doc.set_defaults(func=cmd_delete_document)
    layer = sub.add_parser(
        "delete-layer", help="delete one annotator's annotations, status and note on a document"
    )
    layer.add_argument("name", metavar="NAME", help="the document's name")
    layer.add_argument("--db", required=True, help="project file")
    layer.add_argument("--annotator", required=True, help="whose layer to delete")
    layer.set_defaults(func=cmd_delete_layer)
