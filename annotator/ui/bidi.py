"""Bidi isolation for mixed Arabic/Latin strings shown in widgets."""

from __future__ import annotations

FSI, PDI = "\u2068", "\u2069"  # first strong isolate ... pop directional isolate


def isolate(text: str) -> str:
    """``text`` as a bidi isolate: it keeps its own direction inside any line."""
    return f"{FSI}{text}{PDI}"
