"""CoNLL-U with entity tags in MISC (``NER=B-PER``).

Each document starts with ``# newdoc id = NAME``; each sentence has
``# sent_id = NAME-N`` and ``# text = ...`` comments. A camel-tools token that
was split at a span boundary becomes a multiword token: an ID range line with
the original surface, then its parts. White space is kept in MISC the UD way
(``SpaceAfter=No``, ``SpacesAfter=\\n``), so the reader rebuilds the exact
text. With ``events``, trigger tags go in MISC as ``Trigger=B-Conflict.Attack``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from annotator.formats.base import (
    AnnotatedDocument,
    FormatError,
    ReadOptions,
    check_content,
    shown,
)
from annotator.formats.conll import (
    Tagged,
    TokenOptions,
    WriteStats,
    annotated_from_tags,
    tag_document,
)
from annotator.formats.segment import SCHEMES

_EMPTY = "\t_\t_\t_\t_\t_\t_\t_\t"
_ESCAPES = {"\\": "\\\\", " ": "\\s", "\t": "\\t", "\n": "\\n", "|": "\\p"}
_ID = re.compile("[1-9][0-9]{0,8}")
_EMPTY_NODE = re.compile("[0-9]{1,9}[.][1-9][0-9]{0,8}")
_UNESCAPES = {"\\\\": "\\", "\\s": " ", "\\t": "\t", "\\n": "\n", "\\p": "|", "\\r": "\r"}


def _space_after(text: str, end: int, next_start: int) -> str | None:
    gap = text[end:next_start]
    if gap == " ":
        return None
    if not gap:
        return "SpaceAfter=No"
    return "SpacesAfter=" + "".join(_ESCAPES.get(ch, ch) for ch in gap)


def dumps(doc: AnnotatedDocument, opts: TokenOptions, stats: WriteStats) -> str:
    """One document in CoNLL-U."""
    tagged = tag_document(doc, opts)
    stats.add(tagged)
    text, pieces = doc.text, tagged.pieces
    lines = [f"# newdoc id = {doc.name}"]
    bounds = [*tagged.breaks, len(pieces)]
    for si in range(len(bounds) - 1):
        lo, hi = bounds[si], bounds[si + 1]
        sentence = text[pieces[lo][0] : pieces[hi - 1][1]].replace("\n", " ")
        lines += [f"# sent_id = {doc.name}-{si + 1}", f"# text = {sentence}"]
        i = lo
        while i < hi:
            j = i
            while j + 1 < hi and pieces[j + 1][2] == pieces[i][2]:
                j += 1
            nxt = pieces[j + 1][0] if j + 1 < len(pieces) else len(text)
            space = _space_after(text, pieces[j][1], nxt)
            if j > i:
                form = text[pieces[i][0] : pieces[j][1]]
                lines.append(f"{i - lo + 1}-{j - lo + 1}\t{form}{_EMPTY}{space or '_'}")
                for k in range(i, j + 1):
                    lines.append(_token_line(text, tagged, k, lo, None))
            else:
                lines.append(_token_line(text, tagged, i, lo, space))
            i = j + 1
        lines.append("")
    return "\n".join(lines) + "\n"


def _token_line(text: str, tagged: Tagged, k: int, lo: int, space: str | None) -> str:
    a, b, _ = tagged.pieces[k]
    misc = ["NER=" + tagged.tags[k]]
    if space:
        misc.append(space)
    if tagged.triggers is not None:
        misc.append("Trigger=" + tagged.triggers[k])
    return f"{k - lo + 1}\t{text[a:b]}{_EMPTY}{'|'.join(misc)}"


# -- reading ------------------------------------------------------------------
Word = tuple[str, str, list[tuple[int, str, str, str | None]]]  # form, space, parts


def read(content: str, path: str, options: ReadOptions) -> list[AnnotatedDocument]:
    """Parse CoNLL-U; each ``# newdoc`` starts a document."""
    if options.scheme not in SCHEMES:
        raise FormatError(path, None, f"unknown tag scheme {options.scheme!r}.")
    built = [_build(name, sents, path, options) for name, sents in _documents(content, path)]
    docs = [d for d in built if d is not None]
    if not docs:
        raise FormatError(path, None, "the file holds no tokens.")
    return docs


@dataclass
class _Range:
    """A multiword token being read: its ID range, and the line that opened it."""

    first: int
    last: int
    line: int
    next_id: int


def _documents(content: str, path: str) -> Iterator[tuple[str, list[list[Word]]]]:
    check_content(content, path)
    name = path.rsplit("/", 1)[-1]
    sentences: list[list[Word]] = []
    current: list[Word] = []
    pending: _Range | None = None  # an open multiword token
    for line_no, raw in enumerate(content.split("\n"), 1):
        line = raw.rstrip("\r")
        newdoc = line.startswith("# newdoc")
        if line.startswith("#") and not newdoc:
            continue
        if newdoc or not line.strip():
            _check_closed(pending, path)
            if current:
                sentences.append(current)
            current = []
            if newdoc:
                if sentences:
                    yield name, sentences
                sentences = []
                name = line.partition("=")[2].strip() or name
            continue
        pending = _read_token(line, line_no, path, current, pending)
    _check_closed(pending, path)
    if current:
        sentences.append(current)
    if sentences:
        yield name, sentences


def _read_token(
    line: str, line_no: int, path: str, current: list[Word], pending: _Range | None
) -> _Range | None:
    """Add one token line to the sentence; return the multiword token still open."""
    cols = line.split("\t")
    if len(cols) != 10:
        raise FormatError(path, line_no, f"expected 10 tab-separated columns, found {len(cols)}.")
    ident, form, misc = cols[0], cols[1], _misc(cols[9])
    if _EMPTY_NODE.fullmatch(ident):
        return pending  # an empty node
    if not form:
        raise FormatError(path, line_no, "the FORM column is empty.")
    if "-" in ident:
        lo, _, hi = ident.partition("-")
        if pending is not None:
            raise FormatError(
                path,
                line_no,
                f"multiword token {ident!r} starts inside the one on line {pending.line}.",
            )
        if not (_ID.fullmatch(lo) and _ID.fullmatch(hi)) or int(lo) >= int(hi):
            raise FormatError(path, line_no, f"bad ID range {shown(ident)}.")
        current.append((form, _space(misc), []))
        return _Range(int(lo), int(hi), line_no, int(lo))
    if not _ID.fullmatch(ident):
        raise FormatError(path, line_no, f"bad token ID {shown(ident)}.")
    part = (line_no, form, misc.get("NER", "O"), misc.get("Trigger"))
    if pending is None:
        current.append((form, _space(misc), [part]))
        return None
    if int(ident) != pending.next_id:
        raise FormatError(
            path,
            line_no,
            f"token {ident} is not the next part ({pending.next_id}) of the multiword token "
            f"{pending.first}-{pending.last} on line {pending.line}.",
        )
    current[-1][2].append(part)
    pending.next_id += 1
    if pending.next_id <= pending.last:
        return pending
    _check_parts(current[-1], path, pending.line)
    return None


def _check_closed(pending: _Range | None, path: str) -> None:
    if pending is not None:
        raise FormatError(
            path,
            pending.line,
            f"multiword token {pending.first}-{pending.last} is not complete: its sentence "
            f"ends after token {pending.next_id - 1}.",
        )


def _misc(field: str) -> dict[str, str]:
    if field == "_":
        return {}
    return dict(item.partition("=")[::2] for item in field.split("|"))


def _space(misc: dict[str, str]) -> str:
    if misc.get("SpaceAfter") == "No":
        return ""
    if "SpacesAfter" in misc:
        raw = misc["SpacesAfter"]
        out, i = [], 0
        while i < len(raw):
            pair = raw[i : i + 2]
            if pair in _UNESCAPES:
                out.append(_UNESCAPES[pair])
                i += 2
            else:
                out.append(raw[i])
                i += 1
        return "".join(out)
    return " "


def _check_parts(word: Word, path: str, line: int) -> None:
    joined = "".join(p[1] for p in word[2])
    if joined != word[0]:
        raise FormatError(
            path, line, f"the parts {joined!r} of multiword token {word[0]!r} do not spell it."
        )


def _build(
    name: str, sentences: list[list[Word]], path: str, opts: ReadOptions
) -> AnnotatedDocument | None:
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    rows: list[tuple[int, list[str]]] = []
    bounds: list[tuple[int, int]] = []
    pos = 0
    words = [w for s in sentences for w in s]
    last = words[-1] if words else None
    for sentence in sentences:
        first = len(rows)
        for word in sentence:
            for line_no, form, ner, trig in word[2]:
                offsets.append((pos, pos + len(form)))
                rows.append((line_no, [form, ner, trig or "O"]))
                parts.append(form)
                pos += len(form)
            space = "" if word is last and word[1] == " " else word[1]
            parts.append(space)
            pos += len(space)
        bounds.append((first, len(rows)))
    if not rows:
        return None
    return annotated_from_tags(name, "".join(parts), rows, bounds, offsets, (1, 2), opts, path)
