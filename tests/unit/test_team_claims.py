"""Claiming the next document on a team server (issue 20, item 4): ``team_claim_next()`` gives
each person the next document that still needs people, never more people per document than
the project asks (``team/annotators_per_document``), even when people claim at the same time
(``FOR UPDATE SKIP LOCKED``, then a count under the document's lock); a claim nobody touched
for a while is released. Real logins with their passwords (tests/teamdb.py).
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from annotator.services.write import WriteService
from annotator.services.write.requests import NewDocument
from annotator.store.team_sql import PER_DOCUMENT_KEY
from annotator.store.writer import Writer
from tests.teamdb import TEXT, Team, team_database

DOCUMENTS = 40  # besides teamdb's own document


@pytest.fixture
def t(pg_server: str, pg_admin: sa.Engine) -> Iterator[Team]:
    with team_database(pg_server, pg_admin) as made:
        texts = [f"{TEXT} {k}" for k in range(DOCUMENTS)]  # distinct texts
        docs = [
            NewDocument(f"doc-{k + 2}.txt", text, hashlib.sha256(text.encode()).hexdigest())
            for k, text in enumerate(texts)
        ]
        WriteService(Writer(made.admin)).add_documents(docs)
        yield made


def _claim_all(t: Team, person: str, start: threading.Barrier, got: list[int]) -> None:
    """``person`` claims the next document until none is left; each claim its own transaction."""
    engine = t.engine(person)
    start.wait()
    while True:
        with engine.begin() as conn:
            doc = conn.execute(sa.text("SELECT team_claim_next()")).scalar()
            if doc is not None:  # finished at once: the next call asks for a new document
                conn.execute(sa.text("SELECT team_finish(:d)"), {"d": doc})
        if doc is None:
            return
        got.append(int(doc))


def _race(t: Team, people: tuple[str, ...]) -> dict[str, list[int]]:
    start = threading.Barrier(len(people))
    got: dict[str, list[int]] = {p: [] for p in people}
    threads = [threading.Thread(target=_claim_all, args=(t, p, start, got[p])) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return got


def _holders(t: Team) -> Counter[int]:
    with t.admin.connect() as conn:
        rows = conn.execute(sa.text("SELECT doc_id FROM assignments")).scalars()
        return Counter(int(r) for r in rows)


def test_two_people_claiming_at_once_never_share_a_document(t: Team) -> None:
    got = _race(t, ("amal", "badr"))
    amal, badr = set(got["amal"]), set(got["badr"])
    assert len(got["amal"]) == len(amal) and len(got["badr"]) == len(badr)  # no repeats
    assert not amal & badr  # one person per document (the default)
    assert amal | badr == set(range(1, DOCUMENTS + 2))  # every document went to someone
    assert set(_holders(t).values()) == {1}


def test_with_two_people_per_document_each_document_gets_both(t: Team) -> None:
    WriteService(Writer(t.admin)).set_meta(PER_DOCUMENT_KEY, "2")
    got = _race(t, ("amal", "badr"))
    everything = set(range(1, DOCUMENTS + 2))
    assert sorted(got["amal"]) == sorted(everything) == sorted(got["badr"])
    assert set(_holders(t).values()) == {2}


def test_an_unfinished_claim_comes_back_and_an_abandoned_one_is_released(t: Team) -> None:
    amal, badr = t.engine("amal"), t.engine("badr")
    with amal.begin() as conn:
        first = conn.execute(sa.text("SELECT team_claim_next()")).scalar()
    with amal.begin() as conn:  # not finished: the same document again
        assert conn.execute(sa.text("SELECT team_claim_next()")).scalar() == first
    with badr.begin() as conn:
        other = conn.execute(sa.text("SELECT team_claim_next()")).scalar()
    assert other != first
    with t.admin.begin() as conn:  # amal went away three hours ago
        conn.execute(
            sa.text(
                "UPDATE assignments SET updated_at = now() - interval '3 hours' WHERE doc_id = :d"
            ),
            {"d": first},
        )
    with badr.begin() as conn:
        conn.execute(sa.text("SELECT team_finish(:d)"), {"d": other})
        released = conn.execute(sa.text("SELECT team_claim_next()")).scalar()
    assert released == first  # the abandoned claim went back to the pool, first in line
    assert _holders(t)[first] == 1
