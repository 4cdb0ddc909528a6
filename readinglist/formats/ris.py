"""RIS reader (`TY  - JOUR` ... `ER  -`), as written by EndNote, Zotero, Mendeley, databases.

Lines outside a record (export headers, "Record #1 of 2", numbering) are skipped; a
line without a tag continues the previous field. Fields with no place of their own
go to `extra` under a BibTeX-style name where one exists (VL -> volume), else under
the lower-case tag, so that exporting keeps them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from readinglist.domain import PaperDraft, ParseResult, Person, Problem, SourceFormat
from readinglist.formats.import_fields import (
    arxiv_id_from,
    clean_doi,
    collapse,
    person_from_name,
    year_from,
)
from readinglist.formats.untitled import untitled_problem

__all__ = ["read"]

# Two spaces before the hyphen is the standard; some writers use one. The value may be
# missing entirely ("SP  -"), and "ER then..." (no hyphen) is a continuation line.
_TAG_LINE = re.compile(r"([A-Z][A-Z0-9]) {1,2}-(?:[ \t](.*))?")

_TYPES = {
    "JOUR": "article",
    "JFULL": "article",
    "EJOUR": "article",
    "MGZN": "article",
    "NEWS": "article",
    "JOURNAL ARTICLE": "article",
    "CONF": "inproceedings",
    "CPAPER": "inproceedings",
    "CONFERENCE PAPER": "inproceedings",
    "CONFERENCE PROCEEDINGS": "inproceedings",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "CHAP": "incollection",
    "ECHAP": "incollection",
    "BOOK SECTION": "incollection",
    "THES": "phdthesis",
    "THESIS": "phdthesis",
    "RPRT": "techreport",
    "REPORT": "techreport",
}

# RIS tags with a usual BibTeX/biblatex field name (so exporters write real fields).
_EXTRA_NAMES = {
    "VL": "volume",
    "VO": "volume",
    "IS": "number",
    "PB": "publisher",
    "CY": "address",
    "LA": "language",
    "N1": "note",
    "JA": "shortjournal",
    "JO": "shortjournal",  # when JF gave the full name, JO is the abbreviation
    "J2": "shortjournal",
    "ST": "shorttitle",
    "ED": "editor",
    "A2": "editor",
    "ET": "edition",
    "KW": "keywords",
    "M3": "type",
    "AD": "affiliation",
    "Y2": "urldate",
}
_VENUE_TAGS = ("JF", "JO", "T2", "BT")
# ST (short title) only when nothing better is there: a short title beats no paper.
_TITLE_TAGS = ("TI", "T1", "CT", "ST")
_ABSTRACT_TAGS = ("AB", "N2")
_AUTHOR_TAGS = ("AU", "A1")
_YEAR_TAGS = ("PY", "Y1", "DA")
# Joined lists: names the BibTeX way, keywords the biblatex way.
_JOINERS = {"editor": " and ", "keywords": ", "}


@dataclass
class _Record:
    line: int
    type: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def values(self, tag: str) -> list[str]:
        return [v for t, v in self.fields if t == tag and v]


def read(text: str, source: str) -> ParseResult:
    drafts: list[PaperDraft] = []
    problems: list[Problem] = []
    record: _Record | None = None
    for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        line = raw.rstrip()
        m = _TAG_LINE.fullmatch(line)
        if m is None:
            if record is not None and record.fields and line.strip():
                tag, value = record.fields[-1]
                record.fields[-1] = (tag, f"{value}\n{line.strip()}" if value else line.strip())
            continue
        tag, value = m.group(1), (m.group(2) or "").strip()
        if tag == "TY":
            if record is not None:
                _finish(record, source, drafts, problems, closed=False)
            record = _Record(number, value)
        elif record is None:
            continue  # a stray tag outside any record (a header line that looks tagged)
        elif tag == "ER":
            _finish(record, source, drafts, problems, closed=True)
            record = None
        else:
            record.fields.append((tag, value))
    if record is not None:
        _finish(record, source, drafts, problems, closed=False)
    return ParseResult(tuple(drafts), tuple(problems), SourceFormat.RIS)


def _finish(
    record: _Record,
    source: str,
    drafts: list[PaperDraft],
    problems: list[Problem],
    *,
    closed: bool,
) -> None:
    draft = _draft(record)
    untitled = untitled_problem(draft, source, record.line, "RIS record")
    if untitled is not None:
        problems.append(untitled)
    if not draft.has_content:
        return
    if not closed:
        problems.append(
            Problem(source, record.line, "RIS record does not end with 'ER  -'; read it anyway")
        )
    drafts.append(draft)


def _draft(record: _Record) -> PaperDraft:
    used: set[str] = {"TY", "ID"}
    entry_type = _TYPES.get(collapse(record.type).upper(), "misc")

    title = _first(record, _TITLE_TAGS, used)
    if not title and entry_type == "book":
        title = _first(record, ("BT",), used)
    abstract = _first(record, _ABSTRACT_TAGS, used)
    venue = _first(record, _VENUE_TAGS, used)

    authors: list[Person] = []
    for tag in _AUTHOR_TAGS:
        used.add(tag)
        for name in record.values(tag):
            person = person_from_name(name)
            if person is not None:
                authors.append(person)

    year = None
    for tag in _YEAR_TAGS:
        for value in record.values(tag):
            year = year_from(value)
            if year is not None:
                used.add(tag)
                break
        if year is not None:
            break

    doi_values = record.values("DO")
    url_values = record.values("UR")
    used.update(("DO", "UR"))
    doi = next((d for d in map(clean_doi, doi_values) if d), "")
    url = url_values[0] if url_values else ""
    arxiv_id = next((a for a in map(arxiv_id_from, doi_values + url_values) if a), "")

    extra = _extra(record, used, entry_type)
    if entry_type == "misc" and record.type:
        extra.setdefault("ris_type", record.type)
    if len(url_values) > 1:
        extra.setdefault("urls", "\n".join(url_values[1:]))
    if doi_values and not doi:
        extra.setdefault("do", doi_values[0])  # not a DOI after all; keep what it said

    ids = record.values("ID")
    return PaperDraft(
        title=collapse(title),
        abstract=collapse(abstract),
        authors=tuple(authors),
        year=year,
        venue=collapse(venue),
        doi=doi,
        arxiv_id=arxiv_id,
        url=url,
        entry_type=entry_type,
        source_key=ids[0] if ids else "",
        extra=extra,
        line=record.line,
    )


def _first(record: _Record, tags: tuple[str, ...], used: set[str]) -> str:
    """The first non-empty value among `tags` (in that order); marks only that tag used."""
    for tag in tags:
        values = record.values(tag)
        if values:
            used.add(tag)
            return values[0]
    return ""


def _extra(record: _Record, used: set[str], entry_type: str) -> dict[str, str]:
    collected: dict[str, list[str]] = {}
    for tag, value in record.fields:
        if tag in used or not value:
            continue
        name = _EXTRA_NAMES.get(tag, tag.lower())
        if tag == "SN":
            name = "issn" if entry_type == "article" else "isbn"
        collected.setdefault(name, []).append(value)
    extra = {name: _JOINERS.get(name, "; ").join(values) for name, values in collected.items()}
    # SP/EP are the two ends of one BibTeX field.
    start, end = extra.pop("sp", ""), extra.pop("ep", "")
    if start or end:
        extra["pages"] = f"{start}--{end}" if start and end and start != end else start or end
    return extra
