"""Whether the project's server can be reached now, and no edit tried while it cannot
(issue 20, item 7).

A :class:`ServerLink` turns Offline when anything finds the server gone: a read or a write on
any thread (the engine's failures, :func:`annotator.store.reach.watch_losses`), or the live
updates' listening connection (:class:`annotator.services.live.LiveFeed` says so). While it is
Offline, the write service refuses every change before trying it (:meth:`ServerLink.refuse` is
its gate): one sentence, nothing half-written, no wait for a connection timeout; a read fails
at once too (no new connection is tried, :func:`annotator.store.reach.hold_connections`). It turns
Online again when :meth:`ServerLink.probe` (asked every few seconds by the window, on a
thread of its own), a refused edit's quick question (:meth:`ServerLink.may_edit`, on a thread
of its own too: nothing here waits for a far server on the caller's thread) or the listening
connection reaches the server. :attr:`ServerLink.changed`
announces each turn, on the thread that found it.
"""

from __future__ import annotations

import threading
import time

from annotator import errorlog
from annotator.core.errors import ProjectError
from annotator.core.location import ServerUrl
from annotator.core.signal import Signal
from annotator.services.project import Project
from annotator.store.dberrors import connection_lost
from annotator.store.reach import (
    answers,
    answers_quickly,
    first_line,
    hold_connections,
    watch_losses,
)

ASK_AGAIN_S = 1.0
"""After a refused edit's question went unanswered, a refused edit within this long asks
nothing (a far server that drops packets would otherwise be asked on every keystroke)."""


class OfflineError(ProjectError):
    """A change refused without being tried: the project's server cannot be reached now."""


class ServerLink:
    """The project's server, Online or Offline; the write service's gate while it exists.

    Signals:
        changed: emitted with True (back Online) or False (gone Offline) at each turn.
    """

    def __init__(self, project: Project) -> None:
        assert isinstance(project.path, ServerUrl), "only a project on a server has a link"
        self.server = project.path.name  # "team on db.lab.example": never the password
        self._engine = project.repo.engine
        self._write = project.write
        self._lock = threading.Lock()
        self._online = True
        self._probing = False
        self._asking = False  # a refused edit's quick question is out
        self._unanswered = -ASK_AGAIN_S  # when a refused edit's question last went unanswered
        self.reason = ""
        """Why the server was last found gone (the driver's first line)."""
        self.changed: Signal[bool] = Signal(errorlog.record)
        self._unwatch = watch_losses(self._engine, self.lost)
        self._unhold = hold_connections(self._engine, lambda: not self._online)
        self._previous_gate = self._write.gate
        self._write.gate = self.refuse

    @property
    def online(self) -> bool:
        """False from the moment anything found the server gone until it is reached again."""
        return self._online

    def refusal(self) -> str:
        """The one sentence that says why an edit was not made while Offline."""
        return (
            f"Offline: the server {self.server} cannot be reached, so this change was not "
            "made. Everything saved before is safe; editing works again by itself once the "
            "server is back."
        )

    def refuse(self) -> None:
        """Raise :class:`OfflineError` while Offline, at once (the write service asks before
        every change; nothing has been tried yet). :meth:`may_edit` asks the server meanwhile,
        on a thread of its own, so the next change may go through."""
        if not self.may_edit():
            raise OfflineError(self.refusal())

    def may_edit(self) -> bool:
        """True while Online. While Offline, False at once: it never waits for the server
        (a far server that drops packets would hold the caller, the GUI thread, for
        :data:`~annotator.store.reach.QUICK_TIMEOUT_S`). It starts a quick question
        (:func:`answers_quickly`) on a thread of its own, one at a time and not again within
        :data:`ASK_AGAIN_S` of one that went unanswered; when the server answers, the link
        turns Online (announced) and the next edit goes through."""
        if self._online:
            return True
        with self._lock:
            if self._asking or time.monotonic() - self._unanswered < ASK_AGAIN_S:
                return False
            self._asking = True
        threading.Thread(target=self._ask_quickly, name="server question", daemon=True).start()
        return False

    def _ask_quickly(self) -> None:
        try:
            reason = answers_quickly(self._engine)
            if reason is None:
                self.reached()
                return
            with self._lock:
                self._unanswered, self.reason = time.monotonic(), reason
        finally:
            with self._lock:
                self._asking = False

    def is_loss(self, exc: BaseException) -> bool:
        """Whether ``exc`` (a failed read, say) says the server is gone; if so, Offline."""
        gone = connection_lost(exc)
        if gone:
            self.lost(first_line(exc))
        return gone

    def lost(self, reason: str) -> None:
        """The server was found gone: Offline (announced once)."""
        with self._lock:
            turned, self._online, self.reason = self._online, False, reason
        if turned:
            # the pooled connections lead to a server that is gone: a read would ping them
            # first, which a server far away that drops packets leaves unanswered for minutes
            self._engine.dispose()
            self.changed.emit(False)

    def reached(self) -> None:
        """The server answered: Online again (announced once)."""
        with self._lock:
            turned, self._online = not self._online, True
        if turned:
            self.changed.emit(True)

    def probe(self) -> None:
        """Ask the server whether it is back, on a thread of its own (a server far away may
        take the connection timeout to fail); :meth:`reached` when it answers. One question
        at a time: asked again while one runs, nothing happens."""
        with self._lock:
            if self._probing:
                return
            self._probing = True
        threading.Thread(target=self._ask, name="server probe", daemon=True).start()

    def ask_now(self) -> bool:
        """Ask the server on this thread; True (and Online) if it answers."""
        reason = answers(self._engine)
        if reason is None:
            self.reached()
        else:
            self.lost(reason)
        return reason is None

    def _ask(self) -> None:
        try:
            self.ask_now()
        finally:
            with self._lock:
                self._probing = False

    def close(self) -> None:
        """Stop watching the engine, and let the write service try every change again."""
        self._unwatch()
        self._unhold()
        if self._write.gate == self.refuse:
            self._write.gate = self._previous_gate
