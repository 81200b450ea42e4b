"""File → Switch annotator… on a team server: only the layers the login may read (ADR 0024).

On a project file any name may be typed, and a new name is a new layer. On a team server the
server decides what a login may read and write, so the window offers only that
(:meth:`~annotator.services.team_work.TeamWork.readable`): the login's own layer; the gold
layer for a curator, which is then written under a hold of the shown document (as review
mode holds it: one curator per document at a time; the hold moves with the shown document and
ends when the window shows another layer); and the other people's layers, read-only, when the
project lets annotators read each other's (``team/others_layers``; blind annotation
otherwise). While another person's layer is shown, an edit, undo or redo is refused at once
with a sentence (the undo stack's ``may_try``), and so is a change in the Attributes, Event
or Relations panel (``commands.push_edit`` asks ``may_try`` first): no statement is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog

from annotator.core.errors import AnnotatorError
from annotator.ui.bidi import isolate
from annotator.ui.undo import UndoStack

if TYPE_CHECKING:  # app.py makes the TeamWork: the window never reaches the store
    from annotator.services.team_work import Readable, TeamWork
    from annotator.ui.main_window import MainWindow
    from annotator.ui.team_work import TeamTools

YOURS, CURATE, READ_ONLY = " (your layer)", " (curate the shown document)", " (read-only)"


def read_only_sentence(name: str) -> str:
    """What an edit of another person's layer is refused with."""
    return (
        f"{isolate(name)}'s layer is shown read-only: the team's server lets you change only "
        "your own layer (and the gold layer if you curate the document), so nothing was "
        "changed. File → Switch annotator… goes back to your layer."
    )


def not_readable_sentence(name: str, allowed: list[str]) -> str:
    """What choosing a layer the login may not read says."""
    return (
        f"On the team's server your login may not show {isolate(name)}'s layer (blind "
        f"annotation, or not a curator); it may show {', '.join(isolate(a) for a in allowed)}."
    )


class TeamLayers(QObject):
    """Switch annotator… restricted to the login's readable layers, and gold under a hold.

    Attributes:
        ask: asks which of the offered choices to show (a list dialog by default); returns
            the chosen one, or None (cancelled).
    """

    def __init__(self, window: MainWindow, work: TeamWork, tools: TeamTools) -> None:
        super().__init__(window)
        self.setObjectName("teamLayers")
        self._window = window
        self._work = work
        self._tools = tools
        self._gold_doc: int | None = None  # the document whose gold layer this mode holds
        self._readable: Readable | None = None
        self.ask: Callable[[list[str], int], str | None] = self._ask
        window.documentChanged.connect(self._on_document)
        window.annotatorChanged.connect(self._on_annotator)
        stack = window.undo_stack
        if isinstance(stack, UndoStack):  # after the server's: it is asked first
            before = stack.may_try
            stack.may_try = lambda: before() or self.refusal()

    # -- what may be shown -------------------------------------------------------------
    def readable(self) -> Readable:
        """The login's readable layers, as last read (read again by :meth:`choose`)."""
        if self._readable is None:
            self._readable = self._work.readable()
        return self._readable

    def choices(self) -> list[str]:
        """The layers offered, own first, each named with what showing it means."""
        r = self.readable()
        out = [f"{r.mine}{YOURS}"] if r.mine is not None else []
        if r.gold is not None:
            out.append(f"{r.gold}{CURATE}")
        return out + [f"{name}{READ_ONLY}" for name in r.others]

    def choose(self) -> None:
        """File → Switch annotator…: offer the readable layers (read again: a manager may have
        changed who may read what) and show the chosen one."""
        try:
            self._readable = self._work.readable()
        except AnnotatorError as exc:  # the server away: what was read before still holds
            self._window.notify(str(exc))
            return
        offered = self.choices()
        shown = self._window.current_annotator()
        current = next((i for i, c in enumerate(offered) if c.rsplit(" (", 1)[0] == shown), 0)
        chosen = self.ask(offered, current)
        if chosen is not None:
            self.show_layer(chosen.rsplit(" (", 1)[0])

    def _ask(self, offered: list[str], current: int) -> str | None:
        chosen, ok = QInputDialog.getItem(
            self._window, "Switch annotator", "Show the layer of:", offered, current, False
        )
        return chosen if ok else None

    def show_layer(self, name: str) -> bool:
        """Show ``name``'s layer if the login may read it (gold: once the shown document is
        held); False, with a sentence, when it may not or another curator holds it."""
        r = self.readable()
        allowed = [n for n in (r.mine, r.gold, *r.others) if n is not None]
        if name not in allowed:
            self._window.notify(not_readable_sentence(name, allowed))
            return False
        if name == r.gold and not self._reviewing():
            doc_id = self._window.current_doc_id()
            if doc_id is not None and doc_id != self._gold_doc:
                refused = self._tools.take(doc_id)
                if refused is not None:
                    self._window.notify(refused)
                    return False
                self._let_go()
                self._gold_doc = doc_id
        self._window.set_annotator(name)
        if name in r.others:
            self._window.notify(
                f"{isolate(name)}'s layer is shown read-only: the team's server lets you "
                "change only your own layer."
            )
        return True

    def refusal(self) -> str | None:
        """The sentence refusing an edit while another person's layer is shown, else None."""
        if self._readable is None:
            return None
        shown = self._window.current_annotator()
        return read_only_sentence(shown) if shown in self._readable.others else None

    # -- the gold layer's hold, outside review mode --------------------------------------
    def _reviewing(self) -> bool:
        tools = getattr(self._window, "review_tools", None)
        return bool(tools is not None and tools.review.active)

    def _on_document(self, doc_id: int) -> None:
        """Another document while gold is shown: its gold layer is held first; held by
        another curator, the window goes back to the login's own layer, saying who."""
        r = self._readable
        if r is None or r.gold is None or self._reviewing():
            return
        if self._window.current_annotator() != r.gold or doc_id == self._gold_doc:
            return
        refused = self._tools.take(doc_id)
        if refused is None:
            self._let_go()
            self._gold_doc = doc_id
            return
        self._let_go()
        if r.mine is not None:
            self._window.set_annotator(r.mine)
        self._window.notify(refused)  # after the switch's own notice

    def on_review(self, active: bool) -> None:
        """Review mode holds its document itself while on; left with gold shown, the shown
        document is held again here (or the login's own layer is shown)."""
        if active:
            self._gold_doc = None  # review mode's hold now (the same document)
            return
        r = self._readable
        doc_id = self._window.current_doc_id()
        if r is not None and self._window.current_annotator() == r.gold and doc_id is not None:
            self._on_document(doc_id)

    def _on_annotator(self, name: str) -> None:
        r = self._readable
        if r is not None and name != r.gold:
            self._let_go()

    def _let_go(self) -> None:
        if self._gold_doc is not None:
            held, self._gold_doc = self._gold_doc, None
            self._tools.release(held)


def install_team_layers(window: MainWindow, work: TeamWork, tools: TeamTools) -> TeamLayers:
    """File → Switch annotator… offers only the login's readable layers (see the module)."""
    layers = TeamLayers(window, work, tools)
    review = getattr(window, "review_tools", None)
    if review is not None:
        review.review.activeChanged.connect(layers.on_review)
    switch = window.actions_["switch_annotator"]
    switch.triggered.disconnect()
    switch.triggered.connect(lambda _checked=False: layers.choose())
    switch.setStatusTip(
        "Show your layer, the gold layer (curators) or, if the project allows, "
        "another person's layer read-only"
    )
    return layers
