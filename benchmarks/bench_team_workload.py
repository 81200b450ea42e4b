"""What the People column costs a window on a team server (issue 20, item 4; ADR 0024).

The window reads who works on what (``TeamWork.workload``: assignments, layers and their
statuses, as the login's row-level security allows) when it claims or changes a status, and
when the listening connection hears that assignments or statuses changed; the cells are
described (``describe``) only when drawn: :data:`SCREEN` rows are counted. The baseline,
run alongside in turn, is what the window already reads on every refresh of the list: the
document list of the person's layer (``DocumentService.summaries``).

On a throwaway PostgreSQL cluster (tests/pgcluster.py), one team database with ``--docs``
documents; amal has claimed every one, badr is assigned every one, and cora curates every
tenth. Medians of ``--repeats`` runs, as amal's own login.

Run: ``.venv/bin/python -m benchmarks.bench_team_workload [--docs N] [--repeats N]``
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from annotator.core.location import ServerUrl  # noqa: E402
from annotator.services.project import open_project  # noqa: E402
from annotator.services.team_work import TeamWork  # noqa: E402
from annotator.services.write import WriteService  # noqa: E402
from annotator.services.write.requests import NewDocument  # noqa: E402
from annotator.store.writer import Writer  # noqa: E402
from annotator.ui.team_work import describe  # noqa: E402

SCREEN = 40  # rows of the document list in sight
from benchmarks.bench_team_rights import _medians_ms  # noqa: E402
from tests.pgcluster import Cluster  # noqa: E402
from tests.teamdb import TEXT, Team, team_database  # noqa: E402


def _fill(t: Team, docs: int) -> None:
    """``docs`` more documents; amal claims all, badr is assigned all, cora curates a tenth."""
    texts = [f"{TEXT} {k}" for k in range(docs - 1)]
    WriteService(Writer(t.admin)).add_documents(
        [
            NewDocument(f"doc-{k + 2}.txt", text, hashlib.sha256(text.encode()).hexdigest())
            for k, text in enumerate(texts)
        ]
    )
    with t.admin.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO project_meta (key, value) VALUES ('team/annotators_per_document', '3')"
            )
        )
        for person, state in (("amal", "claimed"), ("badr", "assigned")):
            conn.execute(
                sa.text(
                    "INSERT INTO assignments (doc_id, annotator_id, login_role, state, "
                    "assigned_by, updated_at) SELECT d.id, :layer, :login, :state, 'bench', now() "
                    "FROM documents d"
                ),
                {"layer": t.layer_id(person), "login": t.logins[person], "state": state},
            )
    with t.engine("cora").begin() as conn:
        for doc in range(1, docs + 1, 10):
            conn.execute(sa.text("SELECT team_curate(:d)"), {"d": doc})


def main(argv: list[str]) -> int:
    """Print the medians and the ratio."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args(argv)
    with Cluster() as cluster:
        admin = sa.create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with team_database(cluster.url, admin) as t:
            _fill(t, args.docs)
            url = t.url(t.logins["amal"], t.passwords["amal"])
            project = open_project(ServerUrl(url.render_as_string(hide_password=False)))
            try:
                work = TeamWork(project)
                workload = work.workload()
                assert len(workload) == args.docs, len(workload)
                base, people = _medians_ms(
                    lambda: project.documents.summaries("amal"),
                    lambda: [describe(w) for w in list(work.workload().values())[:SCREEN]],
                    args.repeats,
                )
            finally:
                project.close()
        admin.dispose()
    held = len(range(1, args.docs + 1, 10))
    print(f"documents: {args.docs}, assignments: {2 * args.docs + held}")
    print(f"document list (baseline) {base:8.1f} ms   People column (read, {SCREEN} cells) "
          f"{people:8.1f} ms   "
          f"ratio {people / base:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
