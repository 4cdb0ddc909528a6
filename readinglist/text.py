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


def fold(text: str) -> str:
    """Lower case without accents: for comparing and matching, never for display."""
    if text.isascii():  # most titles: nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


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
