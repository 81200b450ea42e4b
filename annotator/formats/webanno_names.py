"""WebAnno TSV 3: layer names, escaping, feature names and UTF-16 offsets.

Shared by the writer (:mod:`annotator.formats.webanno`) and the reader
(:mod:`annotator.formats.webanno_read`). The escaping rules are INCEpTION's
``Escaping.java`` (module ``inception-io-webanno-tsv``): feature values escape
``\\ [ ] | _ -> ; * TAB LF`` with a backslash; ``#Text=`` lines escape the
backslash, TAB, LF, CR, FF, BS and the other control characters below 32
(except 8 to 13, which have their own letters, and VT, which stays as it is).
Offsets in the file count UTF-16 code units (Java strings), not code points.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

NE = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
NE_VALUE = "value"
EVENT = "webanno.custom.Event"
EVENT_TYPE = "type"
EVENT_SLOT = "arguments"
EVENT_LINK = "webanno.custom.EventArgumentsLink"
RELATION = "webanno.custom.Relation"
RELATION_LABEL = "label"
CUSTOM = "webanno.custom."
ANY = "uima.tcas.Annotation"
FORMAT_LINE = "#FORMAT=WebAnno TSV 3.3"

_VALUE_ESCAPES = {
    "\\": "\\\\",
    "[": "\\[",
    "]": "\\]",
    "|": "\\|",
    "_": "\\_",
    "->": "\\->",
    ";": "\\;",
    "\t": "\\t",
    "\n": "\\n",
    "*": "\\*",
}
_VALUE_SPECIAL = re.compile(r"->|[\\\[\]|_;\t\n*]")
_VALUE_ESCAPED = re.compile(r"\\(->|[\\\[\]|_;tn*])")
_VALUE_PLAIN = {"t": "\t", "n": "\n"}

_TEXT_ESCAPES = {chr(i): "\\" + chr(i) for i in range(32) if not 7 < i < 14}
_TEXT_ESCAPES.update({"\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", "\b": "\\b"})
_TEXT_ESCAPES["\\"] = "\\\\"
_TEXT_SPECIAL = re.compile("[" + re.escape("".join(_TEXT_ESCAPES)) + "]")
_TEXT_UNESCAPES = {v: k for k, v in _TEXT_ESCAPES.items()}
_TEXT_ESCAPED = re.compile(r"\\[\x00-\x07\x0e-\x1ftnfrb\\]")

# An attribute name that is a plain ASCII identifier is a feature name as it is; any other
# name is written "u_" + the name with each character outside [A-Za-z0-9] as _HEX_.
_PLAIN_FEATURE = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_CODED_FEATURE = re.compile(r"u_(?:[A-Za-z0-9]|_[0-9A-F]{1,6}_)+")
_FEATURE_ESCAPE = re.compile(r"_([0-9A-F]{1,6})_")


def escape_value(value: str) -> str:
    """A feature value, role or label as written in a column."""
    return _VALUE_SPECIAL.sub(lambda m: _VALUE_ESCAPES[m.group()], value)


def unescape_value(value: str) -> str:
    """The inverse of :func:`escape_value` (other backslashes stay as they are)."""
    return _VALUE_ESCAPED.sub(lambda m: _VALUE_PLAIN.get(m.group(1), m.group(1)), value)


def escape_text(line: str) -> str:
    """One line of sentence text, as written after ``#Text=``."""
    return _TEXT_SPECIAL.sub(lambda m: _TEXT_ESCAPES[m.group()], line)


def unescape_text(line: str) -> str:
    """The inverse of :func:`escape_text` (TSV 3.2 and later)."""
    return _TEXT_ESCAPED.sub(lambda m: _TEXT_UNESCAPES[m.group()], line)


def feature_name(name: str, reserved: frozenset[str] = frozenset()) -> str:
    """An attribute name as a UIMA feature name (an identifier), losslessly.

    A name in ``reserved`` (the layer's own features) is always coded.
    """
    if _PLAIN_FEATURE.fullmatch(name) and name not in reserved:
        return name
    coded = (ch if ch.isascii() and ch.isalnum() else f"_{ord(ch):X}_" for ch in name)
    return "u_" + "".join(coded)


def attribute_name(feature: str) -> str:
    """The attribute name a feature stands for (the inverse of :func:`feature_name`)."""
    if not _CODED_FEATURE.fullmatch(feature):
        return feature
    return _FEATURE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), feature[2:])


def short_name(layer: str) -> str:
    """The last part of a layer's type name (``webanno.custom.Span`` → ``Span``)."""
    return layer.rsplit(".", 1)[-1]


def utf16_starts(text: str) -> npt.NDArray[np.int64]:
    """``out[i]``: the UTF-16 offset of code point ``i`` (``out[len(text)]`` is the length)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    out = np.zeros(len(codes) + 1, np.int64)
    np.cumsum(np.where(codes > 0xFFFF, 2, 1), out=out[1:])
    return out


def utf16_length(text: str) -> int:
    """The length of ``text`` in UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
