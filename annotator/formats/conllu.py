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
``Trigger=B-Conflict.Attack``. The reader (:mod:`annotator.formats.conllu_read`)
also accepts ``NER=``, and treebanks as UD publishes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from operator import add

from annotator.formats.base import AnnotatedDocument
from annotator.formats.conllu_read import read
from annotator.formats.segment import gap_forms, joined
from annotator.formats.tagging import (
    Tagged,
    TokenOptions,
    WriteStats,
    dressed_forms,
    tag_documents,
)

__all__ = ["dumps", "dumps_many", "escape_space", "read"]

_EMPTY = "\t_\t_\t_\t_\t_\t_\t_\t"
_ESCAPES = {"\\": "\\\\", " ": "\\s", "\t": "\\t", "\n": "\\n", "\r": "\\r", "|": "\\p"}


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

    A document's stored multiword tokens (ADR 0021) are written as range lines
    with their parts. Without those and without a clitic rule every token is one
    line, written as interleaved columns: the ID with its tab (a sentence's
    comments, and a document's, go before its first ID), the form, the entity
    tags in MISC with the empty columns before them, and the white space in
    MISC with the line break (a blank line after a sentence's last token).
    """
    grouped = opts.segment != "none" or any(d.words for d in docs)
    forms = [dressed_forms(opts.scheme, "NE=" if grouped else _EMPTY + "NE=")]
    forms += [dressed_forms(opts.scheme, f"|NE{k}=") for k in range(2, opts.level_count + 1)]
    trigger_forms = dressed_forms(opts.scheme, "|Trigger=")
    tagged = tag_documents(docs, opts, forms=forms, trigger_forms=trigger_forms, multiword=True)
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
