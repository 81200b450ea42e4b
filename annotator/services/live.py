"""Other people's changes to a project on a server, as they commit (issue 20, item 3).

:class:`LiveFeed` wraps the listening connection (:class:`annotator.store.listen.Listener`):
:meth:`LiveFeed.connect` gives a socket to watch, and :meth:`LiveFeed.take`, on each wake,
reads from the change feed the layers other clients changed. The feed, not
the notifications, is the record: after a reconnect, :meth:`take` reads everything committed
since the last number seen, so a change made while the connection was down is not missed.
A project file has no server to listen to: :meth:`LiveFeed.available` is False there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from annotator.core.errors import AnnotatorError
from annotator.core.location import ServerUrl
from annotator.store.listen import Listener, ListenerLost

if TYPE_CHECKING:
    from annotator.services.online import ServerLink
    from annotator.services.project import Project


class LiveLost(AnnotatorError):
    """The server cannot be listened to now (it went away, or refuses the connection)."""


@dataclass(frozen=True)
class OtherChange:
    """A layer another client changed: ``doc_id`` None is a schema change; ``annotator``
    None, a change to the document itself (added, deleted, restored)."""

    doc_id: int | None
    annotator: str | None
    description: str


class LiveFeed:
    """The changes other clients commit to ``project``'s server database."""

    def __init__(self, project: Project, link: ServerLink | None = None) -> None:
        self._project = project
        self._link = link  # told when listening finds the server gone, or reaches it
        self._listener: Listener | None = None
        self._seen = project.repo.last_seq()

    @staticmethod
    def available(project: Project) -> bool:
        """True for a project on a server (a project file has nobody to listen to)."""
        return isinstance(project.path, ServerUrl)

    def connect(self) -> int:
        """Open the listening connection; its socket, readable when news arrives."""
        self.close()
        try:
            self._listener = Listener(self._project.repo.engine)
        except Exception as exc:  # the driver's own errors: unreachable, refused, ...
            self._gone(exc)
            raise LiveLost(_first_line(exc)) from exc
        if self._link is not None:
            self._link.reached()
        return self._listener.fileno()

    def take(self) -> list[OtherChange]:
        """What other clients committed since the last call (or since this feed was made,
        for the first), in commit order; [] when nothing new was committed.

        Raises :class:`LiveLost` when the listening connection is gone: :meth:`connect` again,
        then :meth:`take` reads what was committed meanwhile.
        """
        if self._listener is None:
            raise LiveLost("not listening")
        try:
            self._listener.drain()  # the feed below, not the numbers, says what is new
            changes = self._project.repo.changes_since(self._seen)
        except (ListenerLost, DBAPIError) as exc:  # gone before or after the wake
            self.close()
            self._gone(exc)
            raise LiveLost(_first_line(getattr(exc, "orig", None) or exc)) from exc
        if changes:
            self._seen = changes[-1].seq
        mine = self._project.write.session
        return [
            OtherChange(c.doc_id, c.annotator, c.description) for c in changes if c.session != mine
        ]

    def _gone(self, exc: BaseException) -> None:
        if self._link is not None:
            self._link.lost(_first_line(getattr(exc, "orig", None) or exc))

    def team_news(self) -> bool:
        """True when :meth:`take` heard, since the last call, that a team's assignments or
        document statuses changed (ADR 0024; a blind annotator too, who may not read the other
        layers' changes): who works on what is read again."""
        if self._listener is None:
            return False
        news, self._listener.team_news = self._listener.team_news, False
        return news

    def close(self) -> None:
        """Stop listening (the project stays open)."""
        if self._listener is not None:
            self._listener.close()
            self._listener = None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
