"""BibTeX / biblatex text -> PaperDrafts.

`read(text, source)` is the whole API. The scanner (bibtex_scan) splits the text and
resolves @string macros; here crossrefs are resolved and each entry becomes a draft:

- title, abstract, venue, author names: LaTeX decoded to plain Unicode (latex.py);
- venue: journal, journaltitle, booktitle (moved out of `extra`); failing those, by type:
  publisher / school / institution / organization / howpublished (copied, and also kept
  in `extra` under its own name so an export writes it back where it was);
- year: the `year` field, else the start of a biblatex `date` (2021-03, 2021/2022);
- doi: as written minus a resolver prefix (`https://doi.org/`, `doi:`), case kept;
- arxiv_id: `eprint` when archiveprefix/eprinttype is arXiv, else an arxiv.org URL, an
  arXiv DOI (10.48550/arXiv.*) or a Google-Scholar style `journal = {arXiv preprint
  arXiv:...}`; the eprint fields are dropped from `extra` only when they were used;
- every other field goes to `extra` with its value as written (macros and `#` resolved,
  LaTeX not decoded), `keywords` and the bibliographic `note` included; `month` is
  normalised to the three-letter macro name ("mar") when it names a month.

Entries without a title are kept (title "") with a warning; entries with nothing at
all to go on and malformed entries are skipped with a Problem (the scan carries on
after them). A duplicate citation key and a crossref to a missing entry are
reported but do not stop the entry.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from ..domain import PaperDraft, ParseResult, Problem, SourceFormat
from ..text import normalise_arxiv_id
from .bibtex_names import BIBTEX_NAME_FIELDS, parse_names
from .bibtex_scan import MONTH_NAMES, RawEntry, scan
from .bibtex_write import date_restates, venue_field
from .clean import PLAIN_FIELDS_KEY
from .latex import latex_to_text, verbatim_to_text
from .tex_escape import to_latex
from .untitled import untitled_problem

_PRIMARY_VENUES = ("journal", "journaltitle", "booktitle")
# where a type without journal/booktitle keeps the name of its venue
_TYPE_VENUES: dict[str, tuple[str, ...]] = {
    "phdthesis": ("school", "institution"),
    "mastersthesis": ("school", "institution"),
    "thesis": ("institution", "school"),
    "techreport": ("institution",),
    "report": ("institution",),
    "manual": ("organization", "publisher"),
    "misc": ("howpublished", "organization", "publisher"),
    "online": ("organization", "publisher"),
    "booklet": ("howpublished", "publisher"),
}
_DEFAULT_VENUES = ("publisher", "organization", "institution", "school")

# Types that sit inside their crossref parent: the parent's title is their booktitle.
_CONTAINED = {"inproceedings", "conference", "incollection", "inbook", "bookinbook", "suppbook"}
# Fields that name the parent itself and must not become the child's own (biblatex rules).
_NOT_INHERITED = {"title", "subtitle", "titleaddon", "shorttitle", "crossref", "xref", "ids"}
_NOT_INHERITED |= {"key", "label", "shorthand", "entryset", "sortkey"}

_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_DATE_YEAR = re.compile(r"^\s*(\d{4})")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Za-z]{2})?/\d{7})$")
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+)", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_ARXIV_IN_TEXT = re.compile(r"arxiv:\s*(\d{4}\.\d{4,5}(?:v\d+)?)", re.IGNORECASE)
_MONTHS_BY_NAME = {name.lower(): name[:3].lower() for name in MONTH_NAMES}
_MONTHS_BY_NAME.update({name[:3].lower(): name[:3].lower() for name in MONTH_NAMES})
_MONTHS_BY_NAME["sept"] = "sep"


def read(text: str, source: str) -> ParseResult:
    """Parse BibTeX/biblatex `text`; `source` names the file in each Problem."""
    scanned = scan(text)
    problems = [Problem(source, line, message) for line, message in scanned.problems]
    entries = scanned.entries

    first_line: dict[str, int] = {}
    by_key: dict[str, RawEntry] = {}
    for entry in entries:
        if entry.key in first_line:
            problems.append(
                Problem(
                    source,
                    entry.line,
                    f"duplicate key {entry.key} (first at line {first_line[entry.key]})",
                )
            )
        else:
            first_line[entry.key] = entry.line
            by_key[entry.key] = entry
            by_key.setdefault(entry.key.lower(), entry)  # crossref keys: case-insensitive

    drafts: list[PaperDraft] = []
    for entry in entries:
        fields = _with_crossref(entry, by_key, problems, source)
        draft = _draft(entry, fields)
        untitled = untitled_problem(draft, source, entry.line, _label(entry))
        if untitled is not None:
            problems.append(untitled)
        if draft.has_content:
            drafts.append(draft)

    if not entries and not scanned.problems and text.strip():
        problems.append(Problem(source, 0, "no BibTeX entries found"))
    problems.sort(key=lambda p: p.line)
    return ParseResult(tuple(drafts), tuple(problems), SourceFormat.BIBTEX)


def _label(entry: RawEntry) -> str:
    return f"@{entry.entry_type}{{{entry.key}}}"


def _with_crossref(
    entry: RawEntry, by_key: dict[str, RawEntry], problems: list[Problem], source: str
) -> dict[str, str]:
    """The entry's fields plus those it inherits through `crossref` (chains followed)."""
    fields = dict(entry.fields)
    seen = {id(entry)}
    child_type = entry.entry_type
    current = entry
    while parent_key := current.fields.get("crossref", "").strip():
        parent = by_key.get(parent_key) or by_key.get(parent_key.lower())
        if parent is None:
            problems.append(
                Problem(source, entry.line, f"{_label(entry)}: crossref {parent_key} not found")
            )
            break
        if id(parent) in seen:
            break  # a crossref cycle: what we have is all there is
        seen.add(id(parent))
        for name, value in parent.fields.items():
            if name not in _NOT_INHERITED:
                fields.setdefault(name, value)
        if "title" in parent.fields and child_type in _CONTAINED:
            fields.setdefault("booktitle", parent.fields["title"])
        current = parent
    else:
        # resolved: the entry holds what it inherits, and the link itself is never
        # exported (the parent may not be in the file), so keeping it would only make
        # an export read back differ from the record
        fields.pop("crossref", None)
    return fields


def _one_line(value: str) -> str:
    return " ".join(latex_to_text(value).split())


def _draft(entry: RawEntry, fields: dict[str, str]) -> PaperDraft:
    extra = dict(fields)
    title = _one_line(extra.pop("title", ""))  # may be "": still a record (issue 9)
    abstract = latex_to_text(extra.pop("abstract", ""))
    authors = parse_names(extra.pop("author", ""))
    year = _year(extra)
    if "month" in extra:
        extra["month"] = _month(extra["month"])
    _drop_restated_date(extra, year)
    _drop_arxiv_howpublished(extra)
    venue = _venue(entry.entry_type, extra)
    doi = _DOI_PREFIX.sub("", verbatim_to_text(extra.pop("doi", "")))
    url = verbatim_to_text(extra.pop("url", ""))
    arxiv_id = _arxiv_id(extra, url, doi, venue)
    note = note_text(extra)
    _decode_plain_extras(extra)
    return PaperDraft(
        title=title,
        abstract=abstract,
        authors=authors,
        year=year,
        venue=venue,
        doi=doi,
        arxiv_id=arxiv_id,
        url=url,
        entry_type=entry.entry_type,
        source_key=entry.key,
        note=note,
        extra=MappingProxyType(extra),  # drafts are frozen values; so is their extra
        line=entry.line,
    )


_LINE_BREAK = re.compile(r"\r\n?|\n")


def note_text(extra: dict[str, str]) -> str:
    """`annote` (biblatex: `annotation`) is the note: taken out of `extra`, each line
    decoded on its own so the note keeps its lines and indents (see
    bibtex_write.note_value, which writes them so)."""
    for name in ("annote", "annotation"):
        value = extra.get(name, "")
        if value.strip():
            del extra[name]
            lines = []
            for line in _LINE_BREAK.split(value):
                indent = line[: len(line) - len(line.lstrip(" \t"))]
                body = line[len(indent) :].strip()
                lines.append(indent + _note_line(body) if body else "")
            return "\n".join(lines).strip("\n")
    return ""


_PARKED_BACKSLASH = "\U000f5c5c"  # private use: where a literal backslash waits


def _note_line(body: str) -> str:
    # a written-out backslash is text: `{\textbackslash}alpha` must not become α
    body = body.replace(_PARKED_BACKSLASH, "").replace("{\\textbackslash}", _PARKED_BACKSLASH)
    return _one_line(body).replace(_PARKED_BACKSLASH, "\\")


def _year(extra: dict[str, str]) -> int | None:
    """From `year` (removed when it is just the year), else from the start of `date`."""
    raw = extra.get("year", "")
    m = _YEAR.search(latex_to_text(raw)) if raw else None
    if m:
        if raw.strip().strip("{}") == m.group(1):
            del extra["year"]  # nothing lost: the writer writes the year back
        return int(m.group(1))
    m = _DATE_YEAR.match(extra.get("date", ""))
    return int(m.group(1)) if m else None


def _venue(entry_type: str, extra: dict[str, str]) -> str:
    for name in _PRIMARY_VENUES:
        if extra.get(name, "").strip():
            return _one_line(extra.pop(name))
    # the field our writer puts the venue in for this type: taken back from there, so
    # export -> import gives the same record (not the venue plus a copy in `extra`)
    kind = entry_type.lower()
    for name in dict.fromkeys((venue_field(kind, False), venue_field(kind, True))):
        if extra.get(name, "").strip():
            return _one_line(extra.pop(name))
    for name in fallback_venues(entry_type):
        if extra.get(name, "").strip():
            return _one_line(extra[name])  # kept in extra: it is not a journal/booktitle
    return ""


def fallback_venues(entry_type: str) -> tuple[str, ...]:
    """The fields that name the venue of a record with no journal/booktitle, by type
    (publisher, school, ...). The CSL reader asks the same, so that a record reads the
    same from a .bib and from CSL-JSON."""
    return _TYPE_VENUES.get(entry_type, _DEFAULT_VENUES)


def _drop_restated_date(extra: dict[str, str], year: int | None) -> None:
    """A `date` that only says the year (and month) becomes year + month: biblatex
    files say `date = {2021-03}` where BibTeX files say year and month, and both must
    be the same record."""
    date = extra.get("date", "")
    if not date or date_restates(date, year, extra.get("month", "")) is None:
        return
    del extra["date"]
    parts = date.strip().split("-")
    if len(parts) == 2 and "month" not in extra:
        extra["month"] = MONTH_NAMES[int(parts[1]) - 1][:3].lower()


_ARXIV_HOWPUBLISHED = re.compile(r"arxiv:\s*(\S+)\Z", re.IGNORECASE)


def _drop_arxiv_howpublished(extra: dict[str, str]) -> None:
    """`howpublished = {arXiv:ID}` restating the entry's eprint is what our writer adds
    for plain.bst (which ignores eprint): not a venue of its own."""
    m = _ARXIV_HOWPUBLISHED.match(latex_to_text(extra.get("howpublished", "")).strip())
    eprint = verbatim_to_text(extra.get("eprint", ""))
    if m and eprint and normalise_arxiv_id(m.group(1)) == normalise_arxiv_id(eprint):
        del extra["howpublished"]


_LATEX_MARK = re.compile(r"[\\{}$]")
# fields kept verbatim (paths, URLs, ids) and name lists (braces mean something there):
# never decoded
_VERBATIM_FIELDS = frozenset(
    ["url", "doi", "eprint", "file", "pdf", "verba", "verbb", "verbc", "urlraw"]
)


def _decode_plain_extras(extra: dict[str, str]) -> None:
    """An extra field whose LaTeX is only escaped plain text (`Smith \\& Sons`,
    `2{\\textendash}3`, what our writer makes of a CSL or RIS value) is stored as that
    text and marked plain (clean.PLAIN_FIELDS_KEY), so that it reads the same as the
    record it was exported from; any other LaTeX stays as written."""
    plain: list[str] = []
    for name, raw in extra.items():
        if name in _VERBATIM_FIELDS or name in BIBTEX_NAME_FIELDS or not _LATEX_MARK.search(raw):
            continue
        text = latex_to_text(raw)
        if text != raw and raw in (
            to_latex(text, ascii_only=True),
            to_latex(text, ascii_only=False),
        ):
            extra[name] = text
            plain.append(name)
    if plain:
        extra[PLAIN_FIELDS_KEY] = " ".join(sorted(plain))
    else:
        extra.pop(PLAIN_FIELDS_KEY, None)


def _arxiv_id(extra: dict[str, str], url: str, doi: str, venue: str) -> str:
    archive = extra.get("archiveprefix", extra.get("eprinttype", "")).strip().strip("{}")
    eprint = verbatim_to_text(extra.get("eprint", ""))
    if eprint and (archive.lower() == "arxiv" or not archive):
        candidate = normalise_arxiv_id(eprint)
        if _ARXIV_ID.match(candidate):
            for name in ("eprint", "archiveprefix", "eprinttype"):
                extra.pop(name, None)
            return candidate
    candidates = []
    if m := _ARXIV_URL.search(url):
        candidates.append(m.group(1))
    if m := _ARXIV_DOI.match(doi):
        candidates.append(m.group(1))
    if m := _ARXIV_IN_TEXT.search(venue):
        candidates.append(m.group(1))
    for candidate in candidates:
        normalised = normalise_arxiv_id(candidate)
        if _ARXIV_ID.match(normalised):
            return normalised
    return ""


def _month(raw: str) -> str:
    """ "mar" for mar / {March} / "3" / 3 / {Mar.}; anything else as written."""
    value = latex_to_text(raw).strip().lower().rstrip(".")
    if value.isdigit() and 1 <= int(value) <= 12:
        return MONTH_NAMES[int(value) - 1][:3].lower()
    return _MONTHS_BY_NAME.get(value, raw)
