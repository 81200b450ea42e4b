"""Tokens made elsewhere while the caller does other work (ADR 0027).

An import of a large file hands each document's text to a tokenizer in another process
as soon as its reader has built it (:func:`announce`), and the write service's
:func:`annotator.core.tokens.word_tokens_of` takes what that process made instead of
making it again. The source is set for one block of code (:func:`prepared`), in a context
variable, so another thread (the window's) never sees it; outside such a block
:func:`announce` does nothing and every token is made in this process, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from annotator.core.tokens import WordTokens


class Prepared(Protocol):
    """Where tokens are made ahead: texts go in with :meth:`submit`, tokens come out."""

    def submit(self, text: str) -> None:
        """Start making ``text``'s tokens; they will be asked for soon."""

    def get(self, text: str) -> WordTokens | None:
        """``text``'s tokens (waiting while they are being made), or None if not made."""


_SOURCE: ContextVar[Prepared | None] = ContextVar("annotator_prepared_tokens", default=None)


@contextmanager
def prepared(source: Prepared) -> Iterator[None]:
    """Within the block, in this thread, tokens come from ``source`` where it has them."""
    token = _SOURCE.set(source)
    try:
        yield
    finally:
        _SOURCE.reset(token)


def current_source() -> Prepared | None:
    """The source set by the innermost :func:`prepared` block here, or None."""
    return _SOURCE.get()


def announce(text: str) -> None:
    """Say that ``text`` will be tokenized soon: within :func:`prepared` its tokens start
    being made now; otherwise nothing happens."""
    source = _SOURCE.get()
    if source is not None:
        source.submit(text)
