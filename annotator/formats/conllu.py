"""CoNLL-U with entity tags in MISC (``NE=B-PER``, the key ``spacy convert`` reads).

Each document starts with ``# newdoc id = NAME`` (then ``# annotator = NAME`` and
``# status = done``, the layer's status for the document); each sentence has
``# sent_id = NAME-N`` and ``# text = ...`` comments. Tokens depend on the
text only (ADR 0010); with a clitic segmentation, a camel-tools token that was
cut becomes a multiword token: an ID range line with the whole token, then its
parts. White space is kept in MISC the UD way (``SpaceAfter=No``,
``SpacesAfter=\\n\\s``, ``SpacesBefore`` on a document's first token), with
every white-space character escaped (``\\s \\t \\n \\r``, ``\\u00A0`` for
others), so the reader rebuilds the exact text. With ``nested="all"`` further
levels go in ``NE2=``, ``NE3=``...; with ``events``, trigger tags go in
``Trigger=B-Conflict.Attack``. The reader also accepts ``NER=``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from operator import add

from annotator.core.model import Status
from annotator.formats.base import (
    AnnotatedDocument,
    FormatError,
    ReadOptions,
    check_content,
    shown,
)
from annotator.formats.conll import annotated_from_tags
from annotator.formats.segment import SCHEMES, gap_forms, joined
from annotator.formats.tagging import (
    Tagged,
    TokenOptions,
    WriteStats,
    dressed_forms,
    tag_documents,
)

_EMPTY = "\t_\t_\t_\t_\t_\t_\t_\t"
_ESCAPES = {"\\": "\\\\", " ": "\\s", "\t": "\\t", "\n": "\\n", "\r": "\\r", "|": "\\p"}
_ID = re.compile("[1-9][0-9]{0,8}")
_EMPTY_NODE = re.compile("[0-9]{1,9}[.][1-9][0-9]{0,8}")


def escape_space(gap: str) -> str:
    """A white-space run as a MISC value: UD escapes, ``\\uXXXX`` for other characters."""
    return "".join(_ESCAPES.get(ch) or (f"\\u{ord(ch):04X}" if ch.isspace() else ch) for ch in gap)


@cache  # most gaps are "" or " ": one dictionary lookup per token
def _space_misc(gap: str) -> str:
    if gap == " ":
        return ""
    if not gap:
        return "|SpaceAfter=No"
    return "|SpacesAfter=" + escape_space(gap)


def _space_line_end(gap: str) -> str:
    return "|SpacesAfter=" + escape_space(gap) + "\n"


_IDS: list[str] = []  # "1\t", "2\t", ...: the ID column with its tab, made once


def _id_column(count: int) -> list[str]:
    while len(_IDS) < count:
        _IDS.append(f"{len(_IDS) + 1}\t")
    return _IDS[:count]


def dumps(doc: AnnotatedDocument, opts: TokenOptions, stats: WriteStats) -> str:
    """One document in CoNLL-U."""
    return "".join(dumps_many([doc], opts, stats))


def dumps_many(
    docs: Sequence[AnnotatedDocument], opts: TokenOptions, stats: WriteStats
) -> list[str]:
    """Documents in CoNLL-U.

    Without a clitic rule every token is one line, written as interleaved
    columns: the ID with its tab (a sentence's comments, and a document's,
    go before its first ID), the form, the entity tags in MISC with the empty
    columns before them, and the white space in MISC with the line break (a
    blank line after a sentence's last token).
    """
    grouped = opts.segment != "none"
    forms = [dressed_forms(opts.scheme, "NE=" if grouped else _EMPTY + "NE=")]
    forms += [dressed_forms(opts.scheme, f"|NE{k}=") for k in range(2, opts.level_count + 1)]
    trigger_forms = dressed_forms(opts.scheme, "|Trigger=")
    tagged = tag_documents(docs, opts, forms=forms, trigger_forms=trigger_forms)
    stats.add(tagged)
    misc = [*tagged.columns] if tagged.triggers is None else [*tagged.columns, tagged.triggers]
    if grouped:
        return [_grouped(tagged, misc)]
    return _plain(tagged, misc)


def _head(doc: AnnotatedDocument) -> str:
    """The document comments: name, then annotator and status when known."""
    head = f"# newdoc id = {doc.name}\n"
    if doc.annotator:
        head += f"# annotator = {doc.annotator}\n"
    if doc.status:
        head += f"# status = {doc.status}\n"
    return head


def _plain(tagged: Tagged, misc: list[list[str]]) -> list[str]:
    batch, tokens = tagged.batch, tagged.tokens
    text = batch.text
    size = len(tokens)
    if not size:
        return [_head(doc) for doc in tagged.docs]
    space, _ = gap_forms(text, tokens, "\n", "|SpaceAfter=No\n", _space_line_end, batch.stops())
    firsts_at = tokens.start_at[tagged.breaks].tolist()
    lasts_at = tokens.end_at[[b - 1 for b in [*tagged.breaks[1:], size]]].tolist()
    ids: list[str] = []
    pending = ""  # the heads of documents without tokens, put before the next one's
    si = 0  # sentence index into the batch
    for k, doc in enumerate(tagged.docs):
        bounds = tagged.sentences(k)
        head = pending + _head(doc)
        if len(bounds) == 1:
            pending = head
            continue
        pending = ""
        lead = firsts_at[si] - batch.offsets[k]
        if lead:
            before = "|SpacesBefore=" + escape_space(text[batch.offsets[k] : firsts_at[si]])
            space[bounds[0]] = space[bounds[0]][:-1] + before + "\n"
        for n in range(len(bounds) - 1):
            lo, hi = bounds[n], bounds[n + 1]
            ids += _id_column(hi - lo)
            sentence = text[firsts_at[si] : lasts_at[si]].replace("\n", " ")
            ids[lo] = f"{head}# sent_id = {doc.name}-{n + 1}\n# text = {sentence}\n" + ids[lo]
            head = ""
            space[hi - 1] += "\n"
            si += 1
    columns = [ids, tokens.words, *misc, space]
    width = len(columns)
    parts: list[str] = space * width
    for c, column in enumerate(columns):
        parts[c::width] = column
    return [*joined(parts), pending]


def _grouped(tagged: Tagged, columns: list[list[str]]) -> str:
    """Sentences whose cut tokens are multiword tokens (a range line, then the parts)."""
    batch, tokens = tagged.batch, tagged.tokens
    text = batch.text
    misc = columns[0]
    for column in columns[1:]:
        misc = list(map(add, misc, column))
    gaps, _ = gap_forms(text, tokens, " ", "", str, batch.stops())
    out: list[str] = []
    for k, doc in enumerate(tagged.docs):
        lines = [_head(doc)[:-1]]
        bounds = tagged.sentences(k)
        lead = tokens.starts[bounds[0]] - batch.offsets[k] if len(bounds) > 1 else 0
        start = batch.offsets[k]
        before = "|SpacesBefore=" + escape_space(text[start : start + lead]) if lead else ""
        for n in range(len(bounds) - 1):
            lo, hi = bounds[n], bounds[n + 1]
            sentence = text[tokens.starts[lo] : tokens.ends[hi - 1]].replace("\n", " ")
            lines += [f"# sent_id = {doc.name}-{n + 1}", f"# text = {sentence}"]
            first_line = len(lines)
            _grouped_lines(lines, text, tagged, misc, gaps, lo, hi)
            if before:  # on the document's first token line (a multiword token's range line)
                line = lines[first_line]
                line = line[:-2] + "\t" + before[1:] if line.endswith("\t_") else line + before
                lines[first_line], before = line, ""
            lines.append("")
        out.append("\n".join(lines) + "\n")
    return "".join(out)


def _grouped_lines(
    lines: list[str], text: str, tagged: Tagged, misc: list[str], gaps: list[str], lo: int, hi: int
) -> None:
    tokens = tagged.tokens
    groups = tokens.groups
    assert groups is not None
    i = lo
    while i < hi:
        j = i
        while j + 1 < hi and groups[j + 1] == groups[i]:
            j += 1
        space = _space_misc(gaps[j])
        if j > i:
            form = text[tokens.starts[i] : tokens.ends[j]]
            lines.append(f"{i - lo + 1}-{j - lo + 1}\t{form}{_EMPTY}{space[1:] or '_'}")
            lines += [f"{k - lo + 1}\t{tokens.words[k]}{_EMPTY}{misc[k]}" for k in range(i, j + 1)]
        else:
            lines.append(f"{i - lo + 1}\t{tokens.words[i]}{_EMPTY}{misc[i]}{space}")
        i = j + 1


# -- reading ------------------------------------------------------------------
Part = tuple[int, str, list[str], str | None]  # line, form, entity tags by level, trigger tag
Word = tuple[str, str, list[Part], str]  # form, space after, parts, space before


def read(content: str, path: str, options: ReadOptions) -> list[AnnotatedDocument]:
    """Parse CoNLL-U; each ``# newdoc`` starts a document."""
    if options.scheme not in SCHEMES:
        raise FormatError(path, None, f"unknown tag scheme {options.scheme!r}.")
    docs = []
    for name, status, sents in _documents(content, path):
        doc = _build(name, sents, path, options)
        if doc is not None:
            known = status in {s.value for s in Status}
            docs.append(replace(doc, status=status) if known else doc)
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


def _documents(content: str, path: str) -> Iterator[tuple[str, str, list[list[Word]]]]:
    """Each document's name, recorded status (``# status = done``) and sentences."""
    check_content(content, path)
    name = path.rsplit("/", 1)[-1]
    status = ""
    sentences: list[list[Word]] = []
    current: list[Word] = []
    pending: _Range | None = None  # an open multiword token
    for line_no, raw in enumerate(content.split("\n"), 1):
        line = raw.rstrip("\r")
        newdoc = line.startswith("# newdoc")
        if line.startswith("#") and not newdoc:
            if line.startswith("# status ="):
                status = line.partition("=")[2].strip()
            continue
        if newdoc or not line.strip():
            _check_closed(pending, path)
            if current:
                sentences.append(current)
            current = []
            if newdoc:
                if sentences:
                    yield name, status, sentences
                sentences, status = [], ""
                name = line.partition("=")[2].strip() or name
            continue
        pending = _read_token(line, line_no, path, current, pending)
    _check_closed(pending, path)
    if current:
        sentences.append(current)
    if sentences:
        yield name, status, sentences


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
        current.append((form, _space(misc), [], _before(misc)))
        return _Range(int(lo), int(hi), line_no, int(lo))
    if not _ID.fullmatch(ident):
        raise FormatError(path, line_no, f"bad token ID {shown(ident)}.")
    part = (line_no, form, _levels(misc), misc.get("Trigger"))
    if pending is None:
        current.append((form, _space(misc), [part], _before(misc)))
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
        return _unescape(misc["SpacesAfter"])
    return " "


def _before(misc: dict[str, str]) -> str:
    return _unescape(misc["SpacesBefore"]) if "SpacesBefore" in misc else ""


def _levels(misc: dict[str, str]) -> list[str]:
    tags = [misc.get("NE", misc.get("NER", "O"))]
    while f"NE{len(tags) + 1}" in misc:
        tags.append(misc[f"NE{len(tags) + 1}"])
    return tags


_UNESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|.)")
_SIMPLE = {"s": " ", "t": "\t", "n": "\n", "r": "\r", "p": "|", "\\": "\\"}


def _unescape(raw: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        return chr(int(code[1:], 16)) if len(code) == 5 else _SIMPLE.get(code, m.group(0))

    return _UNESCAPE.sub(one, raw)


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
    words = [w for s in sentences for w in s]
    last = words[-1] if words else None
    parts.append(words[0][3] if words else "")
    pos = len(parts[0])
    depth = max((len(p[2]) for w in words for p in w[2]), default=1)
    for sentence in sentences:
        first = len(rows)
        for word in sentence:
            for line_no, form, tags, trig in word[2]:
                offsets.append((pos, pos + len(form)))
                levels = tags + ["O"] * (depth - len(tags))
                rows.append((line_no, [form, *levels, trig or "O"]))
                parts.append(form)
                pos += len(form)
            space = "" if word is last and word[1] == " " else word[1]
            parts.append(space)
            pos += len(space)
        bounds.append((first, len(rows)))
    if not rows:
        return None
    columns = range(1, depth + 2)
    text = "".join(parts)
    return annotated_from_tags(name, text, rows, bounds, offsets, columns, opts, path, {depth + 1})
