"""Entries for the merge's worker process in tests (:class:`MergeRun`'s ``entry``).

The child is started with ``spawn``: a test's monkeypatch does not reach it, so what a test
changes in the child is changed here, in the child, before the real :func:`serve` runs.
"""

from __future__ import annotations

import os
import signal
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from annotator.services.merge_worker import serve
from annotator.services.write import service as write_service


def fails_on_the_third_layer(conn: Connection, cancel: Any, path: Path, session: str) -> None:
    """:func:`serve`, with an unexpected error inside the transaction at the third layer."""
    real = write_service.merge_layer
    calls: list[int] = []

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk gremlin")
        return real(*args, **kwargs)

    write_service.merge_layer = failing
    serve(conn, cancel, path, session)


def killed_at_the_third_layer(conn: Connection, cancel: Any, path: Path, session: str) -> None:
    """:func:`serve`, killed by SIGKILL inside the transaction at the third layer (as the
    out-of-memory killer would): no answer, no clean-up."""
    real = write_service.merge_layer
    calls: list[int] = []

    def killed(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    write_service.merge_layer = killed
    serve(conn, cancel, path, session)


def waits_for_cancel_at_the_second_layer(
    conn: Connection, cancel: Any, path: Path, session: str
) -> None:
    """:func:`serve`, which waits inside the transaction at the second layer until the window
    has asked to cancel (at most 30 s), so that Cancel never loses a race with the merge's end
    however busy the machine is."""
    real = write_service.merge_layer
    calls: list[int] = []

    def waiting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            cancel.wait(30)
        return real(*args, **kwargs)

    write_service.merge_layer = waiting
    serve(conn, cancel, path, session)
