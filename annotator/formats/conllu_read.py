"""Reading CoNLL-U: our own files, and treebanks as Universal Dependencies publishes them.

The stored text is rebuilt from the surface forms and the white space in MISC
(``SpaceAfter=No``, ``SpacesAfter=``, ``SpacesBefore=``): a multiword token
contributes its range line's form, whatever its parts are. Parts that spell the
surface (``و`` + ``تتميز``) are tagged where they stand; parts that do not
(PADT's ``باقامة`` = ``ب`` + ``إقامة``, English ``haven't`` = ``have`` + ``not``)
share the surface's offsets. Every multiword token is kept with the document
(:class:`annotator.core.multiword.Multiword`, ADR 0021) so an export writes the
parts again. ``# newdoc`` starts a document; ``# newpar`` puts a blank line
before its sentence where the file gives no white space of its own.

What the project cannot keep (lemmas, UPOS, XPOS, FEATS, HEAD, DEPREL, DEPS,
other MISC keys, empty nodes, other comments) is counted, with its first lines, in the
import summary (:class:`~annotator.formats.summary.ImportSummary`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from annotator.core.gcpause import collector_paused
from annotator.core.model import Document, Status
from annotator.core.multiword import Multiword
from annotator.core.prepared_tokens import announce
from annotator.core.text import text_sha256
from annotator.formats.base import (
    AnnotatedDocument,
    FormatError,
    ReadOptions,
    check_content,
    check_text,
    shown,
)
from annotator.formats.conll import annotated_from_tags
from annotator.formats.conllu_misc import (
    NO_MISC,
    keys_of,
    levels,
    misc_of,
    space_after,
    space_before,
)
from annotator.formats.multiword_tokens import merged_levels
from annotator.formats.segment import SCHEMES
from annotator.formats.summary import ImportSummary

_ID = re.compile("[1-9][0-9]{0,8}")
_SMALL_IDS = frozenset(str(k) for k in range(1, 1000))  # IDs _ID takes, without the regex
_EMPTY_NODE = re.compile("[0-9]{1,9}[.][1-9][0-9]{0,8}")
_KEPT_MISC = re.compile("(NE[0-9]*|NER|Trigger|SpaceAfter|SpacesAfter|SpacesBefore)")
_COLUMNS = ("LEMMA", "UPOS", "XPOS", "FEATS", "HEAD", "DEPREL", "DEPS")
_OUR_COMMENTS = ("# newdoc", "# newpar", "# status =", "# annotator =", "# sent_id", "# text =")
_UNTAGGED = ["O"]  # a part's entity tags outside any entity
_LINES_AT_ONCE = 1 << 16  # code points of the file split into lines at a time
PARAGRAPH = "\n\n"  # the white space a ``# newpar`` puts between two sentences

Part = tuple[int, str, list[str], str | None]  # line, form, entity tags by level, trigger tag
# a token line's shape -> [count, first line, whether a MISC key the project keeps is
# there, the MISC keys]
Shapes = dict[tuple[object, ...], list[Any]]


@dataclass(slots=True)
class Word:
    """A surface token: a plain token line, or a multiword token with its parts."""

    form: str
    after: str  # the white space after it
    parts: list[Part]
    before: str  # SpacesBefore (a document's first token)
    line: int
    spaced: bool  # the file says what follows (SpaceAfter or SpacesAfter)
    multi: bool = False


@dataclass
class Sentence:
    """A sentence's words, and whether ``# newpar`` opened a paragraph before it."""

    words: list[Word] = field(default_factory=list)
    newpar: bool = False


@dataclass
class _Doc:
    name: str
    line: int
    status: str = ""
    sentences: list[Sentence] = field(default_factory=list)


def read(content: str, path: str, options: ReadOptions) -> list[AnnotatedDocument]:
    """Parse CoNLL-U; each ``# newdoc`` starts a document. What the file holds that was
    not kept is named in ``options.summary``.

    Two documents with the same text are one: the first is kept, and the summary
    names the others (with their lines) and the spans they lose.
    """
    if options.scheme not in SCHEMES:
        raise FormatError(path, None, f"unknown tag scheme {options.scheme!r}.")
    unkept = options.summary
    docs: list[AnnotatedDocument] = []
    first: dict[str, tuple[str, int]] = {}
    twins: list[str] = []
    with collector_paused():  # a treebank's hundreds of thousands of lines build no cycles
        for found in _documents(content, path, unkept):
            doc = _build(found, path, options, unkept)
            if doc is None:
                continue
            if found.status in {s.value for s in Status}:
                doc = replace(doc, status=found.status)
            sha = doc.document.sha256
            if sha in first:
                name, line = first[sha]
                lost = f", whose {len(doc.spans)} spans were not imported" if doc.spans else ""
                twins.append(
                    f"{doc.name!r} (line {found.line}) repeats {name!r} (line {line}){lost}"
                )
                continue
            first[sha] = (doc.name, found.line)
            docs.append(doc)
            announce(doc.document.text)  # its tokens may be made meanwhile (ADR 0027)
    if not docs:
        raise FormatError(path, None, "the file holds no tokens.")
    if twins:
        unkept.note(
            f"{len(twins)} documents have the text of an earlier one and were imported once: "
            + "; ".join(twins[:5])
            + ("; ..." if len(twins) > 5 else "")
            + "."
        )
    return docs


@dataclass
class _Range:
    """A multiword token being read: its ID range, and the line that opened it."""

    first: int
    last: int
    line: int
    next_id: int


def _documents(content: str, path: str, unkept: ImportSummary) -> Iterator[_Doc]:
    """Each document with its recorded status (``# status = done``) and sentences."""
    check_content(content, path)
    doc = _Doc(path.rsplit("/", 1)[-1], 1)
    current = Sentence()
    pending: _Range | None = None  # an open multiword token
    shapes: Shapes = {}
    for line_no, raw in enumerate(_lines(content), 1):
        line = raw.rstrip("\r")
        if line[:1] == "#":
            if line.startswith("# newdoc"):
                _check_closed(pending, path)
                doc.sentences += [current] if current.words else []
                current = Sentence()
                if doc.sentences:
                    yield doc
                doc = _Doc(line.partition("=")[2].strip() or doc.name, line_no)
            _comment(line, line_no, doc, current, unkept)
            continue
        if not line or line.isspace():
            _check_closed(pending, path)
            if current.words:
                doc.sentences.append(current)
                current = Sentence()
            continue
        pending = _read_token(line, line_no, path, current.words, pending, unkept, shapes)
    _check_closed(pending, path)
    if current.words:
        doc.sentences.append(current)
    unkept_shapes(shapes, unkept)
    if doc.sentences:
        yield doc


def _lines(content: str) -> Iterator[str]:
    """``content.split("\\n")``, split a piece of about :data:`_LINES_AT_ONCE` code points
    at a time: a treebank's list of lines would cost as much memory again as its text."""
    start = 0
    while (end := content.find("\n", start + _LINES_AT_ONCE)) >= 0:
        yield from content[start:end].split("\n")
        start = end + 1
    yield from content[start:].split("\n")


def _comment(line: str, line_no: int, doc: _Doc, sentence: Sentence, unkept: ImportSummary) -> None:
    if line.startswith("# status ="):
        doc.status = line.partition("=")[2].strip()
    elif line.startswith("# newpar"):
        sentence.newpar = True
        if "=" in line:
            unkept.not_imported("# newpar ids", line_no)
    elif line.startswith("# sent_id"):
        unkept.not_imported("# sent_id (an export numbers sentences NAME-1, NAME-2, ...)", line_no)
    elif not line.startswith(_OUR_COMMENTS):
        unkept.not_imported("other comment lines", line_no)


def _read_token(
    line: str,
    line_no: int,
    path: str,
    current: list[Word],
    pending: _Range | None,
    unkept: ImportSummary,
    shapes: Shapes,
) -> _Range | None:
    """Add one token line to the sentence; return the multiword token still open.

    ``shapes`` counts lines by which columns they fill and which MISC keys they
    have (a treebank has few such shapes): one dictionary lookup per line, turned
    into what is not kept by :func:`unkept_shapes` at the end. A line whose shape
    has no MISC key the project keeps (most lines of a treebank) is taken without
    reading its MISC values.
    """
    cols = line.split("\t")
    if len(cols) != 10:
        raise FormatError(path, line_no, f"expected 10 tab-separated columns, found {len(cols)}.")
    ident, form, field = cols[0], cols[1], cols[9]
    if "." in ident and _EMPTY_NODE.fullmatch(ident):
        unkept.not_imported("empty nodes", line_no)
        return pending
    shape = (  # filled columns, MISC keys
        cols[2] == "_",
        cols[3] == "_",
        cols[4] == "_",
        cols[5] == "_",
        cols[6] == "_",
        cols[7] == "_",
        cols[8] == "_",
        keys_of(field),
    )
    seen = shapes.get(shape)
    if seen is None:
        keys = tuple(misc_of(field))
        seen = shapes[shape] = [0, line_no, any(_KEPT_MISC.fullmatch(k) for k in keys), keys]
    seen[0] += 1
    misc = misc_of(field) if seen[2] else NO_MISC  # tags, a trigger, white space of its own
    if not form:
        raise FormatError(path, line_no, "the FORM column is empty.")
    if "-" in ident:
        return _open_range(ident, form, misc, line_no, path, current, pending)
    if ident not in _SMALL_IDS and not _ID.fullmatch(ident):
        raise FormatError(path, line_no, f"bad token ID {shown(ident)}.")
    if misc:
        part = (line_no, form, levels(misc), misc.get("Trigger"))
        if pending is None:
            current.append(_word(form, misc, [part], line_no))
            return None
    else:  # outside any entity, followed by a space
        part = (line_no, form, ["O"], None)
        if pending is None:
            current.append(Word(form, " ", [part], "", line_no, False))
            return None
    if int(ident) != pending.next_id:
        raise FormatError(
            path,
            line_no,
            f"token {ident} is not the next part ({pending.next_id}) of the multiword token "
            f"{pending.first}-{pending.last} on line {pending.line}.",
        )
    current[-1].parts.append(part)
    pending.next_id += 1
    return pending if pending.next_id <= pending.last else None


def _open_range(
    ident: str,
    form: str,
    misc: dict[str, str],
    line_no: int,
    path: str,
    current: list[Word],
    pending: _Range | None,
) -> _Range:
    lo, _, hi = ident.partition("-")
    if pending is not None:
        raise FormatError(
            path,
            line_no,
            f"multiword token {ident!r} starts inside the one on line {pending.line}.",
        )
    if not (_ID.fullmatch(lo) and _ID.fullmatch(hi)) or int(lo) >= int(hi):
        raise FormatError(path, line_no, f"bad ID range {shown(ident)}.")
    current.append(_word(form, misc, [], line_no, True))
    return _Range(int(lo), int(hi), line_no, int(lo))


def _word(
    form: str, misc: dict[str, str], parts: list[Part], line: int, multi: bool = False
) -> Word:
    if not misc:
        return Word(form, " ", parts, "", line, False, multi)
    spaced = "SpaceAfter" in misc or "SpacesAfter" in misc
    return Word(form, space_after(misc), parts, space_before(misc), line, spaced, multi)


def _check_closed(pending: _Range | None, path: str) -> None:
    if pending is not None:
        raise FormatError(
            path,
            pending.line,
            f"multiword token {pending.first}-{pending.last} is not complete: its sentence "
            f"ends after token {pending.next_id - 1}.",
        )


def unkept_shapes(shapes: Shapes, unkept: ImportSummary) -> None:
    """Count what the token lines hold that is not kept (see :func:`_read_token`)."""
    for shape, (count, line, _kept, keys) in shapes.items():  # in order of first line
        for name, blank in zip(_COLUMNS, shape, strict=False):
            if not blank:
                unkept.not_imported(name, line, count)
        for key in keys:
            if not _KEPT_MISC.fullmatch(str(key)):
                unkept.not_imported(f"MISC {key}", line, count)


@dataclass
class _Rows:
    """A tagged document's token rows being built: the text's pieces, offsets and tag rows
    (a document without tags is :func:`_untagged`)."""

    depth: int
    pieces: list[str] = field(default_factory=list)
    offsets: list[tuple[int, int]] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    words: list[Multiword] = field(default_factory=list)
    pos: int = 0

    def add(self, line: int, form: str, tags: list[str], trig: str, span: int) -> None:
        levels = tags + ["O"] * (self.depth - len(tags))
        self.offsets.append((self.pos, self.pos + span))
        self.rows.append((line, [form, *levels, trig]))

    def text(self, piece: str) -> None:
        self.pieces.append(piece)
        self.pos += len(piece)


def _build(
    found: _Doc, path: str, opts: ReadOptions, unkept: ImportSummary
) -> AnnotatedDocument | None:
    words = [w for s in found.sentences for w in s.words]
    if not words:
        return None
    for prev, sentence in zip(found.sentences, found.sentences[1:], strict=False):
        if sentence.newpar and not prev.words[-1].spaced:
            prev.words[-1].after = PARAGRAPH
    if words[-1].after == " ":  # the white space UD implies after a document's last token
        words[-1].after = ""
    if not any(p[2] != _UNTAGGED or p[3] for w in words for p in w.parts):
        return _untagged(found.name, words, path)
    depth = max((len(p[2]) for w in words for p in w.parts), default=1)
    acc = _Rows(depth)
    acc.text(words[0].before)
    bounds: list[tuple[int, int]] = []
    for sentence in found.sentences:
        first = len(acc.rows)
        for word in sentence.words:
            _add_word(acc, word, opts.scheme, unkept)
        bounds.append((first, len(acc.rows)))
    text = "".join(acc.pieces)
    columns = range(1, depth + 2)
    doc = annotated_from_tags(
        found.name, text, acc.rows, bounds, acc.offsets, columns, opts, path, {depth + 1}
    )
    return replace(doc, words=tuple(acc.words))


def _untagged(name: str, words: list[Word], path: str) -> AnnotatedDocument:
    """A document without entity or trigger tags: its text and multiword tokens only (a
    treebank's usual case; the same text and tokens as :func:`_add_word` would make)."""
    pieces = [words[0].before]
    pos = len(pieces[0])
    multi: list[Multiword] = []
    for word in words:
        form, after = word.form, word.after
        if word.multi:
            multi.append(Multiword(pos, pos + len(form), tuple(p[1] for p in word.parts)))
        pieces += (form, after)
        pos += len(form) + len(after)
    text = "".join(pieces)
    first = words[0]
    spelled = not first.multi or "".join(p[1] for p in first.parts) == first.form
    check_text(text, path, first.parts[0][0] if spelled else first.line)
    document = Document(0, name, text, text_sha256(text))
    return AnnotatedDocument(document, words=tuple(multi))


_WIDENED = "entity edges inside a multiword token (widened to the token)"


def _add_word(acc: _Rows, word: Word, scheme: str, unkept: ImportSummary) -> None:
    if not word.multi:  # one part: the row, its offsets and its text, as add and text make them
        ((line_no, form, tags, trig),) = word.parts
        end = acc.pos + len(form)
        acc.offsets.append((acc.pos, end))
        acc.rows.append((line_no, [form, *tags, *["O"] * (acc.depth - len(tags)), trig or "O"]))
        acc.pieces += (form, word.after)
        acc.pos = end + len(word.after)
        return
    forms = [p[1] for p in word.parts]
    if word.multi:
        acc.words.append(Multiword(acc.pos, acc.pos + len(word.form), tuple(forms)))
    if not word.multi or "".join(forms) == word.form:
        for line_no, form, tags, trig in word.parts:
            acc.add(line_no, form, tags, trig or "O", len(form))
            acc.text(form)
    else:
        tags, widened = merged_levels(word.parts, acc.depth, scheme)
        if widened:
            unkept.not_imported(
                "entity edges inside a multiword token (widened to the token)", word.line
            )
        acc.add(word.line, word.form, tags[:-1], tags[-1], len(word.form))
        acc.text(word.form)
    acc.text(word.after)
