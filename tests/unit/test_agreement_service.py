"""The agreement service: gather in the caller's thread, finish anywhere, tokens cached."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.agreement.render import to_json
from annotator.services import agreement
from annotator.services.project import open_project
from tests.agreement_corpus import make_corpus, store_spans


def test_tokens_are_stored_or_cached_by_document_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = open_project(tmp_path / "team.sqlite")
    store_spans(project, make_corpus(seed=9, documents=3, words=40))
    request = agreement.AgreementRequest(resamples=20)
    gathered = agreement.gather(project, request)
    project.close()
    calls: list[str] = []
    real = agreement.text_tokens

    def counted(text: str) -> object:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(agreement, "text_tokens", counted)
    stored = agreement.finish(gathered, {})  # the project keeps every document's tokens
    assert calls == []
    gathered = replace(gathered, tokens={})  # as in an older project, or another camel-tools
    cache: agreement.TokenCache = {}
    first = agreement.finish(gathered, cache)
    assert len(calls) == 3 and set(cache) == {d.sha256 for d in gathered.docs}
    again = agreement.finish(gathered, cache)
    assert len(calls) == 3  # nothing tokenized twice
    assert to_json(again) == to_json(first) == to_json(stored)
    assert first.provenance["corpus sha256"]
