"""--add-labels adds event types with their roles and relation types, not only span labels,
for the readers that call ReadOptions' checks (here jsonl; brat in test_brat_lines)."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.services.project import Project
from annotator.services.transfer import ImportRequest, import_annotations
from tests.unit.test_bad_input_import import dump

TEXT = "حوّلت الشركـة 5 ملايين\u00a0دولار إلى Acme 😀 أمسِ، قال\u200cت المصادر.\n"


def _line() -> str:
    def span(ident: int, word: str, label: str) -> dict[str, object]:
        start = TEXT.index(word)
        return {"id": ident, "start": start, "end": start + len(word), "label": label}

    doc = {
        "name": "تحويل.txt",
        "text": TEXT,
        "spans": [
            span(1, "الشركـة", "ORG"),
            span(2, "حوّلت", "Transfer-money"),
            span(3, "Acme", "ORG"),
        ],
        "events": [
            {
                "id": 1,
                "type": "Transfer-money",
                "trigger": 2,
                "arguments": [{"role": "Giver", "span": 1}, {"role": "Recipient", "span": 3}],
            }
        ],
        "relations": [{"id": 1, "type": "Pays", "arg1": 1, "arg2": 3}],
    }
    return json.dumps(doc, ensure_ascii=False) + "\n"


def test_jsonl_event_and_relation_types_are_added_with_roles(proj: Project, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(_line(), "utf-8")
    before = dump(proj.path)
    refused = import_annotations(proj, ImportRequest((path,), "jsonl", "nour")).outcomes[0]
    assert refused.status == "rejected" and "'Transfer-money' is not in the project's schema" in (
        refused.message
    )
    assert dump(proj.path) == before
    (outcome,) = import_annotations(
        proj, ImportRequest((path,), "jsonl", "nour", add_labels=True)
    ).outcomes
    assert outcome.status == "added", outcome.message
    schema = proj.schemas.schema
    money = schema.event_type("Transfer-money")
    assert money is not None and [r.name for r in money.roles] == ["Giver", "Recipient"]
    assert schema.relation_type("Pays") is not None
    assert schema.label("Transfer-money") is None  # a trigger's label is the event type
    assert "event types Transfer-money; relation types Pays." in outcome.message
