"""CSL-JSON reader: the item list Zotero, Better BibTeX, citeproc and pandoc exchange.

Accepts a list of items, a single item, or `{"items": [...]}`. Fields the library has
no column for go to `extra` (lower-case names; lists and objects as JSON text) so an
export can give them back.

CSL has one word for several BibTeX types (`chapter`: inbook and incollection; `book`:
book, proceedings, collection). Our writer puts the entry type in `custom` as
`entry-type` where the CSL type would read back as another one, so our own export reads
back as it was; a foreign file (no such key) reads with the standard map below. For a
type whose venue BibTeX names by its publisher (book, thesis, report: publisher,
school, institution), a `publisher` without a `container-title` is the venue, as the
BibTeX reader has it for `@book{publisher = ...}`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from readinglist.domain import PaperDraft, ParseResult, Person, Problem, SourceFormat
from readinglist.formats.bibtex_names import CSL_NAME_FIELDS, name_list_text
from readinglist.formats.bibtex_read import fallback_venues
from readinglist.formats.bibtex_write import venue_field
from readinglist.formats.import_fields import arxiv_id_from, clean_doi, collapse, year_from
from readinglist.formats.untitled import untitled_problem

__all__ = ["ENTRY_TYPE_KEY", "TYPES", "read"]

TYPES = {  # CSL type -> entry type
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "paper-conference": "inproceedings",
    "book": "book",
    "chapter": "incollection",
    "thesis": "phdthesis",
    "report": "techreport",
    # what our writer makes of the biblatex types (csljson_write._CSL_TYPES)
    "article": "article",
    "webpage": "online",
    "manuscript": "unpublished",
    "dataset": "dataset",
    "software": "software",
    "patent": "patent",
}
# The CSL type each entry type turns back into; any other CSL type is kept in extra.
_CANONICAL = {
    "article-journal",
    "paper-conference",
    "book",
    "chapter",
    "thesis",
    "report",
    "article",
    "webpage",
    "manuscript",
    "dataset",
    "software",
    "patent",
    "document",  # what our writer calls a misc
}
# CSL variables with a BibTeX name (csljson_write._CSL_FROM_BIBTEX read backwards):
# stored under the BibTeX name, which both writers know, unless that name is taken
_BIBTEX_NAMES = {
    "page": "pages",
    "issue": "number",
    "publisher-place": "address",
    "collection-title": "series",
}
# the key in `custom` that carries the entry type (see the module docstring)
ENTRY_TYPE_KEY = "entry-type"
_ENTRY_TYPE = re.compile(r"[a-z][a-z0-9_-]*\Z")
# BibTeX venue fields that CSL calls `publisher`
_PUBLISHER_VENUES = frozenset(("publisher", "school", "institution", "organization"))
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_USED = frozenset(
    (
        "title",
        "abstract",
        "author",
        "issued",
        "container-title",
        "doi",
        "url",
        "type",
        "citation-key",
        "id",
    )
)
# CSL rich-text markup allowed inside titles; the library keeps plain text.
_MARKUP = re.compile(r"</?(?:i|b|sup|sub|span)(?:\s[^<>]*)?>", re.IGNORECASE)


def read(text: str, source: str) -> ParseResult:
    text = text.removeprefix("\ufeff")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        return _failed(
            source, e.lineno, f"invalid JSON: {e.msg} (line {e.lineno}, column {e.colno})"
        )
    except RecursionError:
        return _failed(source, 0, "invalid JSON: nested too deeply")

    if isinstance(data, list):
        items: list[Any] = data
        lines = _object_lines(text, depth=1)
    elif isinstance(data, dict) and isinstance(data.get("items"), list):
        items = data["items"]
        lines = _object_lines(text, depth=2)
    elif isinstance(data, dict):
        items = [data]
        lines = [_first_line(text)]
    else:
        kind = type(data).__name__ if data is not None else "null"
        return _failed(source, 1, f"CSL-JSON must be a list of items, not a JSON {kind}")
    objects = sum(1 for item in items if isinstance(item, dict))
    if len(lines) != objects:
        lines = [0] * objects  # objects nested oddly; better no line than a wrong one
    object_lines = iter(lines)

    drafts: list[PaperDraft] = []
    problems: list[Problem] = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(source, 0, f"item {index} is not a JSON object; skipped"))
            continue
        line = next(object_lines)
        draft = _draft(item, line)
        name = _key(item)
        label = f"CSL-JSON item {index} ({name!r})" if name else f"CSL-JSON item {index}"
        untitled = untitled_problem(draft, source, line, label)
        if untitled is not None:
            problems.append(untitled)
        if draft.has_content:
            drafts.append(draft)
    return ParseResult(tuple(drafts), tuple(problems), SourceFormat.CSLJSON)


def _failed(source: str, line: int, message: str) -> ParseResult:
    return ParseResult((), (Problem(source, line, message),), SourceFormat.CSLJSON)


def _first_line(text: str) -> int:
    start = text.find("{")
    return text.count("\n", 0, start) + 1 if start >= 0 else 0


# Strings as whole tokens (so brackets inside them are skipped), brackets one by one.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def _object_lines(text: str, depth: int) -> list[int]:
    """Line of each object that opens directly inside an array at `depth` (1: top level).

    The text is known to be valid JSON here, so a bracket stack is exact.
    """
    lines: list[int] = []
    stack: list[str] = []
    line, last = 1, 0
    for m in _TOKEN.finditer(text):
        token = m.group(0)
        if token == "{" or token == "[":
            if token == "{" and len(stack) == depth and stack[-1] == "[":
                line += text.count("\n", last, m.start())
                last = m.start()
                lines.append(line)
            stack.append(token)
        elif token == "}" or token == "]":
            stack.pop()
    return lines


def _key(item: Mapping[str, Any]) -> str:
    for name in ("citation-key", "id"):
        value = item.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
            return str(value)
    return ""


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _draft(item: Mapping[str, Any], line: int) -> PaperDraft:
    fields = {str(k).lower(): v for k, v in item.items()}
    title = collapse(_MARKUP.sub("", _plain(fields.get("title"))))  # "" is still a record
    csl_type = _plain(fields.get("type")).strip()
    entry_type = TYPES.get(csl_type, "misc")
    year, month, issued_extra = _issued(fields.get("issued"))
    doi_value = _plain(fields.get("doi"))
    url = _plain(fields.get("url")).strip()
    doi = clean_doi(doi_value)
    source_key = _key(item)

    arxiv_id = arxiv_id_from(doi) or arxiv_id_from(url)
    extra: dict[str, str] = {}
    custom = fields.pop("custom", None)
    if not isinstance(custom, dict) and custom not in (None, "", [], {}):
        fields["custom"] = custom  # not the CSL-JSON 1.0.2 object: kept as it is
    for name, value in fields.items():
        if name not in _USED and value not in (None, "", [], {}):
            extra[name] = _plain(value)
            if name in CSL_NAME_FIELDS and isinstance(value, list):
                # names as a BibTeX name list, which both writers write as names
                extra[name] = name_list_text(_people(value)) or extra[name]
    if isinstance(custom, dict):
        # CSL-JSON 1.0.2's `custom`: fields CSL has no variable for (a BibTeX `type`)
        kept_type = custom.get(ENTRY_TYPE_KEY)
        if isinstance(kept_type, str) and _ENTRY_TYPE.match(kept_type.strip().lower()):
            entry_type = kept_type.strip().lower()  # what our writer was given
        for name, value in custom.items():
            key = str(name).lower()
            if key == ENTRY_TYPE_KEY:
                continue
            if key not in extra and value not in (None, "", [], {}):
                extra[key] = _plain(value)
    number = extra.get("number", "")
    if arxiv_id and arxiv_id_from(number) == arxiv_id:
        del extra["number"]  # "arXiv:ID": how Zotero (and our writer) mark a preprint
    for csl, bibtex in _BIBTEX_NAMES.items():
        if csl in extra and bibtex not in extra and bibtex not in fields:
            value = extra.pop(csl)
            extra[bibtex] = value.replace("-", "--") if csl == "page" else value
    if csl_type and csl_type not in _CANONICAL:
        extra["csl_type"] = csl_type
    if month and "month" not in extra:
        extra["month"] = _MONTHS[month - 1]  # as the BibTeX reader says it
    if issued_extra:
        extra["issued"] = issued_extra
    venue = collapse(_MARKUP.sub("", _plain(fields.get("container-title"))))
    if not venue and venue_field(entry_type, False) in _PUBLISHER_VENUES:
        venue = collapse(extra.pop("publisher", ""))
    if not venue and "publisher" in fallback_venues(entry_type):
        # a misc's (an article's, ...) publisher names its venue as in a .bib; kept too
        venue = collapse(extra.get("publisher", ""))
    item_id = _plain(fields.get("id"))
    if item_id and item_id != source_key:
        extra["csl_id"] = item_id
    if doi_value and not doi:
        extra["doi"] = doi_value

    return PaperDraft(
        title=title,
        abstract=_plain(fields.get("abstract")).strip(),
        authors=_people(fields.get("author")),
        year=year,
        venue=venue,
        doi=doi,
        arxiv_id=arxiv_id,
        url=url,
        entry_type=entry_type,
        source_key=source_key,
        extra=extra,
        line=line,
    )


def _people(value: Any) -> tuple[Person, ...]:
    if not isinstance(value, list):
        return ()
    people: list[Person] = []
    for name in value:
        if isinstance(name, str):
            if name.strip():
                people.append(Person(family=collapse(name)))
            continue
        if not isinstance(name, dict):
            continue
        literal = collapse(_plain(name.get("literal")))
        family = collapse(_plain(name.get("family")))
        given = collapse(_plain(name.get("given")))
        if literal and not family:
            people.append(Person(family=literal))
            continue
        particles = (
            collapse(_plain(name.get("dropping-particle"))),
            collapse(_plain(name.get("non-dropping-particle"))),
        )
        if not family:
            family, given = given, ""  # a lone given name still names someone
        if family:
            people.append(
                Person(
                    family=family,
                    given=given,
                    prefix=" ".join(p for p in particles if p),
                    suffix=collapse(_plain(name.get("suffix"))),
                )
            )
    return tuple(people)


def _issued(value: Any) -> tuple[int | None, int | None, str]:
    """(year, month, what to keep in extra) from a CSL date.

    Only a plain year or year-month is fully told by `year` and `month`; anything
    more (a day, a range, a season, a literal) is also kept verbatim as JSON.
    """
    if value in (None, "", {}, []):
        return None, None, ""
    year: int | None = None
    month: int | None = None
    simple = False
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            first = parts[0]
            year = _int(first[0])
            month = _int(first[1]) if len(first) > 1 else None
            if month is not None and not 1 <= month <= 12:
                month = None  # seasons are 13-24; they stay in the kept JSON
            simple = len(parts) == 1 and len(first) <= 2 and (len(first) == 1 or month is not None)
        if year is None:
            for key in ("raw", "literal"):
                if isinstance(value.get(key), str):
                    year = year_from(value[key])
                    if year is not None:
                        break
    elif isinstance(value, (str, int)):
        year = year_from(str(value))
    if year is not None and year <= 0:
        year, simple = None, False  # BCE and year zero: keep verbatim, no sortable year
    return year, month, "" if simple and year is not None else _plain(value)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None
