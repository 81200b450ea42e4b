"""Bidi isolation for mixed Arabic/Latin strings shown in widgets."""

from __future__ import annotations

import re
from collections.abc import Iterable

FSI, PDI = "\u2068", "\u2069"  # first strong isolate ... pop directional isolate
LRM = "\u200e"  # left-to-right mark: a strong left-to-right character that shows nothing


def isolate(text: str) -> str:
    """``text`` as a bidi isolate: it keeps its own direction inside any line."""
    return f"{FSI}{text}{PDI}"


def left_to_right(text: str) -> str:
    """``text`` as a left-to-right line, even if it begins with an isolated Arabic name.

    A QLabel (and a tooltip) takes its paragraph's direction from the first
    strong letter and does not skip isolates, so "⁨سلمى⁩: nothing" would be laid
    out right to left ("nothing :سلمى"). A leading left-to-right mark decides it.
    """
    return f"{LRM}{text}"


def isolate_names(text: str, names: Iterable[str]) -> str:
    """``text`` with each of ``names`` standing alone in it made a bidi isolate.

    For sentences built where isolates do not belong, such as a service's message that the
    command line prints too: two Arabic names joined by ", " in a Latin sentence would
    otherwise be shown in the opposite order. Isolating a Latin word changes nothing.
    """
    wanted = sorted({name for name in names if name.strip()}, key=len, reverse=True)
    if not wanted:
        return text
    alone = rf"(?<![\w{FSI}])(?:{'|'.join(map(re.escape, wanted))})(?![\w{PDI}])"
    return re.sub(alone, lambda found: isolate(found.group(0)), text)
