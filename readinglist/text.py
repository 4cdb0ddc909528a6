"""Small pure text helpers shared by formats, db and library."""

from __future__ import annotations

import re
import unicodedata

_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
# punctuation that ends a sentence rather than a URL ("see https://x.org/a." -> ".../a")
_TRAILING = ".,;:!?'\"*"
_PAIRS = {")": "(", "]": "[", "}": "{"}


def _trim_url(url: str) -> str:
    while url:
        last = url[-1]
        if last in _TRAILING:
            url = url[:-1]
        elif last in _PAIRS and url.count(last) > url.count(_PAIRS[last]):
            url = url[:-1]  # closing bracket of the surrounding prose, not of the URL
        else:
            break
    return url


def find_links(text: str) -> tuple[str, ...]:
    """http(s) links in free text, trailing punctuation stripped, in order, no repeats."""
    seen: dict[str, None] = {}
    for m in _URL.finditer(text):
        url = _trim_url(m.group(0))
        if len(url) > len("https://") and url not in seen:
            seen[url] = None
    return tuple(seen)


# Characters that print as nothing but split words: soft hyphen (what BibTeX's `\-`
# decodes to), zero-width space / non-joiner / joiner, word joiner, invisible math
# operators, byte-order mark. "Un\u00adder\u00adstand\u00ading" must match
# "understanding" in search, duplicate detection and citation keys.
INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
_DROP_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))


def strip_invisible(text: str) -> str:
    """`text` without the characters in INVISIBLE."""
    return text if text.isascii() else text.translate(_DROP_INVISIBLE)


def fold(text: str) -> str:
    """Lower case without accents: for comparing and matching, never for display."""
    if text.isascii():  # most titles: nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_DROP_INVISIBLE))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# Bidirectional embeddings/overrides/isolates and marks: they reorder what a terminal
# shows ("Trojan source"), so they never reach one.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_TERMINAL_BAD = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029" + BIDI_CONTROLS + INVISIBLE + "]"
)
_TERMINAL_BAD_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + BIDI_CONTROLS + INVISIBLE + "]")


def _terminal_char(m: re.Match[str]) -> str:
    c = m.group(0)
    if c in INVISIBLE or c in BIDI_CONTROLS:
        return ""
    if c in "\t\n\r\u2028\u2029":
        return " "
    return "\ufffd"  # ESC, NUL, C1 ...: shown as a replacement character, never sent


def terminal_safe(text: str, *, multiline: bool = False) -> str:
    """Text that cannot drive a terminal: no escape sequences, C0/C1 controls or bidi
    overrides (libraries written before imports were cleaned may still hold them).
    With `multiline`, newlines and tabs are kept (a CR becomes a newline)."""
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
        return _TERMINAL_BAD.sub(_terminal_char, text)
    return _TERMINAL_BAD_LINE.sub(_terminal_char, text)


# JSON escapes C0 itself; these would still reach a terminal raw (C1 controls, bidi
# overrides and isolates, line/paragraph separators), so they go out as \u escapes.
_JSON_UNSAFE = re.compile("[\u0080-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def _json_escape(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group(0)):04x}"


def json_terminal_safe(text: str) -> str:
    """JSON text (the CLI's --json) with those characters as \\u escapes. One character
    at a time, so escaping the pieces of a text escapes the whole (db/raw_listing.py)."""
    if text.isascii():  # O(1) in CPython: most texts need no scan
        return text
    return _JSON_UNSAFE.sub(_json_escape, text)


_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_title(title: str) -> str:
    """Title key for duplicate detection: case, accents, punctuation and spacing ignored."""
    return _NON_WORD.sub(" ", fold(title)).strip()


_ARXIV_VERSION = re.compile(r"v\d+$")


def normalise_arxiv_id(value: str) -> str:
    """`arXiv:2202.04200v3` or `https://arxiv.org/abs/2202.04200v3` -> `2202.04200`."""
    v = value.strip()
    v = re.sub(r"^(?:https?://(?:export\.)?arxiv\.org/(?:abs|pdf)/)", "", v, flags=re.I)
    v = re.sub(r"^arxiv:", "", v, flags=re.I)
    v = v.removesuffix(".pdf")
    return _ARXIV_VERSION.sub("", v)


def normalise_doi(value: str) -> str:
    """DOIs compare case-insensitively; strip resolver prefixes."""
    v = value.strip()
    v = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", v, flags=re.I)
    return v.lower()
