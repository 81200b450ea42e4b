"""camel-tools tokens made in a child process while an import reads its file (ADR 0027).

Issue 19 asks that a 30 MB treebank import in about the time the tokenizer needs for the
same text. The import's own work (reading the file, the write) is Python under one GIL;
the tokens (camel-tools, about a second to import and as much again to run on 30 MB of
treebank) can be made meanwhile in a child started with ``spawn`` (never ``fork``: the
window has Qt threads). The reader hands each document's text over as soon as it is built
(:func:`annotator.core.prepared_tokens.announce`). The child works on one batch at a time:
whenever it is idle, every text that came meanwhile goes to it as the next batch, and its
answer (each text's tokens joined by spaces, and their offsets as int32) is taken in at
the next text, while the reader goes on.
At most :data:`LIMIT` code points wait here for the child; past that, the reader waits
for it, so memory stays bounded whatever the file's size.

A core must be free for this to pay (:func:`core_free`, or :data:`SWITCH`). The child is
only a speed-up: tokens it did not make (it died, could not start, or a text
came too late) are made in this process as before, so the stored tokens are the same
either way. Ctrl+C is the parent's: the child ignores it and ends when its pipe closes.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np

from annotator.core.prepared_tokens import prepared
from annotator.core.tokens import WordTokens

AHEAD_BYTES = 8_000_000
"""Files of at least this size have their tokens made in a child process: below it,
starting the child (and camel-tools in it) costs more than it saves."""
SWITCH = "ANNOTATOR_TOKENS_AHEAD"
"""Environment variable: ``always`` or ``never`` instead of deciding by the machine's load
(:func:`core_free`); for benchmarks, and for machines whose load average misleads."""
LIMIT = 1 << 22  # code points waiting here before the reader waits for the child
STOP_WAIT_S = 5.0  # how long the child may take to end once its pipe is closed
_INT32 = np.dtype("<i4")

Answer = tuple[str, bytes, bytes]  # tokens joined by spaces, starts and ends as int32


def serve(conn: Connection) -> None:
    """The child's side: import camel-tools, say "ready", then answer batches of texts
    until the pipe closes or ``None`` comes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the parent, which closes us
    from annotator.core.tokens import _camel_tokenizer, word_tokens_of

    _camel_tokenizer()
    with contextlib.suppress(EOFError, OSError, BrokenPipeError):
        conn.send("ready")
        while (texts := conn.recv()) is not None:
            answers: list[Answer] = []
            for tokens in word_tokens_of(texts):
                starts, ends = tokens.offsets32()
                answers.append((tokens.joined(), starts.tobytes(), ends.tobytes()))
            conn.send(answers)
    conn.close()


class TokensAhead:
    """A child process making tokens of the texts submitted, while the caller goes on.

    It implements :class:`annotator.core.prepared_tokens.Prepared`. Call :meth:`close`
    when done (a ``with`` block does).
    """

    def __init__(self, limit: int = LIMIT) -> None:
        self._limit = limit
        self._made: dict[str, WordTokens] = {}
        self._asked: set[str] = set()  # every text submitted (sent, pending or made)
        self._pending: list[str] = []
        self._size = 0  # code points pending
        self._sent: list[str] | None = None  # the batch the child is working on
        self._ready = False
        context = multiprocessing.get_context("spawn")
        self._conn, theirs = context.Pipe()
        self._process: multiprocessing.process.BaseProcess | None = context.Process(
            target=serve, args=(theirs,), name="annotator-tokens", daemon=True
        )
        try:
            _start_deaf_to_ctrl_c(self._process)
        except OSError:  # no process could be started: every token is made here
            self._process = None
            self._conn.close()
        theirs.close()  # the child has its end: EOF here once it exits

    def submit(self, text: str) -> None:
        """Queue ``text`` for the child; the texts queued go to it whenever it is idle."""
        if self._process is None or text in self._asked:
            return
        self._asked.add(text)
        self._pending.append(text)
        self._size += len(text)
        self._pump(wait=self._size >= self._limit)

    @property
    def waiting(self) -> int:
        """Code points submitted and not yet sent to the child (at most about the limit)."""
        return self._size

    @property
    def running(self) -> bool:
        """True until the child is closed (or found gone)."""
        return self._process is not None

    @property
    def made(self) -> int:
        """How many texts' tokens the child has made so far."""
        return len(self._made)

    def get(self, text: str) -> WordTokens | None:
        """``text``'s tokens, once every text submitted is answered; None if not made."""
        while self._process is not None and (self._pending or self._sent is not None):
            self._pump(wait=True)
        return self._made.get(text)

    def close(self, wait: bool = True) -> None:
        """Tell the child to stop and wait for it (killed if it does not end, or at once
        without ``wait``: an import that failed or was interrupted); never raises."""
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(OSError, ValueError):
            self._conn.send(None)
        self._conn.close()  # a child writing an answer nobody reads now gets EPIPE and ends
        process.join(STOP_WAIT_S if wait else 0)
        if process.is_alive():
            process.kill()
            process.join()
        process.close()
        self._pending.clear()

    def __enter__(self) -> TokensAhead:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_exc: object) -> None:
        self.close(wait=exc_type is None)

    def _pump(self, wait: bool) -> None:
        """Take in what the child said, and give it the pending texts when it is idle;
        with ``wait``, wait until the pending texts are sent (or the child is gone)."""
        while self._process is not None:
            if self._ready and self._sent is None:
                if self._pending:
                    self._send()
                return
            if not wait and not self._conn.poll():
                return
            self._receive()

    def _send(self) -> None:
        batch, self._pending, self._size = self._pending, [], 0
        try:
            self._conn.send(batch)
        except (OSError, ValueError):
            self._gone()
            return
        self._sent = batch

    def _receive(self) -> None:
        try:
            message = self._conn.recv()
        except (EOFError, OSError):
            self._gone()
            return
        if message == "ready":
            self._ready = True
            return
        sent, self._sent = self._sent or [], None
        for text, (joined, starts, ends) in zip(sent, message, strict=True):
            first = np.frombuffer(starts, _INT32)
            self._made[text] = WordTokens(None, first, np.frombuffer(ends, _INT32), joined)

    def _gone(self) -> None:
        """The child ended without answering: what it did not make is made here."""
        self.close()


def _start_deaf_to_ctrl_c(process: multiprocessing.process.BaseProcess) -> None:
    """Start ``process`` ignoring SIGINT, which it keeps through exec (Python leaves an
    ignored SIGINT ignored): a Ctrl+C while it starts would otherwise print its traceback.
    Only the main thread may change a handler; a child started from another thread (the
    window's import job) gets the terminal's Ctrl+C, which the window does not use."""
    if threading.current_thread() is not threading.main_thread():
        process.start()
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        process.start()
    finally:
        signal.signal(signal.SIGINT, previous)


def core_free() -> bool:
    """True if the last minute's load average leaves a core idle for the child: on a
    saturated machine the two processes would share about the CPU time one gets (the
    kernel's fair share), and the child's own start would make the import slower."""
    try:
        cores = len(os.sched_getaffinity(0))
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not Linux, or no load average: assume a free core
        return True
    return load <= cores - 0.5


def _big(path: Path) -> bool:
    try:
        return path.stat().st_size >= AHEAD_BYTES
    except OSError:
        return False  # the reader says why it cannot read the file


def wanted(path: Path) -> bool:
    """True if the file ``path`` has at least :data:`AHEAD_BYTES` and a core is free (or
    :data:`SWITCH` says ``always``): its import should make its tokens in a child."""
    choice = os.environ.get(SWITCH, "")
    return _big(path) and choice != "never" and (choice == "always" or core_free())


@contextlib.contextmanager
def tokens_ahead(path: Path, started: TokensAhead | None = None) -> Iterator[TokensAhead | None]:
    """Within the block, tokens of the texts announced are made in a child process (given
    to the block) if the import of ``path`` wants one (:func:`wanted`); otherwise nothing
    changes (None is given). ``started``: a child the caller started earlier, for these
    files (:mod:`annotator.cli_early`): a large file takes it if it still runs, instead of
    starting one, and the block closes it."""
    if started is not None and started.running and _big(path):
        ahead = started
    elif wanted(path):
        ahead = TokensAhead()
    else:
        yield None
        return
    with ahead, prepared(ahead):
        yield ahead
