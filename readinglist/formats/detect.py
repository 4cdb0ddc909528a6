"""Which importer a text is for: content first, the file extension only as a tie-breaker."""

from __future__ import annotations

import json
import re
from pathlib import PurePath

from readinglist.domain import SourceFormat
from readinglist.formats.trending import looks_like_trending

__all__ = ["detect_format", "is_web_of_science"]

_EXTENSIONS = {
    ".bib": SourceFormat.BIBTEX,
    ".bibtex": SourceFormat.BIBTEX,
    ".ris": SourceFormat.RIS,
    ".xml": SourceFormat.ARXIV,
    ".atom": SourceFormat.ARXIV,
    ".json": SourceFormat.CSLJSON,
    ".txt": SourceFormat.TRENDING,
}

# An entry start at the beginning of a line: "@article{key,", "@ARTICLE (key ,", or one of
# "@string{", "@comment{", "@preamble{". The key and its comma keep out code that merely
# looks alike: Python decorators ("@dataclass(frozen=True)", "@wraps(fn)"), Java
# annotations, e-mail addresses.
_BIBTEX = re.compile(
    r"^[ \t]*@[ \t]*(?:(?:string|comment|preamble)[ \t]*[{(]"
    r"|[A-Za-z]+[ \t]*[{(][ \t]*[^\s,={}()\"#%'~\\]*\s*,)",
    re.MULTILINE | re.IGNORECASE,
)
_RIS = re.compile(r"^[ \t]*TY {1,2}-", re.MULTILINE)
_FEED = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?feed[\s>/]")
_ATOM_NS = ("http://www.w3.org/2005/Atom", "http://arxiv.org/schemas/atom")
# A JSON array that holds objects (or nothing): "[ {", "[]".
_JSON_ARRAY = re.compile(r"\[\s*[{\]]")
# Web of Science "tagged" export: "FN Clarivate ...", "PT J", a bare "ER" per record.
_WOS_HEADER = re.compile(r"\A\s*(?:FN |VR |PT [A-Z]\s*$)", re.MULTILINE)
_WOS_RECORD_END = re.compile(r"^ER\s*$", re.MULTILINE)
_WOS_TAG = re.compile(r"^(?:PT|AU|TI|SO) \S", re.MULTILINE)


def detect_format(text: str, filename: str = "") -> SourceFormat | None:
    """The format `text` is in, or None when it is none of the formats we read."""
    hint = _hint(filename)
    text = text.removeprefix("\ufeff")
    stripped = text.lstrip()
    if not stripped:
        return hint
    first = stripped[0]

    if first in "[{":
        found = _json_format(stripped, hint)
        if found is not None:
            return found
    elif hint is SourceFormat.CSLJSON and _is_json(stripped):
        return hint  # valid JSON but not an item list ("42"): the reader explains
    if first == "<":
        head = stripped[:8192]
        if _FEED.search(head) and any(ns in head for ns in _ATOM_NS):
            return SourceFormat.ARXIV
        # ".atom" claims a feed; ".xml" is any XML, so it needs at least an <entry>
        claimed = filename.lower().endswith(".atom") or "<entry" in head
        if _FEED.search(head) or (hint is SourceFormat.ARXIV and claimed):
            return (
                SourceFormat.ARXIV
            )  # a feed without the namespaces: the reader says what is wrong
        return None  # some other XML or HTML (AppStream metainfo, MIME info, an SVG)

    marker = _first_record_marker(text)
    if marker is not None:
        return marker
    if is_web_of_science(text):
        return None
    if looks_like_trending(text):
        return SourceFormat.TRENDING
    # Ambiguous content: a .bib of only comments trusts its name. A .txt does not: any
    # text file is a .txt (a README, a LICENSE, requirements.txt), so a trending page
    # must be recognised by its shape above, and a .ris without any "TY  -" is not RIS.
    if hint is SourceFormat.BIBTEX:
        return hint
    return None


# Record markers are looked for in line-aligned windows, and only near the start: a
# regex over a whole 100 MB file holds the interpreter lock for about a second (the
# window freezes), while a real BibTeX or RIS file shows its first record early.
_WINDOW = 1 << 20
_MARKER_SCAN = 4 << 20


def _first_record_marker(text: str) -> SourceFormat | None:
    start = 0
    while start < min(len(text), _MARKER_SCAN):
        end = text.find("\n", start + _WINDOW)
        end = len(text) if end < 0 else end + 1
        window = text[start:end]
        bibtex = _BIBTEX.search(window)
        ris = _RIS.search(window)
        if bibtex and ris:
            # An abstract of one format may quote the other; the first record decides.
            return SourceFormat.BIBTEX if bibtex.start() < ris.start() else SourceFormat.RIS
        if bibtex:
            return SourceFormat.BIBTEX
        if ris:
            return SourceFormat.RIS
        start = end
    return None


def is_web_of_science(text: str) -> bool:
    """A Web of Science tagged export (often saved as .txt or even .ris): not RIS."""
    head = text.removeprefix("\ufeff")[:65536]
    if _WOS_HEADER.search(head):
        return True
    return bool(_WOS_RECORD_END.search(head)) and len(_WOS_TAG.findall(head)) >= 2


def _hint(filename: str) -> SourceFormat | None:
    suffixes = [s.lower() for s in PurePath(filename).suffixes]
    return _EXTENSIONS.get(suffixes[-1]) if suffixes else None


def _json_format(text: str, hint: SourceFormat | None) -> SourceFormat | None:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        # Broken JSON is still meant as JSON when it clearly opens like it; the reader
        # then reports the syntax error with its line.
        if text[0] == "{" or _JSON_ARRAY.match(text) or hint is SourceFormat.CSLJSON:
            return SourceFormat.CSLJSON
        return None  # "[Re] Reproducing ..." — a trending page that opens with a bracket
    if _is_csl(data):
        return SourceFormat.CSLJSON
    objects = isinstance(data, list) and data and all(isinstance(i, dict) for i in data[:50])
    if isinstance(data, dict) or objects:
        # A settings or package file (package.json, tsconfig.json), a data dump of
        # other objects: not references whatever the name, so a folder import skips it.
        return None
    return SourceFormat.CSLJSON if hint is SourceFormat.CSLJSON else None


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return False
    return True


_CSL_KEYS = frozenset(("type", "title", "id", "author", "issued", "citation-key"))


def _is_csl(data: object) -> bool:
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if isinstance(data, dict):
        return bool(_CSL_KEYS & data.keys())
    if isinstance(data, list):
        if not data:
            return True
        return any(isinstance(item, dict) and _CSL_KEYS & item.keys() for item in data[:50])
    return False
