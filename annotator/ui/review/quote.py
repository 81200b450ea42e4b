"""Short quotes of the stored text for review mode: a few words around a place, never a page.

A disagreement's panel quotes the disputed words with a few words each side,
cut with an ellipsis; a long span is shortened in its middle. A relation whose
ends are far apart is quoted as two short windows, one around each end. All
offsets are code points of the stored text (never the widget's).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from annotator.ui.bidi import isolate

ELLIPSIS = "…"
CONTEXT_WORDS = 4
"""Words quoted on each side of the disputed text."""
LONGEST = 48
"""A quoted span longer than this (code points) is shortened in its middle."""
FAR = 80
"""Two ends further apart than this (code points) are quoted as two windows."""

_WORD = re.compile(r"\S+")
_BREAKS = re.compile(r"[\n\r\t\u2028\u2029]+")


def shorten(text: str, longest: int = LONGEST) -> str:
    """``text`` on one line, its middle replaced by an ellipsis if it is longer than ``longest``.

    Line breaks become spaces; every other character (NBSP, ZWNJ, tatweel) is kept.
    """
    flat = _BREAKS.sub(" ", text).strip(" ")
    if len(flat) <= longest:
        return flat
    half = (longest - 1) // 2
    head, tail = flat[:half], flat[-half:]
    head = head.rsplit(" ", 1)[0] if " " in head else head  # cut between words where possible
    tail = tail.split(" ", 1)[-1] if " " in tail else tail
    return f"{head} {ELLIPSIS} {tail}"


def window(text: str, start: int, end: int, words: int = CONTEXT_WORDS) -> tuple[str, str, str]:
    """``(before, place, after)``: the place and a few words each side, within its line.

    The words are the stored text's own characters. ``before`` starts and
    ``after`` ends with an ellipsis where text was left out.
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    left = [m.start() for m in _WORD.finditer(text, line_start, start)]
    right = [m.end() for m in _WORD.finditer(text, end, line_end)]
    cut_left = left[-words] if len(left) >= words else line_start
    cut_right = right[words - 1] if len(right) >= words else line_end
    before = (ELLIPSIS if len(left) > words else "") + text[cut_left:start]
    after = text[end:cut_right] + (ELLIPSIS if len(right) > words else "")
    return before, shorten(text[start:end]), after


def _middle(text: str, places: list[tuple[int, int]]) -> str:
    """Overlapping places as one bold run; the (short) gaps between runs in plain text."""
    runs: list[list[int]] = []
    for a, b in places:
        if runs and a < runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], b)
        else:
            runs.append([a, b])
    out, at = "", runs[0][0]
    for a, b in runs:
        if a > at:
            gap = text[at:a]
            inner = escape(shorten(gap))
            if not inner:
                out += " " if gap.strip() == "" else ""
            else:
                out += (" " if gap[:1].isspace() else "") + inner
                out += " " if gap[-1:].isspace() else ""
        out += f"<b>{escape(shorten(text[a:b]))}</b>"
        at = b
    return out


def context_html(text: str, places: Sequence[tuple[int, int]]) -> str:
    """The places in context, each in bold: places close together share one window, places
    far apart (a relation's two ends) get one window each, joined by an ellipsis.

    The whole quote is one bidi isolate: in any line it reads right to left
    from its first window, whatever the label's own direction.
    """
    groups: list[list[tuple[int, int]]] = []
    for a, b in sorted(places):
        if groups and a - max(e for _s, e in groups[-1]) <= FAR:
            groups[-1].append((a, b))
        else:
            groups.append([(a, b)])
    out = ""
    for group in groups:
        before, _place, after = window(text, group[0][0], max(e for _s, e in group))
        if out:
            out += " " if out.endswith(ELLIPSIS) or before.startswith(ELLIPSIS) else f" {ELLIPSIS} "
        out += f"{escape(before)}{_middle(text, group)}{escape(after)}"
    return isolate(out) if out else ""
