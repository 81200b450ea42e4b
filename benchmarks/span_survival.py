"""How many gold spans each token scheme keeps exactly, on the seed corpus (ADR 0010).

A span is kept when it starts where a token starts and ends where a token
ends; the token formats leave every other span out (and report it). Two gold
sets are measured:

1. **seed 000 hand gold**: the seven spans of ``tests/golden/seed000.py``.
2. **gazetteer gold, five seeds**: every occurrence of a name from ``NAMES``
   (hand-picked entity words of the seeds, each spelt as it stands in the
   text, with the article where it takes one) that is either a whole camel-tools
   token or the end of one whose beginning is a proclitic string from
   ``PREFIXES`` (و ف, then ب ك ل, as Arabic writes them). For a name with the
   article after ل, Arabic drops the alif («للكرملين» = ل + الكرملين), and the
   gold span is the rest of the token after the preposition («لكرملين»). A
   name followed by more letters (an enclitic or a longer word) is not counted.

The gold comes from the name list and the prefix list, not from the
segmentation rule, so the rule can miss it (but the bare ``clitics`` rule
accepts the same prefix strings, so it keeps this gold by construction).
Also printed, as the cost of the cuts: how many gold names a scheme cuts
inside (a wrong cut, «و|زارة») and the number of tokens on the five seeds.

Run: ``.venv/bin/python benchmarks/span_survival.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.core.clitics import SEGMENTS  # noqa: E402
from annotator.core.tokens import token_pieces  # noqa: E402
from annotator.formats.segment import text_tokens  # noqa: E402
from benchmarks.corpus import seed_texts  # noqa: E402
from tests.golden.seed000 import SPANS as SEED000_SPANS  # noqa: E402

NAMES = (
    "روسيا",
    "سوريا",
    "سورية",
    "موسكو",
    "إدلب",
    "ادلب",
    "داعش",
    "تدمر",
    "حماة",
    "حماه",
    "واشنطن",
    "النصرة",
    "الرقة",
    "دمشق",
    "بغداد",
    "تركيا",
    "الكرملين",
    "حمص",
    "اللاذقية",
    "لافروف",
    "بوتين",
    "حميميم",
    "أستانة",
    "آستانة",
    "إسرائيل",
    "كراسنودار",
    "زاخاروفا",
    "جنبلاط",
    "محافظة",
    "وزارة",
    "تنظيم",
    "الجيش",
    "الولايات",
    "التحالف",
    "البادية",
    "الأسد",
    "الاسد",
    "عقيربات",
    "ليبيا",
    "قاعدة",
    "جبهة",
    "ريف",
    "الدولة",
    "القوات",
)
PREFIXES = ("", "و", "ف", "ب", "ك", "ل", "وب", "وك", "ول", "فب", "فك", "فل")


def gazetteer_gold(text: str) -> list[tuple[int, int]]:
    """Gold spans of ``NAMES`` in ``text`` (see the module docstring)."""
    words, _, ends = token_pieces(text)
    gold = []
    for word, b in zip(words, ends, strict=True):
        for name in NAMES:
            if word.endswith(name) and word[: len(word) - len(name)] in PREFIXES:
                gold.append((b - len(name), b))
                break
            lam = name[1:]  # ل + ال... is spelt لل...: the span is the article's ل and the rest
            if name.startswith("ال") and word.endswith(lam):
                head = word[: len(word) - len(lam)]
                if head in ("ل", "ول", "فل"):
                    gold.append((b - len(lam), b))
                    break
    return gold


def seed000_gold(text: str) -> list[tuple[int, int]]:
    """The hand-made spans of seed 000."""
    out = []
    for _, word, occurrence, _, _ in SEED000_SPANS:
        at = -1
        for _ in range(occurrence + 1):
            at = text.index(word, at + 1)
        out.append((at, at + len(word)))
    return out


def kept(text: str, gold: list[tuple[int, int]], segment: str) -> tuple[int, int, int]:
    """``(spans kept exactly, spans cut inside, tokens)`` for one text under ``segment``.

    A span is cut inside when a token boundary falls strictly within it where
    the plain camel-tools tokens have none (a wrong cut such as «و|زارة»).
    """
    tokens = text_tokens(text, segment)
    starts, ends = set(tokens.starts), set(tokens.ends)
    plain = set(token_pieces(text)[1])
    cut = sum(1 for a, b in gold if any(x in starts and x not in plain for x in range(a + 1, b)))
    return sum(1 for a, b in gold if a in starts and b in ends), cut, len(tokens)


def main() -> int:
    """Print the table."""
    texts = seed_texts()
    seed0 = seed000_gold(texts[0])
    golds = [gazetteer_gold(t) for t in texts]
    total = sum(len(g) for g in golds)
    whole = sum(kept(t, g, "none")[0] for t, g in zip(texts, golds, strict=True))
    print(f"seed 000 hand gold: {len(seed0)} spans")
    print(
        f"gazetteer gold, five seeds: {total} spans ({whole} whole tokens, "
        f"{total - whole} after a proclitic)"
    )
    head = f"{'scheme':<10} {'seed000 kept':>13} {'gazetteer kept':>15} {'cut inside':>10}"
    print(f"\n{head} {'tokens':>7}")
    for segment in SEGMENTS:
        k0, _, _ = kept(texts[0], seed0, segment)
        results = [kept(t, g, segment) for t, g in zip(texts, golds, strict=True)]
        kg, cut, n = (sum(r[k] for r in results) for k in range(3))
        print(f"{segment:<10} {k0:>6}/{len(seed0):<6} {kg:>8}/{total:<6} {cut:>10} {n:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
