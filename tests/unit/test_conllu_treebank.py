"""CoNLL-U as treebanks are (issue 19 item 1): real UD files, judged by their own ``# text``
lines and by the ``conllu`` package, not by files our code made.

``tests/data/ud/`` (see its README): two PADT sentences, whose multiword tokens include
``باقامة`` = ``ب`` + ``إقامة`` (parts that do not spell the surface); UD's English
``haven't`` = ``have`` + ``not``; and a hand-written stress file (emoji, NBSP, ZWNJ, tatweel,
diacritics, Latin, digits; ``# newpar``; a document repeated under another name).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import conllu as ud

from annotator.core import multiword
from annotator.core.model import Status
from annotator.services.transfer import (
    ExportRequest,
    ImportRequest,
    export_layer,
    import_annotations,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "ud"


def _import(proj: Any, name: str, annotator: str = "ud") -> str:
    report = import_annotations(proj, ImportRequest((DATA / name,), "conllu", annotator))
    (outcome,) = report.outcomes
    assert outcome.status == "added", outcome.message
    return str(outcome.message)


def _texts(proj: Any) -> list[str]:
    return [proj.documents.document(s.id).text for s in proj.documents.summaries("")]


def _export(proj: Any, out: Path, annotator: str = "ud") -> str:
    export_layer(proj, ExportRequest("conllu", out, annotator=annotator))
    return out.read_text(encoding="utf-8")


def _text_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.removeprefix("# text = ") for line in lines if line.startswith("# text = ")]


def test_padt_multiword_tokens_whose_parts_differ_are_accepted(proj: Any) -> None:
    _import(proj, "padt.conllu")
    assert _texts(proj) == _text_lines(DATA / "padt.conllu")  # the treebank's own # text
    words = proj.repo.metas(multiword.MULTIWORD_PREFIX)
    first = proj.documents.summaries("")[0].id
    stored = multiword.decode(words[multiword.multiword_key(first)], 100)
    text = _texts(proj)[0]
    assert [(text[w.start : w.end], w.parts) for w in stored] == [
        ("وتتميز", ("و", "تتميز")),
        ("باقامة", ("ب", "إقامة")),
    ]


def test_english_havent_is_accepted(proj: Any) -> None:
    _import(proj, "haven_t.conllu")
    assert _texts(proj) == ["I haven't a clue."]


def test_export_writes_the_parts_back_as_the_conllu_package_reads_them(
    proj: Any, tmp_path: Path
) -> None:
    _import(proj, "padt.conllu")
    _import(proj, "haven_t.conllu")
    _import(proj, "stress.conllu")
    sentences = ud.parse(_export(proj, tmp_path / "out.conllu"))
    found = {}
    for sentence in sentences:
        for k, token in enumerate(sentence):
            if isinstance(token["id"], tuple):
                lo, _, hi = token["id"]
                parts = [t["form"] for t in sentence[k + 1 : k + 2 + hi - lo]]
                assert [t["id"] for t in sentence[k + 1 : k + 2 + hi - lo]] == [*range(lo, hi + 1)]
                found[token["form"]] = parts
    assert found == {
        "وتتميز": ["و", "تتميز"],
        "باقامة": ["ب", "إقامة"],
        "haven't": ["have", "not"],
        "بالمدينةِ": ["ب", "المدينةِ"],
        "للشركة": ["ل", "الشركة"],
    }
    assert [s.metadata["text"] for s in sentences] == [
        *_text_lines(DATA / "padt.conllu"),
        *_text_lines(DATA / "haven_t.conllu"),
        *_text_lines(DATA / "stress.conllu")[:2],  # the third and fourth are the twin's
    ]


def test_summary_counts_and_locates_what_is_not_kept(proj: Any) -> None:
    message = _import(proj, "padt.conllu")
    for what in ("LEMMA", "UPOS", "XPOS", "HEAD", "DEPREL", "DEPS"):
        assert f"Not imported: 24 × {what} (lines 6, 7, …)." in message
    assert "Not imported: 20 × FEATS (lines 7, …)." in message
    assert "Not imported: 20 × MISC Gloss (lines 6, 7, …)." in message
    assert "Not imported: 2 × other comment lines (lines 4, 23)." in message


def test_newpar_is_a_blank_line_and_a_repeated_text_is_one_document(proj: Any) -> None:
    message = _import(proj, "stress.conllu")
    assert _texts(proj) == ["قـــال بالمدينةِ 😀 Zoom 2024\u00a0مي\u200cخواهم.\n\nللشركة عَلِيٌّ ٣."]
    assert "'twin' (line 25) repeats 'stress' (line 1), whose 1 spans were not imported" in message
    assert (
        "2 × entity edges inside a multiword token (widened to the token) (lines 18, 41)" in message
    )
    doc = proj.documents.summaries("ud")[0].id
    spans = sorted((s.start, s.end, s.label) for s in proj.annotations.spans(doc, "ud"))
    text = _texts(proj)[0]
    assert [(text[a:b], label) for a, b, label in spans] == [
        ("المدينةِ", "GPE"),
        ("Zoom", "ORG"),
        ("للشركة", "ORG"),
        ("عَلِيٌّ", "PER"),
    ]


def test_stress_round_trip_is_identical(proj: Any, tmp_path: Path) -> None:
    _import(proj, "stress.conllu")
    first = _export(proj, tmp_path / "one.conllu")
    report = import_annotations(proj, ImportRequest((tmp_path / "one.conllu",), "conllu", "again"))
    assert report.outcomes[0].status == "added", report.outcomes[0].message
    assert _export(proj, tmp_path / "two.conllu", "again") == first.replace(
        "# annotator = ud", "# annotator = again"
    )
    assert "1-2\tللشركة\t" in first and "\n2\tالشركة\t" in first


def test_multiword_tokens_go_and_come_back_with_their_document(proj: Any) -> None:
    _import(proj, "haven_t.conllu")
    doc = proj.documents.summaries("")[0].id
    key = multiword.multiword_key(doc)
    assert key in proj.repo.metas(multiword.MULTIWORD_PREFIX)
    change = proj.write.delete(doc)
    assert key not in proj.repo.metas(multiword.MULTIWORD_PREFIX)
    proj.write.apply(change.inverse())
    assert key in proj.repo.metas(multiword.MULTIWORD_PREFIX)


def test_a_text_already_in_the_project_keeps_no_multiword_tokens_and_says_so(proj: Any) -> None:
    proj.documents.add_text("padt", "وتتميز امسية الاربعاء الدولية باقامة 16 مباراة ودية.")
    message = _import(proj, "padt.conllu")
    assert "1 documents were in the project already; their multiword tokens" in message
    assert proj.repo.metas(multiword.MULTIWORD_PREFIX) == {}  # the other document has none


def test_a_document_without_multiword_tokens_is_written_as_when_alone(
    proj: Any, tmp_path: Path
) -> None:
    text = "  \u00a0قال 😀 Zoom\t2024\n\nمي\u200cخواهم تطـــويل مُحَمَّدٌ ٣.  \n"
    proj.documents.add_text("own", text)
    _import(proj, "padt.conllu")  # same batch: the writer takes the multiword-token path
    doc = proj.documents.summaries("")[0].id
    proj.documents.set_status(doc, "ud", Status.IN_PROGRESS)  # so that "all" exports it
    together = _export(proj, tmp_path / "all.conllu")
    export_layer(proj, ExportRequest("conllu", tmp_path / "own.conllu", "ud", docs=("own",)))
    alone = (tmp_path / "own.conllu").read_text(encoding="utf-8")
    assert "SpacesBefore=\\s\\s\\u00A0" in alone
    assert alone in together
