"""Team mode in the window, on a team server only (issue 20, items 4 and 5; ADR 0024).

- The document list gets a "People" column: who works on each document, the state of
  their assignment (assigned, claimed, finished; curating for the gold layer) and the
  status of their layer (new, in progress, done). It is read again when this window
  changes a status or claims, and when other clients' news arrives
  (:class:`~annotator.ui.live_updates.LiveUpdates`, ``othersChanged``).
- Document → Next document claims the next document on the server
  (:meth:`~annotator.services.team_work.TeamWork.claim_next`) and opens it; when none is
  left, the window says so. Mark done finishes the person's claim; Reopen claims it again.
- Review mode holds the document's gold layer (one curator per document at a time): the
  review controller asks :meth:`TeamTools.take` and :meth:`TeamTools.release`; the window's
  holds are let go when it closes.

On a project file, or a server database that is no team's, nothing is installed
(``TeamWork.available``, asked in :mod:`annotator.app`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QDockWidget

from annotator.core.change import Change
from annotator.core.errors import AnnotatorError
from annotator.core.model import Status
from annotator.ui.bidi import isolate

if TYPE_CHECKING:  # app.py makes the TeamWork: the window never reaches the store
    from annotator.services.team_work import TeamWork, Worker
    from annotator.ui.live_updates import LiveUpdates
    from annotator.ui.main_window import MainWindow

NOTHING_LEFT = (
    "No document is left for you: every document has as many people as the project asks, "
    "and you have finished the ones you claimed."
)
NEWS_MS = 200
"""How long the People column waits after news, to read once for a burst of it."""
HOLD_RENEW_MS = 10 * 60 * 1000
"""How often review mode renews its hold (the server lets another curator take over a hold
not renewed for two hours: the window that held it crashed or lost the server)."""
_STATES = {"assigned": "assigned", "claimed": "claimed", "finished": "finished"}
_GOLD_STATES = {"curating": "curating", "finished": "curated"}
_STATUS = {"new": "new", "in_progress": "in progress", "done": "done"}


def worker_text(worker: Worker) -> str:
    """One person's part of a document's cell: ``amal: claimed, in progress``."""
    if worker.gold:
        return f"{isolate(worker.person)}: {_GOLD_STATES.get(worker.state, worker.state)}"
    state = _STATES.get(worker.state, worker.state)
    return f"{isolate(worker.person)}: {state}, {_STATUS.get(worker.status, worker.status)}"


def describe(workers: Sequence[Worker]) -> tuple[str, str]:
    """A document's cell and tooltip (one line per person, with their login)."""
    return (
        "; ".join(worker_text(w) for w in workers),
        "\n".join(f"{worker_text(w)} (login {w.login})" for w in workers),
    )


class TeamTools(QObject):
    """The window's team tools for one project on a team server (see the module)."""

    def __init__(self, window: MainWindow, work: TeamWork) -> None:
        super().__init__(window)
        self.setObjectName("teamTools")
        self._window = window
        self._work = work
        self._me = work.me()
        self._held: set[int] = set()  # documents whose gold layer this window holds
        self._roomy = False  # the Documents panel was widened for the People column
        self.refresh_soon = window.gui_thread.throttled(self.refresh, self, 250)
        window.signals.changeApplied.connect(self._on_change)
        window.installEventFilter(self)  # lets go of held documents when the window closes
        self._later = QTimer(self)  # news comes in bursts: read once per burst
        self._later.setSingleShot(True)
        self._later.setInterval(NEWS_MS)
        self._later.timeout.connect(self.refresh)
        self._renew = QTimer(self)
        self._renew.setInterval(HOLD_RENEW_MS)
        self._renew.timeout.connect(self.renew_holds)
        self._renew.start()
        self.refresh()

    @property
    def me(self) -> str | None:
        """The layer of the window's login (None: the login has none, e.g. an administrator)."""
        return self._me

    # -- the People column ------------------------------------------------------------
    def refresh(self) -> None:
        """Read who works on what and show it in the document list."""
        try:
            workload = self._work.workload()
        except AnnotatorError as exc:  # the server away: read again once it is back
            self._window.show_message(str(exc))
            return
        self._window.documents.model_.set_team(workload, describe)

    def follow(self, live: LiveUpdates) -> None:
        """Read the column again whenever other clients' news arrives."""
        live.othersChanged.connect(lambda: self._later.isActive() or self._later.start())

    def _on_change(self, change: Change) -> None:
        gold = self._window.project.gold_annotator() if change.statuses else None
        for status in change.statuses:
            held = status.annotator == gold and status.doc_id in self._held
            if status.annotator != self._me and not held:
                continue  # gold marked curated in bulk: only the documents this window holds
            try:
                if status.after is Status.DONE:
                    self._work.finished(status.doc_id, gold=held)
                elif status.before is Status.DONE and status.annotator == self._me:
                    self._work.reopened(status.doc_id)
            except AnnotatorError as exc:
                self._window.notify(str(exc))
        if change.statuses or change.new_documents or change.removed_documents:
            self.refresh_soon()

    # -- the next document ------------------------------------------------------------
    def next_document(self) -> None:
        """Document → Next document: claim the next document on the server and open it."""
        window = self._window
        try:
            claimed = self._work.claim_next()
        except AnnotatorError as exc:
            window.notify(str(exc))
            return
        if claimed is None:
            window.notify(NOTHING_LEFT)
            self.refresh()
            return
        doc_id, name = claimed
        again = doc_id == window.current_doc_id()
        if window.documents.model_.row_of(doc_id) < 0:  # added by a manager a moment ago
            window.refresh_documents()
        self.refresh()
        window.open_document(doc_id)
        if again:
            window.notify(
                f"{isolate(name)} is still yours and not done: mark it done (Ctrl+D), then "
                "Next document gives you another."
            )
        else:
            window.show_message(f"Claimed {isolate(name)}: it is yours until you mark it done.")

    # -- one curator per document ------------------------------------------------------------
    def take(self, doc_id: int) -> str | None:
        """Hold the document's gold layer for review mode; None when held, else the sentence
        that says who curates it."""
        try:
            self._work.curate(doc_id)
        except AnnotatorError as exc:
            return str(exc)
        self._held.add(doc_id)
        self.refresh_soon()
        return None

    def renew_holds(self) -> None:
        """Renew every hold this window has (a hold finished or taken over is forgotten)."""
        for doc_id in sorted(self._held):
            try:
                if not self._work.renew_hold(doc_id):
                    self._held.discard(doc_id)
            except AnnotatorError as exc:  # the server away: tried again next time
                self._window.show_message(str(exc))

    def release(self, doc_id: int) -> None:
        """Let go of the document's gold layer (review mode left it)."""
        self._held.discard(doc_id)
        try:
            self._work.leave_curation(doc_id)
        except AnnotatorError as exc:
            self._window.notify(str(exc))
            return
        self.refresh_soon()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self._window and event.type() == QEvent.Type.Show and not self._roomy:
            self._roomy = True  # once, at the window's size: the user may narrow it later
            # after the window has pinned or restored its docks' widths (DockLayout)
            QTimer.singleShot(0, self, lambda: _make_room(self._window))
        if watched is self._window and event.type() == QEvent.Type.Close:
            self._renew.stop()
            for doc_id in sorted(self._held):
                self.release(doc_id)
        return False


def install_team_tools(window: MainWindow, work: TeamWork, live: LiveUpdates | None) -> TeamTools:
    """The People column, Next document by claim, one curator per document in review mode
    (on a team server: see :meth:`TeamWork.available`)."""
    tools = TeamTools(window, work)
    me = tools.me
    if me is not None and window.current_annotator() != me:  # the login's layer, not a name
        asked = window.current_annotator()
        window.set_annotator(me)
        window.notify(
            f"On the team's server your login annotates the layer {isolate(me)}, so the window "
            f"shows and edits it (not {isolate(asked)})."
        )
    if live is not None:
        tools.follow(live)
    following = window.actions_["next"]
    following.triggered.disconnect()  # the list's next row becomes the server's next document
    following.triggered.connect(lambda _checked=False: tools.next_document())
    following.setStatusTip("Claim the next document that needs you on the team's server")
    review = getattr(window, "review_tools", None)
    if review is not None:
        review.review.curation_lock = tools
    return tools


PEOPLE_ROOM = "amal: claimed, in progress"
"""What a People cell has room for without being cut."""


def _make_room(window: MainWindow) -> None:
    """Widen the Documents panel so that the People column and the names both show, now
    and whenever another column (Curation) joins them."""
    documents = window.documents
    documents.roomWanted.connect(lambda wanted: _widen(window, wanted))
    _widen(window, documents.room_for(documents.model_.TEAM, PEOPLE_ROOM))


def _widen(window: MainWindow, wanted: int) -> None:
    dock = window.documents.parentWidget()
    if isinstance(dock, QDockWidget):
        window.dock_layout.make_room(dock, wanted)
