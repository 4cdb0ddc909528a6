"""Papers -> CSL-JSON (the citeproc / Zotero / pandoc exchange format).

One item per paper: id = citation key, type from the entry type, names as
family/given (prefix -> non-dropping-particle; a family-only name is `literal`),
issued date-parts, tags as `keyword`, our note as `note`. Extra fields that are CSL
variables already (from a CSL import) or have a plain CSL twin (`pages` -> `page`)
come along; other extras go to CSL-JSON 1.0.2's `custom` object.

So that our own export reads back as it was (csljson_read says how): the entry type
goes to `custom` as `entry-type` where the CSL type alone would read back as another
(inbook and incollection are both `chapter`); the venue of a book, thesis or report
(BibTeX's publisher, school, institution) is CSL's `publisher` when the paper has no
publisher of its own; a kept CSL date that disagrees with the year (a record merged
from two files) goes to `custom` beside the year.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from readinglist.domain import PaperDetail, Person
from readinglist.formats.bibtex_names import CSL_NAME_FIELDS, parse_names
from readinglist.formats.bibtex_write import venue_field
from readinglist.formats.clean import plain_fields
from readinglist.formats.csljson_read import ENTRY_TYPE_KEY, TYPES
from readinglist.formats.tex_escape import decode_light

_CSL_TYPES = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "book": "book",
    "mvbook": "book",
    "proceedings": "book",
    "collection": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "online": "webpage",
    "www": "webpage",
    "electronic": "webpage",
    "unpublished": "manuscript",
    "dataset": "dataset",
    "software": "software",
    "patent": "patent",
}
# BibTeX field -> CSL variable, for extras that mean the same thing
_CSL_FROM_BIBTEX = {
    "volume": "volume",
    "number": "issue",
    "pages": "page",
    "publisher": "publisher",
    "address": "publisher-place",
    "location": "publisher-place",
    "edition": "edition",
    "isbn": "ISBN",
    "issn": "ISSN",
    "language": "language",
    "series": "collection-title",
}
# CSL string variables an extra may already be named after (a CSL import keeps them)
_CSL_VARIABLES = frozenset(
    (
        "volume", "issue", "page", "publisher", "publisher-place", "edition", "ISBN",
        "ISSN", "language", "collection-title", "container-title-short", "title-short",
        "number", "genre", "medium", "event", "event-place", "PMID", "PMCID", "source",
        "version", "archive", "archive_location", "call-number", "number-of-pages",
        "section", "chapter-number", "collection-number", "status",
    )
)  # fmt: skip
_CSL_NAMES = {v.lower(): v for v in _CSL_VARIABLES}
_LEFTOVER_BRACES = re.compile(r"(?<!\\)[{}]")
# extras that are bookkeeping or said elsewhere in the item
_NOT_CUSTOM = frozenset(("csl_type", "csl_id", "month", "year", "_plain_fields"))
_NOT_CUSTOM |= {"issued", "accessed", "original-date", "event-date", "submitted", "available-date"}
_PUBLISHER_VENUES = frozenset(("publisher", "school", "institution", "organization"))
_FIELD = re.compile(r"[a-z][a-z0-9_.:+-]*\Z")


def _plain(value: str) -> str:
    """Extra values from a .bib may hold LaTeX: decode the simple parts, drop braces."""
    return " ".join(_LEFTOVER_BRACES.sub("", decode_light(value)).split())


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _month_number(value: str) -> int | None:
    """ "4" or "apr" (how the readers store a month) -> 4."""
    v = value.strip().lower().rstrip(".")
    if v.isdigit():
        return int(v) if 1 <= int(v) <= 12 else None
    return _MONTHS.index(v[:3]) + 1 if v[:3] in _MONTHS else None


_CSL_DATES = ("issued", "accessed", "original-date", "event-date", "submitted", "available-date")


def _json_object(value: str) -> dict[str, Any] | None:
    if not value.startswith("{"):
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _is_twin(name: str) -> bool:
    return name.strip().lower() in _CSL_FROM_BIBTEX


def _first_year(date: dict[str, Any]) -> int | None:
    try:
        return int(date["date-parts"][0][0])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def csl_name(person: Person) -> dict[str, str]:
    if not person.given and not person.prefix and not person.suffix:
        return {"literal": person.family}
    name = {"family": person.family or person.given}
    if person.given and person.family:
        name["given"] = person.given
    if person.prefix:
        name["non-dropping-particle"] = person.prefix
    if person.suffix:
        name["suffix"] = person.suffix
    return name


def _csl_type(paper: PaperDetail) -> str:
    kept = paper.extra.get("csl_type", "").strip()
    if kept:
        return kept  # the CSL type this paper was imported with
    kind = paper.entry_type.strip().lower()
    if kind == "article" and not paper.venue.strip():
        return "article"  # a preprint: CSL's "article" is the unpublished kind
    return _CSL_TYPES.get(kind, "document")


def csl_item(paper: PaperDetail) -> dict[str, Any]:
    item: dict[str, Any] = {"id": paper.citation_key, "type": _csl_type(paper)}
    kind = paper.entry_type.strip().lower()
    if kind and TYPES.get(item["type"], "misc") != kind:
        item["custom"] = {ENTRY_TYPE_KEY: kind}
    item["title"] = paper.title
    if paper.authors:
        item["author"] = [csl_name(p) for p in paper.authors if p.family or p.given]
    if paper.year is not None:
        parts = [paper.year]
        month = _month_number(paper.extra.get("month", ""))
        if month:
            parts.append(month)
        item["issued"] = {"date-parts": [parts]}
    for name in _CSL_DATES:
        # a date the CSL reader kept whole (a day, a range, a season): as it was
        kept = _json_object(paper.extra.get(name, ""))
        if kept is None:
            continue
        if name != "issued" or paper.year is None or _first_year(kept) == paper.year:
            item[name] = kept
        else:
            item.setdefault("custom", {})["issued"] = kept  # the year wins `issued`
    if paper.venue:
        named_by_publisher = venue_field(kind or "misc", False) in _PUBLISHER_VENUES
        if named_by_publisher and not any(n.strip().lower() == "publisher" for n in paper.extra):
            item["publisher"] = paper.venue
        else:
            item["container-title"] = paper.venue
    if paper.abstract:
        item["abstract"] = paper.abstract
    if paper.doi:
        item["DOI"] = paper.doi
    url = paper.url or (f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else "")
    if url:
        item["URL"] = url
    if paper.arxiv_id:
        item["number"] = f"arXiv:{paper.arxiv_id}"  # how Zotero records a preprint
    plain = plain_fields(paper.extra)
    # extras named as CSL variables first, then BibTeX fields with a CSL twin: a twin
    # already taken (a record with both `issue` and `number`) goes to `custom`
    for name in sorted(paper.extra, key=lambda n: (_is_twin(n), n)):
        key = name.strip().lower()
        if key in CSL_NAME_FIELDS and key not in item:
            # a name list (BibTeX syntax, see bibtex_names.name_list_text): CSL names
            people = [csl_name(p) for p in parse_names(paper.extra[name]) if p.family]
            if people:
                item[key] = people
            continue
        target = _CSL_FROM_BIBTEX.get(key) or _CSL_NAMES.get(key)
        # LaTeX from a .bib is decoded; text read as plain (CSL, RIS) is kept as written
        value = " ".join(paper.extra[name].split()) if name in plain else _plain(paper.extra[name])
        if target and target not in item and value:
            item[target] = value.replace("--", "-") if target == "page" else value
        elif value and key not in _NOT_CUSTOM and _FIELD.match(key):
            # CSL has no variable for it: CSL-JSON 1.0.2's `custom` object carries it,
            # so importing the file gives the whole record back
            item.setdefault("custom", {}).setdefault(key, value)
    if paper.tags:
        item["keyword"] = ", ".join(paper.tags)
    if paper.note:
        item["note"] = paper.note
    return item


def write_csljson(papers: Iterable[PaperDetail]) -> str:
    """A JSON array of CSL items, UTF-8 as is, indented, keys in a fixed order."""
    return json.dumps([csl_item(p) for p in papers], ensure_ascii=False, indent=2) + "\n"
