"""File → Merge projects… in a worker process, so the window's GIL stays free (ADR 0017).

A merge is Python work from start to end: reading and checking the other file, planning,
and one write transaction that validates and stores every layer through the write service
(SQLAlchemy's ORM, under the GIL). On a worker *thread* the window's GUI thread waited for
the GIL, and for the worker's full garbage collections, for hundreds of ms at a time
(``benchmarks/bench_frames.py``). :class:`MergeRun` runs the same services in a child
process started with ``spawn`` (:func:`serve`): it opens this project by its path, reads the
files, says how their schemas differ, waits for the caller's choice, then merges each file
in ONE transaction of its own :class:`~annotator.services.write.WriteService`, writing under
the window's session id. The window's write service then announces what the child committed
(:meth:`WriteService.adopt <annotator.services.write.WriteService.adopt>`), so every view
learns of it as if it had been written here.

Messages over the pipe are tuples: to the child ``("read", paths)``, ``("merge", mode,
annotator)`` or ``("stop",)``; from the child ``("progress", done, total, name)``,
``("ok", value)`` or ``("error", exception)``. Cancel is a shared event that the child's
progress callback reads; the parent sets it when its own progress callback answers False,
asked on every report and, while the child is silent, every :data:`POLL_S` with the last
report again. The write service asks once more just before its commit, so a Cancel that
reaches the child while it validates still stores nothing of that file. A child that dies
(killed, out of memory) is an :class:`AnnotatorError` naming its exit code: its open
transaction was never committed.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from annotator.core.change import Change
from annotator.core.errors import AnnotatorError
from annotator.core.location import Location, ServerUrl
from annotator.core.model import DocumentSummary
from annotator.services.merge_report import MergeReport

Progress = Callable[[int, int, str], bool]
# entry(connection, cancel event, project path, session id): what the child runs
Entry = Callable[[Connection, Any, Path, str], None]
POLL_S = 0.1  # how often the parent looks whether a silent child is still alive
STOP_WAIT_S = 5.0  # how long a child that was told to stop may take to end


class WorkerDied(AnnotatorError):
    """The merge's worker process ended without an answer (killed, crashed)."""


def serve(conn: Connection, cancel: Any, project_path: Location, session: str) -> None:
    """The child's side: open the project, answer "read", then "merge" or "stop"."""
    from annotator.errorlog import unexpected_message
    from annotator.services.merge import (
        baseline,
        conflicts_text,
        merge_sources,
        read_sources,
        schema_conflicts,
    )
    from annotator.services.project import open_project

    def progress(done: int, total: int, name: str) -> bool:
        conn.send(("progress", done, total, name))
        return not cancel.is_set()

    project = None
    try:
        request = conn.recv()
        try:
            project = open_project(project_path, create=False)
            project.write.session = session  # its log rows are the window's own (an import)
            committed: list[Change] = []
            project.write.changed.connect(committed.append)
            sources = read_sources(request[1], project.path, progress)
            conn.send(("ok", conflicts_text(schema_conflicts(*baseline(project, sources)))))
            request = conn.recv()
            if request[0] != "merge":
                return
            _, mode, annotator = request
            report = merge_sources(project, sources, mode, progress)
            rows = project.documents.summaries(annotator)
            conn.send(("ok", (report, committed, rows)))
        except AnnotatorError as exc:
            conn.send(("error", _portable(exc)))
        except Exception as exc:  # noqa: BLE001 - a bug: logged here, one sentence there
            conn.send(("error", AnnotatorError(unexpected_message(exc, "merging"))))
    except (EOFError, BrokenPipeError):  # the window went away: nothing more to say
        pass
    finally:
        if project is not None:
            project.close()
        conn.close()


def _portable(exc: AnnotatorError) -> AnnotatorError:
    """``exc`` if it crosses the pipe intact, else an :class:`AnnotatorError` with its text."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - an error type whose arguments do not pickle
        return AnnotatorError(str(exc))
    return exc


class MergeRun:
    """One merge in a worker process: :meth:`read`, then :meth:`merge` (or :meth:`close`).

    Args:
        project_path: the project to merge into (the child opens it by this path).
        session: the window's write session id; the child's log rows carry it.
        entry: what the child runs (:func:`serve`; a test may wrap it).
    """

    def __init__(self, project_path: Location, session: str, entry: Entry = serve) -> None:
        self._path = project_path if isinstance(project_path, ServerUrl) else Path(project_path)
        self._session = session
        self._entry = entry
        self._conn: Connection | None = None
        self._process: Any = None
        self._cancel: Any = None

    @property
    def pid(self) -> int | None:
        """The worker process's id once started (None before)."""
        return None if self._process is None else self._process.pid

    def read(self, paths: Iterable[Location], progress: Progress | None = None) -> str:
        """Start the child and read the files (or server databases: a pull) there; return the
        schema differences that need a choice, as text ("" if none). Raises what reading
        raised."""
        self._start()
        sources = [p if isinstance(p, ServerUrl) else Path(p) for p in paths]
        return str(self._ask(("read", sources), progress))

    def merge(
        self, mode: str, annotator: str, progress: Progress | None = None
    ) -> tuple[MergeReport, list[Change], list[DocumentSummary]]:
        """Merge what :meth:`read` read; return the report, the changes the child committed
        (in commit order) and ``annotator``'s document list as it is afterwards."""
        report, changes, rows = self._ask(("merge", mode, annotator), progress)
        return report, changes, rows

    def close(self) -> None:
        """Tell the child to stop (if it still runs) and wait for it; never raises."""
        process, conn = self._process, self._conn
        if conn is not None:
            with contextlib.suppress(OSError, ValueError):  # the child has gone already
                conn.send(("stop",))
        if process is not None:
            process.join(STOP_WAIT_S)
            if process.is_alive():
                process.kill()
                process.join()
            process.close()
        if conn is not None:
            conn.close()
        self._process = self._conn = None

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")  # no fork of a process with Qt threads
        ours, theirs = context.Pipe()
        self._cancel = context.Event()
        self._process = context.Process(
            target=self._entry,
            args=(theirs, self._cancel, self._path, self._session),
            name="annotator-merge",
            daemon=True,
        )
        self._process.start()
        theirs.close()  # the child has its end: EOF here once it exits
        self._conn = ours

    def _ask(self, request: tuple[Any, ...], progress: Progress | None) -> Any:
        """Send ``request``; relay progress (and Cancel) until the answer comes."""
        conn = self._conn
        if conn is None:
            raise WorkerDied("The merge's worker process is not running.")
        last: tuple[int, int, str] | None = None
        try:
            conn.send(request)
            while True:
                if not conn.poll(POLL_S):  # EOF makes poll() true: a dead child ends the wait
                    if progress is not None and last is not None and not progress(*last):
                        self._cancel.set()  # Cancel pressed while the child said nothing
                    continue
                message = conn.recv()
                if message[0] == "progress":
                    last = message[1:]
                    if progress is not None and not progress(*last):
                        self._cancel.set()
                elif message[0] == "ok":
                    return message[1]
                else:
                    raise message[1]
        except (EOFError, OSError) as exc:
            raise self._died() from exc

    def _died(self) -> WorkerDied:
        process = self._process
        if process is not None:
            process.join(STOP_WAIT_S)
        code = None if process is None else process.exitcode
        return WorkerDied(
            f"The merge stopped: its worker process ended unexpectedly (exit code {code}). "
            "The file it was merging was not stored; the project is as it was before that "
            "file. Try the merge again."
        )
