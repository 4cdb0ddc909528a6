"""arXiv API responses (Atom feeds from export.arxiv.org/api/query).

The feed is parsed with the standard library's ElementTree, which would expand
entities declared in a DOCTYPE; the API never sends one, so any DOCTYPE/ENTITY is
refused before parsing (the "billion laughs" defence without defusedxml).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from readinglist.domain import PaperDraft, ParseResult, Person, Problem, SourceFormat
from readinglist.formats.import_fields import arxiv_id_from, clean_doi, collapse, year_from
from readinglist.formats.untitled import untitled_problem

__all__ = ["read"]

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_DECLARATION = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ERROR_ID = re.compile(r"arxiv\.org/api/errors", re.IGNORECASE)


def read(text: str, source: str) -> ParseResult:
    text = text.removeprefix("\ufeff")
    declaration = _DECLARATION.search(text)
    if declaration is not None:
        line = text.count("\n", 0, declaration.start()) + 1
        message = "XML with a DOCTYPE or ENTITY declaration is refused (arXiv never sends one)"
        return _failed(source, line, message)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        line = e.position[0] if e.position else 0
        return _failed(source, line, f"not well-formed XML: {e}")
    if root.tag != f"{_ATOM}feed":
        return _failed(source, 1, f"not an Atom feed (root element is <{_local(root.tag)}>)")

    lines = _entry_lines(text)
    by_id: dict[str, tuple[int, PaperDraft]] = {}  # arxiv id -> (version, draft)
    untracked: list[PaperDraft] = []
    problems: list[Problem] = []
    for index, entry in enumerate(root.iter(f"{_ATOM}entry")):
        line = lines[index] if index < len(lines) else 0
        entry_id = _text(entry, "id")
        # The API reports bad queries as a one-entry feed; a paper titled "Error" has an abs id.
        is_error = _text(entry, "title").strip() == "Error" and not arxiv_id_from(entry_id)
        if _ERROR_ID.search(entry_id) or is_error:
            message = collapse(_text(entry, "summary")) or "the arXiv API reported an error"
            problems.append(Problem(source, line, f"arXiv API error: {message}"))
            continue
        draft = _draft(entry, line)
        untitled = untitled_problem(draft, source, line, "arXiv entry")
        if untitled is not None:
            problems.append(untitled)
        if not draft.has_content:
            pass
        elif draft.arxiv_id:
            version = _version(entry_id)
            earlier = by_id.get(draft.arxiv_id)
            if earlier is None or version >= earlier[0]:
                by_id[draft.arxiv_id] = (version, draft)
        else:
            untracked.append(draft)
    drafts = [d for _, d in by_id.values()] + untracked
    drafts.sort(key=lambda d: d.line)
    return ParseResult(tuple(drafts), tuple(problems), SourceFormat.ARXIV)


def _failed(source: str, line: int, message: str) -> ParseResult:
    return ParseResult((), (Problem(source, line, message),), SourceFormat.ARXIV)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _text(element: ET.Element, name: str, ns: str = _ATOM) -> str:
    child = element.find(f"{ns}{name}")
    return (child.text or "") if child is not None else ""


_ENTRY_START = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?entry[\s>]")


def _entry_lines(text: str) -> list[int]:
    """Line of each <entry> start tag, in document order (ElementTree keeps no lines)."""
    lines: list[int] = []
    last, line = 0, 1
    for m in _ENTRY_START.finditer(text):
        line += text.count("\n", last, m.start())
        last = m.start()
        lines.append(line)
    return lines


_VERSION = re.compile(r"v(\d+)$")


def _version(entry_id: str) -> int:
    m = _VERSION.search(entry_id.strip())
    return int(m.group(1)) if m else 0


def _draft(entry: ET.Element, line: int) -> PaperDraft:
    title = collapse(_text(entry, "title"))  # "" is still a record (issue 9)
    entry_id = _text(entry, "id").strip()
    arxiv_id = arxiv_id_from(entry_id)

    authors: list[Person] = []
    affiliations: list[str] = []
    for author in entry.findall(f"{_ATOM}author"):
        name = collapse(_text(author, "name"))
        if not name:
            continue
        given, _, family = name.rpartition(" ")
        authors.append(Person(family=family, given=given))
        place = "; ".join(
            collapse(a.text or "") for a in author.findall(f"{_ARXIV}affiliation") if a.text
        )
        affiliations.append(f"{name}: {place}" if place else "")

    url = ""
    pdf = ""
    for link in entry.findall(f"{_ATOM}link"):
        href = link.get("href", "")
        if link.get("rel") == "alternate" and not url:
            url = href
        elif link.get("title") == "pdf" and not pdf:
            pdf = href
    if not url and entry_id.startswith("http"):
        url = entry_id

    extra: dict[str, str] = {}
    primary = entry.find(f"{_ARXIV}primary_category")
    if primary is not None and primary.get("term"):
        extra["primaryclass"] = primary.get("term", "")
    categories = [c.get("term", "") for c in entry.findall(f"{_ATOM}category") if c.get("term")]
    if categories:
        extra["categories"] = " ".join(categories)
    comment = collapse(_text(entry, "comment", _ARXIV))
    if comment:
        extra["comment"] = comment
    if pdf:
        extra["pdf"] = pdf
    updated = _text(entry, "updated").strip()
    if updated:
        extra["updated"] = updated
    if any(affiliations):
        extra["affiliations"] = "\n".join(a for a in affiliations if a)
    # no eprint/archiveprefix extras: the arXiv id is a column of its own, which the
    # BibTeX writer writes as eprint (and a .bib read back gives no such extras)

    venue = collapse(_text(entry, "journal_ref", _ARXIV))
    return PaperDraft(
        title=title,
        abstract=collapse(_text(entry, "summary")),
        authors=tuple(authors),
        year=year_from(_text(entry, "published")),
        venue=venue,
        doi=clean_doi(_text(entry, "doi", _ARXIV)),
        arxiv_id=arxiv_id,
        url=url,
        entry_type="article" if venue else "misc",
        extra=extra,
        line=line,
    )
