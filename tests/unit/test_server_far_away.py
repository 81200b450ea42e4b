"""An edit refused while Offline never waits for a far server (issue 20, follow-up item 4;
ADR 0026): the quick question it starts (``SELECT 1``, 2 s timeout) runs off the caller's
thread, so a server that drops packets cannot freeze the window; the edit is refused with
the Offline sentence, and an edit after the server answered again goes through. The far
server is real sockets: a relay to the run's cluster that accepts and never answers
(tests/relay.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from annotator.core.location import ServerUrl
from annotator.core.positions import CodePoint
from annotator.services.online import OfflineError, ServerLink
from annotator.services.project import Project, open_project
from tests.relay import Relay, unix_socket_of

TEXT = "😀 قصفت الطائـــرات\u00a0مدينةَ حماة قرب حلب\u200cالشهباء في 2024 (Reuters)"
WAIT_S = 30  # how long the test waits for what must happen (not a measurement)


@pytest.fixture
def relay(pg_project_url: str) -> Iterator[Relay]:
    made = Relay(unix_socket_of(pg_project_url))
    yield made
    made.close()


@pytest.fixture
def far(relay: Relay, pg_project_url: str) -> Iterator[Project]:
    """The test's project, reached through the relay (TCP, no TLS: the relay is plain)."""
    database = sa.make_url(pg_project_url).database
    url = f"postgresql+psycopg://postgres@127.0.0.1:{relay.port}/{database}?sslmode=disable"
    project = open_project(ServerUrl(url))
    yield project
    project.close()


def _tag(project: Project, doc: int, word: str) -> int:
    at = TEXT.index(word)
    edit = project.annotations.create_span(doc, "amal", CodePoint(at), CodePoint(at + 4), "GPE")
    return edit.add.spans[0].id


def _until(done: object) -> None:
    deadline = time.monotonic() + WAIT_S
    while not done() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.02)


def test_an_edit_refused_while_offline_does_not_wait_for_a_far_server(
    relay: Relay, far: Project
) -> None:
    doc, _ = far.documents.add_text("حماة 😀.txt", TEXT)
    link = ServerLink(far)
    try:
        relay.drop()  # every packet to the server is lost from now on
        lost = "the listening connection timed out"
        link.lost(lost)  # as the live updates report it
        with pytest.raises(OfflineError) as refused:
            _tag(far, doc, "حماة")
        assert str(refused.value) == link.refusal()
        # refused before its question to the server went unanswered (which takes the 2 s
        # timeout): the caller did not wait for it. The question reaches the far server...
        assert link.reason == lost
        _until(lambda: relay.held)
        assert len(relay.held) == 1
        # ...and goes unanswered there, on a thread of its own
        _until(lambda: link.reason != lost)
        assert link.reason == "connection timeout expired" and not link.online

        relay.resume()  # the server is reachable again (the lost question stays lost)
        made: list[int] = []

        def edit() -> bool:
            try:
                made.append(_tag(far, doc, "حماة"))
            except OfflineError:
                return False
            return True

        _until(edit)  # refused until a later question is answered, then made
        assert link.online and len(made) == 1
        assert [s.id for s in far.annotations.spans(doc, "amal")] == made  # made once
    finally:
        link.close()
