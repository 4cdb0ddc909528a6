"""Field clean-up shared by the RIS, arXiv, CSL-JSON and trending readers.

Pure helpers, no format knowledge: whitespace, HTML entities, names, DOIs, arXiv ids
and years as the various sources spell them.
"""

from __future__ import annotations

import html
import re

from readinglist.domain import Person
from readinglist.text import normalise_arxiv_id


def collapse(text: str) -> str:
    """Runs of whitespace (line wraps, tabs, non-breaking spaces) -> one space, trimmed."""
    return " ".join(text.split())


# Only complete references ending in ';': html.unescape alone would also turn the
# legacy forms "&copy" or "&times" inside ordinary prose ("4&times faster") into symbols.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def unescape_entities(text: str) -> str:
    """Decode HTML character references such as `&amp;` and `&#233;`, leave bare `&`."""
    if "&" not in text:
        return text
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


# "E.", "JA", "J.-P.", "AB." — PubMed-style initials after a family name.
_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")


def person_from_name(name: str) -> Person | None:
    """A person from "Family, Given[, Suffix]", "Given Family" or "Family GI" (initials).

    The last space splits given from family when there is no comma: names are
    ambiguous without one, and this is what the arXiv API and most exports mean.
    """
    name = collapse(name).strip(" ,;")
    if not name:
        return None
    if "," in name:
        parts = [p.strip() for p in name.split(",")]
        family, given = parts[0], parts[1]
        suffix = ", ".join(p for p in parts[2:] if p)
        if not family:
            return Person(family=given) if given else None
        return Person(family=family, given=given, suffix=suffix)
    tokens = name.split(" ")
    if len(tokens) == 1:
        return Person(family=name)
    if _INITIALS.match(tokens[-1]) and not _INITIALS.match(tokens[0]):
        return Person(family=" ".join(tokens[:-1]), given=tokens[-1])
    return Person(family=tokens[-1], given=" ".join(tokens[:-1]))


_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI = re.compile(r"\b10\.\d{4,9}/\S+")


def clean_doi(value: str) -> str:
    """A bare DOI ("10.1234/x") from a resolver URL or "doi:" form; "" if it is not a DOI."""
    value = _DOI_PREFIX.sub("", value.strip())
    m = _DOI.search(value)
    return m.group(0).rstrip(".,;") if m else ""


_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_ARXIV_URL = re.compile(
    r"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/([^?#\s]+)", re.IGNORECASE
)
# New style 2202.04200(v3) or old style astro-ph/0601001 / math.CO/0501001.
_ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")


def arxiv_id_from(value: str) -> str:
    """The version-less arXiv id in an arXiv URL, an "arXiv:" reference or an arXiv DOI."""
    value = value.strip()
    m = _ARXIV_DOI.match(clean_doi(value) or value)
    candidate = m.group(1) if m else ""
    if not candidate:
        m = _ARXIV_URL.match(value)
        if m:
            candidate = m.group(1).removesuffix(".pdf")
        elif value.lower().startswith("arxiv:"):
            candidate = value[len("arxiv:") :].strip()
    if candidate and _ARXIV_ID.match(candidate):
        return normalise_arxiv_id(candidate)
    return ""


_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def year_from(value: str) -> int | None:
    """The first four-digit year in a date such as "2020//", "2014/05/12" or "May 2009"."""
    m = _YEAR.search(value)
    if m is None:
        return None
    year = int(m.group(1))
    return year if year > 0 else None
