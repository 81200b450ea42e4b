"""Hypothesis strategies for the reader fuzz tests: valid-looking files, then mutated.

Each strategy builds a well-formed input for one format (Arabic text with
emoji, NBSP, ZWNJ, tatweel, diacritics, Latin and digits; spans, events,
relations and attributes), then damages it: wrong JSON types, lone
surrogates, huge numbers, deep nesting, Arabic-Indic digits, duplicated,
dropped, swapped or truncated lines and fields.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

# Characters the documents are made of: Arabic letters, diacritics, tatweel,
# NBSP, ZWNJ, ZWJ, LRM, emoji and another astral character, Latin, digits.
VISIBLE = "ابتحدرسشعفقكلمنهوي" + "\u064e\u0650\u0651" + "ـ" + "😀𝔸" + "abcXYZ" + "0129" + "٣٤«».,؟"
INVISIBLE = "\u00a0\u200c\u200d\u200e\u200f\ufeff\u2028\u2029\u0085\x0b"
TEXT_CHARS = VISIBLE + " " + "\u00a0\u200c"
SURROGATE = "\ud800"
HUGE = "9" * 5000
DEEP = "[" * 5000 + "]" * 5000
LABELS = ("PER", "ORG", "GPE", "Conflict.Attack", "MILITARY", "\u200c", "", " ", "عربي")
ROLES = ("Attacker", "Place", "Place2", "Target", "", "\u200f")
# Replacement tokens for field-level damage, in every text format.
JUNK_TOKENS = (
    "",
    " ",
    "\t",
    "-1",
    "0",
    "٣",
    "١٢",
    "²",
    "𝟗",
    "T01",
    "T1",
    "E1",
    "R1",
    "A1",
    "T",
    "Arg1:T1",
    "Arg2:T2",
    "Place:T1",
    ":",
    "1-2",
    "2-1",
    "1-9",
    "1.1",
    "1.",
    "99999999999",
    HUGE[:30],
    "NER=B-PER",
    "SpaceAfter=No",
    "SpacesAfter=\\r\\n",
    "SpacesAfter=\\s\\s",
    "O",
    "B-PER",
    "I-PER",
    "E-ORG",
    "S-GPE",
    "B-",
    "-DOCSTART-",
    "# newdoc id = x",
    SURROGATE,
    "\u200c",
    "\ufeff",
    "\r",
    "_",
)

texts = st.text(alphabet=TEXT_CHARS, min_size=1, max_size=30).map(lambda t: "ب" + t)
junk_text = st.text(alphabet=VISIBLE + INVISIBLE + SURROGATE + " \t\n\r:;-=|#", max_size=20)
json_junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    junk_text,
    st.sampled_from(["@@HUGE@@", "@@DEEP@@", "@@SURROGATE@@"]),
    st.lists(st.integers(min_value=-3, max_value=9), max_size=3),
    st.dictionaries(st.sampled_from(["role", "span", "id", "x"]), st.integers(-1, 9), max_size=2),
)


@st.composite
def span_ranges(draw: st.DrawFn, text: str, max_size: int = 5) -> list[tuple[int, int, str]]:
    """Spans ``(start, end, label)`` inside ``text``."""
    out = []
    for _ in range(draw(st.integers(0, max_size))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        out.append((start, end, draw(st.sampled_from(LABELS[:5]))))
    return out


@st.composite
def jsonl_objects(draw: st.DrawFn) -> dict[str, Any]:
    """A valid-looking native JSONL document object."""
    text = draw(texts)
    spans = [
        {"id": i, "start": a, "end": b, "label": lb, "text": text[a:b]}
        for i, (a, b, lb) in enumerate(draw(span_ranges(text)), 1)
    ]
    ids = [s["id"] for s in spans]
    events, relations = [], []
    if len(ids) >= 2:
        trigger = draw(st.sampled_from(ids))
        args = [
            {"role": draw(st.sampled_from(ROLES[:4])), "span": s}
            for s in draw(st.lists(st.sampled_from(ids), max_size=3))
        ]
        events.append({"id": 1, "type": "Conflict.Attack", "trigger": trigger, "arguments": args})
        relations.append({"id": 1, "type": "PART-WHOLE", "arg1": ids[0], "arg2": ids[-1]})
    if spans and draw(st.booleans()):
        spans[0]["attributes"] = {"mention": "NAM"}
    return {
        "id": 1,
        "name": "وثيقة.txt",
        "text": text,
        "annotator": "amal",
        "spans": spans,
        "events": events,
        "relations": relations,
    }


@st.composite
def doccano_objects(draw: st.DrawFn) -> dict[str, Any]:
    """A valid-looking doccano line, in either of doccano's two shapes."""
    text = draw(texts)
    spans = draw(span_ranges(text))
    if draw(st.booleans()):
        ents = [{"start_offset": a, "end_offset": b, "label": lb} for a, b, lb in spans]
        return {"text": text, "entities": ents}
    return {"text": text, "label": [[a, b, lb] for a, b, lb in spans]}


@st.composite
def spacy_objects(draw: st.DrawFn) -> dict[str, Any]:
    """A valid-looking spaCy/Prodigy line: one token per character run between spaces."""
    text = draw(texts)
    tokens = []
    pos = 0
    for i, word in enumerate(text.split(" ")):
        if word:
            tokens.append({"text": word, "start": pos, "end": pos + len(word), "id": i, "ws": True})
        pos += len(word) + 1
    spans = []
    if tokens:
        first = draw(st.integers(0, len(tokens) - 1))
        last = draw(st.integers(first, len(tokens) - 1))
        spans.append(
            {
                "start": tokens[first]["start"],
                "end": tokens[last]["end"],
                "label": draw(st.sampled_from(LABELS[:4])),
                "token_start": first,
                "token_end": last,
            }
        )
    return {"text": text, "tokens": tokens, "spans": spans, "meta": {"name": "x", "id": 1}}


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(obj, dict):
        for key, value in obj.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            out += _paths(value, (*prefix, index))
    return out


def _get(obj: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        obj = obj[key]
    return obj


@st.composite
def mutated_json(draw: st.DrawFn, base: st.SearchStrategy[dict[str, Any]]) -> str:
    """A JSON line from ``base``, with a few values replaced, deleted, duplicated or swapped."""
    obj = draw(base)
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(obj)[1:]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _get(obj, path[:-1]), path[-1]
        op = draw(st.sampled_from(["replace", "delete", "duplicate", "swap"]))
        if op == "replace":
            parent[key] = draw(json_junk)
        elif op == "delete":
            del parent[key]
        elif op == "duplicate" and isinstance(parent, list):
            parent.append(json.loads(json.dumps(parent[key])))
        else:
            other = draw(st.sampled_from(_paths(obj)[1:]))
            try:
                value = json.loads(json.dumps(_get(obj, other)))
            except (KeyError, IndexError, TypeError):
                continue
            parent[key] = value
    line = json.dumps(obj, ensure_ascii=draw(st.booleans()))
    line = line.replace('"@@HUGE@@"', HUGE).replace('"@@DEEP@@"', DEEP)
    return line.replace("@@SURROGATE@@", "\\udc00")


@st.composite
def damaged_lines(draw: st.DrawFn, lines: list[str], max_ops: int = 4) -> str:
    """Join ``lines`` after damaging fields and lines; sometimes truncate the result."""
    lines = list(lines)
    for _ in range(draw(st.integers(0, max_ops)) * draw(st.integers(0, 1))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["field", "field", "delete", "duplicate", "swap", "junk"]))
        if op == "field":
            sep = "\t" if "\t" in lines[i] else " "
            fields = lines[i].split(sep)
            j = draw(st.integers(0, len(fields) - 1))
            fields[j] = draw(st.sampled_from(JUNK_TOKENS) | junk_text)
            lines[i] = sep.join(fields)
        elif op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines.insert(i, draw(junk_text))
    content = "\n".join(lines) + "\n"
    if draw(st.integers(0, 9)) == 0:
        content = content[: draw(st.integers(0, len(content)))]
    return content


def jsonl_files(base: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[str]:
    """A JSON Lines file of one to three damaged documents."""
    return st.lists(mutated_json(base), min_size=1, max_size=3).flatmap(
        lambda lines: damaged_lines(lines, max_ops=1)
    )


words = st.text(alphabet=VISIBLE + "\u200c", min_size=1, max_size=6)
TAGS = ("O", "B-PER", "I-PER", "E-PER", "S-GPE", "B-ORG", "I-ORG", "B-Conflict.Attack")


def _iob2(draw: st.DrawFn, length: int, labels: tuple[str, ...]) -> list[str]:
    """A valid IOB2 tag sequence, with an invalid tag now and then."""
    tags: list[str] = []
    for _ in range(length):
        choice = draw(st.integers(0, 9))
        if choice == 0:
            tags.append(draw(st.sampled_from(TAGS)))
        elif choice < 4 and tags and tags[-1] != "O":
            tags.append("I-" + tags[-1][2:])
        elif choice < 7:
            tags.append("O")
        else:
            tags.append("B-" + draw(st.sampled_from(labels)))
    return tags


@st.composite
def tagged_sentences(draw: st.DrawFn) -> list[list[tuple[str, str, str]]]:
    """Sentences of (token, entity tag, trigger tag), mostly valid IOB2."""
    sentences = []
    for _ in range(draw(st.integers(1, 3))):
        size = draw(st.integers(1, 5))
        tokens = [draw(words) for _ in range(size)]
        ner = _iob2(draw, size, ("PER", "ORG", "GPE"))
        trig = _iob2(draw, size, ("Conflict.Attack",))
        sentences.append(list(zip(tokens, ner, trig, strict=True)))
    return sentences


@st.composite
def conll_files(draw: st.DrawFn) -> str:
    """A CoNLL file (two or three columns, one or two documents), then damaged."""
    width = draw(st.sampled_from([2, 3]))
    lines = []
    for _ in range(draw(st.integers(1, 2))):
        if draw(st.booleans()):
            lines += ["-DOCSTART-", ""]
        for sentence in draw(tagged_sentences()):
            lines += ["\t".join(row[:width]) for row in sentence]
            lines.append("")
    return draw(damaged_lines(lines))


_MISC_SPACE = ("", "SpaceAfter=No", "SpacesAfter=\\n", "SpacesAfter=\\s\\s", "SpacesAfter=\\t")


def _conllu_line(ident: str, form: str, misc: str) -> str:
    return f"{ident}\t{form}\t_\t_\t_\t_\t_\t_\t_\t{misc or '_'}"


@st.composite
def conllu_files(draw: st.DrawFn) -> str:
    """A CoNLL-U file with multiword tokens, spacing in MISC and NER/Trigger tags, damaged."""
    lines = []
    for doc in range(draw(st.integers(1, 2))):
        lines.append(f"# newdoc id = doc{doc}")
        for si, sentence in enumerate(draw(tagged_sentences())):
            lines += [f"# sent_id = doc{doc}-{si + 1}", "# text = x"]
            ident = 1
            i = 0
            while i < len(sentence):
                parts = sentence[i : i + draw(st.integers(1, 2))]
                space = draw(st.sampled_from(_MISC_SPACE))
                if len(parts) > 1:
                    form = "".join(p[0] for p in parts)
                    lines.append(_conllu_line(f"{ident}-{ident + len(parts) - 1}", form, space))
                    space = ""
                for token, ner, trig in parts:
                    misc = "|".join(x for x in (f"NER={ner}", space, f"Trigger={trig}") if x)
                    lines.append(_conllu_line(str(ident), token, misc))
                    ident += 1
                i += len(parts)
            lines.append("")
    return draw(damaged_lines(lines))


@st.composite
def brat_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """``(ann, text)``: T, E, R and A lines that fit the text, then damaged."""
    text = draw(texts)
    lines = []
    spans = draw(span_ranges(text))
    for i, (a, b, label) in enumerate(spans, 1):
        lines.append(f"T{i}\t{label} {a} {b}\t{text[a:b]}")
    if len(spans) >= 2:
        roles = " ".join(
            f"{draw(st.sampled_from(ROLES[:4]))}:T{k}" for k in range(2, len(spans) + 1)
        )
        lines.append(f"E1\tConflict.Attack:T1 {roles}")
        lines.append(f"R1\tPART-WHOLE Arg1:T1 Arg2:T{len(spans)}")
        lines.append("A2\tTense E1 Past")
    if spans:
        lines.append("A1\tmention T1 NAM")
        lines.append("#1\tAnnotatorNotes T1\tملاحظة")
    ann = draw(damaged_lines(lines))
    if draw(st.integers(0, 9)) == 0:
        text = draw(st.sampled_from([text + "\r", "\ufeff" + text, "\u200c", text + SURROGATE]))
    return ann, text


raw_bytes = st.one_of(
    st.binary(max_size=60),
    st.tuples(
        st.text(alphabet=TEXT_CHARS + INVISIBLE + "\r\n", max_size=30),
        st.sampled_from(
            [
                "utf-8",
                "utf-8-sig",
                "utf-16",
                "utf-16-le",
                "utf-16-be",
                "utf-32",
                "cp1256",
                "latin-1",
            ]
        ),
    ).map(lambda pair: pair[0].encode(pair[1], errors="replace")),
)
